//! Cross-cutting HTTP layers: request tracing, body size limits, baseline security headers.

use app::error::error_body;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted anywhere: credentials and posts are small; this bounds memory per request.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
pub const PAYLOAD_TOO_LARGE: &str = "Request body too large (limit 64 KiB)";

pub fn with_layers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        // Axum's own extractors (the REST door) enforce the limit even without a Content-Length.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Server functions read the body themselves: refuse a declared oversize body up front, for every route.
        .layer(middleware::from_fn(refuse_oversized_body))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(TraceLayer::new_for_http())
}

async fn refuse_oversized_body(request: Request, next: Next) -> Response {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(error_body(PAYLOAD_TOO_LARGE))).into_response();
    }
    next.run(request).await
}
