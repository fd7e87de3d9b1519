//! The SPA's door: the same rules, statuses and messages through the server-function endpoints.

mod common;

use app::model::{AuthToken, Member, Post, Role};
use common::{TestServer, assert_error, expect};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn registering_through_a_server_function_signs_the_member_in() {
    let server = TestServer::start().await;
    let response =
        server.server_fn("register", json!({"username": "Board_Fan", "password": "long enough"}), None).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let signed_in: AuthToken = expect(response, 200).await;
    assert_eq!(signed_in.username, "Board_Fan");

    let me: Member = expect(server.server_fn("me", json!({}), Some(&signed_in.token)).await, 200).await;
    assert_eq!(me, Member { user_id: signed_in.user_id, username: "Board_Fan".into(), role: Role::Member });
}

#[tokio::test]
async fn server_functions_apply_the_same_validation_as_rest() {
    let server = TestServer::start().await;
    let short = server.server_fn("register", json!({"username": "alice", "password": "short"}), None).await;
    assert_error(short, 400, "Password must be at least 8 characters").await;
    let missing = server.server_fn("register", json!({"username": "", "password": ""}), None).await;
    assert_error(missing, 400, "Missing required fields: username, password").await;
}

#[tokio::test]
async fn a_taken_name_is_a_409_through_either_door() {
    let server = TestServer::start().await;
    server.register("Board_Fan", "long enough").await;
    let response =
        server.server_fn("register", json!({"username": "BOARD_fan", "password": "long enough"}), None).await;
    assert_error(response, 409, "Username already taken").await;
}

#[tokio::test]
async fn logging_in_through_a_server_function_matches_rest() {
    let server = TestServer::start().await;
    let registered = server.register("alice", "long enough").await;
    let ok = server.server_fn("login", json!({"username": "ALICE", "password": "long enough"}), None).await;
    let signed_in: AuthToken = expect(ok, 200).await;
    assert_eq!(signed_in.user_id, registered.user_id);

    let wrong = server.server_fn("login", json!({"username": "alice", "password": "wrong password"}), None).await;
    assert_eq!(wrong.headers()["www-authenticate"], "Bearer");
    assert_error(wrong, 401, "Invalid username or password").await;
}

#[tokio::test]
async fn me_through_a_server_function_needs_a_valid_token() {
    let server = TestServer::start().await;
    assert_error(server.server_fn("me", json!({}), None).await, 401, "Authorization token required").await;
    assert_error(server.server_fn("me", json!({}), Some("garbled")).await, 401, "Invalid or expired token").await;
}

#[tokio::test]
async fn undecodable_server_function_arguments_are_a_400_not_a_500() {
    let server = TestServer::start().await;
    let response = server.server_fn("login", json!({"username": "alice"}), None).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().starts_with("Invalid request"), "{body}");
}

#[tokio::test]
async fn server_functions_refuse_other_sites_before_any_work_or_counting() {
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "2/600")]).await;
    server.register("alice", "long enough").await; // one attempt of the two
    let forged = |headers: &'static [(&'static str, &'static str)]| {
        let mut request =
            server.http.post(server.url("/api/login")).json(&json!({"username": "alice", "password": "long enough"}));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };
    for headers in [
        &[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")][..],
        &[("sec-fetch-site", "same-site")][..],
        &[("origin", "https://evil.example")][..],
        &[("origin", "null")][..],
    ] {
        for _ in 0..3 {
            assert_error(forged(headers).await.unwrap(), 403, "Cross-site requests are not allowed").await;
        }
    }
    // None of the refused calls spent the address's budget: the app's own page still logs in.
    let own_page = forged(&[("sec-fetch-site", "same-origin")]).await.unwrap();
    assert_eq!(own_page.status(), 200);
}

#[tokio::test]
async fn server_functions_take_json_only_so_no_page_elsewhere_can_post_a_simple_request() {
    let server = TestServer::start().await;
    server.register("alice", "long enough").await;
    // The bodies a browser sends to another site without a preflight: forms, and JSON labelled text/plain.
    for (content_type, body) in [
        ("application/x-www-form-urlencoded", "username=alice&password=long+enough"),
        ("text/plain", r#"{"username":"alice","password":"long enough"}"#),
        ("multipart/form-data; boundary=x", "--x--"),
    ] {
        let response = server
            .http
            .post(server.url("/api/login"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_error(response, 415, "Expected a JSON body (Content-Type: application/json)").await;
    }
    let json = server
        .http
        .post(server.url("/api/login"))
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"username":"alice","password":"long enough"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), StatusCode::OK);
}

/// Every answer under /api/ that is an error decodes as the SPA's error type: a message and the answer's own
/// status, whichever layer produced it.
async fn assert_wire_error(response: reqwest::Response, status: u16, message: &str) {
    assert_eq!(response.status().as_u16(), status, "{message}");
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"error": message, "status": status}));
}

#[tokio::test]
async fn every_api_error_has_the_shape_the_spa_decodes() {
    let server = TestServer::start().await;
    let big = json!({"username": "alice", "password": "a".repeat(70 * 1024)});
    let too_large = server.http.post(server.url("/api/login")).json(&big).send().await.unwrap();
    assert_wire_error(too_large, 413, "Request body too large (limit 64 KiB)").await;
    let unknown = server.server_fn("no_such_function", json!({}), None).await;
    assert_wire_error(unknown, 404, "No such server function").await;
    let wrong_method = server.http.get(server.url("/api/me")).send().await.unwrap();
    assert_wire_error(wrong_method, 405, "Method not allowed: server functions take POST").await;
    let form = server.http.post(server.url("/api/me")).form(&[("a", "b")]).send().await.unwrap();
    assert_wire_error(form, 415, "Expected a JSON body (Content-Type: application/json)").await;
    let forged = server.server_fn_request("me", json!({})).header("sec-fetch-site", "cross-site").send();
    assert_wire_error(forged.await.unwrap(), 403, "Cross-site requests are not allowed").await;
}

#[tokio::test]
async fn the_spa_can_send_every_post_the_rules_allow() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    // The longest title and body, in the characters that take the most bytes: 4-byte emoji, and characters JSON
    // must escape (a control character is six bytes, `\u0001`).
    let cases = [
        ("😀".repeat(200), "😀".repeat(10_000)),
        ("日本語".repeat(66), "あ".repeat(10_000)),
        ("\"".repeat(200), "\u{1}".repeat(10_000)),
    ];
    for (title, body) in cases {
        let args = json!({"title": title, "body": body});
        let created: Post = expect(server.server_fn("create_post", args, Some(&alice.token)).await, 200).await;
        assert_eq!(created.body.chars().count(), 10_000);
    }
}
