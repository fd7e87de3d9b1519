//! Cross-cutting HTTP layers: request ids and tracing, body size limits, baseline security headers.

use app::error::error_body;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// The header that carries a request's id: taken from the client (or a proxy) if present, made up otherwise,
/// echoed on the response and recorded on the request's log span, so one request can be followed end to end.
pub const REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-request-id");

/// 16 random hex digits: unique enough to find one request in the logs, and no information about the server.
#[derive(Clone, Copy)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        let id = format!("{:016x}", rand::random::<u64>());
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

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
        // Nothing of Bulletin may be framed (clickjacking), and no other window may keep a handle on ours.
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        // Outermost: the id exists before tracing opens the request's span, and is copied onto every response.
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), uri = %request.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, RandomRequestId))
}

async fn refuse_oversized_body(request: Request, next: Next) -> Response {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(error_body(PAYLOAD_TOO_LARGE))).into_response();
    }
    next.run(request).await
}
