//! `/posts` over REST: reading, writing, ownership, validation and mass assignment.

mod common;

use app::model::{Comment, Post, PostWithComments, UpvoteState};
use common::{TestServer, assert_error, expect, is_rfc3339_utc};
use serde_json::json;

#[tokio::test]
async fn every_posts_route_needs_a_token() {
    let server = TestServer::start().await;
    let routes = [
        ("GET", "/posts"),
        ("POST", "/posts"),
        ("GET", "/posts/1"),
        ("PATCH", "/posts/1"),
        ("DELETE", "/posts/1"),
        ("POST", "/posts/1/upvote"),
        ("DELETE", "/posts/1/upvote"),
        ("GET", "/posts/1/comments"),
        ("POST", "/posts/1/comments"),
        ("DELETE", "/posts/1/comments/1"),
        ("GET", "/users/1"),
        ("PATCH", "/auth/me"),
    ];
    for (method, path) in routes {
        let response = server.call(method, path, None, Some(json!({}))).await;
        assert_eq!(response.status(), 401, "{method} {path}");
        assert_error(response, 401, "Authorization token required").await;
    }
}

#[tokio::test]
async fn creating_a_post_returns_201_with_the_full_post() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let response = server
        .call("POST", "/posts", Some(&alice), Some(json!({"title": "  Hello board  ", "body": " First! "})))
        .await;
    let post: Post = expect(response, 201).await;
    assert_eq!((post.title.as_str(), post.body.as_str()), ("Hello board", "First!"));
    assert_eq!((post.user_id, post.author_username.as_str()), (alice.user_id, "alice"));
    assert_eq!((post.upvotes, post.comment_count, post.viewer_upvoted), (0, 0, false));
    assert!(is_rfc3339_utc(&post.created_at) && is_rfc3339_utc(&post.updated_at), "{post:?}");
}

#[tokio::test]
async fn fields_a_client_must_not_set_are_ignored() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let sneaky = json!({"title": "Mine", "body": "text", "id": 999, "user_id": bob.user_id, "upvotes": 1000,
                        "comment_count": 5, "created_at": "2000-01-01T00:00:00.000Z", "author_username": "bob"});
    let post: Post = expect(server.call("POST", "/posts", Some(&alice), Some(sneaky)).await, 201).await;
    assert_ne!(post.id, 999);
    assert_eq!((post.user_id, post.author_username.as_str()), (alice.user_id, "alice"));
    assert_eq!(post.upvotes, 0);
    assert_ne!(post.created_at, "2000-01-01T00:00:00.000Z");

    let patch = json!({"title": "Still mine", "user_id": bob.user_id, "upvotes": 50});
    let path = format!("/posts/{}", post.id);
    let edited: Post = expect(server.call("PATCH", &path, Some(&alice), Some(patch)).await, 200).await;
    assert_eq!((edited.user_id, edited.upvotes), (alice.user_id, 0));
}

#[tokio::test]
async fn invalid_posts_are_refused_with_clear_messages() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let cases = [
        (json!({}), "Missing required fields: title, body"),
        (json!({"title": "ok title"}), "Missing required fields: body"),
        (json!({"title": "ab", "body": "x"}), "Title must be 3-200 characters"),
        (json!({"title": "a".repeat(201), "body": "x"}), "Title must be 3-200 characters"),
        (json!({"title": "fine", "body": "b".repeat(10_001)}), "Body must be 1-10000 characters"),
    ];
    for (body, message) in cases {
        assert_error(server.call("POST", "/posts", Some(&alice), Some(body)).await, 400, message).await;
    }
    let wrong_type = server.call("POST", "/posts", Some(&alice), Some(json!({"title": 5, "body": "x"}))).await;
    assert_eq!(wrong_type.status(), 400);
}

