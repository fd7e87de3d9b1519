//! Ownership checks and writes are atomic: racing requests never double-act, never slip past a check, and never
//! surface "database is locked" or any 5xx.

mod common;

use app::model::{AuthToken, Post, PostPage, PostWithComments};
use common::{TestServer, expect};
use futures_util::future::join_all;
use serde_json::json;

fn statuses(responses: &[reqwest::Response]) -> Vec<u16> {
    responses.iter().map(|r| r.status().as_u16()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_parallel_deletes_of_one_post_give_one_204_and_nine_404s() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let post = server.post_as(&alice, "Delete me", "once").await;
    let path = format!("/posts/{}", post.id);
    let responses = join_all((0..10).map(|_| server.call("DELETE", &path, Some(&alice), None))).await;
    let mut codes = statuses(&responses);
    codes.sort();
    assert_eq!(codes, [204, 404, 404, 404, 404, 404, 404, 404, 404, 404]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_non_owner_edit_racing_the_owner_delete_never_succeeds() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let mallory = server.member("mallory").await;
    for round in 0..10 {
        let post = server.post_as(&alice, &format!("Round {round}"), "body").await;
        let path = format!("/posts/{}", post.id);
        let (edit, delete) = tokio::join!(
            server.call("PATCH", &path, Some(&mallory), Some(json!({"title": "Hijacked"}))),
            server.call("DELETE", &path, Some(&alice), None),
        );
        assert!([403, 404].contains(&edit.status().as_u16()), "the intruder got {}", edit.status());
        assert_eq!(delete.status(), 204);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_members_upvoting_twice_at_once_leave_twenty_upvotes() {
    let server = TestServer::start().await;
    let author = server.member("author").await;
    let post = server.post_as(&author, "Popular", "vote").await;
    let voters: Vec<AuthToken> = join_all((0..20).map(|i| {
        let server = &server;
        async move { server.member(&format!("voter_{i}")).await }
    }))
    .await;
    let path = format!("/posts/{}/upvote", post.id);
    let responses =
        join_all(voters.iter().chain(voters.iter()).map(|v| server.call("POST", &path, Some(v), None))).await;
    assert!(statuses(&responses).iter().all(|s| *s == 200), "{:?}", statuses(&responses));
    let read: PostWithComments =
        expect(server.call("GET", &format!("/posts/{}", post.id), Some(&author), None).await, 200).await;
    assert_eq!(read.post.upvotes, 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_posts_from_32_concurrent_clients_are_all_kept() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let before: PostPage = expect(server.call("GET", "/posts", Some(&alice), None).await, 200).await;
    let clients: Vec<AuthToken> = join_all((0..32).map(|i| {
        let server = &server;
        async move { server.member(&format!("client_{i}")).await }
    }))
    .await;
    let writes = (0..200).map(|i| {
        let who = &clients[i % clients.len()];
        server.call("POST", "/posts", Some(who), Some(json!({"title": format!("Concurrent {i}"), "body": "x"})))
    });
    let responses = join_all(writes).await;
    assert!(statuses(&responses).iter().all(|s| *s == 201), "{:?}", statuses(&responses));
    let mut ids = Vec::new();
    for response in responses {
        ids.push(expect::<Post>(response, 201).await.id);
    }
    for id in &ids {
        assert_eq!(server.call("GET", &format!("/posts/{id}"), Some(&alice), None).await.status(), 200);
    }
    let after: PostPage = expect(server.call("GET", "/posts", Some(&alice), None).await, 200).await;
    assert_eq!(after.total - before.total, 200);
}
