//! The pages a member does not need for reading the board, as lazy routes: their code is split out of the main
//! wasm (`cargo leptos build --split`) and downloaded the first time one of them is opened, so the first visit of
//! the feed or a post does not pay for the editor, the profile with its account forms, or the sign-in forms.
//!
//! Each page component is named only here: whatever only it uses (the editor, `AuthForm`, the password form)
//! lands in its chunk, or in a chunk shared by the routes that use it. On the server `#[lazy_route]` is a plain
//! async view.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A lazy route whose view is the page component `$page`; its data is loaded by the page itself.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <super::$page/> }.into_any()
            }
        }
    };
}

lazy_page!(NewPostRoute, NewPostPage);
lazy_page!(EditPostRoute, EditPostPage);
lazy_page!(ProfileRoute, ProfilePage);
lazy_page!(LoginRoute, LoginPage);
lazy_page!(RegisterRoute, RegisterPage);
lazy_page!(ModerationRoute, ModerationPage);