#[tokio::test]
async fn a_post_is_read_with_its_comments_oldest_first() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let post = server.post_as(&alice, "Topic", "Discuss").await;
    let comments = format!("/posts/{}/comments", post.id);
    for (who, text) in [(&bob, "first"), (&alice, "second"), (&bob, "third")] {
        expect::<Comment>(server.call("POST", &comments, Some(who), Some(json!({"body": text}))).await, 201).await;
    }
    let read: PostWithComments =
        expect(server.call("GET", &format!("/posts/{}", post.id), Some(&bob), None).await, 200).await;
    assert_eq!(read.post.title, "Topic");
    assert_eq!(read.post.comment_count, 3);
    let bodies: Vec<&str> = read.comments.iter().map(|c| c.body.as_str()).collect();
    assert_eq!(bodies, ["first", "second", "third"]);
    assert_eq!(read.comments[0].author_username, "bob");
    assert!(is_rfc3339_utc(&read.comments[0].created_at), "{}", read.comments[0].created_at);
}

#[tokio::test]
async fn missing_and_malformed_post_ids_are_404_never_500() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    for id in ["999", "0", "-1", "abc", "1.5", "99999999999999999999999"] {
        let path = format!("/posts/{id}");
        assert_error(server.call("GET", &path, Some(&alice), None).await, 404, "Post not found").await;
        assert_error(server.call("DELETE", &path, Some(&alice), None).await, 404, "Post not found").await;
        let patch = server.call("PATCH", &path, Some(&alice), Some(json!({"title": "whatever"}))).await;
        assert_error(patch, 404, "Post not found").await;
        assert_error(server.call("POST", &format!("{path}/upvote"), Some(&alice), None).await, 404, "Post not found")
            .await;
    }
}

#[tokio::test]
async fn only_the_author_may_edit_and_the_post_stays_unchanged_otherwise() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let post = server.post_as(&alice, "Original", "Body").await;
    let path = format!("/posts/{}", post.id);

    let refused = server.call("PATCH", &path, Some(&bob), Some(json!({"title": "Hijacked"}))).await;
    assert_error(refused, 403, "You can only edit your own posts").await;
    let unchanged: PostWithComments = expect(server.call("GET", &path, Some(&alice), None).await, 200).await;
    assert_eq!(unchanged.post, post, "the post as created, title and updated_at included");

    let edited: Post =
        expect(server.call("PATCH", &path, Some(&alice), Some(json!({"body": "New body"}))).await, 200).await;
    assert_eq!((edited.title.as_str(), edited.body.as_str()), ("Original", "New body"));
    assert!(edited.updated_at > post.updated_at, "updated_at moved: {edited:?}");
    assert_eq!(edited.created_at, post.created_at);

    let invalid = server.call("PATCH", &path, Some(&alice), Some(json!({"title": "no"}))).await;
    assert_error(invalid, 400, "Title must be 3-200 characters").await;
    let empty = server.call("PATCH", &path, Some(&alice), Some(json!({}))).await;
    assert_error(empty, 400, "Nothing to update: send a title or a body").await;
}

#[tokio::test]
async fn only_the_author_may_delete_and_everything_goes_with_the_post() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let post = server.post_as(&alice, "Doomed", "Body").await;
    let path = format!("/posts/{}", post.id);
    server.call("POST", &format!("{path}/comments"), Some(&bob), Some(json!({"body": "hi"}))).await;
    server.call("POST", &format!("{path}/upvote"), Some(&bob), None).await;

    assert_error(server.call("DELETE", &path, Some(&bob), None).await, 403, "You can only delete your own posts").await;
    assert_eq!(server.call("GET", &path, Some(&bob), None).await.status(), 200);

    let deleted = server.call("DELETE", &path, Some(&alice), None).await;
    assert_eq!(deleted.status(), 204);
    assert!(deleted.bytes().await.unwrap().is_empty());
    assert_error(server.call("GET", &path, Some(&alice), None).await, 404, "Post not found").await;
    assert_error(server.call("GET", &format!("{path}/comments"), Some(&alice), None).await, 404, "Post not found")
        .await;
    assert_error(server.call("DELETE", &path, Some(&alice), None).await, 404, "Post not found").await;
}

