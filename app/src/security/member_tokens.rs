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
    /// With the member's current role: what every decision about them reads.
    pub member: Member,
    pub generation: i64,
    pub revoked_sessions: BTreeSet<String>,
    /// The suspension in force when this was read, if any.
    pub suspension: Option<SuspensionEnd>,
}

/// When a member's suspension ends: `until` (Bulletin's UTC timestamp text), or `None` until it is lifted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspensionEnd {
    pub until: Option<String>,
}

impl SuspensionEnd {
    /// The suspension in force now, from the `users` columns; one whose end has passed is over.
    pub fn of(suspended_at: Option<&str>, until: Option<&str>) -> Option<SuspensionEnd> {
        suspended_at?;
        match until {
            Some(until) if until <= crate::store::moderation::now_text().as_str() => None,
            until => Some(SuspensionEnd { until: until.map(str::to_owned) }),
        }
    }

    /// Whether it is still in force (a cached one may have ended since it was read).
    pub fn in_force(&self) -> bool {
        self.until.as_deref().is_none_or(|until| until > crate::store::moderation::now_text().as_str())
    }
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
        let now = Instant::now();
        self.put_as_of(tokens, now, now)
    }

    /// `put` for what a read that began at `started` found. The member's role and suspension have no order of
    /// their own (a role can go up and down): an entry this instance stored after that read began (its own
    /// change) is newer and stays; and the entry is as old as the read's start, so its `ttl` runs from there.
    pub fn put_read(&self, tokens: MemberTokens, started: Instant) -> MemberTokens {
        self.put_as_of(tokens, started, Instant::now())
    }

    /// Amends what this instance knows after it revoked tokens itself: a new generation (every older token) or
    /// one more logged-out session. Only the revocation is added: the entry's role, suspension and age stay as
    /// they were (storing the request's own view of the member as new would let an old role live another `ttl`).
    /// Without an entry there is nothing to amend: the next request reads the database, which has it.
    pub fn revoked(&self, user_id: i64, generation: Option<i64>, session: Option<&str>) {
        let now = Instant::now();
        let mut entries = self.lock();
        if let Some(entry) = entries.get_mut(&user_id).filter(|e| now.duration_since(e.fetched) < self.ttl) {
            if let Some(generation) = generation {
                entry.tokens.generation = entry.tokens.generation.max(generation);
            }
            entry.tokens.revoked_sessions.extend(session.map(str::to_owned));
        }
    }

    #[cfg(test)]
    fn put_at(&self, tokens: MemberTokens, now: Instant) -> MemberTokens {
        self.put_as_of(tokens, now, now)
    }

    fn put_as_of(&self, mut tokens: MemberTokens, mut as_of: Instant, now: Instant) -> MemberTokens {
        let mut entries = self.lock();
        if entries.len() >= PRUNE_AT {
            entries.retain(|_, e| now.duration_since(e.fetched) < self.ttl);
        }
        if let Some(known) = entries.get(&tokens.member.user_id).filter(|e| now.duration_since(e.fetched) < self.ttl) {
            if known.fetched > as_of {
                tokens.member = known.tokens.member.clone();
                tokens.suspension = known.tokens.suspension.clone();
                as_of = known.fetched;
            }
            tokens.generation = tokens.generation.max(known.tokens.generation);
            tokens.revoked_sessions.extend(known.tokens.revoked_sessions.iter().cloned());
        }
        entries.insert(tokens.member.user_id, Entry { tokens: tokens.clone(), fetched: as_of });
        tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    fn alice(generation: i64, revoked: &[&str]) -> MemberTokens {
        MemberTokens {
            member: Member { user_id: 7, username: "alice".into(), role: Role::Member },
            generation,
            revoked_sessions: revoked.iter().map(|s| s.to_string()).collect(),
            suspension: None,
        }
    }

    #[test]
    fn a_revocation_amends_the_entry_without_making_it_newer() {
        let cache = MemberTokensCache::new(Duration::from_secs(5));
        let mut moderator = alice(4, &[]);
        moderator.member.role = Role::Moderator;
        cache.put(moderator);
        cache.revoked(7, Some(5), Some("s1"));
        let amended = cache.get(7).unwrap();
        assert_eq!((amended.generation, amended.member.role), (5, Role::Moderator));
        assert!(amended.revoked_sessions.contains("s1"));
        cache.revoked(8, Some(1), None); // nothing known of member 8: nothing to amend
        assert_eq!(cache.get(8), None);
    }

    #[test]
    fn a_read_that_began_before_a_local_change_does_not_undo_it() {
        let cache = MemberTokensCache::new(Duration::from_secs(5));
        let read_began = Instant::now();
        let changed = read_began + Duration::from_millis(10);
        let mut demoted = alice(4, &[]);
        demoted.member.role = Role::Member;
        cache.put_as_of(demoted.clone(), changed, changed); // this instance demoted alice
        let mut stale = alice(4, &[]);
        stale.member.role = Role::Moderator; // what a read begun before the demotion found
        let later = changed + Duration::from_millis(5);
        assert_eq!(cache.put_as_of(stale.clone(), read_began, later).member.role, Role::Member);
        assert_eq!(cache.get_at(7, later).unwrap().member.role, Role::Member);
        // A read that began after the change is the newer word.
        let promoted_again = later + Duration::from_millis(1);
        assert_eq!(cache.put_as_of(stale, promoted_again, promoted_again).member.role, Role::Moderator);
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
