//! On the member's own profile: change the password, or log out on every device. Both revoke every token the
//! member holds; a password change hands this tab a fresh token so it stays signed in.

use crate::api::{change_password, logout_all};
use crate::client::dialog::confirm;
use crate::client::use_auth;
use crate::components::page_states::{ErrorLine, FormOutcome, Outcome, error_of};
use crate::model::auth::{PasswordChangeInput, validate_password_change};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;

pub const PASSWORDS_DIFFER: &str = "The new passwords do not match";
const PASSWORD_CHANGED: &str = "Password changed. Every other device has been logged out.";

#[component]
pub fn AccountSecurity() -> impl IntoView {
    view! {
        <section class="card account-security" aria-labelledby="security-title">
            <h2 id="security-title">"Account security"</h2>
            <ChangePasswordForm/>
            <LogOutEverywhere/>
        </section>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let auth = use_auth();
    let current: NodeRef<html::Input> = NodeRef::new();
    let new: NodeRef<html::Input> = NodeRef::new();
    let repeat: NodeRef<html::Input> = NodeRef::new();
    // A change the shared rules refuse (or mistyped twice) is answered here, without a request.
    let refused = RwSignal::new(None::<String>);
    let change = Action::new(move |input: &PasswordChangeInput| {
        let input = input.clone();
        async move {
            let changed =
                change_password(input.current_password.unwrap_or_default(), input.new_password.unwrap_or_default())
                    .await;
            // Kept at once, even if the form was left meanwhile: every older token (this tab's too) is revoked.
            if let Ok(token) = &changed {
                auth.renew(token);
            }
            changed
        }
    });
    let (pending, answer) = (change.pending(), change.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = answer.get() {
            for field in [current, new, repeat] {
                if let Some(el) = field.get_untracked() {
                    el.set_value("");
                }
            }
        }
    });
    let outcome = Signal::derive(move || match (refused.get(), answer.get()) {
        (Some(problem), _) => Some(Outcome::Failed(problem)),
        _ if pending.get() => None,
        (None, Some(Ok(_))) => Some(Outcome::Done(PASSWORD_CHANGED.to_owned())),
        (None, Some(Err(err))) => Some(Outcome::Failed(err.to_string())),
        (None, None) => None,
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let read = |field: NodeRef<html::Input>| field.get_untracked().map(|el| el.value());
        let input = PasswordChangeInput { current_password: read(current), new_password: read(new) };
        let problem = match validate_password_change(&input) {
            Err(err) => Some(err.to_string()),
            Ok(_) if read(repeat) != input.new_password => Some(PASSWORDS_DIFFER.to_owned()),
            Ok(_) => None,
        };
        refused.set(problem.clone());
        if problem.is_none() {
            change.dispatch(input);
        }
    };

    view! {
        <form class="password-form" method="post" on:submit=submit novalidate>
            <h3>"Change password"</h3>
            <div class="field">
                <label for="current-password">"Current password"</label>
                <input id="current-password" type="password" autocomplete="current-password" node_ref=current/>
            </div>
            <div class="field">
                <label for="new-password">"New password"</label>
                <input id="new-password" type="password" autocomplete="new-password" node_ref=new/>
            </div>
            <div class="field">
                <label for="repeat-password">"New password again"</label>
                <input id="repeat-password" type="password" autocomplete="new-password" node_ref=repeat/>
            </div>
            <FormOutcome outcome/>
            <button type="submit" class="button" disabled=move || pending.get()>"Change password"</button>
        </form>
    }
}

#[component]
fn LogOutEverywhere() -> impl IntoView {
    let auth = use_auth();
    let log_out = Action::new(move |_: &()| async move {
        let ended = logout_all().await;
        // This tab's token is revoked too (even if the page was left meanwhile); the members-only guard takes us
        // to the login page.
        if ended.is_ok() {
            auth.sign_out();
        }
        ended
    });
    let ask_and_log_out = move |_| {
        if confirm("Log out on every device, this one included?") {
            log_out.dispatch(());
        }
    };
    let (pending, answer) = (log_out.pending(), log_out.value());
    let busy = move || pending.get() || matches!(answer.get(), Some(Ok(())));
    view! {
        <div class="logout-everywhere">
            <h3>"Devices"</h3>
            <p class="muted">"Lost a device, or signed in somewhere you should not have? This ends every session."</p>
            <ErrorLine message=error_of(log_out)/>
            <button type="button" class="button danger" on:click=ask_and_log_out disabled=busy>
                "Log out everywhere"
            </button>
        </div>
    }
}