#[tokio::test]
async fn upvotes_count_once_per_member_and_can_be_withdrawn() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let post = server.post_as(&alice, "Vote", "for me").await;
    let upvote = format!("/posts/{}/upvote", post.id);
    let state = |upvotes: i64, upvoted: bool| UpvoteState { upvotes, upvoted };

    let first: UpvoteState = expect(server.call("POST", &upvote, Some(&bob), None).await, 200).await;
    assert_eq!(first, state(1, true));
    let again: UpvoteState = expect(server.call("POST", &upvote, Some(&bob), None).await, 200).await;
    assert_eq!(again, state(1, true), "idempotent per member");
    let alices: UpvoteState = expect(server.call("POST", &upvote, Some(&alice), None).await, 200).await;
    assert_eq!(alices, state(2, true));

    let seen_by_bob: PostWithComments =
        expect(server.call("GET", &format!("/posts/{}", post.id), Some(&bob), None).await, 200).await;
    assert_eq!((seen_by_bob.post.upvotes, seen_by_bob.post.viewer_upvoted), (2, true));

    let withdrawn: UpvoteState = expect(server.call("DELETE", &upvote, Some(&bob), None).await, 200).await;
    assert_eq!(withdrawn, state(1, false));
    let twice: UpvoteState = expect(server.call("DELETE", &upvote, Some(&bob), None).await, 200).await;
    assert_eq!(twice, state(1, false));
    assert_error(server.call("DELETE", "/posts/999/upvote", Some(&bob), None).await, 404, "Post not found").await;
}

#[tokio::test]
async fn comments_are_validated_and_only_their_author_may_delete_them() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let post = server.post_as(&alice, "Topic", "Body").await;
    let comments = format!("/posts/{}/comments", post.id);

    assert_error(
        server.call("POST", &comments, Some(&bob), Some(json!({"body": "  "}))).await,
        400,
        "Missing required fields: body",
    )
    .await;
    let long = server.call("POST", &comments, Some(&bob), Some(json!({"body": "c".repeat(2001)}))).await;
    assert_error(long, 400, "Comment must be 1-2000 characters").await;
    let missing_post = server.call("POST", "/posts/999/comments", Some(&bob), Some(json!({"body": "hi"}))).await;
    assert_error(missing_post, 404, "Post not found").await;

    let comment: Comment =
        expect(server.call("POST", &comments, Some(&bob), Some(json!({"body": " Nice "}))).await, 201).await;
    assert_eq!((comment.body.as_str(), comment.post_id, comment.user_id), ("Nice", post.id, bob.user_id));
    assert_eq!(comment.author_username, "bob");
    let listed: Vec<Comment> = expect(server.call("GET", &comments, Some(&alice), None).await, 200).await;
    assert_eq!(listed, std::slice::from_ref(&comment), "the one comment, as it was answered");

    let one = format!("{comments}/{}", comment.id);
    assert_error(server.call("DELETE", &one, Some(&alice), None).await, 403, "You can only delete your own comments")
        .await;
    assert_eq!(server.call("DELETE", &one, Some(&bob), None).await.status(), 204);
    assert_error(server.call("DELETE", &one, Some(&bob), None).await, 404, "Comment not found").await;
    assert_error(server.call("DELETE", &format!("{comments}/abc"), Some(&bob), None).await, 404, "Comment not found")
        .await;
}

