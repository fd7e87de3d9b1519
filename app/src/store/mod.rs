//! The data layer: the connection pool, migrations, and one module per table group.
//!
//! Two backends sit behind `Db`, chosen by the `DATABASE_URL` scheme: SQLite (the embedded default) and
//! PostgreSQL (several instances on one database). Queries are written once, with `$1`-style placeholders, which
//! both drivers understand; `on_pool!` runs the same query code against whichever pool is open. The few places
//! where the SQL dialects differ are spelled out beside each other in the module that needs them.

pub mod comments;
pub mod posts;
pub mod seed;
pub mod upvotes;
pub mod users;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// An open database of either kind. Cloning is cheap (the pool is shared).
#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
}

#[derive(Clone, Debug)]
pub(crate) enum Backend {
    /// Readers share `read`; every write goes through `write`, a single connection. SQLite allows one writer at
    /// a time anyway: queueing writers in the pool (FIFO, no polling) instead of at the file lock means a write
    /// never sleeps in SQLite's busy handler and never fails with "database is locked".
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
    },
    Postgres(PgPool),
}

/// How many connections one instance may hold, and how long a request waits for one before it is answered 503.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    /// `None`: the backend's default (8 for SQLite, 10 for PostgreSQL).
    pub max_connections: Option<u32>,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings { max_connections: None, acquire_timeout: Duration::from_secs(5) }
    }
}

/// Which SQL dialect a `Db` speaks, for the few statements that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Runs the read `$body` with `$pool` bound to the open pool, whichever backend it is. The body is compiled once
/// per backend, so every query is type-checked against both drivers.
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db.backend() {
            $crate::store::Backend::Sqlite { read: $pool, .. } => $body,
            $crate::store::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// `on_pool!` for statements that write: SQLite's single writer connection, PostgreSQL's one pool.
macro_rules! on_write_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db.backend() {
            $crate::store::Backend::Sqlite { write: $pool, .. } => $body,
            $crate::store::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_write_pool;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Whether `url` names a database Bulletin can open.
pub fn supported_url(url: &str) -> Option<Dialect> {
    if url.starts_with("sqlite:") {
        Some(Dialect::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(Dialect::Postgres)
    } else {
        None
    }
}

impl Db {
    /// Opens the database named by `url` (creating a SQLite file if needed) and brings its schema up to date.
    /// Several instances may start at once on one PostgreSQL database: sqlx serialises their migrations with an
    /// advisory lock.
    pub async fn connect(url: &str, settings: PoolSettings) -> Result<Db, sqlx::Error> {
        let backend = match supported_url(url) {
            Some(Dialect::Sqlite) => {
                // The writer first: it creates the file and switches it to WAL before any reader opens it.
                let write = open_sqlite(url, PoolSettings { max_connections: Some(1), ..settings }).await?;
                SQLITE_MIGRATIONS.run(&write).await?;
                let read = open_sqlite(url, settings).await?;
                tokio::spawn(checkpoint_wal(read.clone()));
                Backend::Sqlite { read, write }
            }
            Some(Dialect::Postgres) => {
                let pool = open_postgres(url, settings).await?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                Backend::Postgres(pool)
            }
            None => return Err(sqlx::Error::Configuration(format!("unsupported database URL scheme: {url}").into())),
        };
        Ok(Db { backend })
    }

    pub(crate) fn backend(&self) -> &Backend {
        &self.backend
    }

    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite { .. } => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_pool!(self, |pool| sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
    }
}

async fn open_sqlite(url: &str, settings: PoolSettings) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // WAL lets readers proceed while the writer writes; synchronous=NORMAL is durable across application
        // crashes and only risks the last commits on power loss, the usual server setting with WAL. busy_timeout
        // covers the rare checkpoint lock. Writes use their own one-connection pool and are single statements
        // (autocommit), so no transaction ever holds a read lock it then has to upgrade: the upgrade deadlock
        // cannot happen.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true)
        // No checkpoint inside a commit: `checkpoint_wal` does it beside the writer instead.
        .pragma("wal_autocheckpoint", "0");
    if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
    }
    SqlitePoolOptions::new()
        .max_connections(settings.max_connections.unwrap_or(8))
        .acquire_timeout(settings.acquire_timeout)
        .connect_with(options)
        .await
}

/// Copies the WAL back into the database file every second, on a reader connection. Left to SQLite, the commit
/// that crosses 1,000 WAL pages does the checkpoint itself, and the single writer (with every write queued behind
/// it) stalls for as long as that takes: hundreds of milliseconds after a burst of writes. A PASSIVE checkpoint
/// takes no lock a writer needs, so writes go on while it runs.
async fn checkpoint_wal(pool: SqlitePool) {
    let mut every_second = tokio::time::interval(Duration::from_secs(1));
    every_second.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every_second.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            tracing::debug!(error = %err, "WAL checkpoint skipped");
        }
    }
}

async fn open_postgres(url: &str, settings: PoolSettings) -> Result<PgPool, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?.application_name("bulletin");
    PgPoolOptions::new()
        .max_connections(settings.max_connections.unwrap_or(10))
        // A request waits at most this long for a connection; then it is answered 503 instead of hanging.
        .acquire_timeout(settings.acquire_timeout)
        // Connections broken by a database restart are found by the ping before use and replaced, so the pool
        // recovers by itself once the database is back.
        .test_before_acquire(true)
        .connect_with(options)
        .await
}
