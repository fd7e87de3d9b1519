//! The rules of Bulletin. Both doors (REST handlers and server functions) call these and nothing else; nothing in
//! here knows which door was used.

pub mod auth;
pub mod comments;
pub mod moderation;
pub mod passkeys;
pub mod posts;
pub mod users;

use crate::security::{
    AttemptLimiter, DeviceKeys, MemberTokensCache, PasswordHasher, RelyingParty, TokenKeys, WriteLimiters,
};
use crate::store::Db;

/// Everything the rules need, built once at start-up and shared (cheaply cloned) by every request.
#[derive(Clone)]
pub struct Board {
    pub db: Db,
    pub passwords: PasswordHasher,
    pub tokens: TokenKeys,
    /// Registrations and failed logins per client address.
    pub auth_attempts: AttemptLimiter,
    /// Successful logins per client address: a separate, larger allowance.
    pub login_successes: AttemptLimiter,
    /// Passkey sign-ins started per client address (each leaves a ceremony stored for a few minutes).
    pub passkey_starts: AttemptLimiter,
    /// Failed password checks per name, trusted device or password change (`auth::FailureKey`).
    pub login_failures: AttemptLimiter<auth::FailureKey>,
    /// Signs and checks the device tokens that exempt a member's own browsers from their name's lock.
    pub devices: DeviceKeys,
    /// Posts, comments, upvotes and bio edits per member.
    pub write_limits: WriteLimiters,
    /// Members' current token generations, remembered for a few seconds.
    pub member_tokens: MemberTokensCache,
    /// How long after the password was last entered a token may still be refreshed.
    pub session_max_seconds: u64,
    /// The passkeys' relying party (`PUBLIC_URL`).
    pub passkeys: RelyingParty,
}
