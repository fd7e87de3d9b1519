//! Password hashing with bcrypt, kept off the async runtime and bounded in concurrency.
//!
//! bcrypt only reads the first 72 bytes of its input, so two long passwords sharing a prefix would both verify.
//! We therefore hash `base64(SHA-256(password))` (44 bytes): every character of the password counts, NUL included
//! (base64 never contains a NUL, which bcrypt's C heritage would treat as the end). The `non_truncating_*` calls
//! make that invariant loud instead of silent.

use crate::error::AppError;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::{OnceCell, Semaphore};

#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    /// At most this many hashes run at once, so a login flood queues instead of taking every blocking thread.
    permits: Arc<Semaphore>,
    /// What a wrong password costs, for a known name or an unknown one alike: the configured cost, or a higher
    /// one still stored for some member (hashes made before `BCRYPT_COST` was lowered).
    failure_cost: Arc<AtomicU32>,
    /// Hashes of a password no account has, one per cost, made on first use: verified against when the name is
    /// unknown, and to pad a failed check of a hash cheaper than `failure_cost` (see `verify`).
    decoys: Arc<[OnceCell<String>; 32]>,
}

/// The cost a bcrypt hash was made with (`$2b$12$…` → 12).
fn cost_of(hash: &str) -> Option<u32> {
    hash.get(4..6)?.parse().ok()
}

/// The decoy checks that bring a failed check of `stored` up to one check at `failure_cost` (see `verify`).
fn padding_costs(stored: &str, failure_cost: u32) -> std::ops::Range<u32> {
    cost_of(stored).unwrap_or(failure_cost)..failure_cost
}

fn prehash(password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(password.as_bytes()))
}

impl PasswordHasher {
    pub const MIN_COST: u32 = 4;
    pub const MAX_COST: u32 = 31;

    pub fn new(cost: u32) -> Self {
        let parallel = std::thread::available_parallelism().map_or(2, usize::from);
        PasswordHasher {
            cost,
            permits: Arc::new(Semaphore::new(parallel)),
            failure_cost: Arc::new(AtomicU32::new(cost)),
            decoys: Arc::new(std::array::from_fn(|_| OnceCell::new())),
        }
    }

    /// Tells the hasher the highest cost among stored hashes, so that a login for an unknown name costs as much
    /// as one for the slowest real account.
    pub fn expect_stored_cost(&self, highest: u32) {
        self.failure_cost.fetch_max(highest.min(Self::MAX_COST), Ordering::Relaxed);
    }

    /// Makes the decoy for unknown names now, so the first such login does not also pay for making it.
    pub async fn warm_up(&self) -> Result<(), AppError> {
        self.decoy(self.failure_cost.load(Ordering::Relaxed)).await.map(|_| ())
    }

