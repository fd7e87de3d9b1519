//! The rules of Bulletin. Both doors (REST handlers and server functions) call these and nothing else; nothing in
//! here knows which door was used.

pub mod auth;
pub mod comments;
pub mod posts;
pub mod users;

use crate::security::{AttemptLimiter, PasswordHasher, SessionCache, TokenKeys, WriteLimiters};
use crate::store::Db;

/// Everything the rules need, built once at start-up and shared (cheaply cloned) by every request.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub passwords: PasswordHasher,
    pub tokens: TokenKeys,
    /// Register and login attempts per client address.
    pub auth_attempts: AttemptLimiter,
    /// Failed logins (and failed current-password checks) per lower-cased username.
    pub login_failures: AttemptLimiter<String>,
    /// Posts, comments, upvotes and bio edits per member.
    pub write_limits: WriteLimiters,
    /// Members' current token generations, remembered for a few seconds.
    pub sessions: SessionCache,
    /// How long after the password was last entered a token may still be refreshed.
    pub session_max_seconds: u64,
}
