//! Server functions answer the app's own pages only.
//!
//! They are the SPA's door, and a browser sends a form-encoded POST to them from any other site without asking
//! first (no CORS preflight): a third-party page could make its visitors log in, register, or spend their
//! address's login budget and a chosen member's failed-login budget. Browsers say where a request comes from —
//! `Sec-Fetch-Site` (every current browser), else `Origin` — so a cross-site call is refused with 403 before any
//! body is read, any work done or any attempt counted. Clients that are not browsers send neither header and
//! are not a forgery risk (they hold their own credentials); they pass, and the REST door is theirs anyway.

use crate::server_fn_responses::PREFIX;
use app::error::AppError;
use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const CROSS_SITE_REFUSED: &str = "Cross-site requests are not allowed";

pub async fn refuse_cross_site_server_fns(request: Request, next: Next) -> Response {
    if request.uri().path().starts_with(PREFIX) && is_cross_site(request.headers()) {
        tracing::warn!(target: "audit", event = "cross_site_refused", path = %request.uri().path(), "server function called from another site");
        let refusal = AppError::Forbidden(CROSS_SITE_REFUSED.into());
        // The server-function error shape (`error` and `status`), which is also the REST shape plus a field.
        let body = serde_json::to_value(&refusal).unwrap_or_else(|_| app::error::error_body(CROSS_SITE_REFUSED));
        return (StatusCode::FORBIDDEN, Json(body)).into_response();
    }
    next.run(request).await
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
