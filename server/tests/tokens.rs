//! The life of tokens: refresh, "log out everywhere" (on this instance at once, on another within seconds), and
//! password change — through both doors.

mod common;

use app::model::{AuthToken, Post};
use common::{SECRET, TestServer, assert_error, assert_limited, changed, claims_of, expect, now, sign};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn refresh(server: &TestServer, token: Option<&str>) -> reqwest::Response {
    let mut request = server.http.post(server.url("/auth/refresh"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn tokens_live_one_hour_unless_configured() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let claims = claims_of(&alice.token);
    assert_eq!(claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(), 3600);
    assert_eq!(alice.expires_in, 3600, "and the answer says so");
}

#[tokio::test]
async fn refresh_returns_a_fresh_token_for_the_same_member_through_both_doors() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    tokio::time::sleep(Duration::from_millis(1100)).await; // so the new token's iat differs

    let fresh: AuthToken = expect(refresh(&server, Some(&alice.token)).await, 200).await;
    assert_eq!((fresh.user_id, fresh.username.as_str()), (alice.user_id, "alice"));
    let (old, new) = (claims_of(&alice.token), claims_of(&fresh.token));
    assert!(new["exp"].as_u64() > old["exp"].as_u64(), "{old} → {new}");
    assert_eq!(new["auth_time"], old["auth_time"], "refreshing does not count as typing the password");
    let me = server.me(Some(&format!("Bearer {}", fresh.token))).await;
    assert_eq!(me.status(), StatusCode::OK);
    // The old token keeps working until it expires: refreshing is not revoking.
    assert_eq!(server.me(Some(&format!("Bearer {}", alice.token))).await.status(), StatusCode::OK);

    let via_server_fn: AuthToken = expect(server.server_fn("refresh", json!({}), Some(&alice.token)).await, 200).await;
    assert_eq!(via_server_fn.user_id, alice.user_id);
}

#[tokio::test]
async fn refresh_needs_a_valid_token() {
    let server = TestServer::start().await;
    assert_error(refresh(&server, None).await, 401, "Authorization token required").await;
    assert_error(refresh(&server, Some("not.a.token")).await, 401, "Invalid or expired token").await;
    assert_error(server.server_fn("refresh", json!({}), None).await, 401, "Authorization token required").await;
}

#[tokio::test]
async fn a_session_cannot_be_refreshed_past_its_maximum_age() {
    let server = TestServer::start_with(&[("SESSION_MAX_SECONDS", "600")]).await;
    let alice = server.member("alice").await;
    // A token whose password check was 11 minutes ago, otherwise valid (same secret, every claim of a current
    // token of hers: generation, session and all).
    let token = sign(&changed(&claims_of(&alice.token), json!({"auth_time": now() - 660})), SECRET);
    assert_eq!(server.me(Some(&format!("Bearer {token}"))).await.status(), StatusCode::OK, "still valid");
    assert_error(refresh(&server, Some(&token)).await, 401, "Your session is too old to renew. Please log in again.")
        .await;
}

#[tokio::test]
async fn logout_all_revokes_every_token_for_reads_and_writes() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let login = json!({"username": "alice", "password": "long enough"});
    let laptop: AuthToken = expect(server.post_json("/auth/login", login.clone()).await, 200).await;
    let bob = server.member("bob").await;
    let post: Post = server.post_as(&alice, "Before", "revocation").await;

    let response = server.call("POST", "/auth/logout-all", Some(&alice), None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    for who in [&alice, &laptop] {
        assert_error(server.call("GET", "/posts", Some(who), None).await, 401, "Invalid or expired token").await;
        let write = server.call("POST", "/posts", Some(who), Some(json!({"title": "After", "body": "revocation"})));
        assert_error(write.await, 401, "Invalid or expired token").await;
        assert_error(server.server_fn("me", json!({}), Some(&who.token)).await, 401, "Invalid or expired token").await;
        assert_error(refresh(&server, Some(&who.token)).await, 401, "Invalid or expired token").await;
    }
    // Other members are untouched, and logging in again works.
    assert_eq!(server.call("GET", &format!("/posts/{}", post.id), Some(&bob), None).await.status(), 200);
    let again: AuthToken = expect(server.post_json("/auth/login", login).await, 200).await;
    assert_eq!(server.call("GET", "/posts", Some(&again), None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn logout_all_through_the_server_function() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    assert_eq!(server.server_fn("logout_all", json!({}), Some(&alice.token)).await.status(), StatusCode::OK);
    assert_error(server.call("GET", "/posts", Some(&alice), None).await, 401, "Invalid or expired token").await;
    assert_error(server.server_fn("logout_all", json!({}), None).await, 401, "Authorization token required").await;
}

#[tokio::test]
async fn a_revocation_reaches_another_instance_within_five_seconds() {
    let first = TestServer::start().await;
    let second = first.second_instance(&[]).await;
    let alice = first.member("alice").await;
    // The second instance has seen (and cached) the token as valid.
    assert_eq!(second.call("GET", "/posts", Some(&alice), None).await.status(), StatusCode::OK);

    assert_eq!(first.call("POST", "/auth/logout-all", Some(&alice), None).await.status(), StatusCode::NO_CONTENT);
    let revoked = Instant::now();
    assert_eq!(first.call("GET", "/posts", Some(&alice), None).await.status(), 401, "at once where it was revoked");
    loop {
        let read = second.call("GET", "/posts", Some(&alice), None).await.status();
        let write =
            second.call("POST", "/posts", Some(&alice), Some(json!({"title": "t", "body": "b"}))).await.status();
        if read == StatusCode::UNAUTHORIZED && write == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(revoked.elapsed() < Duration::from_secs(6), "still accepted after {:?}", revoked.elapsed());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn log_out_ends_this_session_everywhere_and_no_other() {
    let first = TestServer::start().await;
    let second = first.second_instance(&[]).await;
    let alice = first.member("alice").await;
    let login = first.post_json("/auth/login", json!({"username": "alice", "password": "long enough"})).await;
    let phone: AuthToken = expect(login, 200).await;
    // A copy of this session's token, and a token refreshed from it: the same session.
    let refreshed: AuthToken = expect(refresh(&first, Some(&alice.token)).await, 200).await;
    assert_eq!(claims_of(&refreshed.token)["sid"], claims_of(&alice.token)["sid"]);
    assert_ne!(claims_of(&phone.token)["sid"], claims_of(&alice.token)["sid"]);
    assert_eq!(second.call("GET", "/posts", Some(&alice), None).await.status(), StatusCode::OK, "cached as valid");

    assert_eq!(first.call("POST", "/auth/logout", Some(&alice), None).await.status(), StatusCode::NO_CONTENT);
    let ended = Instant::now();
    for token in [&alice, &refreshed] {
        assert_error(first.call("GET", "/posts", Some(token), None).await, 401, "Invalid or expired token").await;
    }
    assert_error(refresh(&first, Some(&refreshed.token)).await, 401, "Invalid or expired token").await;
    assert_eq!(first.call("GET", "/posts", Some(&phone), None).await.status(), StatusCode::OK, "other session lives");
    loop {
        if second.call("GET", "/posts", Some(&alice), None).await.status() == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(ended.elapsed() < Duration::from_secs(6), "still accepted after {:?}", ended.elapsed());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(second.call("GET", "/posts", Some(&phone), None).await.status(), StatusCode::OK);

    // The SPA's door does the same.
    let via_spa = first.server_fn("logout", json!({}), Some(&phone.token)).await;
    assert_eq!(via_spa.status(), StatusCode::OK);
    assert_error(first.call("GET", "/posts", Some(&phone), None).await, 401, "Invalid or expired token").await;
    assert_error(first.call("POST", "/auth/logout", None, None).await, 401, "Authorization token required").await;
}

async fn change_password(server: &TestServer, who: &AuthToken, body: Value) -> reqwest::Response {
    server.call("PATCH", "/auth/password", Some(who), Some(body)).await
}

#[tokio::test]
async fn changing_the_password_revokes_older_tokens_and_returns_a_fresh_one() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let body = json!({"current_password": "long enough", "new_password": "a brand new secret"});
    let fresh: AuthToken = expect(change_password(&server, &alice, body).await, 200).await;
    assert_eq!(fresh.user_id, alice.user_id);

    assert_error(server.call("GET", "/posts", Some(&alice), None).await, 401, "Invalid or expired token").await;
    assert_eq!(server.call("GET", "/posts", Some(&fresh), None).await.status(), StatusCode::OK);
    let old_login = server.post_json("/auth/login", json!({"username": "alice", "password": "long enough"}));
    assert_error(old_login.await, 401, "Invalid username or password").await;
    let new_login = server.post_json("/auth/login", json!({"username": "alice", "password": "a brand new secret"}));
    assert_eq!(new_login.await.status(), StatusCode::OK);

    // The SPA's door, with the API's camelCase spelling accepted by REST as well.
    let args = json!({"current_password": "a brand new secret", "new_password": "yet another secret"});
    let newest: AuthToken = expect(server.server_fn("change_password", args, Some(&fresh.token)).await, 200).await;
    assert_error(server.call("GET", "/posts", Some(&fresh), None).await, 401, "Invalid or expired token").await;
    let camel = json!({"currentPassword": "yet another secret", "newPassword": "and one more secret"});
    assert_eq!(change_password(&server, &newest, camel).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_password_change_is_validated_and_checks_the_current_password() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let wrong = json!({"current_password": "not my password", "new_password": "a brand new secret"});
    assert_error(change_password(&server, &alice, wrong).await, 403, "Current password is incorrect").await;
    let missing = json!({"current_password": "long enough"});
    assert_error(change_password(&server, &alice, missing).await, 400, "Missing required fields: new_password").await;
    let short = json!({"current_password": "long enough", "new_password": "short"});
    assert_error(change_password(&server, &alice, short).await, 400, "Password must be at least 8 characters").await;
    let same = json!({"current_password": "long enough", "new_password": "long enough"});
    assert_error(
        change_password(&server, &alice, same).await,
        409,
        "The new password must differ from the current one",
    )
    .await;
    let anonymous = server.http.patch(server.url("/auth/password")).json(&json!({})).send().await.unwrap();
    assert_error(anonymous, 401, "Authorization token required").await;
    // None of that changed anything: the token and the password still work.
    assert_eq!(server.call("GET", "/posts", Some(&alice), None).await.status(), StatusCode::OK);
    let login = server.post_json("/auth/login", json!({"username": "alice", "password": "long enough"}));
    assert_eq!(login.await.status(), StatusCode::OK);
}

#[tokio::test]
async fn guessing_the_current_password_is_limited_like_logins() {
    let server = TestServer::start_with(&[("LOGIN_FAILURE_LIMIT", "2/600")]).await;
    let alice = server.member("alice").await;
    let wrong = json!({"current_password": "guess number one", "new_password": "a brand new secret"});
    for _ in 0..2 {
        assert_eq!(change_password(&server, &alice, wrong.clone()).await.status(), StatusCode::FORBIDDEN);
    }
    let limited = change_password(&server, &alice, wrong).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_limited(limited).await;
}
