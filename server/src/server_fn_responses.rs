//! The server-function door's answers, made to match the REST door's, and always decodable by the SPA.
//!
//! server_fn answers every error with status 500, whatever went wrong, including failures before our code runs
//! (undecodable arguments). Every such error body is an `AppError` (it carries its status), so this layer restores
//! the right status and headers from the error itself, with the same mapping REST uses.
//!
//! Some answers under `/api/` never come from a server function: the body limit's 413, the deadline's 408, the
//! cross-site 403, an unknown function's 404 (otherwise the HTML page) and a wrong method's 405 (otherwise an
//! empty body). They get the server-function error shape too, keeping their status, so the browser shows their
//! message instead of failing to decode them. The layer sits outside all of those (see `http.rs`). Answers are
//! per member, so they are kept out of every cache.

use app::error::{AppError, wire_body};
use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Path prefix of every server function (see `#[server(prefix = ...)]` in app/src/api).
pub const PREFIX: &str = "/api/";
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
/// Error bodies are a message and a status; anything bigger is not a message worth passing on.
const MAX_ERROR_BODY: usize = 16 * 1024;

pub async fn server_fn_responses(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with(PREFIX) {
        return next.run(request).await;
    }
    let mut response = next.run(request).await;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let from_server_fn = response.headers().contains_key(SERVER_FN_ERROR_HEADER);
    let failed = response.status().is_client_error() || response.status().is_server_error();
    if !(from_server_fn || failed) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, MAX_ERROR_BODY).await.unwrap_or_default();
    if from_server_fn && let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status_code();
        parts.headers.extend(error.headers());
        return Response::from_parts(parts, Body::from(bytes));
    }
    let retry_after = parts.headers.get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()?.parse().ok());
    let body = Json(wire_body(parts.status.as_u16(), &message(parts.status, &bytes), retry_after));
    let mut rebuilt = (parts.status, body).into_response();
    // Keep what the status needs (Retry-After, WWW-Authenticate, Connection: close); the body is new.
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    rebuilt.headers_mut().extend(parts.headers);
    rebuilt
}

/// The message of an answer that is not a server function's: the `error` of a JSON error body (the limits
/// answer in the REST shape), else the status' own reason ("Not Found", "Method Not Allowed").
fn message(status: StatusCode, body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| value.get("error")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| reason(status))
}

fn reason(status: StatusCode) -> String {
    match status {
        StatusCode::NOT_FOUND => "No such server function".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "Method not allowed: server functions take POST".to_owned(),
        other => other.canonical_reason().unwrap_or("Request failed").to_owned(),
    }
}
