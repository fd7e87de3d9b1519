//! Wraps members-only content. While the auth state is Unknown (server render, before hydration) it shows a
//! skeleton; an anonymous visitor (never signed in, logged out, or whose session expired) is sent to the login
//! page with a way back. This is the app's only redirect to the login page.

use super::page_states::LoadingSkeleton;
use crate::client::redirect::{login_path, path_with_query};
use crate::client::{AuthState, use_auth};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

#[component]
pub fn MembersOnly(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if auth.state.get() == AuthState::Anonymous {
            let here = path_with_query(&location.pathname.get_untracked(), &location.search.get_untracked());
            let expired = auth.expired.get_untracked();
            navigate(&login_path(&here, expired), NavigateOptions { replace: true, ..Default::default() });
        }
    });
    move || match auth.state.get() {
        AuthState::Member(_) => children().into_any(),
        AuthState::Unknown | AuthState::Anonymous => view! { <LoadingSkeleton/> }.into_any(),
    }
}
