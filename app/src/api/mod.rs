//! Server functions: the SPA's door. Each is a thin adapter: find the caller, call the service, map the error.
//!
//! Arguments travel as JSON (`input = Json`), not as the default URL-encoded form: a JSON body is UTF-8 as
//! typed (an 8,000-character Japanese post is 24 KB, not the 72 KB percent-encoding makes of it, which broke the
//! 64 KiB body limit), and a browser will not send `application/json` to another site without a CORS preflight,
//! which Bulletin never grants: no third-party page can post a form to these endpoints.

pub mod auth;
mod bearer_client;
pub mod comments;
pub mod moderation;
pub mod passkeys;
pub mod posts;
#[cfg(feature = "ssr")]
mod request_context;
pub mod users;

pub use bearer_client::BearerClient;
#[cfg(feature = "ssr")]
pub use request_context::bearer_token;

pub use auth::{
    ChangePassword, Login, Logout, LogoutAll, Me, RefreshSession, Register, change_password, login, logout, logout_all,
    me, refresh_session, register,
};

/// Server functions that must never carry a bearer token (and whose 401 means "wrong password", not "expired").
pub fn is_anonymous_endpoint(url: &str) -> bool {
    use server_fn::ServerFn;
    [
        <Login as ServerFn>::PATH,
        <Register as ServerFn>::PATH,
        <passkeys::StartPasskeyLogin as ServerFn>::PATH,
        <passkeys::FinishPasskeyLogin as ServerFn>::PATH,
    ]
    .iter()
    .any(|path| url.ends_with(path))
}

/// Server functions whose answers carry a token (a new bearer token, a device token): the server never compresses
/// them (see the server's `layers.rs`).
#[cfg(feature = "ssr")]
pub fn answers_with_token(path: &str) -> bool {
    use server_fn::ServerFn;
    [
        <Login as ServerFn>::PATH,
        <Register as ServerFn>::PATH,
        <RefreshSession as ServerFn>::PATH,
        <ChangePassword as ServerFn>::PATH,
        <passkeys::FinishPasskeyLogin as ServerFn>::PATH,
    ]
    .contains(&path)
}

/// The login server function, whose requests carry the browser's device tokens.
pub fn is_login_endpoint(url: &str) -> bool {
    use server_fn::ServerFn;
    url.ends_with(<Login as ServerFn>::PATH)
}
