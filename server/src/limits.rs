//! Limits every request lives within: a body size and a deadline.

use app::error::error_body;
use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::BytesMut;
use http_body_util::BodyExt;
use std::time::Duration;

/// Largest request body accepted anywhere: credentials and posts are small; this bounds memory per request.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
pub const PAYLOAD_TOO_LARGE: &str = "Request body too large (limit 64 KiB)";
pub const REQUEST_TIMEOUT: &str = "Request timed out";

/// After a 413, the rest of an oversized body is still read and thrown away, up to this much and this long, so a
/// client that sends its whole body before reading the answer (no `Expect: 100-continue`: most HTTP libraries
/// and browsers) receives the 413 instead of a connection reset while it is still writing. Past either bound the
/// connection is closed: nobody can keep the server reading for free.
const DRAIN_BYTES: u64 = 8 << 20;
const DRAIN_TIME: Duration = Duration::from_secs(5);

fn too_large() -> Response {
    let mut response = (StatusCode::PAYLOAD_TOO_LARGE, Json(error_body(PAYLOAD_TOO_LARGE))).into_response();
    // The rest of the body is not read as a request: this connection cannot be reused.
    response.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    response
}

/// Reads and discards what is left of `body` in the background, within the drain bounds.
fn drain(mut body: Body) {
    tokio::spawn(tokio::time::timeout(DRAIN_TIME, async move {
        let mut left = DRAIN_BYTES;
        while let Some(Ok(frame)) = body.frame().await {
            let read = frame.data_ref().map_or(0, |data| data.len() as u64);
            left = left.saturating_sub(read);
            if left == 0 {
                break;
            }
        }
    }));
}

/// Reads the whole body, at most `MAX_BODY_BYTES`, before any handler runs, and answers 413 past it, whether the
/// size was declared (Content-Length) or not (chunked). Axum's extractors enforce a limit for the REST door, but
/// server functions read their bodies themselves and would otherwise take any size.
pub async fn limit_body(request: Request, next: Next) -> Response {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let (parts, mut body) = request.into_parts();
    if let Some(len) = declared.filter(|len| *len > MAX_BODY_BYTES as u64) {
        if len <= DRAIN_BYTES {
            drain(body);
        }
        return too_large();
    }
    let mut bytes = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            let body = Json(error_body("Could not read the request body"));
            return (StatusCode::BAD_REQUEST, body).into_response();
        };
        if let Some(data) = frame.data_ref() {
            if bytes.len() + data.len() > MAX_BODY_BYTES {
                drain(body);
                return too_large();
            }
            bytes.extend_from_slice(data);
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes.freeze()))).await
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
