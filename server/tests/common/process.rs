//! The `bulletin` binary as a process of its own, for tests that signal or kill it, limit its file descriptors,
//! or run several instances: `TEST_DEFAULTS`, overridden by the test's own variables. This is the one place the
//! binary is started.

use reqwest::{Client, StatusCode};
use std::process::{ExitStatus, Stdio};
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

/// Sends SIGTERM to process `pid`, as a service manager stops a service; whether it was sent.
pub fn send_sigterm(pid: u32) -> bool {
    std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().is_ok_and(|status| status.success())
}

/// Runs `bulletin ARGS` (a command such as `backup FILE`) on `database_url` with `TEST_DEFAULTS` to its end:
/// whether it succeeded, and what it printed (standard output, then standard error).
pub async fn run_command(database_url: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .envs(super::TEST_DEFAULTS)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("the bulletin binary runs");
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), printed)
}

/// A running `bulletin` process, healthy when returned; killed (SIGKILL) when dropped, unless it has exited.
pub struct Bulletin {
    /// Where it listens, `127.0.0.1:port`.
    pub addr: String,
    /// `http://` and `addr`.
    pub base: String,
    child: Child,
}

impl Bulletin {
    /// Starts `bulletin` on `database_url`, on a free loopback port.
    pub async fn start(database_url: &str, vars: &[(&str, &str)]) -> Bulletin {
        Bulletin::launch(database_url, &free_addr(), vars, None).await
    }

    /// Starts `bulletin` on `database_url`, listening on `addr` (say, where one that was killed listened).
    pub async fn start_at(database_url: &str, addr: &str, vars: &[(&str, &str)]) -> Bulletin {
        Bulletin::launch(database_url, addr, vars, None).await
    }

    /// Starts `bulletin` on `database_url` with at most `files` open files (soft and hard limit alike, so it
    /// cannot raise them).
    pub async fn start_with_file_limit(database_url: &str, vars: &[(&str, &str)], files: u64) -> Bulletin {
        Bulletin::launch(database_url, &free_addr(), vars, Some(files)).await
    }

    /// Starts `bulletin` on `database_url` with its log (standard output) written to `log`.
    pub async fn start_logging_to(database_url: &str, vars: &[(&str, &str)], log: std::fs::File) -> Bulletin {
        let addr = free_addr();
        let child =
            Bulletin::command(database_url, &addr, vars).stdout(log).spawn().expect("the bulletin binary starts");
        wait_until_healthy(&format!("http://{addr}/healthz")).await;
        Bulletin { base: format!("http://{addr}"), addr, child }
    }

    /// Starts `bulletin` on `database_url` and returns at once, before it is ready (say, while it migrates).
    pub fn spawn(database_url: &str, vars: &[(&str, &str)]) -> Bulletin {
        let addr = free_addr();
        let child = Bulletin::command(database_url, &addr, vars).spawn().expect("the bulletin binary starts");
        Bulletin { base: format!("http://{addr}"), addr, child }
    }

    /// The binary with `TEST_DEFAULTS` and `vars`, on `database_url`, listening on `addr`, its log discarded.
    fn command(database_url: &str, addr: &str, vars: &[(&str, &str)]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_bulletin"));
        command
            .env("DATABASE_URL", database_url)
            .envs(super::TEST_DEFAULTS)
            .env("LEPTOS_SITE_ADDR", addr)
            .env("RUST_LOG", "warn")
            .envs(vars.iter().copied())
            .stdout(Stdio::null())
            .kill_on_drop(true);
        command
    }

    async fn launch(database_url: &str, addr: &str, vars: &[(&str, &str)], file_limit: Option<u64>) -> Bulletin {
        let mut command = Bulletin::command(database_url, addr, vars);
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
        Bulletin { addr: addr.to_owned(), base: format!("http://{addr}"), child }
    }

    /// The port it listens on.
    pub fn port(&self) -> &str {
        self.addr.rsplit_once(':').unwrap().1
    }

    /// SIGTERM: it stops accepting, finishes the requests in flight, then exits.
    pub fn terminate(&self) {
        assert!(send_sigterm(self.child.id().expect("the process is running")), "SIGTERM was sent");
    }

    /// SIGKILL: it stops at once, in the middle of whatever it was doing.
    pub fn kill(&mut self) {
        self.child.start_kill().unwrap();
    }

    /// Waits for the process to exit, and how it did.
    pub async fn exited(&mut self) -> ExitStatus {
        self.child.wait().await.unwrap()
    }
}

impl Drop for Bulletin {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.start_kill();
        }
    }
}
