//! Per-member write limits: one account cannot grow the database without bound. Each kind of write has its own
//! budget per member; past it, 429 with Retry-After, through both doors; other members are not affected.

mod common;

use app::model::{Post, Profile};
use common::{TestServer, assert_limited, expect};
use serde_json::json;

#[tokio::test]
async fn each_kind_of_write_is_limited_per_member() {
    let server = TestServer::start_with(&[
        ("POST_RATE_LIMIT", "2/60"),
        ("COMMENT_RATE_LIMIT", "2/60"),
        ("UPVOTE_RATE_LIMIT", "2/60"),
        ("PROFILE_RATE_LIMIT", "2/60"),
    ])
    .await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;

    // Posts: creating and editing share one budget.
    let first = server.post_as(&alice, "First post", "body").await.id;
    let edit = server.call("PATCH", &format!("/posts/{first}"), Some(&alice), Some(json!({"body": "edited"}))).await;
    expect::<Post>(edit, 200).await;
    let third = server.call("POST", "/posts", Some(&alice), Some(json!({"title": "Third", "body": "b"}))).await;
    assert_eq!(third.headers().get("retry-after").map(|v| v.to_str().unwrap().parse::<u64>().unwrap() > 0), Some(true));
    assert_limited(third).await;
    let by_server_fn =
        server.server_fn("create_post", json!({"title": "Via the SPA", "body": "b"}), Some(&alice.token)).await;
    assert_eq!(by_server_fn.status(), 429, "the server-function door counts the same budget");
    server.post_as(&bob, "Bob's post", "bob has his own budget").await;

    for (path, body) in [
        (format!("/posts/{first}/comments"), Some(json!({"body": "a comment"}))),
        (format!("/posts/{first}/upvote"), None),
    ] {
        for _ in 0..2 {
            assert!(server.call("POST", &path, Some(&alice), body.clone()).await.status().is_success(), "{path}");
        }
        assert_limited(server.call("POST", &path, Some(&alice), body.clone()).await).await;
        assert!(server.call("POST", &path, Some(&bob), body.clone()).await.status().is_success(), "{path} for bob");
    }
    for bio in ["one", "two"] {
        expect::<Profile>(server.call("PATCH", "/auth/me", Some(&alice), Some(json!({"bio": bio}))).await, 200).await;
    }
    assert_limited(server.call("PATCH", "/auth/me", Some(&alice), Some(json!({"bio": "three"}))).await).await;
}
