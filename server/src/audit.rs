//! Audit events for refused requests, whichever door and whichever rule refused them: one place sees every
//! response's status. (Events for what members did — register, login, refresh, revocation, password change — are
//! emitted by the service, which knows what happened.) The request's span supplies the client address, the
//! request id and, once authenticated, the user id; no event ever holds a credential.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

pub async fn audit_refusals(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    match response.status() {
        StatusCode::UNAUTHORIZED => {
            tracing::warn!(target: "audit", event = "unauthorized", status, %method, %path, "request refused: not authenticated")
        }
        StatusCode::FORBIDDEN => {
            tracing::warn!(target: "audit", event = "forbidden", status, %method, %path, "request refused: not allowed")
        }
        StatusCode::TOO_MANY_REQUESTS => {
            tracing::warn!(target: "audit", event = "rate_limited", status, %method, %path, "request refused: rate limit")
        }
        _ => {}
    }
    response
}
