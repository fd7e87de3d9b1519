//! Profiles: `GET /users/{id}` and `PATCH /auth/me`.

mod common;

use common::{TestServer, assert_error, expect_json};
use serde_json::json;

#[tokio::test]
async fn a_profile_shows_the_member_and_their_newest_posts() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    for i in 0..22 {
        server.post_as(&alice, &format!("Alice {i:02}"), "body").await;
    }
    server.post_as(&bob, "Bob's", "body").await;
    let profile =
        expect_json(server.call("GET", &format!("/users/{}", alice.user_id), Some(&bob), None).await, 200).await;
    assert_eq!(
        (profile["id"].clone(), profile["username"].clone(), profile["bio"].clone()),
        (json!(alice.user_id), json!("alice"), json!(""))
    );
    assert_eq!(profile["post_count"], 22);
    let posts = profile["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 20);
    assert_eq!((posts[0]["title"].clone(), posts[19]["title"].clone()), (json!("Alice 21"), json!("Alice 02")));
    assert!(profile["created_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn unknown_users_are_404() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    for id in ["999", "0", "abc", "99999999999999999999"] {
        assert_error(server.call("GET", &format!("/users/{id}"), Some(&alice), None).await, 404, "User not found")
            .await;
    }
}

#[tokio::test]
async fn members_set_their_own_bio() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let updated =
        expect_json(server.call("PATCH", "/auth/me", Some(&alice), Some(json!({"bio": "  Hello!  "}))).await, 200)
            .await;
    assert_eq!((updated["id"].clone(), updated["bio"].clone()), (json!(alice.user_id), json!("Hello!")));
    let seen =
        expect_json(server.call("GET", &format!("/users/{}", alice.user_id), Some(&alice), None).await, 200).await;
    assert_eq!(seen["bio"], "Hello!");
    let long = server.call("PATCH", "/auth/me", Some(&alice), Some(json!({"bio": "b".repeat(501)}))).await;
    assert_error(long, 400, "Bio must be at most 500 characters").await;
}
