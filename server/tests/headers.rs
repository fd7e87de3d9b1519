//! Browser-security headers and the request id, on every kind of response: pages, REST answers (success and
//! error), server functions, unknown paths and oversized bodies; the pages' Content-Security-Policy; HSTS; CORS.

mod common;

use common::TestServer;
use reqwest::Response;
use serde_json::json;

async fn every_kind_of_response(server: &TestServer) -> Vec<(&'static str, Response)> {
    let get = |path: &str| server.http.get(server.url(path)).send();
    vec![
        ("page", get("/login").await.unwrap()),
        ("404 page", get("/no/such/page").await.unwrap()),
        ("REST 200", get("/healthz").await.unwrap()),
        ("REST 401", get("/posts").await.unwrap()),
        ("REST 404", get("/posts/nope/at/all").await.unwrap()),
        ("server function 401", server.server_fn("me", json!({}), None).await),
        ("413", server.http.post(server.url("/auth/login")).body(vec![b'x'; 70 * 1024]).send().await.unwrap()),
    ]
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let server = TestServer::start().await;
    for (kind, response) in every_kind_of_response(&server).await {
        assert!(!response.headers().contains_key("strict-transport-security"), "{kind}: not without BULLETIN_HTTPS");
        let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"), "{kind}");
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{kind}");
        assert_eq!(header("cross-origin-opener-policy").as_deref(), Some("same-origin"), "{kind}");
        assert_eq!(header("referrer-policy").as_deref(), Some("same-origin"), "{kind}");
    }
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_given_one_is_kept() {
    let server = TestServer::start().await;
    let mut seen = std::collections::HashSet::new();
    for (kind, response) in every_kind_of_response(&server).await {
        let id = response.headers().get("x-request-id").unwrap_or_else(|| panic!("{kind}: no x-request-id"));
        let id = id.to_str().unwrap().to_owned();
        assert!(id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{kind}: {id}");
        assert!(seen.insert(id), "{kind}: request ids are fresh per request");
    }
    let traced = server.http.get(server.url("/healthz")).header("x-request-id", "from-the-proxy-42").send().await;
    assert_eq!(traced.unwrap().headers()["x-request-id"], "from-the-proxy-42");
}

/// The nonce of a page's `script-src`.
fn csp_nonce(policy: &str) -> String {
    let script_src = policy.split("; ").find(|d| d.starts_with("script-src ")).expect("script-src");
    let nonce = script_src.split(' ').find_map(|s| s.strip_prefix("'nonce-")).expect("a nonce");
    nonce.trim_end_matches('\'').to_owned()
}

#[tokio::test]
async fn pages_carry_a_strict_content_security_policy_with_a_fresh_nonce_on_every_script() {
    let server = TestServer::start().await;
    let mut nonces = std::collections::HashSet::new();
    for path in ["/", "/login", "/no/such/page", "/"] {
        let response = server.http.get(server.url(path)).send().await.unwrap();
        let policy = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
        for directive in [
            "default-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ] {
            assert!(policy.split("; ").any(|d| d == directive), "{path}: {directive} missing from {policy}");
        }
        assert!(!policy.contains("'unsafe-inline'") && !policy.contains("'unsafe-eval'"), "{policy}");
        let nonce = csp_nonce(&policy);
        assert!(policy.contains(&format!("script-src 'nonce-{nonce}' 'wasm-unsafe-eval'")), "{policy}");
        assert!(nonce.len() >= 16, "a nonce long enough not to be guessed: {nonce}");
        assert!(nonces.insert(nonce.clone()), "{path}: a nonce is never reused");

        let html = response.text().await.unwrap();
        let scripts: Vec<&str> =
            html.match_indices("<script").map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()]).collect();
        assert!(!scripts.is_empty(), "{path}: the hydration script is there");
        for script in scripts {
            assert!(script.contains(&format!("nonce=\"{nonce}\"")), "{path}: script without the nonce: {script}");
        }
    }
}

