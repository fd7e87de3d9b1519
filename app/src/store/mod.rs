//! The data layer: the connection pool, migrations, and one module per table group.
//!
//! Two backends sit behind `Db`, chosen by the `DATABASE_URL` scheme: SQLite (the embedded default) and
//! PostgreSQL (several instances on one database). Queries are written once, with `$1`-style placeholders, which
//! both drivers understand; `on_pool!` runs the same query code against whichever pool is open. The few places
//! where the SQL dialects differ are spelled out beside each other in the module that needs them.

pub(crate) mod attempt_windows;
pub mod backup;
pub mod comments;
pub(crate) mod errors;
pub mod moderation;
pub mod passkeys;
pub mod posts;
pub mod read_your_writes;
mod replicas;
pub mod search;
mod search_lane;
pub mod seed;
mod sqlite_file;
mod storage_reserve;
pub mod upvotes;
pub mod users;

pub use replicas::ReplicaSettings;
pub(crate) use search_lane::SearchLane;
pub use search_lane::SearchLaneSettings;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, SqlitePool};
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;
pub use storage_reserve::StorageReserve;

/// An open database of either kind. Cloning is cheap (the pool is shared).
#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
    /// The pool (and queue) of expensive reads: searches and deep numbered pages (see `search_lane.rs`).
    lane: SearchLane,
    /// Free space kept back on the database's file system (SQLite only; see `storage_reserve.rs`).
    reserve: Option<StorageReserve>,
    /// PostgreSQL's read replicas, if any (see `replicas.rs`).
    replicas: Option<replicas::Replicas>,
    /// SQLite's file, for the size of its log (`None` on PostgreSQL).
    sqlite_file: Option<std::sync::Arc<sqlite_file::SqliteFile>>,
    /// One connection of its own for readiness checks, so a busy pool does not look like a database that is down
    /// (`answers_now`).
    probe: Probe,
}

#[derive(Clone, Debug)]
enum Probe {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One pool's connections at a moment (`Db::pool_stats`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolStats {
    pub name: String,
    pub open: u32,
    pub idle: u32,
    pub max: u32,
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

/// How many connections one instance may hold, how long a request waits for one before it is answered 503, and
/// how much disk a SQLite database may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DbSettings {
    /// `None`: the backend's default (8 for SQLite, 10 for PostgreSQL).
    pub max_connections: Option<u32>,
    pub acquire_timeout: Duration,
    /// SQLite: writes that add data are refused (503) while the file system holding the database has less free
    /// space than this, so deleting and signing in keep working on a nearly full disk. 0: no reserve.
    pub storage_reserve_bytes: u64,
    /// SQLite: the size the write-ahead log is cut back to once it has been copied into the database.
    pub wal_limit_bytes: u64,
    /// The search lane: its connections, queue and time limit.
    pub search: SearchLaneSettings,
}

impl Default for DbSettings {
    fn default() -> Self {
        DbSettings {
            max_connections: None,
            acquire_timeout: Duration::from_secs(5),
            storage_reserve_bytes: 64 << 20,
            // Large enough that a busy board's log rarely reaches it: cutting a log of hundreds of megabytes
            // back holds the writer for a few hundred milliseconds, once, after a burst.
            wal_limit_bytes: 256 << 20,
            search: SearchLaneSettings::default(),
        }
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
///
/// On PostgreSQL a read that finds its connection lost (ended by the server while it sat in the pool: a restart,
/// a terminated session), or gets no answer within the acquire timeout (a connection a firewall dropped without
/// a word), runs once more, on a connection checked just now (`LiveConnection`, which clears dead ones out of the
/// pool). The main pool does not ping a connection before handing it out (`open_postgres`), so this is how a
/// read recovers from one; reads are safe to repeat, and never more than twice. A database that is down is not
/// tried again: no connection is had within the acquire timeout (503).
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db.backend() {
            $crate::store::Backend::Sqlite { read, .. } => {
                let mut conn = $crate::telemetry::acquiring("read", read.acquire()).await?;
                let $pool = &mut *conn;
                $body
            }
            $crate::store::Backend::Postgres($pool) => {
                let limit = $pool.options().get_acquire_timeout();
                let read = tokio::time::timeout(limit, async {
                    let mut conn = $crate::telemetry::acquiring("main", $pool.acquire()).await?;
                    let $pool = &mut *conn;
                    Ok::<_, sqlx::Error>($body)
                })
                .await;
                match read {
                    Ok(Ok(value)) => value,
                    Ok(Err(err)) if !$crate::store::errors::lost_connection(&err) => return Err(err.into()),
                    lost => {
                        let why = lost.err().map_or_else(|| "lost".to_owned(), |_| "no answer in time".to_owned());
                        tracing::debug!(why, "a pooled connection failed a read; reading again on a checked one");
                        let mut conn = $crate::store::LiveConnection::live_connection($pool).await?;
                        let $pool = &mut *conn;
                        $body
                    }
                }
            }
        }
    };
}
pub(crate) use on_pool;

