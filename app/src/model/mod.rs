//! Request/response types and validation rules shared by the server and the browser (compiled for both).

pub mod auth;
pub mod feed;
pub mod moderation;
pub mod passkeys;
pub mod posts;
pub mod read_after;
pub mod text;
pub mod time;
pub mod users;

use crate::error::AppError;

/// Refuses text containing NUL. Neither backend is allowed to differ here: PostgreSQL cannot store NUL in text at
/// all, so both refuse it up front with a 400 instead of one of them failing inside the database.
pub fn reject_nul(text: &str, what: &str) -> Result<(), AppError> {
    if text.contains('\0') { Err(nul_refused(what)) } else { Ok(()) }
}

/// The refusal of text with NUL in it, here and should the database ever be the one to notice.
pub fn nul_refused(what: &str) -> AppError {
    AppError::Validation(format!("{what} must not contain NUL characters"))
}

pub use auth::{AuthToken, Credentials, Member, validate_login, validate_registration};
pub use feed::{Cursor, FeedQuery, FeedQueryInput, PostSort};
pub use moderation::Role;
pub use posts::{Comment, Post, PostPage, PostWithComments, UpvoteState};
pub use users::Profile;
