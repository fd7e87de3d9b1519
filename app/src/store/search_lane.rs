//! The search lane: the bulkhead between expensive reads and everything else.
//!
//! Searches and deep numbered pages can each read thousands of rows. Run on the pool that serves the feed, post
//! pages and writes, ten members searching at once held every connection and the rest of the board waited or got
//! 503. So expensive reads have a pool of their own, small and with a time limit, in front of which a bounded
//! queue waits; a request that finds the queue full is answered 503 (with Retry-After) at once. However many
//! searches arrive, the main pool's connections stay free for everyone else.

use crate::error::AppError;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqlitePool;
use sqlx::{PgPool, pool::PoolConnection};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How big the lane is and how long one expensive read may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchLaneSettings {
    /// Connections of the lane's own pool: at most this many expensive reads run at once.
    pub connections: u32,
    /// Requests that may wait for one of those connections; one more is refused at once (503).
    pub queue: u32,
    /// The longest an expensive read may run (then 503), and the longest it may wait for a connection.
    pub time_limit: Duration,
}

impl Default for SearchLaneSettings {
    fn default() -> Self {
        SearchLaneSettings { connections: 2, queue: 16, time_limit: Duration::from_secs(2) }
    }
}

#[derive(Clone, Debug)]
pub(crate) enum LanePool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Clone, Debug)]
pub(crate) struct SearchLane {
    pub(crate) pool: LanePool,
    /// One permit per running or waiting request: `connections + queue`.
    places: Arc<Semaphore>,
    pub(crate) time_limit: Duration,
}

impl SearchLane {
    pub(super) fn sqlite(pool: SqlitePool, settings: SearchLaneSettings) -> SearchLane {
        SearchLane::new(LanePool::Sqlite(pool), settings)
    }

    /// The lane's pool on PostgreSQL: every statement on it is cancelled by the server after `time_limit`
    /// (SQLSTATE 57014, answered 503), whether or not this process is still waiting for it.
    pub(super) fn postgres(url: &str, settings: SearchLaneSettings) -> Result<SearchLane, sqlx::Error> {
        let time_limit_ms = settings.time_limit.as_millis().to_string();
        let options = PgConnectOptions::from_str(url)?.application_name("bulletin-search").options([
            ("statement_timeout", time_limit_ms.as_str()),
            // A search plan must never be a scan of the whole table: the lane's queries are written for an
            // index (the trigram GIN indexes, or an ordered walk of a b-tree that stops at the page's end).
            ("enable_seqscan", "off"),
            // Disabling a plan type inflates its cost estimate, which would otherwise trigger JIT compilation:
            // tens of milliseconds for a query that takes one.
            ("jit", "off"),
            // sqlx prepares every statement; after five runs PostgreSQL may switch to a plan made without the
            // search text, which cannot tell a rare word from a common one and was seen walking the whole
            // primary key for a word in five posts.
            ("plan_cache_mode", "force_custom_plan"),
        ]);
        let pool = super::postgres_pool(settings.connections, settings.time_limit).connect_lazy_with(options);
        Ok(SearchLane::new(LanePool::Postgres(pool), settings))
    }

    fn new(pool: LanePool, settings: SearchLaneSettings) -> SearchLane {
        let places = (settings.connections + settings.queue) as usize;
        SearchLane { pool, places: Arc::new(Semaphore::new(places)), time_limit: settings.time_limit }
    }

    /// A place in the lane, held until the read is done, or 503 at once when every place is taken.
    pub(crate) fn enter(&self) -> Result<OwnedSemaphorePermit, AppError> {
        self.places.clone().try_acquire_owned().map_err(|_| {
            tracing::warn!("search lane full: request refused");
            AppError::Unavailable
        })
    }
}

/// A connection of the SQLite lane pool that stops any statement still running at `deadline` (SQLITE_INTERRUPT,
/// answered 503). SQLite has no statement timeout of its own, and dropping a query's future does not stop it: the
/// progress handler, called every few thousand instructions, is what ends it.
pub(crate) async fn sqlite_with_deadline(
    pool: &SqlitePool,
    time_limit: Duration,
) -> Result<PoolConnection<sqlx::Sqlite>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let deadline = Instant::now() + time_limit;
    conn.lock_handle().await?.set_progress_handler(10_000, move || Instant::now() < deadline);
    Ok(conn)
}
