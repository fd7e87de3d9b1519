//! The audit trail: every security-relevant event is logged with who, from where and which request; and nothing
//! a log reader could use to impersonate a member (a password, a token, a password hash) ever reaches the log.

mod common;

use app::model::{AuthToken, Post};
use common::{TestServer, expect};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// Everything this test binary logs, at debug level and above (more than production's default `info`).
fn captured() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let writer = log.clone();
        tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_ansi(false)
            .with_writer(move || Capture(writer.clone()))
            .init();
        log
    })
    .clone()
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The first audit line of `event`.
fn audit_line(log: &str, event: &str) -> String {
    log.lines()
        .find(|line| line.contains(" audit: ") && line.contains(&format!("event=\"{event}\"")))
        .unwrap_or_else(|| panic!("no audit event {event} in the log"))
        .to_owned()
}

#[tokio::test]
async fn security_events_are_audited_with_user_client_and_request_and_no_secret_is_ever_logged() {
    let log = captured();
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "6/600")]).await;
    let alice_password = "alice's secret passphrase";
    let registered = server.post_json("/auth/register", json!({"username": "alice", "password": alice_password}));
    let alice: AuthToken = expect(registered.await, 201).await;
    let alice_id = alice.user_id;
    let mut tokens = vec![alice.token];

    let wrong_password = "a wrong guess at alice's";
    let refused = server.post_json("/auth/login", json!({"username": "alice", "password": wrong_password}));
    assert_eq!(refused.await.status(), 401);
    let login = server.post_json("/auth/login", json!({"username": "alice", "password": alice_password}));
    tokens.push(expect::<AuthToken>(login.await, 200).await.token);
    let refresh = server.http.post(server.url("/auth/refresh")).bearer_auth(&tokens[1]).send().await.unwrap();
    tokens.push(expect::<AuthToken>(refresh, 200).await.token);

    let new_password = "alice's brand new passphrase";
    let change = server
        .http
        .patch(server.url("/auth/password"))
        .bearer_auth(&tokens[2])
        .header("x-request-id", "audit-test-request")
        .json(&json!({"current_password": alice_password, "new_password": new_password}))
        .send()
        .await
        .unwrap();
    tokens.push(expect::<AuthToken>(change, 200).await.token);

    // A 403: bob edits alice's post.
    let bob = server.member("bob").await;
    tokens.push(bob.token.clone());
    let post = server
        .http
        .post(server.url("/posts"))
        .bearer_auth(&tokens[3])
        .json(&json!({"title": "Mine", "body": "Only mine"}))
        .send()
        .await
        .unwrap();
    let post: Post = expect(post, 201).await;
    let path = format!("/posts/{}", post.id);
    let edit = server.call("PATCH", &path, Some(&bob), Some(json!({"title": "Yours"}))).await;
    assert_eq!(edit.status(), 403);

    // A 401 with a revoked token, then the rate limit.
    // An id made to forge fields of the log line is replaced by a fresh one.
    let forged = "x\" event=\"login\" user_id=\"1";
    let logout = server
        .http
        .post(server.url("/auth/logout-all"))
        .bearer_auth(&tokens[3])
        .header("x-request-id", forged)
        .send()
        .await
        .unwrap();
    let fresh_id = logout.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(fresh_id.len() == 16 && fresh_id.bytes().all(|b| b.is_ascii_hexdigit()), "{fresh_id}");
    assert_eq!(logout.status(), 204);
    let revoked = server.http.get(server.url("/posts")).bearer_auth(&tokens[3]).send().await.unwrap();
    assert_eq!(revoked.status(), 401);
    loop {
        let attempt = server.post_json("/auth/login", json!({"username": "carol", "password": wrong_password})).await;
        if attempt.status() == 429 {
            break;
        }
    }

    let log = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    let alice_user = format!("user_id={alice_id}");
    for event in ["register", "login_failed", "login", "refresh", "password_change", "logout_all"] {
        let line = audit_line(&log, event);
        assert!(line.contains(&alice_user), "{event} names the member: {line}");
        assert!(line.contains("client=127.0.0.1"), "{event} names the client address: {line}");
        assert!(line.contains("request_id="), "{event} names the request: {line}");
    }
    assert!(audit_line(&log, "password_change").contains("request_id=audit-test-request"));
    let logout_line = audit_line(&log, "logout_all");
    assert!(logout_line.contains(&format!("request_id={fresh_id}")) && !logout_line.contains(forged), "{logout_line}");
    let forbidden = audit_line(&log, "forbidden");
    assert!(forbidden.contains(&format!("user_id={}", bob.user_id)) && forbidden.contains("status=403"), "{forbidden}");
    assert!(audit_line(&log, "unauthorized").contains("status=401"));
    assert!(audit_line(&log, "rate_limited").contains("client=127.0.0.1"));

    for secret in [alice_password, wrong_password, new_password, "long enough"] {
        assert!(!log.contains(secret), "a password reached the log");
    }
    for token in &tokens {
        let signature = token.rsplit('.').next().unwrap();
        assert!(!log.contains(token.as_str()) && !log.contains(signature), "a token reached the log");
    }
    assert!(!log.contains("$2b$") && !log.contains("$2y$") && !log.contains("$2a$"), "a bcrypt hash reached the log");
}
