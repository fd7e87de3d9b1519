//! The SPA's door: the same rules, statuses and messages through the server-function endpoints.

mod common;

use common::{TestServer, assert_error};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn registering_through_a_server_function_signs_the_member_in() {
    let server = TestServer::start().await;
    let response = server.server_fn("register", &[("username", "Board_Fan"), ("password", "long enough")], None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["username"], "Board_Fan");

    let me = server.server_fn("me", &[], session["token"].as_str()).await;
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(me.json::<Value>().await.unwrap(), json!({"userId": session["userId"], "username": "Board_Fan"}));
}

#[tokio::test]
async fn server_functions_apply_the_same_validation_as_rest() {
    let server = TestServer::start().await;
    let short = server.server_fn("register", &[("username", "alice"), ("password", "short")], None).await;
    assert_error(short, 400, "Password must be at least 8 characters").await;
    let missing = server.server_fn("register", &[("username", ""), ("password", "")], None).await;
    assert_error(missing, 400, "Missing required fields: username, password").await;
}

#[tokio::test]
async fn a_taken_name_is_a_409_through_either_door() {
    let server = TestServer::start().await;
    server.register("Board_Fan", "long enough").await;
    let response = server.server_fn("register", &[("username", "BOARD_fan"), ("password", "long enough")], None).await;
    assert_error(response, 409, "Username already taken").await;
}

#[tokio::test]
async fn logging_in_through_a_server_function_matches_rest() {
    let server = TestServer::start().await;
    let registered = server.register("alice", "long enough").await;
    let ok = server.server_fn("login", &[("username", "ALICE"), ("password", "long enough")], None).await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.json::<Value>().await.unwrap()["userId"], registered["userId"]);

    let wrong = server.server_fn("login", &[("username", "alice"), ("password", "wrong password")], None).await;
    assert_eq!(wrong.headers()["www-authenticate"], "Bearer");
    assert_error(wrong, 401, "Invalid username or password").await;
}

#[tokio::test]
async fn me_through_a_server_function_needs_a_valid_token() {
    let server = TestServer::start().await;
    assert_error(server.server_fn("me", &[], None).await, 401, "Authorization token required").await;
    assert_error(server.server_fn("me", &[], Some("garbled")).await, 401, "Invalid or expired token").await;
}

#[tokio::test]
async fn undecodable_server_function_arguments_are_a_400_not_a_500() {
    let server = TestServer::start().await;
    let response = server.server_fn("login", &[("username", "alice")], None).await;
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
            server.http.post(server.url("/api/login")).form(&[("username", "alice"), ("password", "long enough")]);
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
