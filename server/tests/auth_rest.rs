//! The REST door of authentication, over real HTTP: every status and body of /auth/*.

mod common;

use app::model::AuthToken;
use common::{SECRET, TestServer, assert_error, changed, claims_of, expect, expect_json, now, sign};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn registering_returns_201_with_a_working_token() {
    let server = TestServer::start().await;
    let response =
        server.post_json("/auth/register", json!({"username": "Board_Fan", "password": "correct horse"})).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let signed_in: AuthToken = expect(response, 201).await;
    assert_eq!((signed_in.username.as_str(), signed_in.expires_in), ("Board_Fan", 3600));
    assert!(signed_in.user_id > 0);

    let me = server.me(Some(&format!("Bearer {}", signed_in.token))).await;
    // The member as the wire has it: camelCase, and nothing else.
    assert_eq!(
        expect_json(me, 200).await,
        json!({"userId": signed_in.user_id, "username": "Board_Fan", "role": "member"})
    );
}

#[tokio::test]
async fn registering_names_exactly_the_missing_fields() {
    let server = TestServer::start().await;
    let cases = [
        (json!({}), "Missing required fields: username, password"),
        (json!({"username": "alice"}), "Missing required fields: password"),
        (json!({"username": "", "password": "long enough"}), "Missing required fields: username"),
    ];
    for (body, message) in cases {
        assert_error(server.post_json("/auth/register", body).await, 400, message).await;
    }
}

#[tokio::test]
async fn registering_enforces_username_and_password_rules() {
    let server = TestServer::start().await;
    let bad_name = "Username must be 3-30 characters: letters, digits or underscores";
    for username in ["ab", "has space", "dash-ed", &"x".repeat(31)] {
        let response =
            server.post_json("/auth/register", json!({"username": username, "password": "long enough"})).await;
        assert_error(response, 400, bad_name).await;
    }
    let short = server.post_json("/auth/register", json!({"username": "alice", "password": "1234567"})).await;
    assert_error(short, 400, "Password must be at least 8 characters").await;
    let long = server.post_json("/auth/register", json!({"username": "alice", "password": "a".repeat(129)})).await;
    assert_error(long, 400, "Password must be at most 128 characters").await;
}

