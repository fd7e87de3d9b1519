//! Limits on authentication: concurrent registrations of one name, attempts per client (and which address a
//! client has, behind proxies or not), and failed logins per username.

mod common;

use app::model::AuthToken;
use common::{TestServer, assert_error, assert_limited, expect};
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
    let via_server_fn =
        server.server_fn("login", json!({"username": "alice", "password": "wrong password"}), None).await;
    assert_eq!(via_server_fn.status(), StatusCode::UNAUTHORIZED, "third attempt, counted across both doors");

    let limited = server.post_json("/auth/login", login).await;
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry_after), "{retry_after}");
    assert_limited(limited).await;

    let limited = server.server_fn("register", json!({"username": "bob", "password": "long enough"}), None).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_limited(limited).await;
}

#[tokio::test]
async fn the_limit_does_not_apply_to_authenticated_requests() {
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "1/600")]).await;
    let token = server.register("alice", "long enough").await.token;
    for _ in 0..5 {
        assert_eq!(server.me(Some(&format!("Bearer {token}"))).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn rotating_x_forwarded_for_does_not_escape_the_limit() {
    // No TRUSTED_PROXIES: the header is the client's own claim and is ignored.
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "2/600")]).await;
    assert_eq!(server.login_from("198.51.100.1", "alice", "wrong password").await.status(), 401);
    assert_eq!(server.login_from("198.51.100.2", "alice", "wrong password").await.status(), 401);
    let limited = server.login_from("198.51.100.3", "alice", "wrong password").await;
    assert_limited(limited).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_count() {
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "2/600"), ("TRUSTED_PROXIES", "127.0.0.1")]).await;
    for _ in 0..2 {
        assert_eq!(server.login_from("198.51.100.1", "alice", "wrong password").await.status(), 401);
    }
    assert_eq!(server.login_from("198.51.100.1", "alice", "wrong password").await.status(), 429);
    // The same client prepending a made-up hop: the proxy's own entry (rightmost) still names it.
    assert_eq!(server.login_from("203.0.113.77, 198.51.100.1", "alice", "x").await.status(), 429);
    assert_eq!(server.login_from("198.51.100.2", "alice", "wrong password").await.status(), 401, "another client");
}

#[tokio::test]
async fn failed_logins_are_limited_per_username_across_addresses_and_the_lock_is_short() {
    let server = TestServer::start_with(&[("LOGIN_FAILURE_LIMIT", "3/2"), ("TRUSTED_PROXIES", "127.0.0.1")]).await;
    server.register("alice", "long enough").await;
    server.register("bob", "long enough").await;
    for i in 1..=3 {
        let response = server.login_from(&format!("198.51.100.{i}"), "ALICE", "wrong password").await;
        assert_eq!(response.status(), 401, "attempt {i} from its own address");
    }
    let locked = server.login_from("198.51.100.9", "alice", "long enough").await;
    assert!(locked.headers().contains_key("retry-after"));
    assert_limited(locked).await;
    let via_server_fn = server.server_fn("login", json!({"username": "alice", "password": "long enough"}), None).await;
    assert_eq!(via_server_fn.status(), 429, "the same limit through the SPA's door");
    assert_eq!(server.login_from("198.51.100.9", "bob", "long enough").await.status(), 200, "others unaffected");

    // The lock ends with its window: the member gets in again.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(server.login_from("198.51.100.9", "alice", "long enough").await.status(), 200);
}

