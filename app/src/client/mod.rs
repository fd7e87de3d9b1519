//! The browser side of a session: where the token is kept, how it is sent, and what the app believes about who
//! is signed in. Compiles on the server too (as no-ops), so components can use it without `cfg`.

pub mod auth_state;
pub mod clock;
pub mod dialog;
pub mod drafts;
pub mod early_feed;
pub mod hydration;
pub mod read_after;
pub mod redirect;
pub mod session_expiry;
pub mod token_store;
pub mod unsaved_changes;
pub mod webauthn;

pub use auth_state::{Auth, AuthState, provide_auth, use_auth};
