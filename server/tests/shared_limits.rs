//! Attempt limits on PostgreSQL are one limit for every instance on the database, and a limiter that cannot count
//! refuses sign-ins (503) instead of letting them through. Always on PostgreSQL (SQLite boards are one instance,
//! which counts in memory); named `cluster_` because they choose their backend themselves, so they run once, in
//! the suite's first pass, with the cluster test (the PostgreSQL pass skips `cluster_`).

mod common;

use common::database::TestDatabase;
use common::{TestServer, assert_limited};
use serde_json::json;

async fn run_sql(database: &TestDatabase, sql: &str) {
    let pool = sqlx::PgPool::connect(&database.url()).await.unwrap();
    sqlx::query(sql).execute(&pool).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cluster_an_address_gets_its_attempts_once_whichever_instance_answers() {
    let limits = [("AUTH_RATE_LIMIT", "5/60")];
    let a = TestServer::start_on(TestDatabase::fresh_postgres().await, &limits).await;
    let (b, c) = (a.second_instance(&limits).await, a.second_instance(&limits).await);
    a.register("alice", "long enough").await; // attempt 1, on A
    // Attempts 2 to 5 go round the three instances: each has seen at most two.
    for (n, server) in [&b, &c, &a, &b].into_iter().enumerate() {
        assert_eq!(server.login_from("-", "alice", "wrong password").await.status(), 401, "attempt {}", n + 2);
    }
    // The sixth is refused whichever instance answers it.
    for server in [&c, &a, &b] {
        let limited = server.login_from("-", "alice", "long enough").await;
        let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry_after), "{retry_after}");
        assert_limited(limited).await;
    }
    let register = c.post_json("/auth/register", json!({"username": "bob", "password": "long enough"})).await;
    assert_limited(register).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cluster_failed_logins_of_a_name_are_counted_once_across_instances_and_cleared_by_a_success() {
    let limits = [("LOGIN_FAILURE_LIMIT", "3/60"), ("TRUSTED_PROXIES", "127.0.0.1")];
    let a = TestServer::start_on(TestDatabase::fresh_postgres().await, &limits).await;
    let b = a.second_instance(&limits).await;
    a.register("alice", "long enough").await;
    a.register("carol", "long enough").await;
    // Two failures, a success (which clears the name's count everywhere), then three failures from three
    // addresses over both instances: the name is locked on both.
    assert_eq!(a.login_from("198.51.100.1", "carol", "wrong password").await.status(), 401);
    assert_eq!(b.login_from("198.51.100.2", "carol", "wrong password").await.status(), 401);
    assert_eq!(a.login_from("198.51.100.3", "carol", "long enough").await.status(), 200);
    assert_eq!(b.login_from("198.51.100.4", "carol", "wrong password").await.status(), 401, "count started over");

    for (i, server) in [&a, &b, &a].into_iter().enumerate() {
        let response = server.login_from(&format!("198.51.100.{}", 10 + i), "ALICE", "wrong password").await;
        assert_eq!(response.status(), 401, "failure {}", i + 1);
    }
    for server in [&b, &a] {
        assert_limited(server.login_from("198.51.100.20", "alice", "long enough").await).await;
    }
    assert_eq!(b.login_from("198.51.100.20", "carol", "long enough").await.status(), 200, "other names unaffected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cluster_a_member_s_write_limit_is_shared_by_the_instances() {
    let limits = [("POST_RATE_LIMIT", "3/60")];
    let a = TestServer::start_on(TestDatabase::fresh_postgres().await, &limits).await;
    let b = a.second_instance(&limits).await;
    let alice = a.member("alice").await;
    a.post_as(&alice, "one", "on A").await;
    b.post_as(&alice, "two", "on B").await;
    a.post_as(&alice, "three", "on A").await;
    let fourth = b.call("POST", "/posts", Some(&alice), Some(json!({"title": "four", "body": "on B"}))).await;
    assert_limited(fourth).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cluster_a_limiter_that_cannot_count_refuses_sign_in_rather_than_allowing_it() {
    let server = TestServer::start_on(TestDatabase::fresh_postgres().await, &[("AUTH_RATE_LIMIT", "5/60")]).await;
    let database = server.database.as_ref().unwrap();
    server.register("alice", "long enough").await;
    // The limiter's table is gone (as if its statements failed); the rest of the database works.
    run_sql(database, "ALTER TABLE attempt_windows RENAME TO attempt_windows_away").await;
    let login_refused = server.login_from("-", "alice", "long enough").await;
    assert_eq!(login_refused.status(), 503, "a sign-in the limiter could not count does not go ahead");
    assert!(login_refused.headers().contains_key("retry-after"));
    let register = server.post_json("/auth/register", json!({"username": "bob", "password": "long enough"})).await;
    assert_eq!(register.status(), 503);
    run_sql(database, "ALTER TABLE attempt_windows_away RENAME TO attempt_windows").await;
    assert_eq!(server.login_from("-", "alice", "long enough").await.status(), 200, "counting again once it can");
    assert_eq!(
        server.post_json("/auth/register", json!({"username": "bob", "password": "long enough"})).await.status(),
        201
    );
}
