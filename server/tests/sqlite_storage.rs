//! The SQLite file on disk: private to the server's user, and a write-ahead log that does not keep the size of
//! its largest burst forever.

mod common;

use common::TestServer;
use common::database::TestDatabase;
use futures_util::StreamExt;
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[tokio::test]
async fn sqlite_the_database_files_and_their_directory_are_private_to_the_server_user() {
    let outer = tempfile::tempdir().unwrap();
    let dir = outer.path().join("data");
    let url = format!("sqlite://{}/board.db?mode=rwc", dir.display());
    let server = TestServer::start_on(TestDatabase::fresh_sqlite(), &[("DATABASE_URL", &url)]).await;
    server.member("alice").await;
    assert_eq!(mode(&dir), 0o700, "the directory");
    for file in ["board.db", "board.db-wal", "board.db-shm"] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_the_write_ahead_log_is_cut_back_after_a_burst_of_writes() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/board.db?mode=rwc", dir.path().display());
    let wal = dir.path().join("board.db-wal");
    let server =
        TestServer::start_on(TestDatabase::fresh_sqlite(), &[("DATABASE_URL", &url), ("SQLITE_WAL_LIMIT_MB", "1")])
            .await;
    let alice = server.member("alice").await;
    let wal_size = || std::fs::metadata(&wal).map_or(0, |m| m.len());

    // About 6 MB of posts, 16 at a time: the log grows past its limit while checkpoints cannot catch up.
    let body = "x".repeat(9_000);
    let mut largest = 0;
    let mut writes = futures_util::stream::iter(0..700)
        .map(|i| server.call("POST", "/posts", Some(&alice), Some(json!({"title": format!("Post {i}"), "body": body}))))
        .buffer_unordered(16);
    while let Some(response) = writes.next().await {
        assert_eq!(response.status(), 201);
        largest = largest.max(wal_size());
    }
    assert!(largest > 1 << 20, "the burst grew the log to {largest} bytes");

    let quiet = Instant::now();
    while wal_size() > 1 << 20 {
        assert!(quiet.elapsed() < Duration::from_secs(10), "the log is still {} bytes after 10 s", wal_size());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("log: {largest} bytes at most during the burst, {} bytes after {:?}", wal_size(), quiet.elapsed());
}
