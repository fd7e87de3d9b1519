//! What an operator relies on: a backup taken under load restores into a serving board with every acknowledged
//! write, the Prometheus endpoint counts what happened (and only on its own address), JSON logs are JSON, and
//! `/readyz` tells a balancer when to stay away (starting, draining).

mod common;

use common::database::TestDatabase;
use common::process::{Bulletin, free_addr, run_command};
use reqwest::Client;
use serde_json::{Value, json};
use sqlx::{Connection, SqliteConnection};
use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn register(http: &Client, base: &str, username: &str) -> String {
    let response = http
        .post(format!("{base}/auth/register"))
        .json(&json!({"username": username, "password": "long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}/bulletin.db?mode=rwc", dir.display())
}

async fn integrity(file: &Path) -> String {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}?mode=ro", file.display())).await.unwrap();
    sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await.unwrap()
}

/// Whether the database file holds post `id`.
async fn has_post(file: &Path, id: i64) -> bool {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}?mode=ro", file.display())).await.unwrap();
    let query = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM posts WHERE id = $1").bind(id);
    query.fetch_one(&mut conn).await.unwrap() == 1
}

#[tokio::test]
async fn sqlite_a_backup_under_write_load_restores_into_a_serving_board_with_every_acknowledged_write() {
    let live = tempfile::tempdir().unwrap();
    let server = Bulletin::start(&sqlite_url(live.path()), &[]).await;
    let http = Client::new();
    let token = register(&http, &server.base, "writer").await;

    // Four writers create posts without pause; each post's id is noted once its 201 has arrived.
    let acknowledged = Arc::new(Mutex::new(Vec::<i64>::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (http, base, token) = (http.clone(), server.base.clone(), token.clone());
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let body = json!({"title": format!("Writer {w} post {n}"), "body": "written under backup"});
                    let response =
                        http.post(format!("{base}/posts")).bearer_auth(&token).json(&body).send().await.unwrap();
                    assert_eq!(response.status(), 201, "a write under load");
                    let id = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
                    acknowledged.lock().unwrap().push(id);
                    n += 1;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(700)).await;

    let backups = tempfile::tempdir().unwrap();
    let backup = backups.path().join("nightly.db");
    let before_backup: HashSet<i64> = acknowledged.lock().unwrap().iter().copied().collect();
    let (ok, printed) = run_command(&sqlite_url(live.path()), &["backup", backup.to_str().unwrap()]).await;
    let during_backup = acknowledged.lock().unwrap().len() - before_backup.len();
    assert!(ok, "bulletin backup: {printed}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let after_backup = acknowledged.lock().unwrap().len() - before_backup.len() - during_backup;
    assert!(after_backup > 0, "the writers went on past the backup: the server kept serving");
    eprintln!(
        "{} posts acknowledged before the backup, {during_backup} while it ran; it printed: {printed}",
        before_backup.len()
    );
    assert!(before_backup.len() >= 10, "the load was running: {}", before_backup.len());
    assert!(printed.contains("members") && printed.contains("posts"), "{printed}");
    assert_eq!(std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777, 0o600, "the backup is private");
    let leftovers: Vec<_> = std::fs::read_dir(backups.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, ["nightly.db"], "nothing but the backup is left in its directory");
    assert_eq!(integrity(&backup).await, "ok");

    // A second backup never overwrites the first; a restore over a database a server is using is refused.
    let (ok, printed) = run_command(&sqlite_url(live.path()), &["backup", backup.to_str().unwrap()]).await;
    assert!(!ok && printed.contains("exists already"), "{printed}");
    let (ok, printed) = run_command(&sqlite_url(live.path()), &["restore", backup.to_str().unwrap()]).await;
    assert!(!ok && printed.contains("stop it first"), "{printed}");
    drop(server);

    // Restored into a fresh directory, the board serves every post acknowledged before the backup began.
    let fresh = tempfile::tempdir().unwrap();
    let (ok, printed) = run_command(&sqlite_url(fresh.path()), &["restore", backup.to_str().unwrap()]).await;
    assert!(ok, "bulletin restore: {printed}");
    assert!(printed.contains("there was no database before it"), "{printed}");
    let restored_file = fresh.path().join("bulletin.db");
    assert_eq!(integrity(&restored_file).await, "ok");
    let restored = Bulletin::start(&sqlite_url(fresh.path()), &[]).await;
    let login = http
        .post(format!("{}/auth/login", restored.base))
        .json(&json!({"username": "writer", "password": "long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200, "the member signs in on the restored board");
    let token = login.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let mut missing = Vec::new();
    for id in &before_backup {
        let response = http.get(format!("{}/posts/{id}", restored.base)).bearer_auth(&token).send().await.unwrap();
        if response.status() != 200 {
            missing.push(*id);
        }
    }
    assert!(missing.is_empty(), "acknowledged before the backup, missing after the restore: {missing:?}");
    let created = http
        .post(format!("{}/posts", restored.base))
        .bearer_auth(&token)
        .json(&json!({"title": "After the restore", "body": "the restored board takes writes"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let after_restore = created.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    drop(restored);

    // Restoring over an existing database keeps it beside the restored one, with its last writes (which were
    // still in its write-ahead log: the server was killed).
    let (ok, printed) = run_command(&sqlite_url(fresh.path()), &["restore", backup.to_str().unwrap()]).await;
    assert!(ok && printed.contains("before-restore-"), "{printed}");
    let kept: Vec<_> = std::fs::read_dir(fresh.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(integrity(&kept[0]).await, "ok");
    assert!(
        has_post(&kept[0], after_restore).await,
        "the replaced database keeps the post written after the first restore"
    );
    assert!(!has_post(&restored_file, after_restore).await, "the restored database is the backup's");
}

#[tokio::test]
async fn sqlite_a_write_ahead_log_left_without_its_database_is_never_replayed_onto_the_restored_one() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let mut server = Bulletin::start(&url, &[]).await;
    let http = Client::new();
    let token = register(&http, &server.base, "before").await;
    let backups = tempfile::tempdir().unwrap();
    let backup = backups.path().join("b.db");
    let (ok, printed) = run_command(&url, &["backup", backup.to_str().unwrap()]).await;
    assert!(ok, "{printed}");
    for n in 0..20 {
        let body = json!({"title": format!("Only in the log {n}"), "body": "written after the backup"});
        let response = http.post(format!("{}/posts", server.base)).bearer_auth(&token).json(&body).send().await;
        assert_eq!(response.unwrap().status(), 201);
    }
    // Killed: its log stays, with the last writes in it. The operator moves the database away by hand.
    server.kill();
    server.exited().await;
    let database = dir.path().join("bulletin.db");
    let log = dir.path().join("bulletin.db-wal");
    let log_bytes = std::fs::read(&log).unwrap();
    assert!(!log_bytes.is_empty(), "the killed server left its log");
    std::fs::rename(&database, dir.path().join("moved-away.db")).unwrap();

    let (ok, printed) = run_command(&url, &["restore", backup.to_str().unwrap()]).await;
    assert!(ok, "{printed}");
    assert!(!log.exists(), "the old log is not beside the restored database");
    let kept_log: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".before-restore-") && p.to_string_lossy().ends_with("-wal"))
        .collect();
    assert_eq!(kept_log.len(), 1, "the old log is kept: {printed}");
    assert_eq!(std::fs::read(&kept_log[0]).unwrap(), log_bytes, "whole");
    assert_eq!(integrity(&database).await, "ok");
    let server = Bulletin::start(&url, &[]).await;
    let feed = http.get(format!("{}/posts", server.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(feed.status(), 200);
    let feed: Value = feed.json().await.unwrap();
    assert_eq!(feed["posts"].as_array().map(Vec::len), Some(0), "the backup's board, with no post: {feed}");

    // A restore cut short leaves its marker: nothing opens the database (and makes an empty one at its name)
    // until a restore has finished.
    drop(server);
    std::fs::write(dir.path().join("bulletin.db.restoring"), "").unwrap();
    let (ok, printed) = run_command(&url, &["seed", "--members", "0", "--posts", "0"]).await;
    assert!(!ok && printed.contains("did not finish"), "{printed}");
    let (ok, printed) = run_command(&url, &["restore", backup.to_str().unwrap()]).await;
    assert!(ok && !dir.path().join("bulletin.db.restoring").exists(), "a new restore finishes it: {printed}");

    // Restoring where the database's directory does not exist (a relative path read from the wrong place, say)
    // makes nothing.
    let nowhere = dir.path().join("no-such-directory");
    let (ok, printed) = run_command(&sqlite_url(&nowhere), &["restore", backup.to_str().unwrap()]).await;
    assert!(!ok && printed.contains("does not exist"), "{printed}");
    assert!(!nowhere.exists());
}

#[tokio::test]
async fn sqlite_restore_refuses_what_is_not_a_whole_backup_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let server = Bulletin::start(&url, &[]).await;
    register(&Client::new(), &server.base, "keeper").await;
    drop(server);
    let backup = dir.path().join("good.db");
    let (ok, printed) = run_command(&url, &["backup", backup.to_str().unwrap()]).await;
    assert!(ok, "{printed}");
    let database = dir.path().join("bulletin.db");
    let before = std::fs::read(&database).unwrap();

    let not_sqlite = dir.path().join("notes.txt");
    std::fs::write(&not_sqlite, "not a database at all, just some text that is long enough").unwrap();
    let (ok, printed) = run_command(&url, &["restore", not_sqlite.to_str().unwrap()]).await;
    assert!(!ok && printed.contains("not a SQLite database"), "{printed}");

    // A page in the middle overwritten: SQLite's integrity check finds it.
    let torn = dir.path().join("torn.db");
    let mut bytes = std::fs::read(&backup).unwrap();
    let page = 4096 * 2;
    bytes[page..page + 4096].fill(0xA5);
    std::fs::write(&torn, bytes).unwrap();
    let (ok, printed) = run_command(&url, &["restore", torn.to_str().unwrap()]).await;
    assert!(!ok && printed.contains("torn.db"), "a torn backup is refused: {printed}");
    eprintln!("the torn backup: {printed}");

    // A backup from a newer Bulletin (a migration this one does not know) is refused.
    let newer = dir.path().join("newer.db");
    std::fs::copy(&backup, &newer).unwrap();
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", newer.display())).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99990101000000, 'from the future', 1, x'00', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let (ok, printed) = run_command(&url, &["restore", newer.to_str().unwrap()]).await;
    assert!(!ok && printed.contains("newer than this Bulletin knows"), "{printed}");

    // Another program (here, this test) reading the database: not even a stopped server's lock file can tell.
    let mut reader = SqliteConnection::connect(&format!("sqlite://{}", database.display())).await.unwrap();
    sqlx::query("BEGIN").execute(&mut reader).await.unwrap();
    let _: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&mut reader).await.unwrap();
    let (ok, printed) = run_command(&url, &["restore", backup.to_str().unwrap()]).await;
    assert!(!ok && printed.contains("another program"), "{printed}");
    sqlx::query("COMMIT").execute(&mut reader).await.unwrap();
    reader.close().await.unwrap();

    assert_eq!(std::fs::read(&database).unwrap(), before, "the database is untouched by refused restores");
    let restored: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("before-restore") || name.contains("restoring"))
        .collect();
    assert!(restored.is_empty(), "{restored:?}");
}

#[tokio::test]
async fn postgres_only_backup_and_restore_name_the_postgresql_tools() {
    let url = "postgres://bulletin:secret-password@db.example:5432/board";
    let (ok, printed) = run_command(url, &["backup", "/tmp/board.dump"]).await;
    assert!(!ok, "no backup was written, so it must not look like success: {printed}");
    assert!(
        printed
            .contains("pg_dump --format=custom --file '/tmp/board.dump' 'postgres://bulletin@db.example:5432/board'"),
        "{printed}"
    );
    assert!(!printed.contains("secret-password"), "{printed}");
    let (ok, printed) = run_command(url, &["restore", "/tmp/board.dump"]).await;
    assert!(!ok && printed.contains("pg_restore"), "{printed}");
}

/// The value of the series `name{labels}` in a Prometheus text page (labels as written, in order), if present.
fn sample(page: &str, series: &str) -> Option<f64> {
    page.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok())
}

#[tokio::test]
async fn metrics_count_requests_logins_limits_and_tokens_on_their_own_address_only() {
    let database = TestDatabase::fresh().await;
    let metrics_addr = free_addr();
    let vars = [("METRICS_ADDR", metrics_addr.as_str()), ("LOGIN_FAILURE_LIMIT", "2/600")];
    let server = Bulletin::start(&database.url(), &vars).await;
    let http = Client::new();
    let scrape = || async {
        let response = http.get(format!("http://{metrics_addr}/metrics")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    };
    let before = scrape().await;
    assert_eq!(sample(&before, r#"bulletin_logins_total{outcome="failure"}"#), None, "{before}");

    let token = register(&http, &server.base, "metered").await;
    let main_pool = if database.url().starts_with("sqlite:") { "read" } else { "main" };
    let acquired = |page: &str| {
        sample(page, &format!(r#"bulletin_db_acquire_seconds_count{{pool="{main_pool}"}}"#)).unwrap_or(0.0)
    };
    // The member's token generation is cached after the first request: the next three are the feed's reads alone.
    http.get(format!("{}/posts", server.base)).bearer_auth(&token).send().await.unwrap();
    let before_feed = acquired(&scrape().await);
    for _ in 0..3 {
        http.get(format!("{}/posts", server.base)).bearer_auth(&token).send().await.unwrap();
    }
    let feed_reads = acquired(&scrape().await) - before_feed;
    assert!(feed_reads >= 3.0, "each feed page waits for a connection, and is timed: {feed_reads}");
    http.get(format!("{}/posts/999999", server.base)).bearer_auth(&token).send().await.unwrap();
    let login = |password: &'static str| {
        http.post(format!("{}/auth/login", server.base))
            .json(&json!({"username": "metered", "password": password}))
            .send()
    };
    assert_eq!(login("long enough password").await.unwrap().status(), 200);
    for _ in 0..2 {
        assert_eq!(login("a wrong password").await.unwrap().status(), 401);
    }
    assert_eq!(login("a wrong password").await.unwrap().status(), 429, "past LOGIN_FAILURE_LIMIT");
    let refreshed = http.post(format!("{}/auth/refresh", server.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(refreshed.status(), 200);
    let out = http.post(format!("{}/auth/logout-all", server.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(http.get(format!("{}/metrics", server.base)).send().await.unwrap().status(), 404, "not public");

    let page = scrape().await;
    let value = |series: &str| sample(&page, series).unwrap_or_else(|| panic!("no {series} in:\n{page}"));
    assert_eq!(value(r#"bulletin_http_requests_total{method="GET",route="/posts",status="200"}"#), 4.0);
    assert_eq!(value(r#"bulletin_http_requests_total{method="GET",route="/posts/{id}",status="404"}"#), 1.0);
    assert_eq!(value(r#"bulletin_http_requests_total{method="POST",route="/auth/login",status="429"}"#), 1.0);
    assert_eq!(value(r#"bulletin_http_request_duration_seconds_count{method="GET",route="/posts"}"#), 4.0);
    assert!(page.contains(r#"bulletin_http_request_duration_seconds_bucket{method="GET",route="/posts",le="0.005"}"#));
    assert_eq!(value(r#"bulletin_logins_total{outcome="success"}"#), 1.0);
    assert_eq!(value(r#"bulletin_logins_total{outcome="failure"}"#), 2.0);
    assert_eq!(value(r#"bulletin_rate_limit_refusals_total{limiter="login_failures"}"#), 1.0);
    assert_eq!(value("bulletin_token_refreshes_total"), 1.0);
    assert_eq!(value(r#"bulletin_token_revocations_total{reason="logout_all"}"#), 1.0);
    assert_eq!(value("bulletin_password_hash_queue"), 0.0);
    // The scrape itself is not a request of the board: only the request that is running shows up there.
    assert!(value("bulletin_http_requests_in_flight") <= 1.0);
    assert!(value(&format!(r#"bulletin_db_max_connections{{pool="{main_pool}"}}"#)) >= 1.0);
    assert!(page.contains(&format!(r#"bulletin_db_connections{{pool="{main_pool}",state="idle"}}"#)), "{page}");
    assert_eq!(value(&format!(r#"bulletin_db_acquire_waiting{{pool="{main_pool}"}}"#)), 0.0);
    if main_pool == "read" {
        assert!(value("bulletin_sqlite_wal_bytes") >= 0.0);
    }
}

#[tokio::test]
async fn json_logs_are_one_object_per_line_with_the_request_fields_as_keys() {
    let database = TestDatabase::fresh().await;
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("bulletin.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let vars = [("LOG_FORMAT", "json"), ("RUST_LOG", "info")];
    let mut server = Bulletin::start_logging_to(&database.url(), &vars, log).await;
    let http = Client::new();
    let token = register(&http, &server.base, "logged").await;
    let refused = http
        .post(format!("{}/auth/login", server.base))
        .header("x-request-id", "json-log-test")
        .json(&json!({"username": "logged", "password": "not the password \" at all"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let unauthorized = http.get(format!("{}/posts", server.base)).bearer_auth("not-a-token").send().await.unwrap();
    assert_eq!(unauthorized.status(), 401);
    http.post(format!("{}/auth/logout-all", server.base)).bearer_auth(&token).send().await.unwrap();
    server.terminate();
    assert!(server.exited().await.success());

    let text = std::fs::read_to_string(&log_path).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert!(lines.len() >= 5, "{text}");
    assert!(lines.iter().all(|line| line["timestamp"].is_string() && line["level"].is_string()), "{text}");
    let event = |name: &str| {
        lines
            .iter()
            .find(|line| line["target"] == "audit" && line["event"] == name)
            .unwrap_or_else(|| panic!("no audit event {name} in:\n{text}"))
    };
    let failed = event("login_failed");
    assert_eq!(failed["span"]["request_id"], "json-log-test");
    assert_eq!(failed["span"]["client"], "127.0.0.1");
    assert!(!text.contains("not the password"), "a password reached the log");
    let logout = event("logout_all");
    assert!(logout["user_id"].as_i64().is_some_and(|id| id > 0), "{logout}");
    assert_eq!(logout["span"]["user_id"], logout["user_id"]);
    assert_eq!(event("unauthorized")["status"], 401);
}

#[tokio::test]
async fn readiness_turns_away_traffic_while_draining_but_requests_are_still_served() {
    let database = TestDatabase::fresh().await;
    let server = Bulletin::start(&database.url(), &[("SHUTDOWN_DELAY_SECONDS", "2")]).await;
    let http = Client::new();
    let ready = http.get(format!("{}/readyz", server.base)).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap(), json!({"status": "ready"}));

    server.terminate();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let draining = http.get(format!("{}/readyz", server.base)).send().await.unwrap();
    assert_eq!(draining.status(), 503);
    assert_eq!(draining.json::<Value>().await.unwrap(), json!({"status": "draining"}));
    let health = http.get(format!("{}/healthz", server.base)).send().await.unwrap();
    assert_eq!(health.status(), 200, "a draining instance is alive");
    let token = register(&http, &server.base, "late").await;
    let feed = http.get(format!("{}/posts", server.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(feed.status(), 200, "requests are served during the delay");

    let mut server = server;
    let exited =
        tokio::time::timeout(Duration::from_secs(10), server.exited()).await.expect("it stops after the delay");
    assert!(exited.success());
}

#[tokio::test]
async fn postgres_only_while_migrations_wait_probes_say_starting_and_requests_wait_for_the_board() {
    let database = TestDatabase::fresh_postgres().await;
    let url = database.url();
    // Migrated once, then the migrations table is locked: a second start waits in its migrations.
    drop(Bulletin::start(&url, &[]).await);
    let mut locker = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut locker).await.unwrap();
    sqlx::query("LOCK TABLE _sqlx_migrations IN ACCESS EXCLUSIVE MODE").execute(&mut locker).await.unwrap();

    let server = Bulletin::spawn(&url, &[("REQUEST_TIMEOUT_SECONDS", "2")]);
    let http = Client::new();
    let mut answered = None;
    for _ in 0..100 {
        if let Ok(response) = http.get(format!("{}/readyz", server.base)).send().await {
            answered = Some((response.status(), response.json::<Value>().await.unwrap()));
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, body) = answered.expect("the listener is open while migrations run");
    assert_eq!((status.as_u16(), body), (503, json!({"status": "starting"})));
    assert_eq!(http.get(format!("{}/healthz", server.base)).send().await.unwrap().status(), 503);

    // A request waits for the board, up to the request deadline; then 503 with Retry-After.
    let started = std::time::Instant::now();
    let outwaited = http.get(format!("{}/posts", server.base)).send().await.unwrap();
    assert_eq!(outwaited.status(), 503);
    assert!(outwaited.headers().contains_key("retry-after"));
    assert!(started.elapsed() >= Duration::from_millis(1900), "it waited: {:?}", started.elapsed());

    // One that arrives while the migrations wait is answered by the board once they are done.
    let waiting = tokio::spawn({
        let (http, base) = (http.clone(), server.base.clone());
        async move { http.get(format!("{base}/posts")).send().await.unwrap() }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    sqlx::query("COMMIT").execute(&mut locker).await.unwrap();
    let answered = waiting.await.unwrap();
    assert_eq!(answered.status(), 401, "the board's own answer (no token), not a refusal");
    let ready = http.get(format!("{}/readyz", server.base)).send().await.unwrap();
    assert_eq!(ready.status(), 200);
}
