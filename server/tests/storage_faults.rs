//! Real storage faults: a full disk under SQLite (a small tmpfs, filled for real), a PostgreSQL database that
//! turns read-only (as a failed-over standby does), and a server killed with SIGKILL in the middle of writing.
//! Every kind of write must either commit or answer 503 with Retry-After, and the database afterwards must agree
//! with every answer that was sent. Also: the free-space reserve, and tokens that outlive a reused id.

mod common;

use app::model::{AuthToken, Comment, Member, UpvoteState};
use common::database::{TestDatabase, admin_url};
use common::ledger::{Actor, Api, Record, prepare, tally, verify, write_everything};
use common::process::Bulletin;
use common::{SECRET, TestServer, claims_of, expect, now, sign};
use futures_util::future::join_all;
use serde_json::json;
use sqlx::Connection;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A tmpfs of `megabytes` mounted on a fresh directory, unmounted (lazily: the server may still hold files in
/// it) when dropped. Needs root, as CI runs.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m,mode=700"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        assert!(status.success(), "mounting a tmpfs needs root (CI runs as root)");
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a filler file until the file system refuses (ENOSPC), so nothing is left for the database.
    fn fill(&self) -> PathBuf {
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 4096];
        loop {
            match file.write_all(&block) {
                Ok(()) => {}
                Err(err) if err.raw_os_error() == Some(28) => break, // ENOSPC
                Err(err) => panic!("filling the disk: {err}"),
            }
        }
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(self.path()).status();
    }
}

/// A member who reads everything back, and `count` actors prepared before the fault; `None` if the server
/// stopped answering meanwhile.
async fn cast(api: &Api, round: u32, count: u32) -> Option<(String, Vec<Actor>)> {
    let credentials = json!({"username": format!("auditor_{round:03}"), "password": "the auditor's password"});
    let auditor = api.setup_as::<AuthToken>("POST", "/auth/register", None, Some(credentials), 201).await?.token;
    let mut actors = Vec::new();
    for i in 0..count {
        actors.push(prepare(api, &auditor, &format!("{round:03}_{i:03}")).await?);
    }
    Some((auditor, actors))
}

fn running_as_root() -> bool {
    rustix::process::geteuid().is_root()
}