/// `on_pool!` for reads that may be served by a read replica (`replicas.rs`): ones whose answer may be a moment
/// old for everyone but the request's own writes, which `read_your_writes.rs` takes care of. The body must be a
/// read: when it fails on a replica it runs again on the primary.
macro_rules! on_replica {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db.backend() {
            $crate::store::Backend::Sqlite { .. } => $crate::store::on_pool!($db, |$pool| $body),
            $crate::store::Backend::Postgres(_) => match $db.replica_for_read().await {
                Some(replica) => {
                    let on_replica = $crate::store::replicas::bounded(async {
                        let mut conn = $crate::telemetry::acquiring("replica", replica.pool().acquire()).await?;
                        let $pool = &mut *conn;
                        Ok($body)
                    })
                    .await;
                    match on_replica {
                        Ok(value) => value,
                        Err(err) => {
                            replica.failed(&err);
                            $crate::store::on_pool!($db, |$pool| $body)
                        }
                    }
                }
                None => $crate::store::on_pool!($db, |$pool| $body),
            },
        }
    };
}
pub(crate) use on_replica;

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

/// Runs the write `$body` (one statement sent through `&mut *$conn`, a `Result<T, sqlx::Error>`) on the write
/// connection and yields its value only once it is committed; on any error nothing is written and the error is
/// returned.
///
/// A single statement commits as part of running it (autocommit) on both backends, so the commit's outcome is
/// the statement's own last answer; what matters is reading that answer. `INSERT … RETURNING` read with
/// `fetch_one` does not: on SQLite the commit happens when the statement is reset after the first row, and sqlx
/// drops that error (sqlx issue 3430), so a write that never reached the disk was reported as done. Every write
/// is therefore read to its end with `fetch_all` or `execute`, which report an error of the commit like any
/// other. (Explicit BEGIN/COMMIT would add two round trips to SQLite's worker thread per write, and on a full
/// disk SQLite may roll such a transaction back by itself while sqlx still counts it as open, after which that
/// connection's next "transaction" was seen to report success for a row it never stored.)
///
/// With read replicas, the primary's position after the write is noted for the request's read-after position
/// (`read_your_writes.rs`).
macro_rules! committed_write {
    ($db:expr, |$conn:ident| $body:expr) => {
        $crate::store::on_write_pool!($db, |pool| {
            async {
                let mut $conn = $crate::store::LiveConnection::live_connection(pool).await?;
                let written = $body;
                if written.is_ok() {
                    $crate::store::read_your_writes::NoteWrite::note_write(&mut $conn, &$db).await;
                }
                written
            }
            .await
        })
    };
}
pub(crate) use committed_write;

