//! Limits on authentication: concurrent registrations of one name, attempts per client (and which address a
//! client has, behind proxies or not), and failed logins per username.

mod common;

use common::{TestServer, assert_error};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_of_one_name_have_exactly_one_winner() {
    let server = TestServer::start().await;
    let attempts = (0..20).map(|i| {
        let name = if i % 2 == 0 { "Racer" } else { "racer" };
        server.post_json("/auth/register", json!({"username": name, "password": "long enough"}))
    });
    let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts).await.iter().map(|r| r.status()).collect();
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    let conflicts = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((created, conflicts), (1, 19), "{statuses:?}");
}

#[tokio::test]
async fn attempts_past_the_limit_get_429_with_retry_after_through_both_doors() {
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "3/600")]).await;
    server.register("alice", "long enough").await;
    let login = json!({"username": "alice", "password": "wrong password"});
    assert_eq!(server.post_json("/auth/login", login.clone()).await.status(), StatusCode::UNAUTHORIZED);
    let via_server_fn = server.server_fn("login", &[("username", "alice"), ("password", "wrong password")], None).await;
    assert_eq!(via_server_fn.status(), StatusCode::UNAUTHORIZED, "third attempt, counted across both doors");

    let limited = server.post_json("/auth/login", login).await;
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry_after), "{retry_after}");
    assert_error(limited, 429, "Too many attempts, try again later").await;

    let limited = server.server_fn("register", &[("username", "bob"), ("password", "long enough")], None).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_error(limited, 429, "Too many attempts, try again later").await;
}

#[tokio::test]
async fn the_limit_does_not_apply_to_authenticated_requests() {
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "1/600")]).await;
    let token = server.register("alice", "long enough").await["token"].as_str().unwrap().to_owned();
    for _ in 0..5 {
        assert_eq!(server.me(Some(&format!("Bearer {token}"))).await.status(), StatusCode::OK);
    }
}

async fn login_from(server: &TestServer, forwarded_for: &str, username: &str, password: &str) -> reqwest::Response {
    server
        .http
        .post(server.url("/auth/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn rotating_x_forwarded_for_does_not_escape_the_limit() {
    // No TRUSTED_PROXIES: the header is the client's own claim and is ignored.
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "2/600")]).await;
    assert_eq!(login_from(&server, "198.51.100.1", "alice", "wrong password").await.status(), 401);
    assert_eq!(login_from(&server, "198.51.100.2", "alice", "wrong password").await.status(), 401);
    let limited = login_from(&server, "198.51.100.3", "alice", "wrong password").await;
    assert_error(limited, 429, "Too many attempts, try again later").await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_count() {
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "2/600"), ("TRUSTED_PROXIES", "127.0.0.1")]).await;
    for _ in 0..2 {
        assert_eq!(login_from(&server, "198.51.100.1", "alice", "wrong password").await.status(), 401);
    }
    assert_eq!(login_from(&server, "198.51.100.1", "alice", "wrong password").await.status(), 429);
    // The same client prepending a made-up hop: the proxy's own entry (rightmost) still names it.
    assert_eq!(login_from(&server, "203.0.113.77, 198.51.100.1", "alice", "x").await.status(), 429);
    assert_eq!(login_from(&server, "198.51.100.2", "alice", "wrong password").await.status(), 401, "another client");
}

#[tokio::test]
async fn failed_logins_are_limited_per_username_across_addresses_and_the_lock_is_short() {
    let server = TestServer::start_with(&[("LOGIN_FAILURE_LIMIT", "3/2"), ("TRUSTED_PROXIES", "127.0.0.1")]).await;
    server.register("alice", "long enough").await;
    server.register("bob", "long enough").await;
    for i in 1..=3 {
        let response = login_from(&server, &format!("198.51.100.{i}"), "ALICE", "wrong password").await;
        assert_eq!(response.status(), 401, "attempt {i} from its own address");
    }
    let locked = login_from(&server, "198.51.100.9", "alice", "long enough").await;
    assert!(locked.headers().contains_key("retry-after"));
    assert_error(locked, 429, "Too many attempts, try again later").await;
    let via_server_fn = server.server_fn("login", &[("username", "alice"), ("password", "long enough")], None).await;
    assert_eq!(via_server_fn.status(), 429, "the same limit through the SPA's door");
    assert_eq!(login_from(&server, "198.51.100.9", "bob", "long enough").await.status(), 200, "others unaffected");

    // The lock ends with its window: the member gets in again.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(login_from(&server, "198.51.100.9", "alice", "long enough").await.status(), 200);
}

#[tokio::test]
async fn a_successful_login_clears_the_failures_of_its_name() {
    let server = TestServer::start_with(&[("LOGIN_FAILURE_LIMIT", "3/600")]).await;
    server.register("alice", "long enough").await;
    for _ in 0..2 {
        assert_eq!(login_from(&server, "-", "alice", "wrong password").await.status(), 401);
    }
    assert_eq!(login_from(&server, "-", "alice", "long enough").await.status(), 200);
    for _ in 0..2 {
        assert_eq!(login_from(&server, "-", "alice", "wrong password").await.status(), 401, "count started over");
    }
}

#[tokio::test]
async fn a_look_alike_name_never_signs_in_and_is_not_a_second_budget_of_guesses() {
    let server = TestServer::start_with(&[("LOGIN_FAILURE_LIMIT", "3/600")]).await;
    server.register("kate_k", "kate's real password").await;
    // "Kate_K" with the Kelvin sign (U+212A), which PostgreSQL's lower() folds into "kate_k".
    let kelvin = "Kate_\u{212A}";
    let look_alike = server.post_json("/auth/login", json!({"username": kelvin, "password": "kate's real password"}));
    assert_error(look_alike.await, 401, "Invalid username or password").await;
    for _ in 0..10 {
        let guess = server.post_json("/auth/login", json!({"username": kelvin, "password": "a guess"})).await;
        assert_error(guess, 401, "Invalid username or password").await;
    }
    let long_name = server.post_json("/auth/login", json!({"username": "a".repeat(60_000), "password": "a guess"}));
    assert_error(long_name.await, 401, "Invalid username or password").await;
    let kate = server.post_json("/auth/login", json!({"username": "kate_k", "password": "kate's real password"}));
    assert_eq!(kate.await.status(), 200, "the look-alike's guesses neither locked nor reached kate_k");
}

#[tokio::test]
async fn a_login_upgrades_a_hash_made_at_a_lower_cost() {
    let server = TestServer::start_with(&[("BCRYPT_COST", "4")]).await;
    server.register("alice", "alice's password").await;
    let stronger = server.second_instance(&[("BCRYPT_COST", "5")]).await;
    let login = stronger.post_json("/auth/login", json!({"username": "alice", "password": "alice's password"}));
    assert_eq!(login.await.status(), 200);
    let url = server.database.as_ref().unwrap().url();
    let hash: String = match common::database::postgres_selected() {
        true => {
            let mut db = <sqlx::PgConnection as sqlx::Connection>::connect(&url).await.unwrap();
            sqlx::query_scalar("SELECT password_hash FROM users").fetch_one(&mut db).await.unwrap()
        }
        false => {
            let mut db = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
            sqlx::query_scalar("SELECT password_hash FROM users").fetch_one(&mut db).await.unwrap()
        }
    };
    assert!(hash.starts_with("$2b$05$"), "the stored hash is now at cost 5: {:.7}", hash);
    let again = server.post_json("/auth/login", json!({"username": "alice", "password": "alice's password"}));
    assert_eq!(again.await.status(), 200, "the same password still works");
}
