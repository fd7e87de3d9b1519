//! Server functions: the SPA's door. Each is a thin adapter: find the caller, call the service, map the error.

pub mod auth;
pub mod comments;
#[cfg(feature = "ssr")]
mod door;
pub mod posts;
pub mod users;

pub use auth::{
    ChangePassword, Login, LogoutAll, Me, RefreshSession, Register, change_password, login, logout_all, me,
    refresh_session, register,
};

/// Server functions that must never carry a bearer token (and whose 401 means "wrong password", not "expired").
pub fn is_anonymous_endpoint(url: &str) -> bool {
    use server_fn::ServerFn;
    [<Login as ServerFn>::PATH, <Register as ServerFn>::PATH].iter().any(|path| url.ends_with(path))
}
