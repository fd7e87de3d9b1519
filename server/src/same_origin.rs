//! Server functions answer the app's own pages only.
//!
//! They are the SPA's door, and a browser sends a form-encoded POST to them from any other site without asking
//! first (no CORS preflight): a third-party page could make its visitors log in, register, or spend their
//! address's login budget and a chosen member's failed-login budget. Browsers say where a request comes from —
//! `Sec-Fetch-Site` (every current browser), else `Origin` — so a cross-site call is refused with 403 before any
//! body is read, any work done or any attempt counted. Clients that are not browsers send neither header and
//! are not a forgery risk (they hold their own credentials); they pass, and the REST door is theirs anyway.
//!
//! Second line: a server function takes only `Content-Type: application/json` (415 otherwise, like REST). A
//! browser sends that type to another site only after a CORS preflight, which Bulletin never grants, so even a
//! browser that sent neither header could not forge a call; a `text/plain` body that happens to be JSON (which
//! needs no preflight) is refused before it is read.

use crate::server_fn_responses::PREFIX;
use app::error::{AppError, messages};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const CROSS_SITE_REFUSED: &str = "Cross-site requests are not allowed";

pub async fn only_own_pages_json(request: Request, next: Next) -> Response {
    if request.uri().path().starts_with(PREFIX) && is_cross_site(request.headers()) {
        tracing::warn!(target: "audit", event = "cross_site_refused", path = %request.uri().path(), "server function called from another site");
        // `server_fn_responses` (outside this layer) gives it the server-function error shape.
        return AppError::Forbidden(CROSS_SITE_REFUSED.into()).into_response();
    }
    if request.uri().path().starts_with(PREFIX) && request.method() == Method::POST && !is_json(request.headers()) {
        let body = axum::Json(app::error::error_body(messages::JSON_REQUIRED));
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, body).into_response();
    }
    next.run(request).await
}

/// `application/json`, with or without parameters (`; charset=utf-8`).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case("application/json"))
}

/// Whether the browser says this request comes from another origin.
fn is_cross_site(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        // "none": typed into the address bar or a bookmark; "same-site" is a sibling subdomain, not us.
        return !matches!(site, "same-origin" | "none");
    }
    match (text(header::ORIGIN), text(header::HOST)) {
        (None, _) => false,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, authority)| authority) != Some(host),
        (Some(_), None) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::is_cross_site;
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap())).collect()
    }

    #[test]
    fn fetch_metadata_decides_and_origin_is_the_fallback() {
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "same-origin"), ("origin", "https://evil.example")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(&headers(&[("origin", "http://board.example:3000"), ("host", "board.example:3000")])));
        assert!(is_cross_site(&headers(&[("origin", "https://evil.example"), ("host", "board.example")])));
        assert!(is_cross_site(&headers(&[("origin", "null"), ("host", "board.example")])));
        assert!(!is_cross_site(&headers(&[("host", "board.example")])), "no browser headers: not a forgery");
    }
}
