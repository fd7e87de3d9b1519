//! How often a read talks to PostgreSQL. The server reaches the database through a relay that reads the protocol
//! the client sends and counts its statements (Bind or simple Query messages) and round trips (each Sync or simple
//! Query waits for the server's ReadyForQuery). Always on PostgreSQL, whatever the suite's backend (named
//! `postgres_only_` so the suite's PostgreSQL pass does not run it a second time).

mod common;

use app::model::{PostWithComments, Profile};
use common::database::{TestDatabase, admin_url, with_database};
use common::{TestServer, expect};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What clients have sent through the relay so far.
#[derive(Default)]
struct Sent {
    statements: AtomicUsize,
    round_trips: AtomicUsize,
}

/// Relays 127.0.0.1:`port` to the test PostgreSQL server, counting what clients send.
struct CountingRelay {
    port: u16,
    sent: Arc<Sent>,
}

impl CountingRelay {
    async fn open() -> CountingRelay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sent = Arc::new(Sent::default());
        let upstream = admin_url().split_once('@').unwrap().1.split('/').next().unwrap().to_owned();
        let counts = sent.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else { continue };
                tokio::spawn(relay(client, server, counts.clone()));
            }
        });
        CountingRelay { port, sent }
    }

    /// (statements, round trips) sent so far.
    fn counts(&self) -> (usize, usize) {
        (self.sent.statements.load(Ordering::SeqCst), self.sent.round_trips.load(Ordering::SeqCst))
    }
}

/// Copies the server's bytes back as they come, and the client's message by message, counting them. The client
/// first sends untyped startup packets (an SSL request, which the server answers with one byte, then the startup
/// message); every message after those starts with its type byte.
async fn relay(client: TcpStream, server: TcpStream, sent: Arc<Sent>) {
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    tokio::spawn(async move { tokio::io::copy(&mut from_server, &mut to_client).await });
    const SSL_REQUEST: u32 = 80877103;
    const GSS_REQUEST: u32 = 80877104;
    let mut started = false;
    loop {
        let mut kind = [0u8; 1];
        if started && from_client.read_exact(&mut kind).await.is_err() {
            return;
        }
        let Ok(length) = from_client.read_u32().await else { return };
        let mut body = vec![0; length as usize - 4];
        if from_client.read_exact(&mut body).await.is_err() {
            return;
        }
        if started {
            match kind[0] {
                b'B' => sent.statements.fetch_add(1, Ordering::SeqCst),
                b'Q' => {
                    sent.statements.fetch_add(1, Ordering::SeqCst);
                    sent.round_trips.fetch_add(1, Ordering::SeqCst)
                }
                b'S' => sent.round_trips.fetch_add(1, Ordering::SeqCst),
                _ => 0,
            };
            if to_server.write_all(&kind).await.is_err() {
                return;
            }
        } else {
            let code = u32::from_be_bytes(body[..4].try_into().unwrap());
            started = code != SSL_REQUEST && code != GSS_REQUEST;
        }
        if to_server.write_u32(length).await.is_err() || to_server.write_all(&body).await.is_err() {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_only_a_feed_post_or_profile_read_is_one_statement() {
    let database = TestDatabase::fresh_postgres().await;
    let TestDatabase::Postgres { name, .. } = &database else { unreachable!() };
    let relay = CountingRelay::open().await;
    // No TLS: the relay reads the protocol in the clear.
    let relay_url = format!("postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable", relay.port);
    let through_relay = with_database(&relay_url, name);
    // One connection, so every statement after the first visit is already prepared on it.
    let server =
        TestServer::start_on(database, &[("DATABASE_URL", &through_relay), ("DATABASE_MAX_CONNECTIONS", "1")]).await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let post = server.post_as(&alice, "Counted", "How many round trips?").await;
    for text in ["first", "second"] {
        let path = format!("/posts/{}/comments", post.id);
        assert_eq!(server.call("POST", &path, Some(&bob), Some(json!({"body": text}))).await.status(), 201);
    }
    assert_eq!(server.call("POST", &format!("/posts/{}/upvote", post.id), Some(&bob), None).await.status(), 200);

    let reads = [
        ("feed", "/posts?limit=20".to_owned()),
        ("post page", format!("/posts/{}", post.id)),
        ("profile", format!("/users/{}", alice.user_id)),
        ("feed past its end", "/posts?limit=20&page=9".to_owned()),
    ];
    for (what, path) in reads {
        // The first time prepares the statement on the connection (and caches bob's token generation).
        assert_eq!(server.call("GET", &path, Some(&bob), None).await.status(), 200, "{what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let before = relay.counts();
        for _ in 0..5 {
            assert_eq!(server.call("GET", &path, Some(&bob), None).await.status(), 200, "{what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await; // the pool's check of the returned connection
        let (statements, round_trips) = relay.counts();
        let (statements, round_trips) = (statements - before.0, round_trips - before.1);
        eprintln!("{what}: {statements} statements, {round_trips} round trips in 5 requests");
        let per_request = if what == "feed past its end" { 2 } else { 1 };
        assert_eq!(statements, 5 * per_request, "{what}: statements per request");
        // Each statement is one round trip, the only one the request waits for: the main pool hands connections
        // out without a ping first (`store::open_postgres`). sqlx pings each one it is given back, after the
        // request has its answer: the second.
        assert_eq!(round_trips, 5 * per_request * 2, "{what}: round trips per request");
    }

    // What the one statement read is what the page shows.
    let page: PostWithComments =
        expect(server.call("GET", &format!("/posts/{}", post.id), Some(&bob), None).await, 200).await;
    let bodies: Vec<&str> = page.comments.iter().map(|c| c.body.as_str()).collect();
    assert_eq!(bodies, ["first", "second"]);
    assert_eq!((page.post.comment_count, page.post.upvotes, page.post.viewer_upvoted), (2, 1, true));
    let profile: Profile =
        expect(server.call("GET", &format!("/users/{}", alice.user_id), Some(&bob), None).await, 200).await;
    assert_eq!(profile.posts, std::slice::from_ref(&page.post), "a profile's post is the post as its page shows it");
    assert_eq!(profile.post_count, 1);
}
