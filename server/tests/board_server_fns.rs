//! The SPA's door to the board: the same statuses and messages as REST for create, edit, delete and upvote.

mod common;

use app::model::{AuthToken, Comment, Post, PostPage, PostWithComments, Profile, UpvoteState};
use common::{TestServer, assert_error, expect};
use serde_json::json;

async fn create(server: &TestServer, who: &AuthToken, title: &str) -> reqwest::Response {
    server.server_fn("create_post", json!({"title": title, "body": "from the SPA"}), Some(&who.token)).await
}

#[tokio::test]
async fn posts_are_created_through_a_server_function_with_the_same_rules() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let post: Post = expect(create(&server, &alice, "  Via the SPA ").await, 200).await;
    assert_eq!((post.title.as_str(), post.author_username.as_str()), ("Via the SPA", "alice"));
    assert_error(create(&server, &alice, "ab").await, 400, "Title must be 3-200 characters").await;
    let anonymous = server.server_fn("create_post", json!({"title": "Hello", "body": "x"}), None).await;
    assert_error(anonymous, 401, "Authorization token required").await;

    let read = server.server_fn("get_post", json!({"id": post.id}), Some(&alice.token)).await;
    let read: PostWithComments = expect(read, 200).await;
    assert_eq!(read, PostWithComments { post, comments: vec![] }, "the post as created, without comments");
    let listed = server.server_fn("list_posts", json!({"query": {"limit": "5"}}), Some(&alice.token)).await;
    let listed: PostPage = expect(listed, 200).await;
    assert_eq!((listed.total, listed.limit), (1, 5));
    let bad_page = server.server_fn("list_posts", json!({"query": {"page": "0"}}), Some(&alice.token)).await;
    assert_error(bad_page, 400, "page must be a whole number of at least 1").await;
}

#[tokio::test]
async fn edits_and_deletes_through_server_functions_enforce_ownership() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let id = server.post_as(&alice, "Alice's", "body").await.id;

    let hijack = server.server_fn("update_post", json!({"id": id, "title": "Bob's now"}), Some(&bob.token)).await;
    assert_error(hijack, 403, "You can only edit your own posts").await;
    let edited = server.server_fn("update_post", json!({"id": id, "body": "edited"}), Some(&alice.token)).await;
    assert_eq!(expect::<Post>(edited, 200).await.body, "edited");
    let missing = server.server_fn("update_post", json!({"id": 999, "title": "Whatever"}), Some(&alice.token)).await;
    assert_error(missing, 404, "Post not found").await;

    let refused = server.server_fn("delete_post", json!({"id": id}), Some(&bob.token)).await;
    assert_error(refused, 403, "You can only delete your own posts").await;
    assert_eq!(server.server_fn("delete_post", json!({"id": id}), Some(&alice.token)).await.status(), 200);
    assert_error(server.server_fn("delete_post", json!({"id": id}), Some(&alice.token)).await, 404, "Post not found")
        .await;
}

#[tokio::test]
async fn upvotes_through_server_functions_match_rest() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let id = server.post_as(&alice, "Vote", "here").await.id;
    for _ in 0..2 {
        let state: UpvoteState =
            expect(server.server_fn("upvote", json!({"id": id}), Some(&bob.token)).await, 200).await;
        assert_eq!(state, UpvoteState { upvotes: 1, upvoted: true });
    }
    let rest: UpvoteState =
        expect(server.call("POST", &format!("/posts/{id}/upvote"), Some(&bob), None).await, 200).await;
    assert_eq!(rest, UpvoteState { upvotes: 1, upvoted: true }, "one upvote per member across both doors");
    let removed: UpvoteState =
        expect(server.server_fn("remove_upvote", json!({"id": id}), Some(&bob.token)).await, 200).await;
    assert_eq!(removed, UpvoteState { upvotes: 0, upvoted: false });
    assert_error(server.server_fn("upvote", json!({"id": 999}), Some(&bob.token)).await, 404, "Post not found").await;
}

#[tokio::test]
async fn comments_and_profiles_through_server_functions() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let id = server.post_as(&alice, "Talk", "here").await.id;
    let comment = server.server_fn("add_comment", json!({"post_id": id, "body": "Hi!"}), Some(&bob.token)).await;
    let comment: Comment = expect(comment, 200).await;
    let cid = comment.id;
    let not_yours =
        server.server_fn("delete_comment", json!({"post_id": id, "comment_id": cid}), Some(&alice.token)).await;
    assert_error(not_yours, 403, "You can only delete your own comments").await;
    let listed: Vec<Comment> =
        expect(server.server_fn("list_comments", json!({"post_id": id}), Some(&alice.token)).await, 200).await;
    assert_eq!(listed[0].body, "Hi!");

    let bio = server.server_fn("update_bio", json!({"bio": "Hello"}), Some(&bob.token)).await;
    assert_eq!(expect::<Profile>(bio, 200).await.bio, "Hello");
    let uid = bob.user_id;
    let profile: Profile =
        expect(server.server_fn("get_profile", json!({"id": uid}), Some(&alice.token)).await, 200).await;
    assert_eq!((profile.username.as_str(), profile.bio.as_str()), ("bob", "Hello"));
}
