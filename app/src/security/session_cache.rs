//! A few seconds' memory of each member's name and current token generation.
//!
//! Every authenticated request must know whether its token was revoked, which is one database read per request.
//! Remembering the answer for `ttl` turns that into a map look-up for an active member, and bounds how stale a
//! revocation can be: an instance that did not perform it notices within `ttl`; the one that did, at once.

use crate::model::Member;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long an instance may keep accepting a revoked token, and how long a member's data is reused.
pub const SESSION_CACHE_TTL: Duration = Duration::from_secs(5);
/// Drop expired entries once this many members are remembered, so memory stays bounded.
const PRUNE_AT: usize = 100_000;

#[derive(Clone)]
struct Entry {
    member: Member,
    generation: i64,
    fetched: Instant,
}

#[derive(Clone)]
pub struct SessionCache {
    ttl: Duration,
    entries: Arc<Mutex<HashMap<i64, Entry>>>,
}

impl SessionCache {
    pub fn new(ttl: Duration) -> Self {
        SessionCache { ttl, entries: Arc::default() }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<i64, Entry>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The member and their token generation, if read from the database less than `ttl` ago.
    pub fn get(&self, user_id: i64) -> Option<(Member, i64)> {
        self.get_at(user_id, Instant::now())
    }

    fn get_at(&self, user_id: i64, now: Instant) -> Option<(Member, i64)> {
        let entries = self.lock();
        let entry = entries.get(&user_id).filter(|e| now.duration_since(e.fetched) < self.ttl)?;
        Some((entry.member.clone(), entry.generation))
    }

    /// Remembers what the database just said (after a read, or after this instance revoked tokens).
    ///
    /// Never moves a member back to an older generation: a request that read the generation just before this
    /// instance revoked tokens may finish after the revocation, and writing its stale answer over the new one
    /// would make the revoked tokens work again here for another `ttl`. Generations only grow, so the larger is
    /// always the newer.
    ///
    /// Returns the generation now in force for the member: `generation`, or the newer one already remembered.
    pub fn put(&self, member: Member, generation: i64) -> i64 {
        self.put_at(member, generation, Instant::now())
    }

    fn put_at(&self, member: Member, generation: i64, now: Instant) -> i64 {
        let mut entries = self.lock();
        if entries.len() >= PRUNE_AT {
            entries.retain(|_, e| now.duration_since(e.fetched) < self.ttl);
        }
        if let Some(newer) = entries
            .get(&member.user_id)
            .filter(|e| e.generation > generation && now.duration_since(e.fetched) < self.ttl)
        {
            return newer.generation;
        }
        entries.insert(member.user_id, Entry { member, generation, fetched: now });
        generation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> Member {
        Member { user_id: 7, username: "alice".into() }
    }

    #[test]
    fn entries_are_served_until_the_ttl_and_not_after() {
        let cache = SessionCache::new(Duration::from_secs(5));
        let start = Instant::now();
        cache.put_at(alice(), 2, start);
        assert_eq!(cache.get_at(7, start + Duration::from_millis(4_999)), Some((alice(), 2)));
        assert_eq!(cache.get_at(7, start + Duration::from_secs(5)), None, "a stale entry must be re-read");
        assert_eq!(cache.get_at(8, start), None);
    }

    #[test]
    fn a_stale_read_finishing_after_a_revocation_does_not_bring_the_old_generation_back() {
        let cache = SessionCache::new(Duration::from_secs(5));
        let start = Instant::now();
        cache.put_at(alice(), 4, start); // this instance revoked: generation 3 → 4
        // A read from before the revocation lands late: the newer generation stays, and is what it is told.
        assert_eq!(cache.put_at(alice(), 3, start + Duration::from_millis(1)), 4);
        assert_eq!(cache.get_at(7, start + Duration::from_millis(2)), Some((alice(), 4)));
    }

    #[test]
    fn an_expired_entry_is_replaced_by_whatever_the_database_says() {
        let cache = SessionCache::new(Duration::from_secs(5));
        let start = Instant::now();
        cache.put_at(alice(), 4, start);
        let later = start + Duration::from_secs(6);
        cache.put_at(alice(), 3, later);
        assert_eq!(cache.get_at(7, later), Some((alice(), 3)));
    }

    #[test]
    fn a_put_replaces_the_generation_at_once() {
        let cache = SessionCache::new(Duration::from_secs(5));
        cache.put(alice(), 0);
        cache.put(alice(), 1);
        assert_eq!(cache.get(7), Some((alice(), 1)));
    }
}
