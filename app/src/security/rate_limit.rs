//! A fixed-window attempt limiter, keyed by client address (register and login), by what failed logins are
//! counted against (a username, a trusted device, a member changing their password) or by member (writes and
//! searches).
//!
//! Where the counts live follows the database: with PostgreSQL, which several instances may share, in the
//! database (`store::attempt_windows`), so a client gets the documented attempts whichever instance answers; with
//! SQLite, whose board is one instance, in this process's memory.

use crate::error::AppError;
use crate::store::{Db, attempt_windows};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest window a limit may have: a year (the database stores a window's end as a timestamp).
const MAX_WINDOW_SECONDS: u64 = 366 * 24 * 3600;

/// `attempts` per `window`, parsed from `"10/3600"` (a window of 1 second to a year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub attempts: u32,
    pub window: Duration,
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || format!("expected ATTEMPTS/SECONDS such as 10/3600 (at most a year), or off (got {text:?})");
        let (attempts, seconds) = text.trim().split_once('/').ok_or_else(expected)?;
        let attempts: u32 = attempts.trim().parse().map_err(|_| expected())?;
        let seconds: u64 = seconds.trim().parse().map_err(|_| expected())?;
        if attempts == 0 || seconds == 0 || seconds > MAX_WINDOW_SECONDS {
            return Err(expected());
        }
        Ok(RateLimit { attempts, window: Duration::from_secs(seconds) })
    }
}

/// What a limiter counts by. `shared_key` is how the key is stored in the database's table, where every
/// limiter's keys are text: distinct keys must give distinct text.
pub trait LimitKey: Hash + Eq + Clone {
    fn shared_key(&self) -> String;
}

impl LimitKey for IpAddr {
    fn shared_key(&self) -> String {
        self.to_string()
    }
}

/// A member's id.
impl LimitKey for i64 {
    fn shared_key(&self) -> String {
        self.to_string()
    }
}

struct Window {
    started: Instant,
    attempts: u32,
}

/// Forget finished windows once this many clients are tracked, so memory stays bounded.
const PRUNE_AT: usize = 10_000;

#[derive(Clone)]
pub struct AttemptLimiter<K = IpAddr> {
    limit: Option<RateLimit>,
    /// Keeps its keys apart from other limiters' in the database, and labels its refusals in the metrics.
    name: &'static str,
    counts: Counts<K>,
}

#[derive(Clone)]
enum Counts<K> {
    /// This process's memory: the only instance (SQLite).
    Memory(Arc<Mutex<HashMap<K, Window>>>),
    /// The database's attempt windows, under this limiter's name: every instance (PostgreSQL).
    Shared(sqlx::PgPool),
}

impl<K: LimitKey> AttemptLimiter<K> {
    /// A limiter named `name` counting in this process's memory. `None` disables limiting.
    pub fn new(name: &'static str, limit: Option<RateLimit>) -> Self {
        AttemptLimiter { limit, name, counts: Counts::Memory(Arc::default()) }
    }

    /// A limiter counting where every instance on `db` sees the same count: in the database if several
    /// instances can share it (PostgreSQL), else in memory. `name` keeps its keys apart from other limiters'.
    pub fn on(db: &Db, name: &'static str, limit: Option<RateLimit>) -> Self {
        match db.shared_postgres() {
            Some(pool) => AttemptLimiter { limit, name, counts: Counts::Shared(pool.clone()) },
            None => AttemptLimiter::new(name, limit),
        }
    }

    /// Counts one attempt for `key`; past the limit, says how many seconds until the window resets. A shared
    /// limiter that cannot reach its database refuses the attempt (503).
    pub async fn attempt(&self, key: K) -> Result<(), AppError> {
        self.decide(key, true).await
    }

    /// Whether `key` is past its limit, without counting an attempt (for limits that count failures only).
    pub async fn check(&self, key: K) -> Result<(), AppError> {
        self.decide(key, false).await
    }

    /// Gives back one attempt counted for `key` in its current window (an attempt that turned out not to be one
    /// this limit is about, such as a successful login against a budget for failures). Best effort: a refund the
    /// database did not take leaves the count higher, never lower.
    pub async fn refund(&self, key: &K) {
        if self.limit.is_none() {
            return;
        }
        match &self.counts {
            Counts::Memory(_) => {
                if let Some(window) = self.lock().get_mut(key) {
                    window.attempts = window.attempts.saturating_sub(1);
                }
            }
            Counts::Shared(pool) => {
                let _ = attempt_windows::refund(pool, self.name, &key.shared_key()).await;
            }
        }
    }

    /// Forgets `key`'s count (a successful login clears its name's failures). Best effort, like `refund`.
    pub async fn forget(&self, key: &K) {
        if self.limit.is_none() {
            return;
        }
        match &self.counts {
            Counts::Memory(_) => {
                self.lock().remove(key);
            }
            Counts::Shared(pool) => {
                let _ = attempt_windows::forget(pool, self.name, &key.shared_key()).await;
            }
        }
    }

