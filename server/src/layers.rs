//! Cross-cutting HTTP layers, in one place so their order is visible: request ids and tracing, the client
//! address, audit of refusals, security headers, compression, the server-function answer shape, the deadline,
//! cross-site server-function calls and the body limit.

use crate::browser_policy;
use crate::client_addr::{TrustedProxies, client_addr};
use crate::config::HttpPolicy;
use crate::{audit, limits, metrics, read_after, same_origin, server_fn_responses, site_files};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware;
use std::sync::Arc;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
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

/// Whether a request id from outside may be kept: `[A-Za-z0-9-]{1,64}`. Anything else (spaces, quotes, `=`,
/// control characters, kilobytes of text) could forge fields in log lines or bloat them; it is replaced by a fresh
/// id instead.
fn acceptable_request_id(id: &[u8]) -> bool {
    (1..=64).contains(&id.len()) && id.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

async fn drop_unacceptable_request_id(mut request: axum::extract::Request) -> axum::extract::Request {
    if request.headers().get_all(REQUEST_ID).iter().count() > 1
        || request.headers().get(REQUEST_ID).is_some_and(|id| !acceptable_request_id(id.as_bytes()))
    {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

/// Answers smaller than this go uncompressed: below a kilobyte the saving is a few hundred bytes at most, and it
/// costs the client and the server work all the same.
const COMPRESS_FROM_BYTES: u16 = 1024;

/// Whether the answer to `path` carries a secret: REST's `/auth/*` (tokens, and the profile beside them) and the
/// server functions that sign someone in. Those are never compressed: a secret compressed together with text an
/// attacker can influence leaks through the length of the answer (BREACH).
fn answers_with_secret(path: &str) -> bool {
    path == "/auth" || path.starts_with("/auth/") || app::api::answers_with_token(path)
}

/// For those answers the client is treated as accepting no compression, which the compression layer honours.
async fn no_compression_for_secrets(mut request: axum::extract::Request) -> axum::extract::Request {
    if answers_with_secret(request.uri().path()) {
        request.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    request
}

/// Brotli or gzip, as the client accepts, for answers from `COMPRESS_FROM_BYTES` up (JSON, pages, the script and
/// wasm bundle), except those `answers_with_secret` names. Level 4: the algorithms' defaults (brotli's 11) are
/// meant for compressing once ahead of time, and would spend the better part of a second of CPU on the wasm
/// bundle at every first visit.
fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .quality(CompressionLevel::Precise(4))
        .compress_when(DefaultPredicate::new().and(SizeAbove::new(COMPRESS_FROM_BYTES)))
}

/// Layers run outside-in in the reverse order of the `.layer` calls below (the last call is outermost).
pub fn with_layers<S: Clone + Send + Sync + 'static>(router: Router<S>, policy: &HttpPolicy) -> Router<S> {
    let router = router
        // Innermost, so the request's whole handling (REST or server function) reads after the client's position
        // and every write it makes is noted for the answer.
        .layer(middleware::from_fn(read_after::read_your_writes))
        // Axum's own extractors (the REST door) enforce the limit too; `limit_body` covers everything else.
        .layer(DefaultBodyLimit::max(limits::MAX_BODY_BYTES))
        .layer(middleware::from_fn(limits::limit_body))
        // Outside the body limit: a forged cross-site call is refused before its body is even read.
        .layer(middleware::from_fn(same_origin::only_own_pages_json))
        // Outside the body limit, so a body that trickles in too slowly is cut off by the deadline.
        .layer(middleware::from_fn_with_state(policy.request_timeout, limits::deadline))
        // Outside the deadline, the body limit and the cross-site check, so their answers under /api/ get the
        // server-function error shape the SPA decodes.
        .layer(middleware::from_fn(server_fn_responses::server_fn_responses))
        // Pages (and anything else that did not choose): a browser may keep a copy but asks before every use.
        // The REST API and server functions say `no-store`; the app's files choose by name (site_files.rs).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static(site_files::REVALIDATE),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Stricter than strict-origin-when-cross-origin: other sites never learn which page linked to them.
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Nothing of Bulletin may be framed (clickjacking), and no other window may keep a handle on ours.
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        // Outside every layer that reads or rebuilds a body (the server-function answer shape), so they see it
        // uncompressed.
        .layer(compression())
        .layer(middleware::map_request(no_compression_for_secrets));
    // Only when served over TLS (by a proxy in front): over plain HTTP browsers ignore it, and promising HTTPS
    // for a host that has none would lock its users out.
    let router = if policy.https {
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(browser_policy::HSTS),
        ))
    } else {
        router
    };
    let proxies: Arc<TrustedProxies> = Arc::new(policy.trusted_proxies.clone());
    let router = router.layer(middleware::from_fn(audit::audit_refusals));
    // Outside every layer that may answer by itself (the deadline's 408, the body limit's 413), so each answer is
    // counted and timed.
    let router = if metrics::enabled() { router.layer(middleware::from_fn(metrics::track_requests)) } else { router };
    router
        .layer(middleware::from_fn_with_state(proxies, client_addr))
        // Outermost: the id exists before tracing opens the request's span, and is copied onto every response.
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!(
                "request",
                method = %request.method(),
                uri = %request.uri().path(),
                // As it is: `drop_unacceptable_request_id` kept only `[A-Za-z0-9-]{1,64}`, which cannot pass for
                // more fields of a text line (and a JSON line escapes whatever it holds).
                request_id = %id,
                client = tracing::field::Empty,
                user_id = tracing::field::Empty,
            )
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, RandomRequestId))
        .layer(middleware::map_request(drop_unacceptable_request_id))
}

#[cfg(test)]
mod tests {
    use super::{acceptable_request_id, answers_with_secret};

    #[test]
    fn answers_with_tokens_are_named_and_others_are_not() {
        for secret in ["/auth", "/auth/login", "/auth/me", "/api/login", "/api/register", "/api/refresh"] {
            assert!(answers_with_secret(secret), "{secret}");
        }
        assert!(answers_with_secret("/api/change_password"));
        for public in ["/", "/posts", "/users/1", "/api/list_posts", "/api/get_post", "/authors", "/pkg/bulletin.wasm"]
        {
            assert!(!answers_with_secret(public), "{public}");
        }
    }

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        for ok in ["9f2c", "0b1e6c2a-5d3f-4c8e-9a7b-1f2e3d4c5b6a", &"a".repeat(64)] {
            assert!(acceptable_request_id(ok.as_bytes()), "{ok}");
        }
        for bad in ["", "a b", "x\" event=\"login", "id=1", &"a".repeat(65), "é"] {
            assert!(!acceptable_request_id(bad.as_bytes()), "{bad}");
        }
    }
}
