//! Read-your-writes at the door (both of them): the client's `Bulletin-Read-After` position in, the position of
//! the request's writes out (`app/src/store/read_your_writes.rs` explains why the client carries it).

use app::model::read_after::{READ_AFTER_HEADER, parse_position};
use app::store::read_your_writes;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

pub async fn read_your_writes(request: Request, next: Next) -> Response {
    let read_after =
        request.headers().get(READ_AFTER_HEADER).and_then(|value| value.to_str().ok()).and_then(parse_position);
    let (mut response, written) = read_your_writes::scope(read_after, next.run(request)).await;
    if let Some(position) = written {
        response.headers_mut().insert(READ_AFTER_HEADER, HeaderValue::from(position));
    }
    response
}
