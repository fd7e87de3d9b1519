//! Attempt limits counted in PostgreSQL, so every instance on the database enforces one limit (the table and the
//! why: migrations/postgres/0008_attempt_windows.sql). One statement per question, atomic on its own: concurrent
//! attempts on any instances serialise on the row, and none can slip between a read and a write.
//!
//! The database's clock decides when a window ends (the statement's start), so instances whose clocks disagree
//! still share one window.

use crate::error::AppError;
use sqlx::PgPool;
use std::time::Duration;

/// The answer to "may this attempt go ahead?": yes, or no and how many seconds until the window ends.
pub(crate) type Verdict = Result<(), u64>;

/// Counts one attempt for (`limiter`, `key`) against `attempts` per `window`, starting a new window if the last
/// one ended. An attempt over the limit is refused and not counted.
pub(crate) async fn attempt(
    pool: &PgPool,
    limiter: &str,
    key: &str,
    attempts: u32,
    window: Duration,
) -> Result<Verdict, AppError> {
    let (refused, seconds_left): (bool, f64) = sqlx::query_as(
        "INSERT INTO attempt_windows AS w (limiter, key, ends_at, attempts)
         VALUES ($1, $2, statement_timestamp() + make_interval(secs => $3), 1)
         ON CONFLICT (limiter, key) DO UPDATE SET
             ends_at  = CASE WHEN w.ends_at <= statement_timestamp() THEN excluded.ends_at ELSE w.ends_at END,
             attempts = CASE WHEN w.ends_at <= statement_timestamp() THEN 1
                             WHEN w.attempts >= $4 THEN w.attempts
                             ELSE w.attempts + 1 END,
             refused  = w.ends_at > statement_timestamp() AND w.attempts >= $4
         RETURNING refused, EXTRACT(EPOCH FROM ends_at - statement_timestamp())::float8",
    )
    .bind(limiter)
    .bind(key)
    .bind(window.as_secs_f64())
    .bind(i64::from(attempts))
    .fetch_one(&mut *live(pool).await?)
    .await
    .map_err(unavailable)?;
    Ok(if refused { Err(wait(seconds_left)) } else { Ok(()) })
}

/// Whether (`limiter`, `key`) has used up `attempts` in its current window, without counting one.
pub(crate) async fn check(pool: &PgPool, limiter: &str, key: &str, attempts: u32) -> Result<Verdict, AppError> {
    let seconds_left: Option<f64> = sqlx::query_scalar(
        "SELECT EXTRACT(EPOCH FROM ends_at - statement_timestamp())::float8 FROM attempt_windows
         WHERE limiter = $1 AND key = $2 AND ends_at > statement_timestamp() AND attempts >= $3",
    )
    .bind(limiter)
    .bind(key)
    .bind(i64::from(attempts))
    .fetch_optional(&mut *live(pool).await?)
    .await
    .map_err(unavailable)?;
    Ok(seconds_left.map_or(Ok(()), |left| Err(wait(left))))
}

/// Gives back one attempt counted in the current window.
pub(crate) async fn refund(pool: &PgPool, limiter: &str, key: &str) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE attempt_windows SET attempts = attempts - 1, refused = false
         WHERE limiter = $1 AND key = $2 AND attempts > 0 AND ends_at > statement_timestamp()",
    )
    .bind(limiter)
    .bind(key)
    .execute(&mut *live(pool).await?)
    .await
    .map_err(unavailable)?;
    Ok(())
}

/// Forgets the key's count.
pub(crate) async fn forget(pool: &PgPool, limiter: &str, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM attempt_windows WHERE limiter = $1 AND key = $2")
        .bind(limiter)
        .bind(key)
        .execute(&mut *live(pool).await?)
        .await
        .map_err(unavailable)?;
    Ok(())
}

/// Deletes the rows of windows that have ended, every `every`, for as long as the pool is open. Every instance
/// runs it; deleting what another instance already deleted costs nothing.
pub(crate) async fn prune_ended(pool: PgPool, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(err) =
            sqlx::query("DELETE FROM attempt_windows WHERE ends_at <= statement_timestamp()").execute(&pool).await
        {
            tracing::warn!(error = %err, "could not delete ended attempt windows; will try again");
        }
    }
}

/// A connection checked just now: the main pool hands them out unchecked (`store::open_postgres`), and counting an
/// attempt is a write.
async fn live(pool: &PgPool) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, AppError> {
    super::LiveConnection::live_connection(pool).await.map_err(unavailable)
}

/// Seconds to wait, as `Retry-After` gives them: whole, and at least one.
fn wait(seconds_left: f64) -> u64 {
    seconds_left.ceil().max(1.0) as u64
}

/// A limiter that cannot count fails closed: whatever the database said, the attempt is answered 503 and does
/// not go ahead. (Letting it through would make an outage of the limiter's table an open door for guessing.)
fn unavailable(err: sqlx::Error) -> AppError {
    tracing::warn!(error = %err, "attempt limit could not be counted; refusing the attempt");
    AppError::Unavailable
}
