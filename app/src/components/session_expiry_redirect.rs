//! Connects the transport's "session expired" signal to the router: forget the member and go to the login page,
//! remembering where they were.

use crate::client::redirect::{login_path, path_with_query};
use crate::client::session_expiry::on_session_expired;
use crate::client::{AuthState, use_auth};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

#[component]
pub fn SessionExpiryRedirect() -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let navigate = use_navigate();
    // Registered from an effect so it happens only in the browser, never during a server render.
    Effect::new(move |_| {
        let navigate = navigate.clone();
        on_session_expired(move || {
            let here = path_with_query(&location.pathname.get_untracked(), &location.search.get_untracked());
            auth.state.set(AuthState::Anonymous);
            navigate(&login_path(&here, true), NavigateOptions { replace: true, ..Default::default() });
        });
    });
}
