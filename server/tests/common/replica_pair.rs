//! A private PostgreSQL primary with a streaming hot standby (`scripts/replica-pair.sh`), for the tests that stop,
//! pause or lag a replica. Removed when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

pub struct ReplicaPair {
    dir: TempDir,
    pub primary_port: u16,
    pub standby_port: u16,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/replica-pair.sh")
}

fn run(args: &[&str]) {
    let output = Command::new("bash").arg(script()).args(args).output().expect("bash runs");
    assert!(
        output.status.success(),
        "replica-pair.sh {args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A port nothing listens on now (the pair binds it a moment later), below the ephemeral range (32768 and up):
/// there, a client connection of some other test could take it in between.
fn spare_port() -> u16 {
    loop {
        let port = 20_000 + rand::random::<u16>() % 12_000;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

impl ReplicaPair {
    /// Takes a few seconds: initdb, a base backup and two starts.
    pub fn start() -> ReplicaPair {
        let dir = tempfile::Builder::new().prefix("bulletin-replica-pair").tempdir().unwrap();
        // The servers run as the `postgres` OS user, who must be able to enter this directory.
        std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let (primary_port, standby_port) = (spare_port(), spare_port());
        run(&["start", dir.path().join("pg").to_str().unwrap(), &primary_port.to_string(), &standby_port.to_string()]);
        ReplicaPair { dir, primary_port, standby_port }
    }

    fn pg_dir(&self) -> String {
        self.dir.path().join("pg").to_str().unwrap().to_owned()
    }

    /// The administrative URL of the primary (it may create databases).
    pub fn primary_admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.primary_port)
    }

    pub fn standby_admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.standby_port)
    }

    /// Stops the standby (fast shutdown: its sessions are ended, as when a replica's server goes down).
    pub fn stop_standby(&self) {
        run(&["stop-standby", &self.pg_dir()]);
    }

    pub fn start_standby(&self) {
        run(&["start-standby", &self.pg_dir()]);
    }

    /// Stops every process of the standby (SIGSTOP): it hangs without closing a connection, as a replica behind
    /// a network partition would.
    pub fn freeze_standby(&self) {
        run(&["freeze-standby", &self.pg_dir()]);
    }

    pub fn thaw_standby(&self) {
        run(&["thaw-standby", &self.pg_dir()]);
    }
}

impl Drop for ReplicaPair {
    fn drop(&mut self) {
        // A frozen standby would not stop.
        let _ = Command::new("bash").arg(script()).args(["thaw-standby", &self.pg_dir()]).output();
        let _ = Command::new("bash").arg(script()).args(["stop", &self.pg_dir()]).output();
    }
}
