//! Database outages: while PostgreSQL cannot be reached, requests are answered 503 with Retry-After (never a hang,
//! a crash or a 500), nothing is half-written, and the same server serves again once the database is back, with
//! no restart. The outage is made by a TCP relay between the server and PostgreSQL that is cut and restored,
//! which to the server is exactly a database going away (established connections drop, new ones are refused).

mod common;

use app::model::PostPage;
use common::database::{TestDatabase, admin_url, with_database};
use common::{TestServer, expect};
use futures_util::future::join_all;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Relays 127.0.0.1:`port` to PostgreSQL until cut.
struct Relay {
    port: u16,
    cut: watch::Sender<bool>,
}

/// host:port of the PostgreSQL server in `url`.
fn postgres_address(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host_port = rest.split(['/', '?']).next().unwrap();
    let host_port = host_port.rsplit_once('@').map_or(host_port, |(_, h)| h);
    if host_port.contains(':') { host_port.to_owned() } else { format!("{host_port}:5432") }
}

impl Relay {
    async fn open(port: u16) -> Relay {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (cut, _) = watch::channel(false);
        let mut stop = cut.subscribe();
        let upstream = postgres_address(&admin_url());
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stop.changed() => return, // drops the listener: new connections are refused
                    accepted = listener.accept() => {
                        let Ok((mut client, _)) = accepted else { continue };
                        let (upstream, mut stop) = (upstream.clone(), stop.clone());
                        tokio::spawn(async move {
                            let Ok(mut server) = TcpStream::connect(&upstream).await else { return };
                            tokio::select! {
                                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                                _ = stop.changed() => {} // drops both sockets: connections in use break
                            }
                        });
                    }
                }
            }
        });
        Relay { port, cut }
    }

    fn cut(&self) {
        self.cut.send_replace(true);
    }
}

async fn status_and_retry_after(response: reqwest::Response) -> (u16, Option<String>) {
    let retry = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), retry)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fault_database_outage_answers_503_then_recovers_without_restart() {
    let database = TestDatabase::fresh_postgres().await;
    let TestDatabase::Postgres { name, .. } = &database else { unreachable!() };
    let relay = Relay::open(0).await;
    let port = relay.port;
    let through_relay = with_database(&format!("postgres://postgres@127.0.0.1:{port}/postgres"), name);
    let server =
        TestServer::start_on(database, &[("DATABASE_URL", &through_relay), ("DATABASE_ACQUIRE_TIMEOUT_SECONDS", "1")])
            .await;
    let alice = server.member("alice").await;
    server.post_as(&alice, "Before the outage", "body 0").await;

    // Writers keep creating posts through the outage; each title's body is derived from it, so a post that is
    // only partly written would show up as a mismatch.
    let running = Arc::new(AtomicBool::new(true));
    let writers = (0..6).map(|w| {
        let (server, alice, running) = (&server, alice.clone(), running.clone());
        async move {
            let mut outcomes = Vec::new();
            let mut n = 0;
            while running.load(Ordering::Relaxed) {
                let title = format!("Writer {w} post {n}");
                let body = json!({"title": title, "body": format!("body of {title}")});
                let response = server.call("POST", "/posts", Some(&alice), Some(body)).await;
                outcomes.push((title, status_and_retry_after(response).await));
                n += 1;
            }
            outcomes
        }
    });
    let observer = async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        relay.cut();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let read = status_and_retry_after(server.call("GET", "/posts", Some(&alice), None).await).await;
        let health = server.http.get(server.url("/healthz")).send().await.unwrap();
        let health = (health.status().as_u16(), health.json::<Value>().await.unwrap());
        let ready = server.http.get(server.url("/readyz")).send().await.unwrap();
        let ready = (ready.status().as_u16(), ready.json::<Value>().await.unwrap());
        let login = server.post_json("/auth/login", json!({"username": "alice", "password": "long enough"})).await;
        let login = status_and_retry_after(login).await;

        // The database comes back on the same address; the same server must serve again by itself.
        let _relay = Relay::open(port).await;
        let back = Instant::now();
        let mut recovered = None;
        while back.elapsed() < Duration::from_secs(15) {
            let response = server.call("GET", "/posts", Some(&alice), None).await;
            if response.status() == 200 {
                recovered = Some(back.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await; // let the writers succeed again
        running.store(false, Ordering::Relaxed);
        let ready_again = server.http.get(server.url("/readyz")).send().await.unwrap().status().as_u16();
        (read, health, ready, login, recovered, ready_again, _relay)
    };
    let (outcomes, (read, health, ready, login, recovered, ready_again, _relay)) =
        tokio::join!(join_all(writers), observer);

    assert_eq!(read.0, 503, "a read during the outage");
    assert!(read.1.is_some(), "503 carries Retry-After");
    assert_eq!(health.0, 503);
    assert_eq!(health.1["error"], "Service temporarily unavailable, try again shortly");
    assert_eq!(ready, (503, json!({"status": "database_unavailable"})), "a balancer is told to stay away");
    assert_eq!(ready_again, 200, "and to come back");
    assert_eq!(login.0, 503, "a login during the outage");
    let recovered = recovered.expect("the server serves 200s again after the database is back");
    eprintln!("recovered {recovered:?} after the database came back");

    let outcomes: Vec<(String, (u16, Option<String>))> = outcomes.into_iter().flatten().collect();
    for (title, (status, retry_after)) in &outcomes {
        assert!(*status == 201 || *status == 503, "{title}: {status}");
        if *status == 503 {
            assert!(retry_after.is_some(), "{title}: 503 without Retry-After");
        }
    }
    let count = |code: u16| outcomes.iter().filter(|(_, (s, _))| *s == code).count();
    assert!(count(503) > 0, "some writes met the outage");
    assert!(count(201) > 0, "writes succeeded around it");

    // Every acknowledged post is there, whole; nothing unknown or half-written is.
    let mut stored: HashMap<String, String> = HashMap::new();
    let mut cursor = String::new();
    loop {
        let page = server.call("GET", &format!("/posts?limit=100&cursor={cursor}"), Some(&alice), None).await;
        let page: PostPage = expect(page, 200).await;
        stored.extend(page.posts.into_iter().map(|post| (post.title, post.body)));
        match page.next_cursor {
            Some(next) => cursor = next,
            None => break,
        }
    }
    for (title, (status, _)) in &outcomes {
        if *status == 201 {
            assert!(stored.contains_key(title), "acknowledged post {title:?} is missing");
        }
    }
    let attempted: HashSet<&str> = outcomes.iter().map(|(t, _)| t.as_str()).collect();
    for (title, body) in &stored {
        assert!(title == "Before the outage" || attempted.contains(title.as_str()), "unknown post {title:?}");
        if title != "Before the outage" {
            assert_eq!(body, &format!("body of {title}"), "post {title:?} is whole");
        }
    }
}