async fn write_all_concurrently(api: &Api, actors: &[Actor]) -> Vec<Record> {
    join_all(actors.iter().map(|actor| write_everything(api, actor))).await.into_iter().flatten().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fault_sqlite_on_a_full_disk_every_write_commits_or_answers_503() {
    if !running_as_root() {
        eprintln!("skipped: mounting a small tmpfs needs root (CI runs as root)");
        return;
    }
    let disk = SmallDisk::mount(8);
    let url = format!("sqlite://{}/board.db?mode=rwc", disk.path().display());
    let server =
        TestServer::start_on(TestDatabase::fresh_sqlite(), &[("DATABASE_URL", &url), ("STORAGE_RESERVE_MB", "0")])
            .await;
    let api = Api { base: server.base.clone(), http: server.http.clone() };
    let (auditor, actors) = cast(&api, 1, 4).await.unwrap();
    // Copy the log into the database and empty it, so that every write from now on needs new space.
    let mut check = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut check).await.unwrap();

    let filler = disk.fill();
    let records = write_all_concurrently(&api, &actors).await;
    // Reads and sign-ins need no space.
    api.expect("GET", "/posts?limit=5", Some(&auditor), None, 200).await;
    let login = json!({"username": actors[0].username, "password": "the first password"});
    let login_status = api.write("POST", "/auth/login", None, Some(login)).await.0.map(|(status, _)| status);
    assert!(matches!(login_status, Some(200 | 401)), "a login on a full disk answers: {login_status:?}");

    std::fs::remove_file(filler).unwrap();
    let (acknowledged, refused) = tally(&records);
    eprintln!("full disk: {acknowledged} writes acknowledged, {refused} refused with 503, of {}", records.len());
    assert!(refused > 0, "the full disk refused writes");
    verify(&api, &auditor, &records).await;

    // The next person to register after space is back is themselves, whatever ids the refused ones would have had.
    let after = api.register("after_the_fault", "a fine password").await;
    let me: Member = api.expect_as("GET", "/auth/me", Some(&after.token), None, 200).await;
    assert_eq!(me, Member { user_id: after.user_id, username: "after_the_fault".into(), role: Default::default() });

    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut check).await.unwrap();
    assert_eq!(integrity, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fault_postgres_turned_read_only_every_write_answers_503_and_nothing_changes() {
    let database = TestDatabase::fresh_postgres().await;
    let TestDatabase::Postgres { name, .. } = &database else { unreachable!() };
    let name = name.clone();
    let server = TestServer::start_on(database, &[("DATABASE_ACQUIRE_TIMEOUT_SECONDS", "2")]).await;
    let api = Api { base: server.base.clone(), http: server.http.clone() };
    let (auditor, actors) = cast(&api, 1, 3).await.unwrap();

    // Read-only for every new session, and the server's sessions ended: the pool reconnects into read-only ones.
    let mut admin = sqlx::PgConnection::connect(&admin_url()).await.unwrap();
    let set_read_only = |on: bool| {
        let setting = if on { "SET default_transaction_read_only = on" } else { "RESET default_transaction_read_only" };
        [
            format!("ALTER DATABASE {name} {setting}"),
            // With a timeout, it returns once each session has ended, so no old session can write afterwards.
            format!("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = '{name}'"),
        ]
    };
    for sql in set_read_only(true) {
        sqlx::query(&sql).execute(&mut admin).await.unwrap();
    }
    let records = write_all_concurrently(&api, &actors).await;
    let login = json!({"username": actors[0].username, "password": "the first password"});
    let (login, _) = api.write("POST", "/auth/login", None, Some(login)).await;
    assert_eq!(login.map(|(status, _)| status), Some(200), "signing in reads only");
    for sql in set_read_only(false) {
        sqlx::query(&sql).execute(&mut admin).await.unwrap();
    }
    // Every connection the server's pool holds was just ended by the database: the health check, the first thing
    // a load balancer asks, must still find the database answering (on a fresh connection).
    let health = server.http.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "the health check after the database ended every session");

    let (acknowledged, refused) = tally(&records);
    eprintln!("read-only database: {acknowledged} acknowledged, {refused} refused with 503, of {}", records.len());
    assert_eq!((acknowledged, refused), (0, records.len()), "a read-only database can acknowledge no write");
    verify(&api, &auditor, &records).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fault_sigkill_in_the_middle_of_writing_loses_no_acknowledged_write() {
    let database = TestDatabase::fresh_sqlite();
    let url = database.url();
    let mut server = Bulletin::start(&url, &[]).await;
    let api = Api::new(&server.base);

    // Rounds of every kind of write from 4 members at once, until the server is killed under them.
    let mut rounds = Vec::new();
    let writing = async {
        for round in 0.. {
            let Some((auditor, actors)) = cast(&api, round, 4).await else { return };
            let records = write_all_concurrently(&api, &actors).await;
            let died = records.iter().any(|r| r.answer.is_none());
            rounds.push((auditor, records));
            if died {
                return;
            }
        }
    };
    let killing = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        server.kill(); // SIGKILL
        server.exited().await;
    };
    tokio::time::timeout(Duration::from_secs(60), async { tokio::join!(writing, killing) })
        .await
        .expect("the writers noticed the kill");

    let _restarted = Bulletin::start_at(&url, &server.addr, &[]).await;
    let all: Vec<&Record> = rounds.iter().flat_map(|(_, records)| records).collect();
    let acknowledged = all.iter().filter(|r| r.acknowledged()).count();
    eprintln!("SIGKILL after {} rounds: {acknowledged} writes acknowledged before it", rounds.len());
    assert!(acknowledged > 0);
    for (auditor, records) in &rounds {
        verify(&api, auditor, records).await;
    }
}