/// Runs `$body` (statements sent through `&mut *$tx`, ending in a `Result<T, sqlx::Error>`; `?` inside leaves it)
/// in one transaction on the write connection, and yields its value only once the COMMIT has succeeded: for an
/// action and its record (a moderator's removal and its log entry), which must be written together or not at all.
///
/// On SQLite the transaction takes the write lock at BEGIN (IMMEDIATE): one that read first and wrote later would
/// fail at once (SQLITE_BUSY_SNAPSHOT) if another process (`bulletin admin grant`) wrote in between.
///
/// On any error the transaction is abandoned and the connection closed rather than given back: SQLite may roll a
/// transaction back by itself on a full disk while sqlx still counts it as open (see `committed_write!`), and a
/// connection in that state must not take the next write. Closing it costs one reconnect, on a path that is rare.
macro_rules! committed_transaction {
    ($db:expr, |$tx:ident| $body:expr) => {
        $crate::store::on_write_pool!($db, |pool| {
            async {
                let mut conn = $crate::store::LiveConnection::live_connection(pool).await?;
                let done = async {
                    let begin = $crate::store::Begin::begin_statement(&*conn);
                    let mut $tx = sqlx::Connection::begin_with(&mut *conn, begin).await?;
                    let value = $body?;
                    $tx.commit().await?;
                    Ok::<_, sqlx::Error>(value)
                }
                .await;
                match done {
                    Ok(value) => {
                        $crate::store::read_your_writes::NoteWrite::note_write(&mut conn, &$db).await;
                        Ok(value)
                    }
                    Err(err) => {
                        drop(conn.detach());
                        Err(err)
                    }
                }
            }
            .await
        })
    };
}
pub(crate) use committed_transaction;

/// How `committed_transaction!` starts a transaction on each backend.
pub(crate) trait Begin {
    fn begin_statement(&self) -> &'static str;
}

impl Begin for sqlx::SqliteConnection {
    fn begin_statement(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }
}

impl Begin for sqlx::PgConnection {
    fn begin_statement(&self) -> &'static str {
        "BEGIN"
    }
}

/// A connection known to be alive, for writes: unlike a read, a write that fails on a connection the server has
/// ended cannot always tell whether it was done, so it is never sent on one that was not just checked.
pub(crate) trait LiveConnection<DB: sqlx::Database> {
    fn live_connection(&self) -> impl Future<Output = Result<PoolConnection<DB>, sqlx::Error>> + Send;
}

impl LiveConnection<sqlx::Sqlite> for SqlitePool {
    /// SQLite's connections are files this process holds open: nothing can end them from outside.
    async fn live_connection(&self) -> Result<PoolConnection<sqlx::Sqlite>, sqlx::Error> {
        crate::telemetry::acquiring("write", self.acquire()).await
    }
}

impl LiveConnection<sqlx::Postgres> for PgPool {
    /// Pinged first (an empty round trip); one that fails the ping, or does not answer, is thrown away (its place
    /// in the pool freed at once) and the next tried, all within one acquire timeout (then 503).
    async fn live_connection(&self) -> Result<PoolConnection<sqlx::Postgres>, sqlx::Error> {
        let checked = async {
            loop {
                let mut conn = crate::telemetry::acquiring("main", self.acquire()).await?;
                if sqlx::Connection::ping(&mut *conn).await.is_ok() {
                    return Ok(conn);
                }
                drop(conn.detach());
            }
        };
        tokio::time::timeout(self.options().get_acquire_timeout(), checked)
            .await
            .unwrap_or(Err(sqlx::Error::PoolTimedOut))
    }
}

/// The one row an `INSERT/UPDATE … RETURNING` read with `fetch_all` produced, if any.
pub(crate) fn single<T>(rows: Vec<T>) -> Option<T> {
    rows.into_iter().next()
}