    async fn decide(&self, key: K, count: bool) -> Result<(), AppError> {
        let Some(limit) = self.limit else { return Ok(()) };
        let verdict = match &self.counts {
            Counts::Memory(_) => self.decide_in_memory(key, limit, Instant::now(), count),
            Counts::Shared(pool) => {
                let key = key.shared_key();
                if count {
                    attempt_windows::attempt(pool, self.name, &key, limit.attempts, limit.window).await?
                } else {
                    attempt_windows::check(pool, self.name, &key, limit.attempts).await?
                }
            }
        };
        verdict.map_err(|retry_after| {
            crate::telemetry::limit_refused(self.name);
            AppError::RateLimited(retry_after)
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Window>> {
        let Counts::Memory(windows) = &self.counts else { unreachable!("only memory limiters lock") };
        windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The memory limiter's decision at `now`: `Err(seconds until the window resets)` past the limit.
    fn decide_in_memory(&self, key: K, limit: RateLimit, now: Instant, count: bool) -> attempt_windows::Verdict {
        let mut windows = self.lock();
        if windows.len() >= PRUNE_AT {
            windows.retain(|_, w| now.duration_since(w.started) < limit.window);
        }
        let window = windows.entry(key).or_insert(Window { started: now, attempts: 0 });
        if now.duration_since(window.started) >= limit.window {
            *window = Window { started: now, attempts: 0 };
        }
        if window.attempts >= limit.attempts {
            let remaining = limit.window.saturating_sub(now.duration_since(window.started));
            return Err(remaining.as_secs().max(1));
        }
        if count {
            window.attempts += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn limits_parse_from_attempts_per_seconds() {
        assert_eq!("10/3600".parse(), Ok(RateLimit { attempts: 10, window: Duration::from_secs(3600) }));
        for bad in ["", "10", "ten/60", "10/0", "0/60", "10/-5", "10/31622401", "1/99999999999999"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad:?} should be refused");
        }
    }

    fn limit(text: &str) -> RateLimit {
        text.parse().unwrap()
    }

    #[test]
    fn attempts_past_the_limit_are_refused_with_the_wait() {
        let limiter = AttemptLimiter::new("test", Some(limit("2/60")));
        let start = Instant::now();
        assert!(limiter.decide_in_memory(IP, limit("2/60"), start, true).is_ok());
        assert!(limiter.decide_in_memory(IP, limit("2/60"), start, true).is_ok());
        assert_eq!(limiter.decide_in_memory(IP, limit("2/60"), start + Duration::from_secs(20), true), Err(40));
        assert!(limiter.decide_in_memory(OTHER, limit("2/60"), start, true).is_ok(), "each client has its own count");
    }

    #[test]
    fn a_new_window_starts_fresh() {
        let limiter = AttemptLimiter::new("test", Some(limit("1/60")));
        let start = Instant::now();
        assert!(limiter.decide_in_memory(IP, limit("1/60"), start, true).is_ok());
        assert!(limiter.decide_in_memory(IP, limit("1/60"), start + Duration::from_secs(59), true).is_err());
        assert!(limiter.decide_in_memory(IP, limit("1/60"), start + Duration::from_secs(60), true).is_ok());
    }

    #[tokio::test]
    async fn checking_does_not_count_and_forgetting_clears() {
        let limiter = AttemptLimiter::<i64>::new("test", Some(limit("2/60")));
        for _ in 0..5 {
            assert!(limiter.check(7).await.is_ok(), "checks alone never reach the limit");
        }
        assert!(limiter.attempt(7).await.is_ok());
        assert!(limiter.attempt(7).await.is_ok());
        assert!(limiter.check(7).await.is_err(), "two failures reach the limit");
        limiter.forget(&7).await;
        assert!(limiter.check(7).await.is_ok());
    }

    #[tokio::test]
    async fn a_refunded_attempt_is_available_again() {
        let limiter = AttemptLimiter::new("test", Some(limit("1/60")));
        assert!(limiter.attempt(IP).await.is_ok());
        assert!(matches!(limiter.attempt(IP).await, Err(AppError::RateLimited(_))));
        limiter.refund(&IP).await;
        assert!(limiter.attempt(IP).await.is_ok());
        limiter.refund(&OTHER).await; // nothing counted: nothing to give back
        assert!(limiter.attempt(OTHER).await.is_ok());
    }

    #[tokio::test]
    async fn no_limit_allows_everything() {
        let limiter = AttemptLimiter::<IpAddr>::new("test", None);
        for _ in 0..1000 {
            assert!(limiter.attempt(IP).await.is_ok());
        }
    }
}
