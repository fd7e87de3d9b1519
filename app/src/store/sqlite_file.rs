//! The SQLite database file: how it is created (private to the server's user), how its connections are set up,
//! and how its write-ahead log is kept from growing without bound.

use super::DbSettings;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// A database file ready to be opened: its connection options and where it lives.
#[derive(Clone, Debug)]
pub(super) struct SqliteFile {
    options: SqliteConnectOptions,
    path: PathBuf,
    acquire_timeout: Duration,
    wal_limit_bytes: u64,
    /// Held (shared) for as long as the database is open here, so `bulletin restore` cannot swap the file.
    _in_use: Option<std::sync::Arc<InUse>>,
}

impl SqliteFile {
    /// Reads the URL and creates the file (and its directory) if they do not exist yet, readable by this user
    /// only: the file holds password hashes, and the WAL and shared-memory files SQLite creates beside it take
    /// the database file's permissions.
    pub(super) fn prepare(url: &str, settings: DbSettings) -> Result<SqliteFile, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            // WAL lets readers proceed while the writer writes; synchronous=NORMAL is durable across application
            // crashes and only risks the last commits on power loss, the usual server setting with WAL.
            // busy_timeout covers the rare checkpoint lock. Writes use their own one-connection pool, so a write
            // transaction never waits for another writer: the upgrade deadlock cannot happen.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            // No checkpoint inside a commit: `checkpoint_wal` does it beside the writer instead.
            .pragma("wal_autocheckpoint", "0")
            // Each time the log starts over, it is cut back to this size (else it keeps its largest size forever).
            .pragma("journal_size_limit", settings.wal_limit_bytes.to_string());
        let path = options.get_filename().to_path_buf();
        let in_use = if is_in_memory(&path) {
            None
        } else {
            // The lock first: during a restore, not even an empty file is made where the restored one will go.
            let lock = InUse::shared(&path).map_err(|e| sqlx::Error::Configuration(e.into()))?;
            create_private(&path).map_err(sqlx::Error::Io)?;
            Some(std::sync::Arc::new(lock))
        };
        Ok(SqliteFile {
            options,
            path,
            acquire_timeout: settings.acquire_timeout,
            wal_limit_bytes: settings.wal_limit_bytes,
            _in_use: in_use,
        })
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// A pool of at most `max_connections` (default 8) connections to the file.
    pub(super) async fn open_pool(&self, max_connections: Option<u32>) -> Result<SqlitePool, sqlx::Error> {
        self.open_pool_waiting(max_connections.unwrap_or(8), self.acquire_timeout).await
    }

    /// A pool of `max_connections` whose requests wait at most `acquire_timeout` for a connection.
    pub(super) async fn open_pool_waiting(
        &self,
        max_connections: u32,
        acquire_timeout: std::time::Duration,
    ) -> Result<SqlitePool, sqlx::Error> {
        SqlitePoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout)
            .connect_with(self.options.clone())
            .await
    }

    pub(super) fn wal_bytes(&self) -> u64 {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        std::fs::metadata(wal).map_or(0, |m| m.len())
    }
}