/// How long a readiness check waits for the database (`Db::answers_now`).
const PROBE_TIME_LIMIT: Duration = Duration::from_secs(1);

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
    pub async fn connect(url: &str, settings: DbSettings) -> Result<Db, sqlx::Error> {
        match supported_url(url) {
            Some(Dialect::Sqlite) => {
                let file = sqlite_file::SqliteFile::prepare(url, settings)?;
                // The writer first: it creates the file and switches it to WAL before any reader opens it.
                let write = file.open_pool(Some(1)).await?;
                SQLITE_MIGRATIONS.run(&write).await?;
                let read = file.open_pool(settings.max_connections).await?;
                let lane = file.open_pool_waiting(settings.search.connections, settings.search.time_limit).await?;
                let lane = SearchLane::sqlite(lane, settings.search);
                tokio::spawn(sqlite_file::checkpoint_wal(read.clone(), write.clone(), file.clone()));
                let reserve = StorageReserve::for_file(file.path(), settings.storage_reserve_bytes);
                let probe = file.open_pool_waiting(1, PROBE_TIME_LIMIT).await?;
                let sqlite_file = (!sqlite_file::is_in_memory(file.path())).then(|| std::sync::Arc::new(file));
                let db = Db {
                    backend: Backend::Sqlite { read, write },
                    lane,
                    reserve,
                    replicas: None,
                    sqlite_file,
                    probe: Probe::Sqlite(probe),
                };
                search::backfill(&db).await?;
                tokio::spawn(search::keep_folding(db.clone()));
                Ok(db)
            }
            Some(Dialect::Postgres) => {
                let pool = open_postgres(url, settings).await?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                let lane = SearchLane::postgres(url, settings.search)?;
                // PostgreSQL's disk is the database server's: its own disk-full errors are answered 503.
                let probe = PgPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(PROBE_TIME_LIMIT)
                    .connect_lazy_with(PgConnectOptions::from_str(url)?.application_name("bulletin-probe"));
                let backend = Backend::Postgres(pool.clone());
                let probe = Probe::Postgres(probe);
                let db = Db { backend, lane, reserve: None, replicas: None, sqlite_file: None, probe };
                search::backfill(&db).await?;
                tokio::spawn(attempt_windows::prune_ended(pool, Duration::from_secs(60)));
                tokio::spawn(search::keep_folding(db.clone()));
                Ok(db)
            }
            None => Err(sqlx::Error::Configuration(format!("unsupported database URL scheme: {url}").into())),
        }
    }

    /// Sends the reads written with `on_replica!` to these read replicas (PostgreSQL only). `connections`: each
    /// replica's pool size (the primary's, by default).
    pub fn with_replicas(mut self, settings: &ReplicaSettings, connections: Option<u32>) -> Result<Db, sqlx::Error> {
        let Backend::Postgres(primary) = &self.backend else {
            if settings.urls.is_empty() {
                return Ok(self);
            }
            return Err(sqlx::Error::Configuration("read replicas need a PostgreSQL DATABASE_URL".into()));
        };
        self.replicas = replicas::Replicas::start(primary.clone(), settings, connections.unwrap_or(10))?;
        Ok(self)
    }

    /// The replica the next `on_replica!` read should use; `None`: the primary.
    pub(crate) async fn replica_for_read(&self) -> Option<&replicas::Replica> {
        self.replicas.as_ref()?.for_read().await
    }

    pub(crate) fn has_replicas(&self) -> bool {
        self.replicas.is_some()
    }

    /// Each replica and whether reads may go to it now (healthy and within the lag allowed).
    pub fn replicas_in_use(&self) -> Vec<(String, bool)> {
        self.replicas.as_ref().map_or_else(Vec::new, replicas::Replicas::in_use)
    }

    /// Refuses (503) a write that would add data while free space is below the reserve. Deletes, sign-ins and
    /// revocations do not call this: they must keep working on a nearly full disk.
    pub(crate) fn ensure_room_to_grow(&self) -> Result<(), crate::error::AppError> {
        self.reserve.as_ref().map_or(Ok(()), StorageReserve::ensure_room)
    }

    pub(crate) fn backend(&self) -> &Backend {
        &self.backend
    }

    /// The pool of a database several instances may share (PostgreSQL's), where counts that must hold across
    /// instances are kept; `None` for SQLite, whose board is one process.
    pub(crate) fn shared_postgres(&self) -> Option<&PgPool> {
        match &self.backend {
            Backend::Postgres(pool) => Some(pool),
            Backend::Sqlite { .. } => None,
        }
    }

    pub(crate) fn lane(&self) -> &SearchLane {
        &self.lane
    }

    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite { .. } => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Each pool's connections now, for the metrics: name, open, idle and the most it may open. Read replicas'
    /// pools are `replica1`, `replica2`, … in the order of `DATABASE_REPLICA_URLS`.
    pub fn pool_stats(&self) -> Vec<PoolStats> {
        fn stats<DB: sqlx::Database>(name: impl Into<String>, pool: &sqlx::Pool<DB>) -> PoolStats {
            let max = pool.options().get_max_connections();
            PoolStats { name: name.into(), open: pool.size(), idle: pool.num_idle() as u32, max }
        }
        let mut all = match &self.backend {
            Backend::Sqlite { read, write } => vec![stats("read", read), stats("write", write)],
            Backend::Postgres(pool) => vec![stats("main", pool)],
        };
        all.push(match &self.lane.pool {
            search_lane::LanePool::Sqlite(pool) => stats("search", pool),
            search_lane::LanePool::Postgres(pool) => stats("search", pool),
        });
        if let Some(replicas) = &self.replicas {
            let pools = replicas.pools().enumerate();
            all.extend(pools.map(|(i, pool)| stats(format!("replica{}", i + 1), pool)));
        }
        all
    }

    /// The size of SQLite's write-ahead log file now; `None` on PostgreSQL or in memory.
    pub fn sqlite_wal_bytes(&self) -> Option<u64> {
        self.sqlite_file.as_ref().map(|file| file.wal_bytes())
    }

    /// Whether the database answers a round trip within a second, on a connection no request can take, so that
    /// a pool busy with requests is not mistaken for a database that is gone.
    pub async fn answers_now(&self) -> bool {
        let round_trip = async {
            match &self.probe {
                Probe::Sqlite(probe) => sqlx::query("SELECT 1").execute(probe).await.map(drop),
                Probe::Postgres(probe) => sqlx::query("SELECT 1").execute(probe).await.map(drop),
            }
        };
        matches!(tokio::time::timeout(PROBE_TIME_LIMIT, round_trip).await, Ok(Ok(())))
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        // `?` inside, so that a lost connection is seen (and the check made again) by `on_pool!`.
        on_pool!(self, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }
}

