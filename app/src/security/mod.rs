//! Server-only security primitives: password hashing and the common-password list, bearer tokens, attempt and write limiting and the short
//! memory of members' token generations.

pub mod common_passwords;
pub mod device;
pub mod member_tokens;
pub mod passkeys;
pub mod password;
pub mod rate_limit;
pub mod token;
pub mod write_limits;

pub use device::DeviceKeys;
pub use member_tokens::{MEMBER_TOKENS_TTL, MemberTokens, MemberTokensCache, SuspensionEnd};
pub use passkeys::RelyingParty;
pub use password::PasswordHasher;
pub use rate_limit::{AttemptLimiter, LimitKey, RateLimit};
pub use token::{Claims, Grant, TokenKeys};
pub use write_limits::{WriteLimiters, WriteLimits};

/// The address per-client limits and audit events use for a request: the peer, or the client a trusted proxy
/// named in `X-Forwarded-For`. The server decides it once per request (see `server/src/client_addr.rs`) and both
/// doors read it from the request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);
