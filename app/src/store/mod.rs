//! The data layer: the connection pool, migrations, and one module per table group.
//!
//! Two backends sit behind `Db`, chosen by the `DATABASE_URL` scheme: SQLite (the embedded default) and
//! PostgreSQL (several instances on one database). Queries are written once, with `$1`-style placeholders, which
//! both drivers understand; `on_pool!` runs the same query code against whichever pool is open. The few places
//! where the SQL dialects differ are spelled out beside each other in the module that needs them.

pub mod comments;
pub mod posts;
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
    Sqlite(SqlitePool),
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

/// Runs `$body` with `$pool` bound to the open pool, whichever backend it is. The body is compiled once per
/// backend, so every query is type-checked against both drivers.
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db.backend() {
            $crate::store::Backend::Sqlite($pool) => $body,
            $crate::store::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

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
            Some(Dialect::Sqlite) => Backend::Sqlite(open_sqlite(url, settings).await?),
            Some(Dialect::Postgres) => Backend::Postgres(open_postgres(url, settings).await?),
            None => return Err(sqlx::Error::Configuration(format!("unsupported database URL scheme: {url}").into())),
        };
        match &backend {
            Backend::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Backend::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(Db { backend })
    }

    pub(crate) fn backend(&self) -> &Backend {
        &self.backend
    }

    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
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
        // WAL lets readers proceed while one writer writes; busy_timeout makes a writer wait for the lock
        // instead of failing at once with SQLITE_BUSY. Every write is a single statement (autocommit), so no
        // transaction ever holds a read lock it then has to upgrade: the upgrade deadlock cannot happen.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
    }
    SqlitePoolOptions::new()
        .max_connections(settings.max_connections.unwrap_or(8))
        .acquire_timeout(settings.acquire_timeout)
        .connect_with(options)
        .await
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