    /// Whether `stored` was made with a lower cost than the configured one: after a successful login, the
    /// password is hashed again at today's cost.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        cost_of(stored).is_some_and(|cost| cost < self.cost)
    }

    /// Runs CPU-heavy bcrypt work on the blocking pool once a permit is free.
    async fn run_bounded<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, bcrypt::BcryptError> + Send + 'static,
    ) -> Result<T, AppError> {
        let queued = crate::telemetry::Waiting::in_gauge(metrics::gauge!(crate::telemetry::PASSWORD_HASH_QUEUE));
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        drop(queued);
        tokio::task::spawn_blocking(work).await.map_err(AppError::internal)?.map_err(AppError::internal)
    }

    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let (input, cost) = (prehash(password), self.cost);
        self.run_bounded(move || bcrypt::non_truncating_hash(input, cost)).await
    }

    /// Checks `password` against `stored`; with no stored hash (unknown user) it verifies against a decoy so the
    /// answer takes as long as for a real user, and is always `false`.
    ///
    /// A wrong password always costs `failure_cost`. A stored hash of a lower cost c (made before `BCRYPT_COST`
    /// was raised, and not yet upgraded by a login) would answer 2^(failure_cost - c) times faster than an unknown
    /// name and tell an attacker the account exists; a failed check of such a hash is padded with decoy checks at
    /// costs c, c+1, …, failure_cost-1, whose work (2^c + … + 2^(failure_cost-1) = 2^failure_cost - 2^c) brings
    /// the total to exactly that of one check at `failure_cost`.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, AppError> {
        // A hash dearer than any seen so far (made by another instance with a higher cost) raises the bar at once.
        if let Some(cost) = stored.and_then(cost_of) {
            self.expect_stored_cost(cost);
        }
        let failure_cost = self.failure_cost.load(Ordering::Relaxed);
        let Some(stored) = stored else {
            self.check(password, self.decoy(failure_cost).await?.clone()).await?;
            return Ok(false);
        };
        if self.check(password, stored.to_owned()).await? {
            return Ok(true);
        }
        for cost in padding_costs(stored, failure_cost) {
            self.check(password, self.decoy(cost).await?.clone()).await?;
        }
        Ok(false)
    }

    async fn check(&self, password: &str, hash: String) -> Result<bool, AppError> {
        let input = prehash(password);
        self.run_bounded(move || bcrypt::non_truncating_verify(input, &hash)).await
    }

    async fn decoy(&self, cost: u32) -> Result<&String, AppError> {
        let cost = cost.clamp(Self::MIN_COST, Self::MAX_COST);
        self.decoys[cost as usize]
            .get_or_try_init(|| {
                let input = prehash("decoy password that no account has");
                self.run_bounded(move || bcrypt::non_truncating_hash(input, cost))
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher() -> PasswordHasher {
        PasswordHasher::new(PasswordHasher::MIN_COST)
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let h = hasher();
        let stored = h.hash("correct horse battery").await.unwrap();
        assert!(h.verify("correct horse battery", Some(&stored)).await.unwrap());
        assert!(!h.verify("correct horse batterY", Some(&stored)).await.unwrap());
    }

    #[tokio::test]
    async fn every_character_of_a_long_password_counts() {
        let h = hasher();
        let base = "p".repeat(127);
        let stored = h.hash(&format!("{base}a")).await.unwrap();
        assert!(h.verify(&format!("{base}a"), Some(&stored)).await.unwrap());
        assert!(!h.verify(&format!("{base}b"), Some(&stored)).await.unwrap(), "the 128th character must count");
    }

    #[tokio::test]
    async fn passwords_sharing_the_first_72_bytes_are_different() {
        let h = hasher();
        let prefix = "x".repeat(72);
        let stored = h.hash(&format!("{prefix}one")).await.unwrap();
        assert!(!h.verify(&format!("{prefix}two"), Some(&stored)).await.unwrap());
    }

    #[tokio::test]
    async fn nul_is_an_ordinary_character() {
        let h = hasher();
        let stored = h.hash("abc\0defghij").await.unwrap();
        assert!(h.verify("abc\0defghij", Some(&stored)).await.unwrap());
        assert!(!h.verify("abc\0xxxxxxx", Some(&stored)).await.unwrap(), "nothing after NUL may be ignored");
        assert!(!h.verify("abc", Some(&stored)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        let h = hasher();
        assert!(!h.verify("decoy password that no account has", None).await.unwrap());
    }

    #[tokio::test]
    async fn hashes_below_the_configured_cost_need_a_rehash_and_others_do_not() {
        let old = PasswordHasher::new(4).hash("whatever123").await.unwrap();
        let current = PasswordHasher::new(5);
        assert!(current.needs_rehash(&old));
        assert!(!current.needs_rehash(&current.hash("whatever123").await.unwrap()));
        assert!(!PasswordHasher::new(4).needs_rehash(&current.hash("whatever123").await.unwrap()));
    }

    /// Counts the bcrypt work of a call in units of 2^4 rounds, by the costs of the hashes it was checked against.
    fn work_units(costs: impl IntoIterator<Item = u32>) -> u64 {
        costs.into_iter().map(|c| 1u64 << (c - 4)).sum()
    }

    #[tokio::test]
    async fn a_failed_check_of_a_cheap_hash_costs_as_much_as_one_at_the_failure_cost() {
        let cheap = PasswordHasher::new(4).hash("the real password").await.unwrap();
        for failure_cost in [4, 5, 9, 12] {
            let work = work_units(std::iter::once(4).chain(padding_costs(&cheap, failure_cost)));
            assert_eq!(work, work_units([failure_cost]), "a cost-4 hash failing at cost {failure_cost}");
        }
        let dear = PasswordHasher::new(6).hash("the real password").await.unwrap();
        assert!(padding_costs(&dear, 5).is_empty(), "a hash at or above the failure cost needs no padding");
    }

    #[tokio::test]
    async fn padding_changes_no_answer() {
        let hasher = PasswordHasher::new(4);
        let cheap = hasher.hash("the real password").await.unwrap();
        hasher.expect_stored_cost(6);
        assert!(!hasher.verify("wrong password", Some(&cheap)).await.unwrap());
        assert!(hasher.verify("the real password", Some(&cheap)).await.unwrap());
        assert!(!hasher.verify("the real password", None).await.unwrap());
        assert!(hasher.decoys[6].initialized(), "unknown names are checked at the highest stored cost");
        assert!(hasher.decoys[5].initialized() && hasher.decoys[4].initialized(), "the padding ran");
    }

    #[tokio::test]
    async fn hashes_use_the_configured_cost() {
        let stored = PasswordHasher::new(5).hash("whatever123").await.unwrap();
        assert!(stored.starts_with("$2b$05$"), "{stored}");
    }
}
