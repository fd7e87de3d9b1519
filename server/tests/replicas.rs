//! Read replicas on a real streaming hot standby (`scripts/replica-pair.sh`, a private primary and standby made
//! for each test): reads go to the replica; a member who sends back their read-after position reads their own
//! writes at once, on any instance; a replica further behind than DATABASE_REPLICA_MAX_LAG_MS is left out; a
//! replica that stops and comes back under load fails no request. (`replica_pair_` tests choose their own
//! database, like the cluster tests: the Makefile runs them once.)

mod common;

use app::model::read_after::READ_AFTER_HEADER;
use app::model::{AuthToken, PostPage};
use common::database::TestDatabase;
use common::replica_pair::ReplicaPair;
use common::{TestServer, expect};
use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const PAUSED_POST: &str = "Written while the replica's replay is paused";

/// A fresh database on the pair's primary, which its standby replicates.
async fn database_on(pair: &ReplicaPair) -> TestDatabase {
    TestDatabase::fresh_postgres_on(pair.primary_admin_url(), Some(pair.standby_admin_url())).await
}

/// How many replicas the instance reads from now (`/healthz`).
async fn replicas_in_use(server: &TestServer) -> u64 {
    let health: Value = expect(server.http.get(server.url("/healthz")).send().await.unwrap(), 200).await;
    health["replicas"]["in_use"].as_u64().expect("a board with replicas reports them")
}

