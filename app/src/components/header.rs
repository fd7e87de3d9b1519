//! The header on every page: the brand, who is signed in, the moderation page for moderators (by the role the
//! last sign-in or token refresh reported), and logging out.

use crate::api::logout;
use crate::client::dialog::confirm;
use crate::client::drafts::{self, LOG_OUT_QUESTION};
use crate::client::{AuthState, use_auth};
use crate::error::{AppError, messages};
use leptos::prelude::*;
use leptos_router::components::A;

/// Moves keyboard focus to the page's content (`<main id="main" tabindex="-1">`), past the header's links. Done
/// here rather than left to the `#main` fragment, which the router would treat as a navigation.
fn skip_to_content(ev: leptos::ev::MouseEvent) {
    ev.prevent_default();
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(main) =
            document().get_element_by_id("main").and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = main.focus();
        }
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let auth = use_auth();
    // "Log out" ends the session on the server (a copied token stops working too), then here.
    let log_out = Action::new(|_: &()| logout());
    let answer = log_out.value();
    Effect::new(move |_| {
        let farewell = match answer.get() {
            None => return,
            // 401: the server had already ended this session (expired, revoked elsewhere); out either way.
            Some(Ok(())) | Some(Err(AppError::Unauthorized(_))) => messages::LOGGED_OUT,
            Some(Err(_)) => messages::LOGGED_OUT_HERE_ONLY,
        };
        if let AuthState::Member(member) = auth.state.get_untracked() {
            drafts::clear_member(member.user_id);
        }
        // The members-only guard of the current page takes the now anonymous visitor to the login page.
        auth.logged_out(farewell);
    });
    let ask_and_log_out = move |_| {
        let has_drafts =
            matches!(auth.state.get_untracked(), AuthState::Member(m) if drafts::member_has_drafts(m.user_id));
        if !has_drafts || confirm(LOG_OUT_QUESTION) {
            log_out.dispatch(());
        }
    };
    let pending = log_out.pending();
    view! {
        <header class="site-header">
            <a class="skip-link" href="#main" on:click=skip_to_content>"Skip to content"</a>
            <nav class="site-nav" aria-label="Main">
                <A href="/" attr:class="brand">"Bulletin"</A>
                <div class="nav-actions">
                    {move || match auth.state.get() {
                        AuthState::Member(member) => view! {
                            {member.role.can_moderate().then(|| view! { <A href="/moderation">"Moderation"</A> })}
                            <A href="/new" attr:class="button">"New post"</A>
                            <A href=format!("/u/{}", member.user_id) attr:class="signed-in">
                                "Signed in as " <strong>{member.username}</strong>
                            </A>
                            <button type="button" class="button secondary" on:click=ask_and_log_out
                                disabled=move || pending.get()>
                                {move || if pending.get() { "Logging out…" } else { "Log out" }}
                            </button>
                        }.into_any(),
                        AuthState::Anonymous => view! {
                            <A href="/login">"Log in"</A>
                            <A href="/register" attr:class="button">"Create account"</A>
                        }.into_any(),
                        AuthState::Unknown => view! { <span class="nav-placeholder" aria-hidden="true"></span> }.into_any(),
                    }}
                </div>
            </nav>
        </header>
    }
}
