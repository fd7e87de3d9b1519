//! Request/response types and validation rules shared by the server and the browser (compiled for both).

pub mod auth;
pub mod feed;
pub mod posts;
pub mod time;
pub mod users;

pub use auth::{AuthSession, Credentials, Member, validate_login, validate_registration};
pub use feed::{Cursor, FeedQuery, FeedQueryInput, PostSort};
pub use posts::{Comment, Post, PostPage, PostWithComments, UpvoteState};
pub use users::Profile;
