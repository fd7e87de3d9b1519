//! The login and registration form: one component, because both pages ask the same two questions and must
//! behave the same (shared validation, the server's message inline, no submit before hydration or while pending).

use crate::api::{login, register};
use crate::client::hydration::use_hydrated;
use crate::client::redirect::{encode_component, safe_next};
use crate::client::use_auth;
use crate::components::PasskeySignIn;
use crate::components::page_states::{ErrorLine, error_of};
use crate::error::messages;
use crate::model::auth::{CredentialsInput, validate_login, validate_registration};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    Login,
    Register,
}

impl AuthMode {
    fn title(self) -> &'static str {
        match self {
            AuthMode::Login => "Log in",
            AuthMode::Register => "Create your account",
        }
    }

    fn submit_label(self) -> &'static str {
        match self {
            AuthMode::Login => "Log in",
            AuthMode::Register => "Create account",
        }
    }
}

#[component]
pub fn AuthForm(mode: AuthMode) -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let query = use_query_map();
    let hydrated = use_hydrated();
    let username: NodeRef<html::Input> = NodeRef::new();
    let password: NodeRef<html::Input> = NodeRef::new();
    // Input the shared rules refuse is answered here, without a request.
    let refused = RwSignal::new(None::<String>);

    let next = move || query.with(|q| safe_next(q.get_str("next")));
    let expired = move || query.with(|q| q.get_str("expired").is_some());

    let submit = Action::new(move |input: &CredentialsInput| {
        let username = input.username.clone().unwrap_or_default();
        let password = input.password.clone().unwrap_or_default();
        async move {
            match mode {
                AuthMode::Login => {
                    crate::client::token_store::logging_in_as(&username);
                    login(username, password).await
                }
                AuthMode::Register => register(username, password).await,
            }
        }
    });

    let answer = submit.value();
    Effect::new(move |_| {
        if let Some(Ok(signed_in)) = answer.get() {
            auth.sign_in(&signed_in);
            navigate(&query.with_untracked(|q| safe_next(q.get_str("next"))), Default::default());
        }
    });
    // A passkey sign-in ends where a password login does.
    let passkey_signed_in = {
        let navigate = use_navigate();
        Callback::new(move |signed_in: crate::model::AuthToken| {
            auth.sign_in(&signed_in);
            navigate(&query.with_untracked(|q| safe_next(q.get_str("next"))), Default::default());
        })
    };
    let submit_error = error_of(submit);
    let error = Signal::derive(move || refused.get().or_else(|| submit_error.get()));

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let read = |field: NodeRef<html::Input>| field.get_untracked().map(|el| el.value());
        let input = CredentialsInput { username: read(username), password: read(password) };
        let checked = match mode {
            AuthMode::Login => validate_login(&input),
            AuthMode::Register => validate_registration(&input),
        };
        match checked {
            Ok(_) => {
                refused.set(None);
                submit.dispatch(input);
            }
            Err(err) => refused.set(Some(err.to_string())),
        }
    };

    let pending = submit.pending();
    let other_page = move || {
        let next = next();
        let suffix = if next == "/" { String::new() } else { format!("?next={}", encode_component(&next)) };
        match mode {
            AuthMode::Login => view! {
                <p class="switch">"New here? " <A href=format!("/register{suffix}")>"Create an account"</A></p>
            }
            .into_any(),
            AuthMode::Register => view! {
                <p class="switch">"Already a member? " <A href=format!("/login{suffix}")>"Log in"</A></p>
            }
            .into_any(),
        }
    };
    let password_autocomplete = match mode {
        AuthMode::Login => "current-password",
        AuthMode::Register => "new-password",
    };
    // "webauthn": the browser may offer passkeys in this field's autofill.
    let username_autocomplete = match mode {
        AuthMode::Login => "username webauthn",
        AuthMode::Register => "username",
    };

    view! {
        <section class="card auth-card">
            <h1>{mode.title()}</h1>
            {move || match auth.suspended.get() {
                Some(suspended) => Some(view! { <p class="notice" role="status">{suspended}</p> }.into_any()),
                None => expired().then(|| view! { <p class="notice" role="status">{messages::SESSION_EXPIRED}</p> }.into_any()),
            }}
            {move || auth.farewell.get().map(|farewell| view! { <p class="notice" role="status">{farewell}</p> })}
            // method=post: even if a browser submitted natively, credentials would never land in a URL.
            <form method="post" on:submit=on_submit novalidate>
                <div class="field">
                    <label for="username">"Username"</label>
                    <input id="username" name="username" type="text" autocomplete=username_autocomplete
                        autocapitalize="none" spellcheck="false" aria-required="true" node_ref=username/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete=password_autocomplete
                        aria-required="true" node_ref=password/>
                </div>
                <ErrorLine message=error/>
                <button type="submit" class="button primary" disabled=move || !hydrated.get() || pending.get()>
                    {mode.submit_label()}
                </button>
            </form>
            {(mode == AuthMode::Login).then(|| view! { <PasskeySignIn signed_in=passkey_signed_in/> })}
            {other_page}
        </section>
    }
}
