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
use tokio::sync::{OnceCell, Semaphore};

#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    /// At most this many hashes run at once, so a login flood queues instead of taking every blocking thread.
    permits: Arc<Semaphore>,
    /// Verified against when the user does not exist, so both paths cost one bcrypt verify (no timing oracle).
    decoy_hash: Arc<OnceCell<String>>,
}

fn prehash(password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(password.as_bytes()))
}

impl PasswordHasher {
    pub const MIN_COST: u32 = 4;
    pub const MAX_COST: u32 = 31;

    pub fn new(cost: u32) -> Self {
        let parallel = std::thread::available_parallelism().map_or(2, usize::from);
        PasswordHasher { cost, permits: Arc::new(Semaphore::new(parallel)), decoy_hash: Arc::default() }
    }

    /// Runs CPU-heavy bcrypt work on the blocking pool once a permit is free.
    async fn run_bounded<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, bcrypt::BcryptError> + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        tokio::task::spawn_blocking(work).await.map_err(AppError::internal)?.map_err(AppError::internal)
    }

    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let (input, cost) = (prehash(password), self.cost);
        self.run_bounded(move || bcrypt::non_truncating_hash(input, cost)).await
    }

    /// Checks `password` against `stored`; with no stored hash (unknown user) it verifies against a decoy so the
    /// answer takes as long as for a real user, and is always `false`.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, AppError> {
        let (hash, is_real) = match stored {
            Some(hash) => (hash.to_owned(), true),
            None => (self.decoy().await?.clone(), false),
        };
        let input = prehash(password);
        let matches = self.run_bounded(move || bcrypt::non_truncating_verify(input, &hash)).await?;
        Ok(matches && is_real)
    }

    async fn decoy(&self) -> Result<&String, AppError> {
        self.decoy_hash.get_or_try_init(|| self.hash("decoy password that no account has")).await
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
    async fn hashes_use_the_configured_cost() {
        let stored = PasswordHasher::new(5).hash("whatever123").await.unwrap();
        assert!(stored.starts_with("$2b$05$"), "{stored}");
    }
}
