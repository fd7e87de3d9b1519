//! On the login page: "Sign in with a passkey", and the member's passkeys offered in the username field's
//! autofill where the browser can (conditional mediation). Either way the server answers with the same token a
//! password login gives, which `signed_in` takes from here.

use crate::api::passkeys::{finish_passkey_login, start_passkey_login};
use crate::client::hydration::use_hydrated;
use crate::client::webauthn::{self, AbortSignal, Stopper, WebAuthnFailure};
use crate::components::page_states::ErrorLine;
use crate::model::AuthToken;
use leptos::prelude::*;
use std::time::Duration;

/// How long an autofill request waits before it is started again with a fresh ceremony: within the server's 5
/// minutes (`CEREMONY_SECONDS`).
const AUTOFILL_RENEWAL: Duration = Duration::from_secs(240);

/// Why a passkey sign-in did not happen: the browser's reason, or the server's.
#[derive(Clone)]
enum Failed {
    Browser(WebAuthnFailure),
    Server(String),
}

/// One passkey sign-in: the server's options, the browser's assertion (through autofill while `autofill` is
/// given), the server's token.
async fn passkey_sign_in(autofill: Option<AbortSignal>) -> Result<AuthToken, Failed> {
    let options = start_passkey_login(None).await.map_err(|err| Failed::Server(err.user_message()))?;
    let assertion = webauthn::sign(&options.public_key, autofill.as_ref()).await.map_err(Failed::Browser)?;
    finish_passkey_login(options.ceremony, assertion).await.map_err(|err| Failed::Server(err.user_message()))
}

#[component]
pub fn PasskeySignIn(signed_in: Callback<AuthToken>) -> impl IntoView {
    let hydrated = use_hydrated();
    let problem = RwSignal::new(None::<String>);
    let autofill = StoredValue::new(None::<Stopper>);
    let report = move |outcome: Result<AuthToken, Failed>| match outcome {
        Ok(token) => signed_in.run(token),
        // Autofill making way for the button, or a person who looked away: nothing to say.
        Err(Failed::Browser(WebAuthnFailure::Aborted)) => {}
        Err(Failed::Browser(failure)) => problem.set(Some(failure.to_string())),
        Err(Failed::Server(message)) => problem.set(Some(message)),
    };

    // Offer passkeys in the username field's autofill, if the browser can: once the page is live, and again after
    // the button's attempt failed. Renewed before the server's ceremony expires, for a page left open.
    let offer_autofill = move || {
        leptos::task::spawn_local(async move {
            if !webauthn::autofill_available().await {
                return;
            }
            loop {
                let Some((stopper, signal)) = Stopper::new() else { return };
                if autofill.try_set_value(Some(stopper.clone())).is_some() {
                    return; // the page is gone
                }
                let renew = stopper.clone();
                let timer = set_timeout_with_handle(move || renew.renew(), AUTOFILL_RENEWAL).ok();
                let outcome = passkey_sign_in(Some(signal)).await;
                if let Some(timer) = timer {
                    timer.clear();
                }
                match outcome {
                    Err(Failed::Browser(WebAuthnFailure::Aborted)) if stopper.renewing() => continue,
                    // The browser's reasons are silent (the person typed a password instead, or this page cannot
                    // offer passkeys, which the button says when asked); the server's are not.
                    Err(Failed::Browser(_)) => return,
                    outcome => return report(outcome),
                }
            }
        });
    };
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) || !hydrated.get() {
            return started.unwrap_or(false);
        }
        offer_autofill();
        true
    });
    on_cleanup(move || {
        if let Some(stopper) = autofill.try_get_value().flatten() {
            stopper.stop();
        }
    });

    let sign_in = Action::new_local(move |_: &()| {
        if let Some(stopper) = autofill.get_value() {
            stopper.stop();
        }
        problem.set(None);
        async move { passkey_sign_in(None).await }
    });
    let answer = sign_in.value();
    Effect::new(move |_| {
        if let Some(outcome) = answer.get() {
            let failed = outcome.is_err();
            report(outcome);
            if failed {
                offer_autofill();
            }
        }
    });
    let pending = sign_in.pending();
    let unsupported = move || hydrated.get() && !webauthn::supported();

    view! {
        <div class="passkey-sign-in">
            <p class="or" aria-hidden="true">"or"</p>
            <button type="button" class="button" on:click=move |_| { sign_in.dispatch(()); }
                disabled=move || !hydrated.get() || pending.get() || unsupported()>
                "Sign in with a passkey"
            </button>
            {move || unsupported().then(|| view! {
                <p class="muted">{WebAuthnFailure::Unsupported.to_string()}</p>
            })}
            <ErrorLine message=Signal::derive(move || problem.get())/>
        </div>
    }
}
