//! The server-function door's answers, made to match the REST door's.
//!
//! server_fn answers every error with status 500, whatever went wrong, including failures before our code runs
//! (undecodable arguments). Every such error body is an `AppError` (it carries its status), so one middleware
//! restores the right status and headers from the error itself, with the same mapping REST uses. Answers are
//! per member, so they are kept out of every cache too.

use app::error::AppError;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Path prefix of every server function (see `#[server(prefix = ...)]` in app/src/api).
pub const PREFIX: &str = "/api/";
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
/// Error bodies are a message and a status; anything bigger is not ours and passes through unchanged.
const MAX_ERROR_BODY: usize = 16 * 1024;

pub async fn server_fn_responses(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with(PREFIX) {
        return next.run(request).await;
    }
    let mut response = next.run(request).await;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::error!(error = %err, "unreadable server-function error body");
            return Response::from_parts(parts, Body::empty());
        }
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status_code();
        parts.headers.extend(error.headers());
    }
    Response::from_parts(parts, Body::from(bytes))
}