#[tokio::test]
async fn a_successful_login_clears_the_failures_of_its_name() {
    let server = TestServer::start_with(&[("LOGIN_FAILURE_LIMIT", "3/600")]).await;
    server.register("alice", "long enough").await;
    for _ in 0..2 {
        assert_eq!(server.login_from("-", "alice", "wrong password").await.status(), 401);
    }
    assert_eq!(server.login_from("-", "alice", "long enough").await.status(), 200);
    for _ in 0..2 {
        assert_eq!(server.login_from("-", "alice", "wrong password").await.status(), 401, "count started over");
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

async fn login_with_device(server: &TestServer, from: &str, device: &str, password: &str) -> reqwest::Response {
    server
        .http
        .post(server.url("/auth/login"))
        .header("x-forwarded-for", from)
        .header("x-device-token", device)
        .json(&json!({"username": "alice", "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_member_locked_out_by_someone_else_still_signs_in_from_a_browser_they_used_before() {
    let server = TestServer::start_with(&[
        ("LOGIN_FAILURE_LIMIT", "3/600"),
        ("AUTH_RATE_LIMIT", "3/600"),
        ("TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    let registered = server.register("alice", "long enough").await;
    let device = registered.device_token.expect("registration hands out a device token");

    // An attacker fails on purpose from three addresses: the name is locked.
    for i in 1..=3 {
        assert_eq!(server.login_from(&format!("203.0.113.{i}"), "alice", "attacker guess").await.status(), 401);
    }
    // Alice, from her own address, without her device token: refused, again and again...
    for _ in 0..5 {
        assert_limited(server.login_from("198.51.100.7", "alice", "long enough").await).await;
    }
    // ...and none of those refusals spent her address's budget (3): with the device token she is in.
    let signed_in: AuthToken =
        expect(login_with_device(&server, "198.51.100.7", &device, "long enough").await, 200).await;
    assert!(signed_in.device_token.is_some(), "a login hands out a new device token");

    // Her device has a budget of its own: typos count there, not against the name, and it locks too.
    for _ in 0..3 {
        assert_eq!(login_with_device(&server, "198.51.100.8", &device, "typo typo").await.status(), 401);
    }
    assert_limited(login_with_device(&server, "198.51.100.9", &device, "long enough").await).await;
    // A forged or foreign device token is no device token: the name's lock applies.
    let forged = login_with_device(&server, "198.51.100.10", "not.a.token", "long enough").await;
    assert_limited(forged).await;
}

#[tokio::test]
async fn a_device_token_vouches_for_its_own_member_only() {
    let server = TestServer::start_with(&[("LOGIN_FAILURE_LIMIT", "2/600")]).await;
    let bob = server.register("bob", "long enough").await;
    server.register("alice", "long enough").await;
    for _ in 0..2 {
        assert_eq!(server.login_from("-", "alice", "attacker guess").await.status(), 401);
    }
    let bobs_device = bob.device_token.expect("registration hands out a device token");
    let with_bobs = login_with_device(&server, "-", &bobs_device, "long enough").await;
    assert_limited(with_bobs).await;
}

#[tokio::test]
async fn successful_logins_do_not_spend_the_address_budget_but_have_their_own_allowance() {
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "2/600"), ("LOGIN_SUCCESS_LIMIT", "5/600")]).await;
    server.register("alice", "long enough").await; // one of the two attempts
    for i in 0..5 {
        assert_eq!(server.login_from("-", "alice", "long enough").await.status(), 200, "login {i}");
    }
    // Five successes, more than the two attempts: none was taken from the budget. The allowance is now spent.
    assert_limited(server.login_from("-", "alice", "long enough").await).await;
}

#[tokio::test]
async fn a_locked_name_does_not_stop_its_member_changing_their_password() {
    let server = TestServer::start_with(&[("LOGIN_FAILURE_LIMIT", "2/600")]).await;
    let alice = server.member("alice").await;
    for _ in 0..2 {
        assert_eq!(server.login_from("-", "alice", "attacker guess").await.status(), 401);
    }
    assert_limited(server.login_from("-", "alice", "long enough").await).await;
    let change = json!({"current_password": "long enough", "new_password": "a brand new secret"});
    let changed = server.call("PATCH", "/auth/password", Some(&alice), Some(change)).await;
    assert_eq!(changed.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guesses_sent_at_once_cannot_all_pass_the_name_lock() {
    let server = TestServer::start_with(&[("LOGIN_FAILURE_LIMIT", "3/600")]).await;
    server.register("alice", "long enough").await;
    let guesses = (0..20).map(|i| server.login_from("-", "alice", if i % 2 == 0 { "guess one" } else { "guess two" }));
    let statuses: Vec<u16> =
        futures_util::future::join_all(guesses).await.iter().map(|r| r.status().as_u16()).collect();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(checked, 3, "only the lock's three attempts may reach the password check: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
}