/// A lock on `DATABASE.lock` beside the database: shared by every process that has the database open (servers,
/// `bulletin seed`), exclusive for `bulletin restore`, which must not replace the file under them. An advisory
/// `flock` on a file of its own, not on the database: SQLite's own locks are POSIX locks on the database file,
/// which the process would lose whenever any descriptor of that file it holds is closed. The lock goes with the
/// process, however it ends.
#[derive(Debug)]
pub(super) struct InUse(#[allow(dead_code)] std::fs::File);

impl InUse {
    /// Shared: for a server (or seed, or backup). Refused while a restore runs, and after one that did not finish
    /// (its marker, `DATABASE.restoring`, is still there): the database's name may hold no database then.
    pub(super) fn shared(database: &Path) -> Result<InUse, String> {
        let mut marker = database.as_os_str().to_owned();
        marker.push(".restoring");
        if Path::new(&marker).exists() {
            return Err(format!(
                "a restore of {} did not finish: run bulletin restore again (the database it replaced is kept beside \
                 it as .before-restore-*)",
                database.display()
            ));
        }
        InUse::take(database, rustix::fs::FlockOperation::NonBlockingLockShared, || {
            format!("{} is being restored (bulletin restore); start Bulletin once it has finished", database.display())
        })
    }

    pub(super) fn exclusive(database: &Path) -> Result<InUse, String> {
        InUse::take(database, rustix::fs::FlockOperation::NonBlockingLockExclusive, || {
            format!(
                "a Bulletin server (or seed, or restore) is using {}: stop it first, then restore",
                database.display()
            )
        })
    }

    /// `held`: the message when another process holds the lock in a way `how` cannot share.
    fn take(database: &Path, how: rustix::fs::FlockOperation, held: impl Fn() -> String) -> Result<InUse, String> {
        let mut name = database.as_os_str().to_owned();
        name.push(".lock");
        let opened = || {
            if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty())
                && !dir.exists()
            {
                std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
            }
            // Opened for reading (all a lock needs), and created readable by all: it holds nothing, and whoever
            // creates it (root running a backup from cron, say) must not keep the service from opening it.
            match std::fs::File::open(&name) {
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                    std::fs::OpenOptions::new().write(true).create(true).truncate(false).mode(0o644).open(&name)?;
                    std::fs::File::open(&name)
                }
                opened => opened,
            }
        };
        let file = opened().map_err(|e| format!("cannot open {}: {e}", Path::new(&name).display()))?;
        match rustix::fs::flock(&file, how) {
            Ok(()) => Ok(InUse(file)),
            Err(rustix::io::Errno::WOULDBLOCK) => Err(held()),
            Err(err) => Err(format!("cannot lock {}: {err}", Path::new(&name).display())),
        }
    }
}

/// In-memory databases have no file (sqlx names them `file:sqlx-in-memory-N`).
pub(super) fn is_in_memory(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name.is_empty() || name == ":memory:" || name.starts_with("file:")
}

/// Creates the database's directory (0700) and file (0600) if missing. An existing file is left as the operator
/// set it, with a warning when anyone else may read it.
fn create_private(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            let mode = std::fs::metadata(path)?.permissions().mode();
            if mode & 0o077 != 0 {
                tracing::warn!(
                    file = %path.display(),
                    mode = format!("{:o}", mode & 0o777),
                    "the database file (password hashes included) is readable by other users; chmod 600 it"
                );
            }
            Ok(())
        }
        Err(err) => Err(err),
    }
}

/// Copies the WAL back into the database file every second, on a reader connection. Left to SQLite, the commit
/// that crosses 1,000 WAL pages does the checkpoint itself, and the single writer (with every write queued behind
/// it) stalls for as long as that takes: hundreds of milliseconds after a burst of writes. A PASSIVE checkpoint
/// takes no lock a writer needs, so writes go on while it runs.
///
/// A log that grew during a burst is cut back when the next write starts it over (`journal_size_limit`). When
/// writes stop, a log that is fully copied but still larger than the limit is truncated here, on the write
/// connection. Only once a whole second has passed without a write: a TRUNCATE checkpoint waits for every reader
/// of the log, and run under a steady stream of writes it held the writer for over 100 ms (create_post p99 24 ms
/// → 150 ms).
pub(super) async fn checkpoint_wal(read: SqlitePool, write: SqlitePool, file: SqliteFile) {
    let mut every_second = tokio::time::interval(Duration::from_secs(1));
    every_second.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut frames_before = -1;
    loop {
        every_second.tick().await;
        if read.is_closed() {
            return;
        }
        // (busy, frames in the log, frames copied into the database)
        match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&read).await {
            Ok((0, frames, copied)) => {
                let quiet = frames == frames_before;
                frames_before = frames;
                if quiet
                    && frames > 0
                    && frames == copied
                    && file.wal_bytes() > file.wal_limit_bytes
                    && let Err(err) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&write).await
                {
                    tracing::debug!(error = %err, "WAL truncation skipped");
                }
            }
            Ok(_) => {}
            Err(err) => tracing::debug!(error = %err, "WAL checkpoint skipped"),
        }
    }
}
