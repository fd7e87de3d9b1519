//! Request/response types and validation rules shared by the server and the browser (compiled for both).

pub mod auth;

pub use auth::{AuthSession, Credentials, Member, validate_login, validate_registration};
