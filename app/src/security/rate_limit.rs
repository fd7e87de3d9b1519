//! A fixed-window attempt limiter, keyed by client address (register and login) or by what failed logins are
//! counted against (a username, a trusted device, a member changing their password).
//!
//! It lives in process memory: with several instances each keeps its own count (see docs/deploy.md).

use crate::error::AppError;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `attempts` per `window`, parsed from `"10/3600"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub attempts: u32,
    pub window: Duration,
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || format!("expected ATTEMPTS/SECONDS such as 10/3600, or off (got {text:?})");
        let (attempts, seconds) = text.trim().split_once('/').ok_or_else(expected)?;
        let attempts: u32 = attempts.trim().parse().map_err(|_| expected())?;
        let seconds: u64 = seconds.trim().parse().map_err(|_| expected())?;
        if attempts == 0 || seconds == 0 {
            return Err(expected());
        }
        Ok(RateLimit { attempts, window: Duration::from_secs(seconds) })
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
    windows: Arc<Mutex<HashMap<K, Window>>>,
}

impl<K: Hash + Eq> AttemptLimiter<K> {
    /// `None` disables limiting.
    pub fn new(limit: Option<RateLimit>) -> Self {
        AttemptLimiter { limit, windows: Arc::default() }
    }

    /// Counts one attempt for `key`; past the limit, says how many seconds until the window resets.
    pub fn attempt(&self, key: K) -> Result<(), AppError> {
        self.attempt_at(key, Instant::now(), true)
    }

    /// Whether `key` is past its limit, without counting an attempt (for limits that count failures only).
    pub fn check(&self, key: K) -> Result<(), AppError> {
        self.attempt_at(key, Instant::now(), false)
    }

    /// Gives back one attempt counted for `key` in its current window (an attempt that turned out not to be one
    /// this limit is about, such as a successful login against a budget for failures).
    pub fn refund(&self, key: &K) {
        if let Some(window) = self.lock().get_mut(key) {
            window.attempts = window.attempts.saturating_sub(1);
        }
    }

    /// Forgets `key`'s count (a successful login clears its name's failures).
    pub fn forget(&self, key: &K) {
        self.lock().remove(key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Window>> {
        self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn attempt_at(&self, key: K, now: Instant, count: bool) -> Result<(), AppError> {
        let Some(limit) = self.limit else { return Ok(()) };
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
            return Err(AppError::RateLimited(remaining.as_secs().max(1)));
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
        for bad in ["", "10", "ten/60", "10/0", "0/60", "10/-5"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn attempts_past_the_limit_are_refused_with_the_wait() {
        let limiter = AttemptLimiter::new(Some("2/60".parse().unwrap()));
        let start = Instant::now();
        assert!(limiter.attempt_at(IP, start, true).is_ok());
        assert!(limiter.attempt_at(IP, start, true).is_ok());
        assert_eq!(limiter.attempt_at(IP, start + Duration::from_secs(20), true), Err(AppError::RateLimited(40)));
        assert!(limiter.attempt_at(OTHER, start, true).is_ok(), "each client has its own count");
    }

    #[test]
    fn a_new_window_starts_fresh() {
        let limiter = AttemptLimiter::new(Some("1/60".parse().unwrap()));
        let start = Instant::now();
        assert!(limiter.attempt_at(IP, start, true).is_ok());
        assert!(limiter.attempt_at(IP, start + Duration::from_secs(59), true).is_err());
        assert!(limiter.attempt_at(IP, start + Duration::from_secs(60), true).is_ok());
    }

    #[test]
    fn checking_does_not_count_and_forgetting_clears() {
        let limiter = AttemptLimiter::<String>::new(Some("2/60".parse().unwrap()));
        for _ in 0..5 {
            assert!(limiter.check("alice".into()).is_ok(), "checks alone never reach the limit");
        }
        assert!(limiter.attempt("alice".into()).is_ok());
        assert!(limiter.attempt("alice".into()).is_ok());
        assert!(limiter.check("alice".into()).is_err(), "two failures reach the limit");
        limiter.forget(&"alice".to_owned());
        assert!(limiter.check("alice".into()).is_ok());
    }

    #[test]
    fn a_refunded_attempt_is_available_again() {
        let limiter = AttemptLimiter::new(Some("1/60".parse().unwrap()));
        assert!(limiter.attempt(IP).is_ok());
        assert!(limiter.attempt(IP).is_err());
        limiter.refund(&IP);
        assert!(limiter.attempt(IP).is_ok());
        limiter.refund(&OTHER); // nothing counted: nothing to give back
        assert!(limiter.attempt(OTHER).is_ok());
    }

    #[test]
    fn no_limit_allows_everything() {
        let limiter = AttemptLimiter::<IpAddr>::new(None);
        for _ in 0..1000 {
            assert!(limiter.attempt(IP).is_ok());
        }
    }
}
