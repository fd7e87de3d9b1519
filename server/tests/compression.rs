//! Answers travel compressed (brotli or gzip, as the client accepts) from a kilobyte up, except those that carry a
//! secret, which are never compressed (BREACH).

mod common;

use app::model::AuthToken;
use common::TestServer;
use reqwest::RequestBuilder;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, HeaderName, VARY};
use serde_json::json;

/// The `Content-Encoding` of the answer to `request` sent with `Accept-Encoding: accept` (none: no header), and
/// whether it says it varies by `Accept-Encoding`.
async fn encoding(request: RequestBuilder, accept: Option<&str>) -> (Option<String>, bool) {
    let request = match accept {
        Some(accept) => request.header(ACCEPT_ENCODING, accept),
        None => request,
    };
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let header = |name: HeaderName| response.headers().get(name).map(|v| v.to_str().unwrap().to_ascii_lowercase());
    (header(CONTENT_ENCODING), header(VARY).is_some_and(|vary| vary.contains("accept-encoding")))
}

/// A member with 20 posts: their feed page and profile are several kilobytes.
async fn member_with_posts(server: &TestServer) -> AuthToken {
    let alice = server.member("alice").await;
    for n in 0..20 {
        server.post_as(&alice, &format!("Post number {n}"), &"Some words to read. ".repeat(10)).await;
    }
    alice
}

#[tokio::test]
async fn the_feed_travels_compressed_by_either_door_as_the_client_accepts() {
    let server = TestServer::start().await;
    let alice = member_with_posts(&server).await;
    let feed = || server.http.get(server.url("/posts")).bearer_auth(&alice.token);
    assert_eq!(encoding(feed(), Some("br")).await, (Some("br".into()), true));
    assert_eq!(encoding(feed(), Some("gzip")).await, (Some("gzip".into()), true));
    assert_eq!(encoding(feed(), Some("gzip, deflate, br")).await.0.as_deref(), Some("br"));
    assert_eq!(encoding(feed(), None).await.0, None, "uncompressed for a client that did not ask");
    let server_fn = server.server_fn_request("list_posts", json!({"query": {}})).bearer_auth(&alice.token);
    assert_eq!(encoding(server_fn, Some("br")).await.0.as_deref(), Some("br"));
    let page = server.http.get(server.url("/login"));
    assert_eq!(encoding(page, Some("br")).await.0.as_deref(), Some("br"), "pages too");
}

#[tokio::test]
async fn small_answers_are_sent_as_they_are() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let post = server.post_as(&alice, "Short", "Tiny").await;
    let small = server.http.get(server.url(&format!("/posts/{}", post.id))).bearer_auth(&alice.token);
    assert_eq!(encoding(small, Some("br")).await.0, None);
}

#[tokio::test]
async fn answers_that_carry_secrets_are_never_compressed() {
    let server = TestServer::start().await;
    let alice = member_with_posts(&server).await;
    // The same profile, kilobytes long: compressed at /users/{id}, not under /auth/ (where tokens are answered).
    let public = server.http.get(server.url(&format!("/users/{}", alice.user_id))).bearer_auth(&alice.token);
    assert_eq!(encoding(public, Some("br")).await.0.as_deref(), Some("br"), "the control: big enough to compress");
    let bio = json!({"bio": "Hello"});
    let under_auth = server.http.patch(server.url("/auth/me")).bearer_auth(&alice.token).json(&bio);
    assert_eq!(encoding(under_auth, Some("br, gzip")).await.0, None);
}
