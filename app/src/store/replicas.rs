//! Read replicas: PostgreSQL hot standbys that serve the board's reads, so read capacity grows without a bigger
//! primary (`DATABASE_REPLICA_URLS`).
//!
//! Only reads written with `on_replica!` may go to a replica: the feed's pages, a post page, a profile, a post's
//! comments. Everything that must be current stays on the primary: token generations and revoked sessions (a
//! logged-out token must stop working at once), credentials, the limiters, and every read a write depends on.
//!
//! A read goes to a replica that
//! - answered its last health check (every `CHECK_EVERY`) as a standby,
//! - is at most `max_lag` behind: it had replayed everything the primary had flushed at a moment at most
//!   `max_lag` ago (measured by the checks, so it also holds for a primary that writes nothing), and
//! - has replayed the request's read-after position, if it has one (`read_your_writes.rs`): when the last check
//!   saw the replica short of it, the replica is asked once (`probe`), and if still short the read goes to the
//!   primary.
//!
//! Otherwise the read goes to the primary: no replica at all means reads on the primary, never errors. A read that
//! fails on a replica (it stopped, restarted, or cancelled the statement for a conflict with recovery) is run
//! again on the primary at once, and the replica is left out until a check finds it well again; so a replica that
//! goes away costs the requests under way a few milliseconds, not an error. A replica that is merely busy (its
//! pool has no free connection in time) or slow serves that one read from the primary and stays in use: only a
//! check, or a real failure, takes a replica out, so no client can push every reader onto the primary.
//!
//! The checks have a connection of their own on each server, so a pool that requests keep busy cannot make a
//! healthy replica look dead. Each URL must name one server: what a check finds must be true of the reads after
//! it. And what a replica has replayed is believed only from its latest answer: a standby restarted after a crash
//! may come back further behind than it was, so a replica that fails is forgotten until it is checked again.

use super::read_your_writes::{self, ReadAfter};
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How often each instance asks the primary and every replica how far their logs are.
const CHECK_EVERY: Duration = Duration::from_millis(100);
/// The longest a check, a probe or a replica connection may take; a replica slower than this is left out.
const REPLICA_TIMEOUT: Duration = Duration::from_millis(500);

/// A WAL position as a number (bytes from the log's start), which PostgreSQL compares and Rust can store in an
/// atomic; in PostgreSQL's own notation it would be `X/Y`.
pub(super) const PRIMARY_FLUSHED: &str = "SELECT (pg_current_wal_flush_lsn() - '0/0'::pg_lsn)::bigint";
/// Whether a server is a standby, and how far it has replayed (NULL, read as 0, on a server that is not one).
const REPLICA_REPLAYED: &str =
    "SELECT pg_is_in_recovery(), COALESCE((pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint, 0)";

/// The longest a read may take on a replica before the primary is asked instead. The board's replica reads take
/// milliseconds; this bounds a replica that stopped answering without closing its connections (a network
/// partition), which would otherwise hold the request until its deadline.
const REPLICA_READ_TIMEOUT: Duration = Duration::from_secs(1);

/// `read` (an `on_replica!` body on a replica's pool), failed if it takes longer than `REPLICA_READ_TIMEOUT`.
pub(crate) async fn bounded<T>(read: impl Future<Output = Result<T, sqlx::Error>>) -> Result<T, sqlx::Error> {
    tokio::time::timeout(REPLICA_READ_TIMEOUT, read).await.unwrap_or_else(|_| {
        Err(sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, "the replica did not answer in time")))
    })
}

/// `DATABASE_REPLICA_URLS` and `DATABASE_REPLICA_MAX_LAG_MS`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplicaSettings {
    pub urls: Vec<String>,
    pub max_lag: Duration,
}

impl ReplicaSettings {
    pub const DEFAULT_MAX_LAG: Duration = Duration::from_millis(1000);
}

#[derive(Clone, Debug)]
pub(crate) struct Replicas {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    replicas: Vec<Replica>,
    /// One connection to the primary, for the checks alone.
    primary: PgPool,
    max_lag: Duration,
    /// Where the next read starts looking, so reads spread over the replicas in turn.
    next: AtomicUsize,
    /// The zero of every `*_ms` below.
    epoch: Instant,
}

