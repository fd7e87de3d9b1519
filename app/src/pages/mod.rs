//! One file per route.

pub mod editor;
pub mod feed;
pub mod lazy_routes;
pub mod login;
pub mod moderation;
pub mod not_found;
pub mod post;
pub mod profile;
pub mod register;

pub use editor::{EditPostPage, NewPostPage};
pub use feed::FeedPage;
pub use login::LoginPage;
pub use moderation::ModerationPage;
pub use not_found::NotFoundPage;
pub use post::PostPage;
pub use profile::ProfilePage;
pub use register::RegisterPage;
