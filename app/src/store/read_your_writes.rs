//! Read-your-writes with read replicas: the positions a request reads after and has written.
//!
//! A member must see their own writes at once, on any instance, though a replica may be a few milliseconds
//! behind the primary. So every request runs inside `scope`, which holds
//! - the position the client sent (`Bulletin-Read-After`, see `model/read_after.rs`): the request reads only from
//!   a replica that has replayed it (`replicas.rs`), else from the primary;
//! - the position of its own writes: after each committed write the primary's WAL insert position is noted
//!   (`note_write`, one extra statement per write, only when replicas are configured); the door sends it back in
//!   `Bulletin-Read-After`, and a later read in the same request waits for it too.
//!
//! The position travels with the client rather than being kept per member on the server: a pin kept by one
//! instance would not be known by the next instance the load balancer picks, and a pin kept in the database
//! would cost every read a round trip to the primary. Clients that do not send it back (a REST script, say) read
//! what the replicas have, at most `DATABASE_REPLICA_MAX_LAG_MS` behind.

use super::Db;
use sqlx::pool::PoolConnection;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

tokio::task_local! {
    static REQUEST: Arc<Positions>;
}

#[derive(Debug, Default)]
struct Positions {
    read_after: u64,
    written: AtomicU64,
    /// A write whose position could not be read: the rest of the request reads the primary.
    primary_only: AtomicBool,
}

/// What a request's reads must not be older than.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReadAfter {
    Nothing,
    Position(u64),
    /// The request wrote something whose position is unknown.
    PrimaryOnly,
}

/// Runs `request` reading after `read_after`; returns its output and the position of its writes, if it wrote.
pub async fn scope<F: Future>(read_after: Option<u64>, request: F) -> (F::Output, Option<u64>) {
    let positions = Arc::new(Positions { read_after: read_after.unwrap_or(0), ..Positions::default() });
    let output = REQUEST.scope(positions.clone(), request).await;
    let written = positions.written.load(Ordering::Relaxed);
    (output, (written > 0).then_some(written))
}

/// What this request's reads must not be older than: the client's position or its own writes, whichever is
/// further.
pub(crate) fn read_after() -> ReadAfter {
    REQUEST
        .try_with(|positions| {
            if positions.primary_only.load(Ordering::Relaxed) {
                return ReadAfter::PrimaryOnly;
            }
            match positions.read_after.max(positions.written.load(Ordering::Relaxed)) {
                0 => ReadAfter::Nothing,
                position => ReadAfter::Position(position),
            }
        })
        .unwrap_or(ReadAfter::Nothing)
}

/// Notes, on the connection that has just committed a write, the primary's position after it: when there are
/// replicas and a request to tell. One more statement per write, only on a board with replicas.
pub(crate) trait NoteWrite {
    fn note_write(&mut self, db: &Db) -> impl Future<Output = ()> + Send;
}

impl NoteWrite for PoolConnection<sqlx::Sqlite> {
    async fn note_write(&mut self, _db: &Db) {}
}

impl NoteWrite for PoolConnection<sqlx::Postgres> {
    async fn note_write(&mut self, db: &Db) {
        if !db.has_replicas() || REQUEST.try_with(|_| ()).is_err() {
            return;
        }
        // The insert position, not the flushed one: with synchronous_commit off the commit may not be flushed
        // yet, but it is in the log before this point, and a replica that has replayed this far has the write.
        let position = sqlx::query_scalar::<_, i64>("SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint")
            .fetch_one(&mut **self)
            .await;
        let _ = REQUEST.try_with(|positions| match position {
            Ok(position) => {
                positions.written.fetch_max(position.max(0) as u64, Ordering::Relaxed);
            }
            // The write is committed; only where it is in the log is unknown. So the rest of this request reads
            // the primary, and the answer carries no position (a made-up one would pin the client for good).
            Err(err) => {
                tracing::warn!(error = %err, "could not read the primary's position after a write");
                positions.primary_only.store(true, Ordering::Relaxed);
            }
        });
    }
}