#[tokio::test]
async fn malformed_or_mistyped_json_is_a_400() {
    let server = TestServer::start().await;
    let wrong_type = server.post_json("/auth/register", json!({"username": 5, "password": "long enough"})).await;
    assert_eq!(wrong_type.status(), StatusCode::BAD_REQUEST);
    let body: Value = wrong_type.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().starts_with("Invalid request body: username"), "{body}");

    let malformed = server
        .http
        .post(server.url("/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    assert_error(malformed, 400, "Malformed JSON body").await;
}

#[tokio::test]
async fn a_non_json_body_is_refused_as_unsupported_media_type() {
    let server = TestServer::start().await;
    let response = server
        .http
        .post(server.url("/auth/register"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("username=alice&password=longenough")
        .send()
        .await
        .unwrap();
    assert_error(response, 415, "Expected a JSON body (Content-Type: application/json)").await;
}

#[tokio::test]
async fn a_body_over_64_kib_is_refused_with_413() {
    let server = TestServer::start().await;
    let response =
        server.post_json("/auth/register", json!({"username": "alice", "password": "p".repeat(70_000)})).await;
    assert_error(response, 413, "Request body too large (limit 64 KiB)").await;

    // Without a Content-Length (chunked), the limit still holds.
    let chunks: Vec<Result<String, std::io::Error>> =
        vec![Ok("{\"username\":\"alice\",\"password\":\"".into()), Ok("p".repeat(70_000)), Ok("\"}".into())];
    let response = server
        .http
        .post(server.url("/auth/register"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_error(response, 413, "Request body too large (limit 64 KiB)").await;
}

#[tokio::test]
async fn usernames_are_unique_regardless_of_case() {
    let server = TestServer::start().await;
    server.register("Board_Fan", "long enough").await;
    let response =
        server.post_json("/auth/register", json!({"username": "board_fan", "password": "another one"})).await;
    assert_error(response, 409, "Username already taken").await;
}

#[tokio::test]
async fn logging_in_matches_the_username_case_insensitively() {
    let server = TestServer::start().await;
    let registered = server.register("Board_Fan", "long enough").await;
    let response = server.post_json("/auth/login", json!({"username": "BOARD_FAN", "password": "long enough"})).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let signed_in: AuthToken = expect(response, 200).await;
    assert_eq!((signed_in.user_id, signed_in.username.as_str()), (registered.user_id, "Board_Fan"));
    let me = server.me(Some(&format!("Bearer {}", signed_in.token))).await;
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_byte_identical_answers() {
    let server = TestServer::start().await;
    server.register("alice", "long enough").await;
    let wrong = server.post_json("/auth/login", json!({"username": "alice", "password": "not the one"})).await;
    let unknown = server.post_json("/auth/login", json!({"username": "nobody", "password": "not the one"})).await;
    assert_eq!((wrong.status(), unknown.status()), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    let (wrong, unknown) = (wrong.bytes().await.unwrap(), unknown.bytes().await.unwrap());
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, r#"{"error":"Invalid username or password"}"#);
}

#[tokio::test]
async fn logging_in_names_missing_fields() {
    let server = TestServer::start().await;
    assert_error(
        server.post_json("/auth/login", json!({"username": "alice"})).await,
        400,
        "Missing required fields: password",
    )
    .await;
}

#[tokio::test]
async fn every_character_of_a_long_password_counts() {
    let server = TestServer::start().await;
    let prefix = "x".repeat(72);
    server.register("alice", &format!("{prefix}{}", "a".repeat(56))).await;
    let sharing_prefix = server
        .post_json("/auth/login", json!({"username": "alice", "password": format!("{prefix}{}", "b".repeat(56))}))
        .await;
    assert_error(sharing_prefix, 401, "Invalid username or password").await;
    let exact = server
        .post_json("/auth/login", json!({"username": "alice", "password": format!("{prefix}{}", "a".repeat(56))}))
        .await;
    assert_eq!(exact.status(), StatusCode::OK);
}

#[tokio::test]
async fn nul_in_a_password_is_an_ordinary_character() {
    let server = TestServer::start().await;
    server.register("alice", "abc\u{0}defghij").await;
    let truncated = server.post_json("/auth/login", json!({"username": "alice", "password": "abc\u{0}zzzzzzz"})).await;
    assert_error(truncated, 401, "Invalid username or password").await;
    let exact = server.post_json("/auth/login", json!({"username": "alice", "password": "abc\u{0}defghij"})).await;
    assert_eq!(exact.status(), StatusCode::OK);
}

#[tokio::test]
async fn me_without_a_bearer_header_is_401_with_a_challenge() {
    let server = TestServer::start().await;
    for header in [None, Some("Basic YWxpY2U6cGFzcw=="), Some("Bearer ")] {
        let response = server.me(header).await;
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_error(response, 401, "Authorization token required").await;
    }
}

#[tokio::test]
async fn tokens_in_the_query_string_or_cookies_are_ignored() {
    let server = TestServer::start().await;
    let token = server.register("alice", "long enough").await.token;
    let in_query = server.http.get(server.url(&format!("/auth/me?token={token}"))).send().await.unwrap();
    assert_error(in_query, 401, "Authorization token required").await;
    let in_cookie =
        server.http.get(server.url("/auth/me")).header("cookie", format!("token={token}")).send().await.unwrap();
    assert_error(in_cookie, 401, "Authorization token required").await;
}

#[tokio::test]
async fn bad_tokens_are_401_invalid_or_expired() {
    let server = TestServer::start().await;
    let alice = server.register("alice", "long enough").await;
    // Alice's own claims, every one the server requires (`sub`, `iat`, `exp`, `gen`, `auth_time`, `sid`): each
    // case below changes one thing only, so that one thing is what gets it refused.
    let valid = claims_of(&alice.token);
    let resigned = sign(&valid, SECRET);
    assert_eq!(server.me(Some(&format!("Bearer {resigned}"))).await.status(), StatusCode::OK, "unchanged, accepted");
    let none_alg = {
        use base64::Engine;
        let enc = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        format!("{}.{}.", enc(r#"{"alg":"none","typ":"JWT"}"#), enc(&valid.to_string()))
    };
    let hs512 =
        jsonwebtoken::encode(&Header::new(Algorithm::HS512), &valid, &EncodingKey::from_secret(SECRET.as_bytes()))
            .unwrap();
    let nobody = (alice.user_id + 1000).to_string();
    let cases = [
        ("garbled", "this.is.garbage".to_owned()),
        ("wrong signature", sign(&valid, "some-other-secret-that-is-long-enough")),
        ("alg none", none_alg),
        ("HS512", hs512),
        ("expired", sign(&changed(&valid, json!({"exp": now() - 120})), SECRET)),
        ("no exp", sign(&changed(&valid, json!({"exp": null})), SECRET)),
        ("user that does not exist", sign(&changed(&valid, json!({"sub": nobody})), SECRET)),
    ];
    for (what, token) in cases {
        let response = server.me(Some(&format!("Bearer {token}"))).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer", "{what}");
        assert_eq!(response.json::<Value>().await.unwrap(), json!({"error": "Invalid or expired token"}), "{what}");
    }
}

#[tokio::test]
async fn health_reports_ok_after_a_database_ping() {
    let server = TestServer::start().await;
    let response = server.http.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let health = response.json::<Value>().await.unwrap();
    match server.database.as_ref().and_then(|database| database.replica_url()) {
        None => assert_eq!(health, json!({"status": "ok"})),
        // The suite's replica pass: the replica is named (whether it is in use yet depends on its first check).
        Some(_) => assert_eq!((&health["status"], &health["replicas"]["configured"]), (&json!("ok"), &json!(1))),
    }
}
