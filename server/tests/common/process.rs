//! The `bulletin` binary as a process of its own, for tests that signal or kill it, limit its file descriptors,
//! or run several instances: test defaults (cheap bcrypt, no limits, the test secret), overridden by `vars`.

use reqwest::{Client, StatusCode};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// A loopback address with a port nobody listens on right now.
pub fn free_addr() -> String {
    format!("127.0.0.1:{}", std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port())
}

/// Polls `url` until it answers 200, for at most 30 seconds.
pub async fn wait_until_healthy(url: &str) {
    let http = Client::new();
    for _ in 0..300 {
        if let Ok(response) = http.get(url).send().await
            && response.status() == StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} did not become healthy within 30 s");
}

/// Starts `bulletin` on `database_url`, listening on `addr`, and waits until it is healthy. With `file_limit`,
/// the process may open at most that many files (soft and hard limit alike, so it cannot raise them). The
/// process is killed when the returned `Child` is dropped.
pub async fn spawn_bulletin(database_url: &str, addr: &str, vars: &[(&str, &str)], file_limit: Option<u64>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bulletin"));
    command
        .env("DATABASE_URL", database_url)
        .env("JWT_SECRET", super::SECRET)
        .env("BCRYPT_COST", "4")
        .env("AUTH_RATE_LIMIT", "off")
        .env("LOGIN_FAILURE_LIMIT", "off")
        .env("POST_RATE_LIMIT", "off")
        .env("COMMENT_RATE_LIMIT", "off")
        .env("UPVOTE_RATE_LIMIT", "off")
        .env("PROFILE_RATE_LIMIT", "off")
        .env("LEPTOS_SITE_ADDR", addr)
        .env("RUST_LOG", "warn")
        .envs(vars.iter().copied())
        .stdout(Stdio::null())
        .kill_on_drop(true);
    if let Some(files) = file_limit {
        let limit = rustix::process::Rlimit { current: Some(files), maximum: Some(files) };
        // SAFETY: setrlimit is async-signal-safe, which is all a pre_exec hook may call.
        unsafe {
            command.pre_exec(move || {
                rustix::process::setrlimit(rustix::process::Resource::Nofile, limit).map_err(Into::into)
            });
        }
    }
    let child = command.spawn().expect("the bulletin binary starts");
    wait_until_healthy(&format!("http://{addr}/healthz")).await;
    child
}
