//! What the board refuses to store because it would mislead people: invisible or direction-reversed titles,
//! look-alike and reserved names, guessable passwords. Through both doors, on whichever backend the suite runs.

mod common;

use common::database::TestDatabase;
use common::{TestServer, assert_error};
use serde_json::json;

const LOOKALIKE: &str = "This username looks too much like an existing member's; choose another";
const RESERVED: &str = "This username is reserved";
const COMMON: &str = "This password is one of the most common passwords, which attackers try first; choose another";

#[tokio::test]
async fn look_alike_and_reserved_names_are_refused_through_both_doors() {
    let server = TestServer::start().await;
    server.register("alice", "long enough").await;
    let register =
        |name: &str| server.post_json("/auth/register", json!({"username": name, "password": "long enough"}));
    assert_error(register("aIice").await, 409, LOOKALIKE).await;
    assert_error(register("ALLCE").await, 409, LOOKALIKE).await;
    assert_error(register("ALICE").await, 409, "Username already taken").await;
    assert_error(register("Adm1n").await, 400, RESERVED).await;
    let via_spa = server.server_fn("register", json!({"username": "a1ice", "password": "long enough"}), None).await;
    assert_error(via_spa, 409, LOOKALIKE).await;
    let reserved = server.server_fn("register", json!({"username": "support", "password": "long enough"}), None);
    assert_error(reserved.await, 400, RESERVED).await;
    assert_eq!(register("alicia").await.status(), 201, "a different name is fine");
}

#[tokio::test]
async fn common_passwords_and_the_name_itself_are_refused_at_registration_and_change() {
    let server = TestServer::start().await;
    let register = |name: &str, password: &str| {
        server.post_json("/auth/register", json!({"username": name, "password": password}))
    };
    assert_error(register("alice", "password").await, 400, COMMON).await;
    assert_error(register("alice", "Sunshine").await, 400, COMMON).await;
    assert_error(register("alice", "ALICE").await, 400, "Password must be at least 8 characters").await;
    assert_error(register("bob_the_b", "BOB_THE_B").await, 400, "Password must not be your username").await;
    assert_error(register("alice", "        ").await, 400, "Password must not be one character repeated").await;
    let via_spa = server.server_fn("register", json!({"username": "alice", "password": "iloveyou"}), None).await;
    assert_error(via_spa, 400, COMMON).await;

    let alice = server.member("alice").await;
    let change = json!({"current_password": "long enough", "new_password": "12345678"});
    assert_error(server.call("PATCH", "/auth/password", Some(&alice), Some(change)).await, 400, COMMON).await;
    let change = json!({"current_password": "long enough", "new_password": "Alice"});
    let refused = server.call("PATCH", "/auth/password", Some(&alice), Some(change)).await;
    assert_error(refused, 400, "Password must be at least 8 characters").await;
}

#[tokio::test]
async fn titles_must_show_something_and_show_it_as_it_is() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let invisible = "Title must contain visible characters";
    let reordered =
        "Title must not contain text-direction controls (U+202A-U+202E, U+2066-U+2069), which can disguise it";
    for (title, message) in [
        ("\u{200B}\u{200B}\u{200B}", invisible),
        ("\u{3164}\u{3164}\u{3164}", invisible),
        ("\u{2800}\u{2800}\u{2800}\u{2800}", invisible),
        ("Invoice \u{202E}fdp.exe", reordered),
    ] {
        let rest = server.call("POST", "/posts", Some(&alice), Some(json!({"title": title, "body": "b"}))).await;
        assert_error(rest, 400, message).await;
        let spa = server.server_fn("create_post", json!({"title": title, "body": "b"}), Some(&alice.token)).await;
        assert_error(spa, 400, message).await;
    }
    let post = server.post_as(&alice, "Fine title", "b").await;
    let edit = json!({"title": "\u{2067}abc\u{2069}"});
    let path = format!("/posts/{}", post.id);
    assert_error(server.call("PATCH", &path, Some(&alice), Some(edit)).await, 400, reordered).await;
}

/// Members who registered before the look-alike rule keep their names; the oldest of each look-alike group
/// protects its name from then on. Proven by running the migrations up to the one before, adding members, then
/// starting the server (which runs the rest).
#[tokio::test]
async fn the_migration_keeps_existing_look_alikes_and_protects_the_oldest() {
    let database = TestDatabase::fresh().await;
    let url = database.url();
    let backend = if url.starts_with("postgres") { "postgres" } else { "sqlite" };
    let mut migrator =
        sqlx::migrate::Migrator::new(std::path::Path::new(&format!("../migrations/{backend}"))).await.unwrap();
    migrator.migrations = migrator.migrations.iter().filter(|m| m.version < 5).cloned().collect::<Vec<_>>().into();
    let hash = app::security::PasswordHasher::new(4).hash("long enough").await.unwrap();
    let insert = format!(
        "INSERT INTO users (username, password_hash) VALUES ('Modern', '{hash}'), ('modem', '{hash}'), ('bob', '{hash}')"
    );
    if backend == "postgres" {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        migrator.run(&pool).await.unwrap();
        sqlx::query(&insert).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        migrator.run(&pool).await.unwrap();
        sqlx::query(&insert).execute(&pool).await.unwrap();
        pool.close().await;
    }
    let server = TestServer::start_on(database, &[]).await;
    for name in ["Modern", "modem"] {
        let login = server.post_json("/auth/login", json!({"username": name, "password": "long enough"})).await;
        assert_eq!(login.status(), 200, "{name} keeps their name and signs in");
    }
    let register =
        |name: &str| server.post_json("/auth/register", json!({"username": name, "password": "long enough"}));
    assert_error(register("MODERN").await, 409, "Username already taken").await;
    assert_error(register("rnodern").await, 409, LOOKALIKE).await;
    assert_error(register("b0b").await, 409, LOOKALIKE).await;
}

/// Migration 0005 computes the skeleton in SQL for members who registered before it; new members get it from
/// `username_skeleton`. Both must agree, on both backends.
#[tokio::test]
async fn the_migrations_skeleton_in_sql_is_the_one_in_rust() {
    let database = TestDatabase::fresh().await;
    let url = database.url();
    let sql = "SELECT replace(replace(replace(replace(replace(lower($1), 'i', 'l'), '1', 'l'), '0', 'o'), 'rn', 'm'), 'vv', 'w')";
    let names = ["alice", "aIice", "A1ICE", "B0B_rn", "VVolf_vvv", "rnrn", "Modern_01", "i_l_1_I_L"];
    for name in names {
        let in_sql: String = if url.starts_with("postgres") {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            sqlx::query_scalar(sql).bind(name).fetch_one(&pool).await.unwrap()
        } else {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            sqlx::query_scalar(sql).bind(name).fetch_one(&pool).await.unwrap()
        };
        assert_eq!(in_sql, app::model::auth::username_skeleton(name), "{name}");
    }
    let migration = std::fs::read_to_string("../migrations/sqlite/0005_username_skeleton.sql").unwrap();
    let expression = sql["SELECT ".len()..].replace("$1", "username");
    assert!(migration.contains(&expression), "the test runs the migration's own expression");
}
