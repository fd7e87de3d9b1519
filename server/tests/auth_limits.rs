//! Limits on authentication: concurrent registrations of one name, and attempts per client.

mod common;

use common::{TestServer, assert_error};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_of_one_name_have_exactly_one_winner() {
    let server = TestServer::start().await;
    let attempts = (0..20).map(|i| {
        let name = if i % 2 == 0 { "Racer" } else { "racer" };
        server.post_json("/auth/register", json!({"username": name, "password": "long enough"}))
    });
    let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts).await.iter().map(|r| r.status()).collect();
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    let conflicts = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((created, conflicts), (1, 19), "{statuses:?}");
}

#[tokio::test]
async fn attempts_past_the_limit_get_429_with_retry_after_through_both_doors() {
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "3/600")]).await;
    server.register("alice", "long enough").await;
    let login = json!({"username": "alice", "password": "wrong password"});
    assert_eq!(server.post_json("/auth/login", login.clone()).await.status(), StatusCode::UNAUTHORIZED);
    let via_server_fn = server.server_fn("login", &[("username", "alice"), ("password", "wrong password")], None).await;
    assert_eq!(via_server_fn.status(), StatusCode::UNAUTHORIZED, "third attempt, counted across both doors");

    let limited = server.post_json("/auth/login", login).await;
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry_after), "{retry_after}");
    assert_error(limited, 429, "Too many attempts, try again later").await;

    let limited = server.server_fn("register", &[("username", "bob"), ("password", "long enough")], None).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_error(limited, 429, "Too many attempts, try again later").await;
}

#[tokio::test]
async fn the_limit_does_not_apply_to_authenticated_requests() {
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "1/600")]).await;
    let token = server.register("alice", "long enough").await["token"].as_str().unwrap().to_owned();
    for _ in 0..5 {
        assert_eq!(server.me(Some(&format!("Bearer {token}"))).await.status(), StatusCode::OK);
    }
}