async fn eventually<F: Future<Output = bool>>(what: &str, within: Duration, mut check: impl FnMut() -> F) {
    let deadline = Instant::now() + within;
    while !check().await {
        assert!(Instant::now() < deadline, "not within {within:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The titles of the feed's first page as `who` reads it on `server`, sending `read_after` if given.
async fn feed_titles(server: &TestServer, who: &AuthToken, read_after: Option<&str>) -> Vec<String> {
    let mut request = server.http.get(server.url("/posts")).bearer_auth(&who.token);
    if let Some(position) = read_after {
        request = request.header(READ_AFTER_HEADER, position);
    }
    let page: PostPage = expect(request.send().await.unwrap(), 200).await;
    page.posts.into_iter().map(|post| post.title).collect()
}

async fn on_standby(pair: &ReplicaPair, database: &str, sql: &str) {
    let url = common::database::with_database(&pair.standby_admin_url(), database);
    let mut standby = PgConnection::connect(&url).await.unwrap();
    sqlx::query(sql).execute(&mut standby).await.unwrap();
}

fn database_name(database: &TestDatabase) -> String {
    let TestDatabase::Postgres { name, .. } = database else { unreachable!() };
    name.clone()
}

/// One pair at a time: their tests time what replicas do, and two pairs starting beside them would load the two
/// cores enough to blur that.
static ONE_PAIR_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn replica_pair_members_read_their_own_writes_at_once_and_others_once_replayed() {
    let _turn = ONE_PAIR_AT_A_TIME.lock().await;
    let pair = ReplicaPair::start();
    let database = database_on(&pair).await;
    let (name, replica) = (database_name(&database), database.replica_url().unwrap());
    // Three instances on one primary and its replica: two wait a minute for a lagging replica, one 300 ms.
    let patient = [("DATABASE_REPLICA_URLS", replica.as_str()), ("DATABASE_REPLICA_MAX_LAG_MS", "60000")];
    let first = TestServer::start_on(database, &patient).await;
    let second = first.second_instance(&patient).await;
    let strict =
        first.second_instance(&[("DATABASE_REPLICA_URLS", &replica), ("DATABASE_REPLICA_MAX_LAG_MS", "300")]).await;
    let (alice, bob) = (first.member("alice").await, first.member("bob").await);
    for server in [&first, &second, &strict] {
        eventually("the replica is in use", Duration::from_secs(10), || async { replicas_in_use(server).await == 1 })
            .await;
    }

    // The replica stops replaying: from now on it has none of what the primary writes.
    on_standby(&pair, &name, "SELECT pg_wal_replay_pause()").await;
    let response = first
        .call("POST", "/posts", Some(&alice), Some(json!({"title": PAUSED_POST, "body": "Only the primary has it."})))
        .await;
    let position = response.headers().get(READ_AFTER_HEADER).expect("a write answers with its position").clone();
    let position = position.to_str().unwrap().to_owned();
    expect::<Value>(response, 201).await;
    let paused = PAUSED_POST.to_owned();

    // Bob's reads are the replica's, which has not replayed Alice's post: proof that reads go there.
    for server in [&first, &second] {
        assert_eq!(replicas_in_use(server).await, 1);
        assert!(!feed_titles(server, &bob, None).await.contains(&paused));
    }
    // Alice, sending her position back, sees her post at once: on the instance she wrote through and on another
    // one, which never saw the write and still reads from the replica for anyone else.
    assert!(feed_titles(&first, &alice, Some(&position)).await.contains(&paused));
    assert!(feed_titles(&second, &alice, Some(&position)).await.contains(&paused));
    // A client that sends no position reads what the replica has (documented for REST clients).
    assert!(!feed_titles(&second, &alice, None).await.contains(&paused));

    // The strict instance leaves the replica out once it is more than 300 ms behind: Bob reads the primary there.
    eventually("the strict instance reads the primary", Duration::from_secs(5), || async {
        feed_titles(&strict, &bob, None).await.contains(&paused)
    })
    .await;
    assert_eq!(replicas_in_use(&strict).await, 0);
    // The patient ones still read the replica.
    assert!(!feed_titles(&first, &bob, None).await.contains(&paused));
    assert_eq!(replicas_in_use(&first).await, 1);

    // Replay resumes: everyone sees the post, and the strict instance takes the replica back.
    on_standby(&pair, &name, "SELECT pg_wal_replay_resume()").await;
    eventually("Bob sees the post on the replica", Duration::from_secs(5), || async {
        feed_titles(&second, &bob, None).await.contains(&paused)
    })
    .await;
    eventually("the strict instance reads the replica again", Duration::from_secs(5), || async {
        replicas_in_use(&strict).await == 1
    })
    .await;

    // Once the replica has a member's position, their reads go back to it: with replay paused again, a post
    // written meanwhile is not in what Alice reads with her (older) position, though it is on the primary.
    on_standby(&pair, &name, "SELECT pg_wal_replay_pause()").await;
    first.post_as(&bob, "Written after Alice's position", "The primary has it, the paused replica not.").await;
    let alices = feed_titles(&second, &alice, Some(&position)).await;
    assert!(alices.contains(&paused) && !alices.contains(&"Written after Alice's position".to_owned()), "{alices:?}");
    on_standby(&pair, &name, "SELECT pg_wal_replay_resume()").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replica_pair_a_replica_that_stops_or_hangs_under_load_fails_no_request() {
    let _turn = ONE_PAIR_AT_A_TIME.lock().await;
    let pair = Arc::new(ReplicaPair::start());
    let database = database_on(&pair).await;
    let replica = database.replica_url().unwrap();
    let first = TestServer::start_on(database, &[("DATABASE_REPLICA_URLS", &replica)]).await;
    let second = first.second_instance(&[("DATABASE_REPLICA_URLS", &replica)]).await;
    let alice = first.member("alice").await;
    let post = first.post_as(&alice, "Read under load", "Its page, comments and author are read all the time.").await;
    for server in [&first, &second] {
        eventually("the replica is in use", Duration::from_secs(10), || async { replicas_in_use(server).await == 1 })
            .await;
    }

    // Four readers over both instances: the feed, the post's page, its comments and its author, and now and
    // then a comment (a write), until told to stop. Every answer must be a success, and none may be slow.
    let (servers, stop) = (Arc::new([first, second]), Arc::new(AtomicBool::new(false)));
    let (answered, failures) = (Arc::new(AtomicUsize::new(0)), Arc::new(std::sync::Mutex::new(Vec::new())));
    let slowest = Arc::new(std::sync::Mutex::new(Duration::ZERO));
    let readers: Vec<_> = (0..4)
        .map(|reader| {
            let (servers, stop, alice) = (servers.clone(), stop.clone(), alice.clone());
            let (answered, failures, slowest) = (answered.clone(), failures.clone(), slowest.clone());
            tokio::spawn(async move {
                let paths = [
                    "/posts".to_owned(),
                    format!("/posts/{}", post.id),
                    format!("/posts/{}/comments", post.id),
                    format!("/users/{}", alice.user_id),
                ];
                let mut turn = reader;
                while !stop.load(Ordering::Relaxed) {
                    turn += 1;
                    let server = &servers[turn % 2];
                    let (method, path, body, status) = if turn % 10 == 0 {
                        ("POST", format!("/posts/{}/comments", post.id), Some(json!({"body": "Still here."})), 201)
                    } else {
                        ("GET", paths[turn % paths.len()].clone(), None, 200)
                    };
                    let started = Instant::now();
                    let got = server.call(method, &path, Some(&alice), body).await.status().as_u16();
                    let took = started.elapsed();
                    answered.fetch_add(1, Ordering::Relaxed);
                    let mut slowest = slowest.lock().unwrap();
                    *slowest = (*slowest).max(took);
                    if got != status {
                        failures.lock().unwrap().push(format!("{method} {path}: {got}"));
                    }
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(500)).await;
    let stopping = pair.clone();
    tokio::task::spawn_blocking(move || stopping.stop_standby()).await.unwrap();
    for server in servers.iter() {
        eventually("the stopped replica is left out", Duration::from_secs(5), || async {
            replicas_in_use(server).await == 0
        })
        .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let starting = pair.clone();
    tokio::task::spawn_blocking(move || starting.start_standby()).await.unwrap();
    for server in servers.iter() {
        eventually("the replica is back in use", Duration::from_secs(10), || async {
            replicas_in_use(server).await == 1
        })
        .await;
    }
    // Then it hangs (every process stopped, no connection closed: a network partition) and recovers.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let freezing = pair.clone();
    tokio::task::spawn_blocking(move || freezing.freeze_standby()).await.unwrap();
    for server in servers.iter() {
        eventually("the hanging replica is left out", Duration::from_secs(5), || async {
            replicas_in_use(server).await == 0
        })
        .await;
    }
    // Long enough that a read left waiting on the hung replica would be the slowest request by far.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let thawing = pair.clone();
    tokio::task::spawn_blocking(move || thawing.thaw_standby()).await.unwrap();
    for server in servers.iter() {
        eventually("the replica is in use after the hang", Duration::from_secs(10), || async {
            replicas_in_use(server).await == 1
        })
        .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    for reader in readers {
        reader.await.unwrap();
    }

    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} requests failed: {failures:?}",
        failures.len(),
        answered.load(Ordering::Relaxed)
    );
    assert!(answered.load(Ordering::Relaxed) > 100, "the load was too light to show anything");
    // A hanging replica costs a read at most its time limit on the replica (1 s) before the primary answers; the
    // replica hung for more than three.
    let slowest = *slowest.lock().unwrap();
    assert!(slowest < Duration::from_millis(2500), "the slowest request took {slowest:?}");
    eprintln!("{} requests, slowest {slowest:?}", answered.load(Ordering::Relaxed));
}
