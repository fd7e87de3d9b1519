//! Limits every request lives within: a body size and a deadline.

use app::error::error_body;
use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use std::time::Duration;

/// Largest request body accepted anywhere: credentials and posts are small; this bounds memory per request.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
pub const PAYLOAD_TOO_LARGE: &str = "Request body too large (limit 64 KiB)";
pub const REQUEST_TIMEOUT: &str = "Request timed out";

fn too_large() -> Response {
    (StatusCode::PAYLOAD_TOO_LARGE, Json(error_body(PAYLOAD_TOO_LARGE))).into_response()
}

/// Reads the whole body, at most `MAX_BODY_BYTES`, before any handler runs, and answers 413 past it, whether the
/// size was declared (Content-Length) or not (chunked). Axum's extractors enforce a limit for the REST door, but
/// server functions read their bodies themselves and would otherwise take any size.
pub async fn limit_body(request: Request, next: Next) -> Response {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    let bytes = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => return too_large(),
        Err(_) => {
            let body = Json(error_body("Could not read the request body"));
            return (StatusCode::BAD_REQUEST, body).into_response();
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// Answers 408 when a request (reading its body included) takes longer than the configured time, so a slow
/// client or a stuck dependency cannot hold a request open indefinitely.
pub async fn deadline(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_seconds = limit.as_secs(), "request timed out");
            let mut response = (StatusCode::REQUEST_TIMEOUT, Json(error_body(REQUEST_TIMEOUT))).into_response();
            // The client may still be sending: this connection cannot be reused.
            response.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
            response
        }
    }
}
