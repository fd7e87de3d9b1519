//! On the member's own profile: change the password, or log out on every device. Both revoke every token the
//! member holds; a password change hands this tab a fresh token so it stays signed in.

use crate::api::{change_password, logout_all};
use crate::client::dialog::confirm;
use crate::client::use_auth;
use crate::components::FormOutcome;
use crate::model::auth::{PasswordChangeInput, validate_password_change};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

pub const PASSWORDS_DIFFER: &str = "The new passwords do not match";

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
    let pending = RwSignal::new(false);
    // (succeeded, message)
    let outcome = RwSignal::new(None::<(bool, String)>);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let read = |field: NodeRef<html::Input>| field.get_untracked().map(|el| el.value());
        let input = PasswordChangeInput { current_password: read(current), new_password: read(new) };
        if let Err(err) = validate_password_change(&input) {
            outcome.set(Some((false, err.message())));
            return;
        }
        if read(repeat) != input.new_password {
            outcome.set(Some((false, PASSWORDS_DIFFER.to_owned())));
            return;
        }
        pending.set(true);
        outcome.set(None);
        spawn_local(async move {
            let result =
                change_password(input.current_password.unwrap_or_default(), input.new_password.unwrap_or_default())
                    .await;
            match result {
                Ok(session) => {
                    auth.renew(&session);
                    for field in [current, new, repeat] {
                        if let Some(el) = field.get_untracked() {
                            el.set_value("");
                        }
                    }
                    let done = "Password changed. Every other device has been logged out.";
                    outcome.try_set(Some((true, done.to_owned())));
                }
                Err(err) => {
                    outcome.try_set(Some((false, err.message())));
                }
            }
            pending.try_set(false);
        });
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
            <FormOutcome outcome=outcome/>
            <button type="submit" class="button" disabled=move || pending.get()>"Change password"</button>
        </form>
    }
}

#[component]
fn LogOutEverywhere() -> impl IntoView {
    let auth = use_auth();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let log_out_everywhere = move |_| {
        if !confirm("Log out on every device, this one included?") {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match logout_all().await {
                // This tab's token is revoked too; the members-only guard takes us to the login page.
                Ok(()) => auth.sign_out(),
                Err(err) => {
                    error.try_set(Some(err.message()));
                    pending.try_set(false);
                }
            }
        });
    };
    view! {
        <div class="logout-everywhere">
            <h3>"Devices"</h3>
            <p class="muted">"Lost a device, or signed in somewhere you should not have? This ends every session."</p>
            {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button type="button" class="button danger" on:click=log_out_everywhere disabled=move || pending.get()>
                "Log out everywhere"
            </button>
        </div>
    }
}
