//! Limits every request lives within: 64 KiB bodies on every route (server functions included, declared or
//! chunked), a deadline (408), a header read timeout, and a graceful drain on SIGTERM.

mod common;

use common::database::TestDatabase;
use common::process::Bulletin;
use common::{TestServer, assert_error};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TOO_LARGE: &str = "Request body too large (limit 64 KiB)";

/// A body sent without Content-Length (chunked), 8 KiB at a time.
fn chunked(total: usize) -> reqwest::Body {
    let chunks = (0..total.div_ceil(8192)).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 8192]));
    reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn bodies_over_64_kib_get_413_on_server_functions_declared_or_chunked() {
    let server = TestServer::start().await;
    let big = format!(r#"{{"username":"alice","password":"{}"}}"#, "a".repeat(70 * 1024));
    let declared = server
        .http
        .post(server.url("/api/login"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_error(declared, 413, TOO_LARGE).await;

    for path in ["/api/login", "/api/create_post", "/auth/login", "/posts"] {
        let response = server
            .http
            .post(server.url(path))
            .header("content-type", "application/json")
            .body(chunked(100 * 1024))
            .send()
            .await
            .unwrap();
        assert_error(response, 413, TOO_LARGE).await;
    }
    // Just under the limit is read (and then judged on its content).
    let small = server
        .http
        .post(server.url("/api/login"))
        .header("content-type", "application/json")
        .body(chunked(8192))
        .send()
        .await
        .unwrap();
    assert_ne!(small.status(), 413);
}

/// Sends `head` (and nothing more) on a raw connection, then waits for whatever the server does.
async fn stall_after(base: &str, head: &str) -> (Duration, String) {
    let mut stream = TcpStream::connect(base.trim_start_matches("http://")).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server held a stalled connection for 10 s");
    (started.elapsed(), String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn a_request_whose_body_never_arrives_gets_408_after_the_deadline_in_its_doors_shape() {
    let server = TestServer::start_with(&[("REQUEST_TIMEOUT_SECONDS", "1")]).await;
    // REST answers `{"error"}`; a server function also `status`, which the SPA decodes.
    for (path, body) in [
        ("/auth/login", r#"{"error":"Request timed out"}"#),
        ("/api/login", r#"{"error":"Request timed out","status":408}"#),
    ] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"user"
        );
        let (waited, answer) = stall_after(&server.base, &head).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains(body), "{answer}");
        assert!(waited < Duration::from_secs(3), "{path} answered after {waited:?}");
    }
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let server = TestServer::start_with(&[("REQUEST_TIMEOUT_SECONDS", "1")]).await;
    let (waited, answer) = stall_after(&server.base, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").await;
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(waited < Duration::from_secs(4), "disconnected after {waited:?}");
}

#[tokio::test]
async fn sigterm_lets_requests_in_flight_finish_then_exits() {
    let database = TestDatabase::fresh_sqlite();
    let mut process = Bulletin::start(&database.url(), &[]).await;
    let addr = process.addr.clone();

    // A registration whose body is half sent when the signal arrives.
    let body = r#"{"username":"draining","password":"long enough"}"#;
    let (first, rest) = body.split_at(20);
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    process.terminate();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // New connections are refused while the old request is still being served.
    assert!(TcpStream::connect(&addr).await.is_err(), "still accepting after SIGTERM");
    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await.unwrap().unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let status = tokio::time::timeout(Duration::from_secs(10), process.exited()).await.unwrap();
    assert!(status.success(), "exit status {status}");
}
