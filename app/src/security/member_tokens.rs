//! A few seconds' memory of each member's name, current token generation and logged-out sessions.
//!
//! Every authenticated request must know whether its token was revoked, which is one database read per request.
//! Remembering the answer for `ttl` turns that into a map look-up for an active member, and bounds how stale a
//! revocation can be: an instance that did not perform it notices within `ttl`; the one that did, at once.

use crate::model::Member;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long an instance may keep accepting a revoked token, and how long a member's data is reused.
pub const MEMBER_TOKENS_TTL: Duration = Duration::from_secs(5);
/// Drop expired entries once this many members are remembered, so memory stays bounded.
const PRUNE_AT: usize = 100_000;

/// What the database says about a member's tokens: their generation and the sessions logged out (`sid`s) whose
/// tokens may not have expired yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberTokens {
    pub member: Member,
    pub generation: i64,
    pub revoked_sessions: BTreeSet<String>,
}

impl MemberTokens {
    /// Whether a token of `generation` in session `session_id` is still good.
    pub fn accepts(&self, generation: i64, session_id: &str) -> bool {
        generation == self.generation && !self.revoked_sessions.contains(session_id)
    }
}

#[derive(Clone)]
struct Entry {
    tokens: MemberTokens,
    fetched: Instant,
}

#[derive(Clone)]
pub struct MemberTokensCache {
    ttl: Duration,
    entries: Arc<Mutex<HashMap<i64, Entry>>>,
}

impl MemberTokensCache {
    pub fn new(ttl: Duration) -> Self {
        MemberTokensCache { ttl, entries: Arc::default() }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<i64, Entry>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What is known of the member's tokens, if read from the database less than `ttl` ago.
    pub fn get(&self, user_id: i64) -> Option<MemberTokens> {
        self.get_at(user_id, Instant::now())
    }

    fn get_at(&self, user_id: i64, now: Instant) -> Option<MemberTokens> {
        let entries = self.lock();
        let entry = entries.get(&user_id).filter(|e| now.duration_since(e.fetched) < self.ttl)?;
        Some(entry.tokens.clone())
    }

    /// Remembers what the database just said (after a read, or after this instance revoked tokens).
    ///
    /// Never moves a member back: a request that read the generation just before this instance revoked tokens
    /// may finish after the revocation, and writing its stale answer over the new one would make the revoked
    /// tokens work again here for another `ttl`. Generations only grow, so the larger is always the newer; a
    /// logged-out session stays logged out, so the sets of revoked sessions are merged.
    ///
    /// Returns what is now in force for the member.
    pub fn put(&self, tokens: MemberTokens) -> MemberTokens {
        self.put_at(tokens, Instant::now())
    }

    fn put_at(&self, mut tokens: MemberTokens, now: Instant) -> MemberTokens {
        let mut entries = self.lock();
        if entries.len() >= PRUNE_AT {
            entries.retain(|_, e| now.duration_since(e.fetched) < self.ttl);
        }
        if let Some(known) = entries.get(&tokens.member.user_id).filter(|e| now.duration_since(e.fetched) < self.ttl) {
            tokens.generation = tokens.generation.max(known.tokens.generation);
            tokens.revoked_sessions.extend(known.tokens.revoked_sessions.iter().cloned());
        }
        entries.insert(tokens.member.user_id, Entry { tokens: tokens.clone(), fetched: now });
        tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice(generation: i64, revoked: &[&str]) -> MemberTokens {
        MemberTokens {
            member: Member { user_id: 7, username: "alice".into() },
            generation,
            revoked_sessions: revoked.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn entries_are_served_until_the_ttl_and_not_after() {
        let cache = MemberTokensCache::new(Duration::from_secs(5));
        let start = Instant::now();
        cache.put_at(alice(2, &[]), start);
        assert_eq!(cache.get_at(7, start + Duration::from_millis(4_999)), Some(alice(2, &[])));
        assert_eq!(cache.get_at(7, start + Duration::from_secs(5)), None, "a stale entry must be re-read");
        assert_eq!(cache.get_at(8, start), None);
    }

    #[test]
    fn a_stale_read_finishing_after_a_revocation_does_not_bring_the_old_state_back() {
        let cache = MemberTokensCache::new(Duration::from_secs(5));
        let start = Instant::now();
        cache.put_at(alice(4, &["s1"]), start); // this instance revoked: generation 3 → 4, and logged s1 out
        // A read from before the revocation lands late: the newer state stays, and is what it is told.
        assert_eq!(cache.put_at(alice(3, &[]), start + Duration::from_millis(1)), alice(4, &["s1"]));
        assert_eq!(cache.get_at(7, start + Duration::from_millis(2)), Some(alice(4, &["s1"])));
    }

    #[test]
    fn an_expired_entry_is_replaced_by_whatever_the_database_says() {
        let cache = MemberTokensCache::new(Duration::from_secs(5));
        let start = Instant::now();
        cache.put_at(alice(4, &["s1"]), start);
        let later = start + Duration::from_secs(6);
        cache.put_at(alice(3, &[]), later);
        assert_eq!(cache.get_at(7, later), Some(alice(3, &[])));
    }

    #[test]
    fn a_put_replaces_the_generation_at_once_and_adds_logged_out_sessions() {
        let cache = MemberTokensCache::new(Duration::from_secs(5));
        cache.put(alice(0, &["s1"]));
        cache.put(alice(1, &["s2"]));
        assert_eq!(cache.get(7), Some(alice(1, &["s1", "s2"])));
    }

    #[test]
    fn a_token_is_accepted_only_in_the_current_generation_and_a_live_session() {
        let tokens = alice(4, &["s1"]);
        assert!(tokens.accepts(4, "s2"));
        assert!(!tokens.accepts(4, "s1"));
        assert!(!tokens.accepts(3, "s2"));
    }
}
