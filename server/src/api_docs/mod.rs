//! `GET /openapi.json` (the document) and `GET /docs` (a page that renders it), both served from the binary:
//! the viewer is a small self-hosted script and stylesheet, no CDN, no framework.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use bytes::Bytes;
use tower_http::set_header::SetResponseHeaderLayer;

const INDEX: &str = include_str!("index.html");
const VIEWER_JS: &str = include_str!("viewer.js");
const VIEWER_CSS: &str = include_str!("viewer.css");

/// The viewer needs only its own files and the document; nothing inline, nothing from elsewhere.
const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                           img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

fn with_type(content_type: &'static str, body: impl IntoResponse) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], body)
}

pub fn router<S: Clone + Send + Sync + 'static>(document: utoipa::openapi::OpenApi) -> Router<S> {
    // Rendered once; each request gets a reference-counted view of the same bytes.
    let json = Bytes::from(document.to_pretty_json().expect("the OpenAPI document serialises"));
    // The policy is the page's: the script and stylesheet it loads are not pages and need none.
    let page = get(|| async { with_type("text/html; charset=utf-8", INDEX) }).layer(
        SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCS_POLICY)),
    );
    Router::new()
        .route("/openapi.json", get(move || std::future::ready(with_type("application/json", json.clone()))))
        .route("/docs", page)
        .route("/docs/viewer.js", get(|| async { with_type("text/javascript; charset=utf-8", VIEWER_JS) }))
        .route("/docs/viewer.css", get(|| async { with_type("text/css; charset=utf-8", VIEWER_CSS) }))
}
