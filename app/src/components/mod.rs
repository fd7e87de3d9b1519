//! Reusable pieces of the pages.

pub mod auth_form;
pub mod header;
pub mod members_only;

pub use auth_form::{AuthForm, AuthMode};
pub use header::Header;
pub use members_only::MembersOnly;