async fn open_postgres(url: &str, settings: DbSettings) -> Result<PgPool, sqlx::Error> {
    // Every statement is planned once per connection, not at each run. sqlx prepares every statement, and for the
    // first five runs (and then whenever the plan made without the values looks dearer) PostgreSQL plans it again
    // with the values: for the feed page that planning took 0.25 ms, twice the 0.12 ms of running it, and
    // PostgreSQL never stopped. Planned once, a feed page served 1.8 times as many requests (docs/performance.md).
    // This suits the main pool, whose statements find rows by key or walk an index to a LIMIT written into the
    // SQL (so the plan knows a page is a few rows); the search lane, whose plans depend on the search text, plans
    // every run instead (`search_lane.rs`).
    let options = PgConnectOptions::from_str(url)?
        .application_name("bulletin")
        .options([("plan_cache_mode", "force_generic_plan")]);
    // A request waits at most `acquire_timeout` for a connection; then it is answered 503 instead of hanging. No
    // ping before each use: a read is one round trip, and one that meets a connection the server ended runs again
    // (`on_pool!`); writes ping their connection themselves (`LiveConnection`).
    postgres_pool(settings.max_connections.unwrap_or(10), settings.acquire_timeout)
        .test_before_acquire(false)
        .connect_with(options)
        .await
}

/// The options of every PostgreSQL pool (the main one, the search lane's, the replicas').
///
/// Connections broken by a database restart are found by a ping before use and replaced, so a pool recovers by
/// itself once the database is back, without a failed request. The ping is a round trip of its own (an empty
/// Sync): the main pool goes without it and repeats a read that meets a lost connection instead (`on_pool!`).
/// (sqlx also pings every connection given back to the pool, after the request has its answer.)
pub(crate) fn postgres_pool(max_connections: u32, acquire_timeout: Duration) -> PgPoolOptions {
    PgPoolOptions::new().max_connections(max_connections).acquire_timeout(acquire_timeout).test_before_acquire(true)
}
