//! The rules of Bulletin. Both doors (REST handlers and server functions) call these and nothing else; nothing in
//! here knows which door was used.

pub mod auth;
pub mod comments;
pub mod posts;
pub mod users;

use crate::security::{AttemptLimiter, PasswordHasher, TokenKeys};
use crate::store::Db;

/// Everything the rules need, built once at start-up and shared (cheaply cloned) by every request.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub passwords: PasswordHasher,
    pub tokens: TokenKeys,
    pub auth_attempts: AttemptLimiter,
}