#[tokio::test]
async fn json_and_static_responses_need_no_page_policy() {
    // A page policy restricts what a page's scripts may do; JSON and scripts/stylesheets are not pages, and the
    // pages' per-request nonce on them would be noise. Every kind of non-page answer, success and error.
    let server = TestServer::start().await;
    let get = |path: &str| server.http.get(server.url(path)).send();
    let answers = [
        ("REST 200", get("/healthz").await.unwrap()),
        ("REST 401", get("/posts").await.unwrap()),
        ("REST 404", get("/posts/nope/at/all").await.unwrap()),
        ("REST 405", server.http.put(server.url("/posts")).send().await.unwrap()),
        ("the OpenAPI document", get("/openapi.json").await.unwrap()),
        ("the viewer's script", get("/docs/viewer.js").await.unwrap()),
        ("the viewer's stylesheet", get("/docs/viewer.css").await.unwrap()),
        ("server function 401", server.server_fn("me", json!({}), None).await),
    ];
    for (kind, response) in answers {
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(!content_type.starts_with("text/html"), "{kind} is not a page: {content_type}");
        assert!(!response.headers().contains_key("content-security-policy"), "{kind}");
    }
}

#[tokio::test]
async fn hsts_is_sent_only_when_served_over_https() {
    let plain = TestServer::start().await;
    let response = plain.http.get(plain.url("/")).send().await.unwrap();
    assert!(!response.headers().contains_key("strict-transport-security"));

    let tls = TestServer::start_with(&[("BULLETIN_HTTPS", "true")]).await;
    for path in ["/", "/healthz", "/posts"] {
        let response = tls.http.get(tls.url(path)).send().await.unwrap();
        assert_eq!(response.headers()["strict-transport-security"], "max-age=63072000; includeSubDomains", "{path}");
    }
}

const FRONTEND: &str = "https://app.example.com";

async fn from_origin(server: &TestServer, method: reqwest::Method, path: &str, origin: &str) -> Response {
    let mut request = server.http.request(method.clone(), server.url(path)).header("origin", origin);
    if method == reqwest::Method::OPTIONS {
        request = request
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type");
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn cors_allows_exactly_the_configured_origins_without_credentials() {
    let server = TestServer::start_with(&[("FRONTEND_URL", "https://app.example.com, http://localhost:5173")]).await;
    let allowed = from_origin(&server, reqwest::Method::GET, "/posts", FRONTEND).await;
    assert_eq!(allowed.status(), 401, "CORS does not replace authentication");
    assert_eq!(allowed.headers()["access-control-allow-origin"], FRONTEND);
    assert!(allowed.headers().get_all("vary").iter().any(|v| v.to_str().unwrap().to_lowercase().contains("origin")));
    assert!(!allowed.headers().contains_key("access-control-allow-credentials"));

    let preflight = from_origin(&server, reqwest::Method::OPTIONS, "/posts", "http://localhost:5173").await;
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "http://localhost:5173");
    let methods = preflight.headers()["access-control-allow-methods"].to_str().unwrap().to_owned();
    assert!(methods.contains("POST") && methods.contains("PATCH") && methods.contains("DELETE"), "{methods}");
    let headers = preflight.headers()["access-control-allow-headers"].to_str().unwrap().to_lowercase();
    assert!(headers.contains("authorization") && headers.contains("content-type"), "{headers}");
    assert!(!preflight.headers().contains_key("access-control-allow-credentials"));

    for origin in ["https://evil.example.com", "https://app.example.com.evil.example", "null"] {
        for method in [reqwest::Method::GET, reqwest::Method::OPTIONS] {
            let denied = from_origin(&server, method.clone(), "/auth/me", origin).await;
            assert!(!denied.headers().contains_key("access-control-allow-origin"), "{method} from {origin}");
        }
    }
}

#[tokio::test]
async fn without_frontend_url_no_origin_is_allowed() {
    let server = TestServer::start().await;
    for method in [reqwest::Method::GET, reqwest::Method::OPTIONS] {
        let response = from_origin(&server, method.clone(), "/posts", FRONTEND).await;
        assert!(!response.headers().contains_key("access-control-allow-origin"), "{method}");
    }
}
