//! What browsers are told to enforce: the Content-Security-Policy of pages, HSTS behind TLS, and which other
//! origins may call the REST API (CORS).
//!
//! Tokens live in localStorage, so script injection is the attack that matters: the CSP allows only the one
//! inline script Leptos renders (carrying this response's nonce) and what that script imports, plus the
//! WebAssembly it compiles. Everything else (inline handlers, injected `<script>` tags, other origins, plugins,
//! `<base>` rewriting, framing, foreign form targets) is refused by the browser even if markup slipped through.

use axum::http::{HeaderName, HeaderValue, Method, header};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The policy of one HTML response. `script-src` has no `'self'` and no `'strict-dynamic'`: the module the
/// nonced inline script imports inherits the nonce, so nothing else needs allowing. `img-src data:` is for the
/// inline favicon; the stylesheet is a same-origin file, so `style-src` needs no `'unsafe-inline'`.
pub fn page_policy(nonce: &str) -> String {
    [
        "default-src 'self'".to_owned(),
        format!("script-src 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        "style-src 'self'".to_owned(),
        "img-src 'self' data:".to_owned(),
        "connect-src 'self'".to_owned(),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "frame-ancestors 'none'".to_owned(),
        "form-action 'self'".to_owned(),
    ]
    .join("; ")
}

/// Run inside every page render (as Leptos context): gives the response the policy for the nonce Leptos put on
/// its scripts. Outside a page render (static files) there is no nonce and nothing is set.
pub fn set_page_policy() {
    if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
        && let Ok(value) = HeaderValue::from_str(&page_policy(&nonce))
    {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Two years, subdomains included: the usual value once a site is known to work over TLS.
pub const HSTS: &str = "max-age=63072000; includeSubDomains";

/// CORS for the REST API: exactly the configured origins, never reflected from the request, never with
/// credentials (the API authenticates with a header, not cookies). `None` when no origin is configured: then no
/// CORS header is ever sent and browsers keep other origins out.
pub fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                HeaderName::from_static(app::model::auth::DEVICE_TOKEN_HEADER),
                HeaderName::from_static(app::model::read_after::READ_AFTER_HEADER),
            ])
            .expose_headers([
                header::RETRY_AFTER,
                HeaderName::from_static("x-request-id"),
                HeaderName::from_static(app::model::read_after::READ_AFTER_HEADER),
            ])
            .max_age(Duration::from_secs(600)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_has_every_directive_and_the_nonce() {
        let policy = page_policy("abc123");
        for directive in [
            "default-src 'self'",
            "script-src 'nonce-abc123' 'wasm-unsafe-eval'",
            "style-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ] {
            assert!(policy.split("; ").any(|d| d == directive), "{directive} missing from {policy}");
        }
        assert!(!policy.contains("unsafe-inline"));
    }
}