#[tokio::test]
async fn unknown_api_routes_are_json_404_and_wrong_methods_405() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    assert_error(server.call("GET", "/posts/1/nothing/here", Some(&alice), None).await, 404, "Not found").await;
    assert_error(server.call("GET", "/users/1/posts/extra", Some(&alice), None).await, 404, "Not found").await;
    assert_error(server.call("PUT", "/posts/1", Some(&alice), Some(json!({}))).await, 405, "Method not allowed").await;
    assert_error(server.call("DELETE", "/posts", Some(&alice), None).await, 405, "Method not allowed").await;
    for path in ["/auth/", "/auth", "/users/", "/auth/nothing", "/posts/1/comments/1/x"] {
        let response = server.call("GET", path, Some(&alice), None).await;
        assert_eq!(response.headers()["content-type"], "application/json", "{path}");
        assert_error(response, 404, "Not found").await;
    }
    assert_error(server.call("GET", "/auth/login", None, None).await, 405, "Method not allowed").await;
}

#[tokio::test]
async fn ids_are_written_one_way_only() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let id = server.post_as(&alice, "The one", "body").await.id;
    assert_eq!(server.call("GET", &format!("/posts/{id}"), Some(&alice), None).await.status(), 200);
    for other_spelling in [format!("+{id}"), format!("0{id}"), format!("%2B{id}")] {
        let path = format!("/posts/{other_spelling}");
        assert_error(server.call("GET", &path, Some(&alice), None).await, 404, "Post not found").await;
    }
    let user = format!("/users/0{}", alice.user_id);
    assert_error(server.call("GET", &user, Some(&alice), None).await, 404, "User not found").await;
}

#[tokio::test]
async fn text_with_nul_is_a_400_on_every_backend_never_a_500() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let id = server.post_as(&alice, "Clean title", "clean body").await.id;
    let cases = [
        ("POST", "/posts".to_owned(), json!({"title": "Nul\u{0}title", "body": "x"}), "Title"),
        ("POST", "/posts".to_owned(), json!({"title": "Fine", "body": "nul\u{0}"}), "Body"),
        ("PATCH", format!("/posts/{id}"), json!({"body": "\u{0}"}), "Body"),
        ("POST", format!("/posts/{id}/comments"), json!({"body": "a\u{0}b"}), "Comment"),
        ("PATCH", "/auth/me".to_owned(), json!({"bio": "bio\u{0}"}), "Bio"),
    ];
    for (method, path, body, what) in cases {
        let response = server.call(method, &path, Some(&alice), Some(body)).await;
        assert_error(response, 400, &format!("{what} must not contain NUL characters")).await;
    }
    let search = server.call("GET", "/posts?q=a%00b", Some(&alice), None).await;
    assert_error(search, 400, "q must not contain NUL characters").await;
    let unchanged: PostWithComments =
        expect(server.call("GET", &format!("/posts/{id}"), Some(&alice), None).await, 200).await;
    assert_eq!(unchanged.post.body, "clean body");
}

// Regressions found by schemathesis (`make fuzz`): requests the published contract calls invalid were accepted.

#[tokio::test]
async fn a_patch_that_sends_null_for_a_field_is_refused_not_treated_as_absent() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let post = server.post_as(&alice, "Title", "Body").await;
    let path = format!("/posts/{}", post.id);
    let null_body = server.call("PATCH", &path, Some(&alice), Some(json!({"title": "New title", "body": null}))).await;
    assert_eq!(null_body.status(), 400);
    let unchanged: PostWithComments = expect(server.call("GET", &path, Some(&alice), None).await, 200).await;
    assert_eq!(unchanged.post, post, "nothing was applied");
}

#[tokio::test]
async fn feed_parameters_that_are_present_must_be_valid() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    for query in ["page=", "limit=", "sort=", "page=+2", "limit=%205", "page=1.0"] {
        let response = server.call("GET", &format!("/posts?{query}"), Some(&alice), None).await;
        assert_eq!(response.status(), 400, "{query}");
    }
    // An empty cursor is documented as "from the start".
    assert_eq!(server.call("GET", "/posts?cursor=", Some(&alice), None).await.status(), 200);
}