#[derive(Debug)]
pub(crate) struct Replica {
    pool: PgPool,
    /// One connection, for the checks alone.
    monitor: PgPool,
    /// host:port/database, for the logs (never the password).
    label: String,
    healthy: AtomicBool,
    /// The position it had replayed when last asked.
    replayed: AtomicU64,
    /// Milliseconds after `epoch` of the latest check at which it had replayed all the primary had flushed: its
    /// data is at least that recent. 0: never.
    current_at_ms: AtomicU64,
    /// Whether the last check found it more than `max_lag` behind (for logging the change only).
    lagging: AtomicBool,
}

impl Replicas {
    /// Pools for the replicas (connected lazily: a replica that is down at start-up is simply left out until it
    /// answers), and the task that checks them.
    pub(super) fn start(
        primary: PgPool,
        settings: &ReplicaSettings,
        connections: u32,
    ) -> Result<Option<Replicas>, sqlx::Error> {
        if settings.urls.is_empty() {
            return Ok(None);
        }
        let replicas = settings
            .urls
            .iter()
            .map(|url| {
                let options = PgConnectOptions::from_str(url)?;
                let label = format!(
                    "{}:{}/{}",
                    options.get_host(),
                    options.get_port(),
                    options.get_database().unwrap_or_default()
                );
                // The same options as the primary's main pool (statements planned once); a replica that does not
                // hand out a connection within REPLICA_TIMEOUT is not waited for: the primary serves the read.
                let options = options.application_name("bulletin").options([("plan_cache_mode", "force_generic_plan")]);
                let pool = super::postgres_pool(connections, REPLICA_TIMEOUT).connect_lazy_with(options.clone());
                let monitor = monitor_pool(options);
                Ok(Replica {
                    pool,
                    monitor,
                    label,
                    healthy: AtomicBool::new(false),
                    replayed: AtomicU64::new(0),
                    current_at_ms: AtomicU64::new(0),
                    lagging: AtomicBool::new(false),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let primary = monitor_pool((*primary.connect_options()).clone().application_name("bulletin-replica-checks"));
        let inner = Arc::new(Inner {
            replicas,
            primary,
            max_lag: settings.max_lag,
            next: AtomicUsize::new(0),
            epoch: Instant::now(),
        });
        tokio::spawn(check_forever(Arc::downgrade(&inner)));
        Ok(Some(Replicas { inner }))
    }

    /// The replica a read should use, or `None` for the primary (see the module's comment).
    pub(crate) async fn for_read(&self) -> Option<&Replica> {
        let inner = &*self.inner;
        let now_ms = inner.now_ms();
        let needed = match read_your_writes::read_after() {
            ReadAfter::Nothing => 0,
            ReadAfter::Position(position) => position,
            ReadAfter::PrimaryOnly => return None,
        };
        let count = inner.replicas.len();
        let start = inner.next.fetch_add(1, Ordering::Relaxed);
        let mut behind = None;
        for replica in (0..count).map(|i| &inner.replicas[(start + i) % count]) {
            if !replica.usable(now_ms, inner.max_lag) {
                continue;
            }
            if replica.replayed.load(Ordering::Relaxed) >= needed {
                return Some(replica);
            }
            behind.get_or_insert(replica);
        }
        // Every usable replica was short of the read-after position at its last check: ask one (replaying takes
        // milliseconds, and the request came after the write that set the position).
        let replica = behind?;
        // A probe that fails or is slow sends this read to the primary; only a real failure takes the replica out.
        match bounded(replayed_by(&replica.pool)).await {
            Ok((true, replayed)) => {
                replica.replayed.store(replayed, Ordering::Relaxed);
                (replayed >= needed).then_some(replica)
            }
            Ok((false, _)) => None,
            Err(err) => {
                replica.failed(&err);
                None
            }
        }
    }

    /// The replicas and whether each is in use now, for tests and logs.
    /// Each replica's pool, in configuration order.
    pub(crate) fn pools(&self) -> impl Iterator<Item = &PgPool> {
        self.inner.replicas.iter().map(|replica| &replica.pool)
    }

    pub fn in_use(&self) -> Vec<(String, bool)> {
        let now_ms = self.inner.now_ms();
        self.inner.replicas.iter().map(|r| (r.label.clone(), r.usable(now_ms, self.inner.max_lag))).collect()
    }
}

impl Inner {
    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }
}

impl Replica {
    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    fn usable(&self, now_ms: u64, max_lag: Duration) -> bool {
        let current_at = self.current_at_ms.load(Ordering::Relaxed);
        self.healthy.load(Ordering::Relaxed)
            && current_at > 0
            && now_ms.saturating_sub(current_at) <= max_lag.as_millis() as u64
    }

    /// A read failed here, and the primary serves it instead. The replica is left out (until a check finds it
    /// well) unless it was only busy or slow: every pooled connection taken, or the read past its time.
    pub(crate) fn failed(&self, err: &sqlx::Error) {
        let busy = match err {
            sqlx::Error::PoolTimedOut => {
                self.pool.size() >= self.pool.options().get_max_connections() && self.pool.num_idle() == 0
            }
            sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::TimedOut,
            _ => false,
        };
        if !busy {
            self.left_out(&err.to_string());
        }
    }

    /// Not used again until a check finds it well, and nothing it said before is believed any more.
    fn left_out(&self, why: &str) {
        self.replayed.store(0, Ordering::Relaxed);
        self.current_at_ms.store(0, Ordering::Relaxed);
        if self.healthy.swap(false, Ordering::Relaxed) {
            tracing::warn!(replica = %self.label, reason = why, "read replica left out; its reads go to the primary");
        }
    }

    fn checked_well(&self) {
        if !self.healthy.swap(true, Ordering::Relaxed) {
            tracing::info!(replica = %self.label, "read replica in use");
        }
    }
}

/// A pool of one connection, for the checks.
fn monitor_pool(options: PgConnectOptions) -> PgPool {
    super::postgres_pool(1, REPLICA_TIMEOUT).connect_lazy_with(options)
}

/// Whether the server behind `pool` is a standby, and how far it has replayed.
async fn replayed_by(pool: &PgPool) -> Result<(bool, u64), sqlx::Error> {
    let (standby, replayed): (bool, i64) = sqlx::query_as(REPLICA_REPLAYED).fetch_one(pool).await?;
    Ok((standby, replayed.max(0) as u64))
}

/// Checks every replica each `CHECK_EVERY`, until the `Db` is dropped.
async fn check_forever(inner: std::sync::Weak<Inner>) {
    let mut ticks = tokio::time::interval(CHECK_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        check(&inner).await;
    }
}

/// One round of checks. The primary's flushed position is read first: a replica that has replayed it was current
/// as of the moment before it was read.
async fn check(inner: &Inner) {
    let started_ms = inner.now_ms().max(1);
    let flushed =
        tokio::time::timeout(REPLICA_TIMEOUT, sqlx::query_scalar::<_, i64>(PRIMARY_FLUSHED).fetch_one(&inner.primary));
    // Without the primary's position no replica can be shown current; their lag grows until it answers.
    let flushed = match flushed.await {
        Ok(Ok(position)) => Some(position.max(0) as u64),
        _ => None,
    };
    let checks = inner.replicas.iter().map(|replica| async move {
        match tokio::time::timeout(REPLICA_TIMEOUT, replayed_by(&replica.monitor)).await {
            Ok(Ok((true, replayed))) => {
                // Stored, not raised: a standby that restarted may be further behind than it was.
                replica.replayed.store(replayed, Ordering::Relaxed);
                if flushed.is_some_and(|flushed| replayed >= flushed) {
                    replica.current_at_ms.fetch_max(started_ms, Ordering::Relaxed);
                }
                replica.checked_well();
                let lag_ms = inner.now_ms().saturating_sub(replica.current_at_ms.load(Ordering::Relaxed));
                let lagging = lag_ms > inner.max_lag.as_millis() as u64;
                if replica.lagging.swap(lagging, Ordering::Relaxed) != lagging {
                    if lagging {
                        tracing::warn!(replica = %replica.label, "read replica lags more than DATABASE_REPLICA_MAX_LAG_MS; its reads go to the primary");
                    } else {
                        tracing::info!(replica = %replica.label, "read replica caught up");
                    }
                }
            }
            Ok(Ok((false, _))) => replica.left_out("the server is not a standby (pg_is_in_recovery() is false)"),
            Ok(Err(err)) => replica.left_out(&err.to_string()),
            Err(_) => replica.left_out("did not answer the check in time"),
        }
    });
    futures::future::join_all(checks).await;
}
