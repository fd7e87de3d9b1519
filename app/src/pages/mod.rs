//! One file per route.

pub mod editor;
pub mod feed;
pub mod login;
pub mod not_found;
pub mod post;
pub mod profile;
pub mod register;

pub use editor::{EditPostPage, NewPostPage};
pub use feed::FeedPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use post::PostPage;
pub use profile::ProfilePage;
pub use register::RegisterPage;

use crate::model::posts::parse_id;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `:id` of the current route; `None` when it is not a positive integer (those pages then show "not found").
fn use_id_param() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get_str("id").and_then(parse_id)))
}
