//! Profiles: `GET /users/{id}` and `PATCH /auth/me`.

mod common;

use app::model::Profile;
use common::{TestServer, assert_error, expect};
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
    let profile: Profile =
        expect(server.call("GET", &format!("/users/{}", alice.user_id), Some(&bob), None).await, 200).await;
    assert_eq!((profile.id, profile.username.as_str(), profile.bio.as_str()), (alice.user_id, "alice", ""));
    assert_eq!(profile.post_count, 22);
    let posts = &profile.posts;
    assert_eq!(posts.len(), 20);
    assert_eq!((posts[0].title.as_str(), posts[19].title.as_str()), ("Alice 21", "Alice 02"));
    assert!(profile.created_at.ends_with('Z'), "{}", profile.created_at);
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
    let updated: Profile =
        expect(server.call("PATCH", "/auth/me", Some(&alice), Some(json!({"bio": "  Hello!  "}))).await, 200).await;
    assert_eq!((updated.id, updated.bio.as_str()), (alice.user_id, "Hello!"));
    let seen: Profile =
        expect(server.call("GET", &format!("/users/{}", alice.user_id), Some(&alice), None).await, 200).await;
    assert_eq!(seen.bio, "Hello!");
    let long = server.call("PATCH", "/auth/me", Some(&alice), Some(json!({"bio": "b".repeat(501)}))).await;
    assert_error(long, 400, "Bio must be at most 500 characters").await;
}
