//! Baseline browser-security headers and the request id, on every kind of response: pages, REST answers (success
//! and error), server functions, unknown paths and oversized bodies.

mod common;

use common::TestServer;
use reqwest::Response;

async fn every_kind_of_response(server: &TestServer) -> Vec<(&'static str, Response)> {
    let get = |path: &str| server.http.get(server.url(path)).send();
    vec![
        ("page", get("/login").await.unwrap()),
        ("404 page", get("/no/such/page").await.unwrap()),
        ("REST 200", get("/healthz").await.unwrap()),
        ("REST 401", get("/posts").await.unwrap()),
        ("REST 404", get("/posts/nope/at/all").await.unwrap()),
        ("server function 401", server.server_fn("me", &[], None).await),
        ("413", server.http.post(server.url("/auth/login")).body(vec![b'x'; 70 * 1024]).send().await.unwrap()),
    ]
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let server = TestServer::start().await;
    for (kind, response) in every_kind_of_response(&server).await {
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
