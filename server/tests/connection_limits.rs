//! Connection-level limits: silent and idle connections are closed after a deadline, a flood of them cannot
//! lock real clients out of a server with few file descriptors, and an oversized body sent without
//! `Expect: 100-continue` still receives its 413.

mod common;

use common::TestServer;
use common::database::TestDatabase;
use common::process::Bulletin;
use futures_util::future::join_all;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn host(base: &str) -> &str {
    base.trim_start_matches("http://")
}

/// Connects, sends `bytes`, then waits (at most 10 s) for the server to close the connection; how long it took.
async fn closed_after(base: &str, bytes: &[u8]) -> Duration {
    let mut stream = TcpStream::connect(host(base)).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let started = Instant::now();
    let mut sink = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut sink)).await;
    assert!(read.is_ok(), "the server held the connection for 10 s");
    started.elapsed()
}

#[tokio::test]
async fn a_connection_that_never_sends_a_byte_is_closed_at_the_header_deadline() {
    let server = TestServer::start_with(&[("REQUEST_TIMEOUT_SECONDS", "1")]).await;
    let waited = closed_after(&server.base, b"").await;
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(3), "closed after {waited:?}");
}

#[tokio::test]
async fn an_http2_connection_idle_after_its_preface_is_closed() {
    let server = TestServer::start_with(&[("REQUEST_TIMEOUT_SECONDS", "1")]).await;
    // The client preface and an empty SETTINGS frame, then nothing.
    let mut preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    preface.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
    let waited = closed_after(&server.base, &preface).await;
    assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
}

#[tokio::test]
async fn a_keep_alive_connection_is_closed_once_idle_for_the_idle_timeout() {
    let server = TestServer::start_with(&[("IDLE_TIMEOUT_SECONDS", "1")]).await;
    let waited = closed_after(&server.base, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(3), "closed after {waited:?}");
}

#[tokio::test]
async fn a_large_body_sent_without_expect_still_receives_its_413() {
    let server = TestServer::start().await;
    for framing in ["content-length", "chunked"] {
        let body = vec![b'a'; 6 << 20];
        let mut stream = TcpStream::connect(host(&server.base)).await.unwrap();
        let head = match framing {
            "chunked" => "POST /posts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_owned(),
            _ => format!("POST /posts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len()),
        };
        stream.write_all(head.as_bytes()).await.unwrap();
        // Like most HTTP libraries: the whole body first, then read the answer.
        for piece in body.chunks(16 * 1024) {
            let sent = if framing == "chunked" {
                let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
                chunk.extend_from_slice(piece);
                chunk.extend_from_slice(b"\r\n");
                stream.write_all(&chunk).await
            } else {
                stream.write_all(piece).await
            };
            sent.unwrap_or_else(|err| panic!("{framing}: the server cut the upload off: {err}"));
        }
        if framing == "chunked" {
            stream.write_all(b"0\r\n\r\n").await.unwrap();
        }
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await.unwrap().unwrap();
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 413"), "{framing}: {answer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousands_of_silent_sockets_cannot_keep_real_requests_out() {
    // This test process holds the 3,000 client ends: its own soft limit may be lower than that.
    let own = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    let raised = rustix::process::Rlimit { current: own.maximum, maximum: own.maximum };
    rustix::process::setrlimit(rustix::process::Resource::Nofile, raised).unwrap();
    let database = TestDatabase::fresh_sqlite();
    let server = Bulletin::start_with_file_limit(&database.url(), &[("REQUEST_TIMEOUT_SECONDS", "5")], 256).await;
    let base = server.base.clone();
    // A fresh connection for every request, as new visitors arrive.
    let visitor =
        reqwest::Client::builder().pool_max_idle_per_host(0).timeout(Duration::from_secs(10)).build().unwrap();
    let visit = || async {
        let started = Instant::now();
        let status = visitor.get(format!("{base}/healthz")).send().await.map(|r| r.status().as_u16());
        (status.map_err(|e| e.to_string()), started.elapsed())
    };
    let (_, baseline) = visit().await;

    // 3,000 connections that never send a byte, held open for the whole test: ten times the server's descriptors.
    let mut silent = Vec::new();
    for _ in 0..3_000 {
        if let Ok(Ok(stream)) = tokio::time::timeout(Duration::from_secs(1), TcpStream::connect(host(&base))).await {
            silent.push(stream);
        }
    }
    assert!(silent.len() > 2_000, "only {} silent connections could be opened", silent.len());

    let visits = join_all((0..20).map(|_| visit())).await;
    for (status, took) in &visits {
        assert_eq!(status.as_ref().ok(), Some(&200), "a visitor during the flood: {status:?} after {took:?}");
    }
    let slowest = visits.iter().map(|(_, took)| *took).max().unwrap();
    eprintln!("baseline {baseline:?}; slowest of 20 concurrent visits during the flood: {slowest:?}");
    assert!(slowest < Duration::from_secs(2), "visitors waited {slowest:?} during the flood");
}