#[tokio::test]
async fn fault_below_the_storage_reserve_adding_data_is_refused_while_reading_deleting_and_signing_in_work() {
    if common::database::postgres_selected() {
        return; // the reserve guards the SQLite file's disk; PostgreSQL's disk is the database server's
    }
    let server = TestServer::start_with(&[("STORAGE_RESERVE_MB", "0")]).await;
    let alice = server.member("alice").await;
    let post = server.post_as(&alice, "Made before the disk filled", "body").await.id;
    let other = server.post_as(&alice, "Another post", "body").await.id;
    let comment = json!({"body": "a comment"});
    let comment = server.call("POST", &format!("/posts/{post}/comments"), Some(&alice), Some(comment)).await;
    let comment = expect::<Comment>(comment, 201).await.id;
    expect::<UpvoteState>(server.call("POST", &format!("/posts/{post}/upvote"), Some(&alice), None).await, 200).await;

    // The same database, served with a reserve larger than any disk: free space is always below it.
    let full = server.second_instance(&[("STORAGE_RESERVE_MB", "1073741824")]).await;
    let api = Api { base: full.base.clone(), http: full.http.clone() };
    let token = Some(alice.token.as_str());
    let adding = [
        api.write("POST", "/auth/register", None, Some(json!({"username": "newcomer", "password": "long enough"})))
            .await,
        api.write("POST", "/posts", token, Some(json!({"title": "Something new", "body": "refused"}))).await,
        api.write("PATCH", &format!("/posts/{post}"), token, Some(json!({"body": "a longer body, refused"}))).await,
        api.write("POST", &format!("/posts/{post}/comments"), token, Some(json!({"body": "refused"}))).await,
        api.write("POST", &format!("/posts/{other}/upvote"), token, None).await,
        api.write("PATCH", "/auth/me", token, Some(json!({"bio": "refused"}))).await,
    ];
    for (answer, body) in adding {
        assert_eq!(answer, Some((503, true)), "{body}");
    }
    api.expect("GET", "/posts", token, None, 200).await;
    api.expect("POST", "/auth/login", None, Some(json!({"username": "alice", "password": "long enough"})), 200).await;
    api.expect("DELETE", &format!("/posts/{post}/upvote"), token, None, 200).await;
    api.expect("DELETE", &format!("/posts/{post}/comments/{comment}"), token, None, 204).await;
    api.expect("DELETE", &format!("/posts/{post}"), token, None, 204).await;
    let change = json!({"current_password": "long enough", "new_password": "another long one"});
    let fresh: AuthToken = api.expect_as("PATCH", "/auth/password", token, Some(change), 200).await;
    api.expect("POST", "/auth/logout-all", Some(&fresh.token), None, 204).await;
}

#[tokio::test]
async fn a_token_names_one_account_forever_even_if_its_id_is_handed_out_again() {
    let server = TestServer::start().await;
    let first = server.member("first_member").await;
    // The token a registration that never committed would have carried: the next id, in the generation every
    // account used to start with, and every other claim a token needs.
    let next_id = first.user_id + 1;
    let claims = json!({"sub": next_id.to_string(), "iat": now(), "exp": now() + 600, "gen": 0,
        "auth_time": now(), "sid": "0123456789abcdef0123456789abcdef"});
    let phantom = sign(&claims, SECRET);
    let second = server.member("second_member").await;
    assert_eq!(second.user_id, next_id, "the id was handed out");
    let response = server.me(Some(&format!("Bearer {phantom}"))).await;
    assert_eq!(response.status(), 401, "a token issued for nobody must not work for the member who got its id");
    // What keeps it out is the generation alone: in the member's own, the same claims would be accepted.
    let mut in_their_generation = claims;
    in_their_generation["gen"] = claims_of(&second.token)["gen"].clone();
    let response = server.me(Some(&format!("Bearer {}", sign(&in_their_generation, SECRET)))).await;
    assert_eq!(response.status(), 200, "the phantom's other claims are those of a valid token");
}
