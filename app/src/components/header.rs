//! The header on every page: the brand, and who is signed in.

use crate::client::{AuthState, use_auth};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Header() -> impl IntoView {
    let auth = use_auth();
    // The members-only guard of the current page takes an anonymous visitor to the login page.
    let log_out = move |_| auth.sign_out();
    view! {
        <header class="site-header">
            <nav class="site-nav" aria-label="Main">
                <A href="/" attr:class="brand">"Bulletin"</A>
                <div class="nav-actions">
                    {move || match auth.state.get() {
                        AuthState::Member(member) => view! {
                            <A href="/new" attr:class="button">"New post"</A>
                            <A href=format!("/u/{}", member.user_id) attr:class="signed-in">
                                "Signed in as " <strong>{member.username}</strong>
                            </A>
                            <button type="button" class="button secondary" on:click=log_out>"Log out"</button>
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
