//! Server-only security primitives: password hashing, bearer tokens and attempt limiting.

pub mod password;
pub mod rate_limit;
pub mod token;

pub use password::PasswordHasher;
pub use rate_limit::{AttemptLimiter, RateLimit};
pub use token::{Claims, TokenKeys};
