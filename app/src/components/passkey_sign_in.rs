//! On the login page: "Sign in with a passkey", and the member's passkeys offered in the username field's
//! autofill where the browser can (conditional mediation). Either way the server answers with the same token a
//! password login gives, which `signed_in` takes from here.
//!
//! The browser runs one WebAuthn request at a time: the button stops a pending autofill request before it starts
//! its own, autofill does not start while the button's is under way, and the button waits while an autofill
//! answer is being checked by the server. Leaving the page stops both.

use crate::api::passkeys::{finish_passkey_login, start_passkey_login};
use crate::client::hydration::use_hydrated;
use crate::client::webauthn::{self, Stopper, WebAuthnFailure};
use crate::components::page_states::ErrorLine;
use crate::model::AuthToken;
use leptos::prelude::*;
use std::time::Duration;

/// How long an autofill request waits before it is started again with a fresh ceremony: within the server's 5
/// minutes (`CEREMONY_SECONDS`).
const AUTOFILL_RENEWAL: Duration = Duration::from_secs(240);

/// Why a passkey sign-in did not happen.
#[derive(Clone)]
enum Failed {
    /// The browser's reason.
    Browser(WebAuthnFailure),
    /// The server would not start one (a limit, the database).
    Start(String),
    /// The server refused the passkey.
    Finish(String),
}

impl Failed {
    fn message(&self) -> String {
        match self {
            Failed::Browser(failure) => failure.to_string(),
            Failed::Start(message) | Failed::Finish(message) => message.clone(),
        }
    }
}

#[component]
pub fn PasskeySignIn(signed_in: Callback<AuthToken>) -> impl IntoView {
    let hydrated = use_hydrated();
    let problem = RwSignal::new(None::<String>);
    // What stops the pending requests: autofill's and the button's.
    let autofill = StoredValue::new(None::<Stopper>);
    let modal = StoredValue::new(None::<Stopper>);
    // An autofill answer is with the server: the button waits.
    let checking = RwSignal::new(false);
    let button_busy = RwSignal::new(false);
    // After the page is gone, nothing is reported (its callback and signals are disposed).
    let report = move |outcome: Result<AuthToken, Failed>| {
        if autofill.try_get_value().is_none() {
            return;
        }
        match outcome {
            Ok(token) => signed_in.run(token),
            Err(Failed::Browser(WebAuthnFailure::Aborted)) => {}
            Err(failure) => problem.set(Some(failure.message())),
        }
    };

    // Offer passkeys in the username field's autofill, if the browser can: once the page is live, and again after
    // the button's attempt failed. Renewed before the server's ceremony expires, for a page left open; after a
    // passkey the server refused, offered again.
    let offer_autofill = move || {
        leptos::task::spawn_local(async move {
            if !webauthn::autofill_available().await {
                return;
            }
            loop {
                let Some((stopper, signal)) = Stopper::new() else { return };
                if button_busy.try_get_untracked() != Some(false)
                    || autofill.try_set_value(Some(stopper.clone())).is_some()
                {
                    return; // the button's request is under way, or the page is gone
                }
                // Start errors (a limit, the database) are not the person's business until they ask: silent.
                let Ok(options) = start_passkey_login(None).await else { return };
                let renew = stopper.clone();
                let timer = set_timeout_with_handle(move || renew.renew(), AUTOFILL_RENEWAL).ok();
                let assertion = webauthn::sign(&options.public_key, true, &signal).await;
                if let Some(timer) = timer {
                    timer.clear();
                }
                let assertion = match assertion {
                    Ok(assertion) => assertion,
                    Err(WebAuthnFailure::Aborted) if stopper.renewing() => continue,
                    // The browser's reasons are silent (the person typed a password instead, or this page cannot
                    // offer passkeys, which the button says when asked).
                    Err(_) => return,
                };
                if checking.try_set(true).is_some() {
                    return;
                }
                let outcome = finish_passkey_login(options.ceremony, assertion).await;
                let _ = checking.try_set(false);
                match outcome {
                    Ok(token) => return report(Ok(token)),
                    Err(err) => report(Err(Failed::Finish(err.user_message()))),
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
        for stopper in [autofill.try_get_value().flatten(), modal.try_get_value().flatten()].into_iter().flatten() {
            stopper.stop();
        }
    });

    let sign_in = Action::new_local(move |_: &()| {
        if let Some(stopper) = autofill.get_value() {
            stopper.stop();
        }
        problem.set(None);
        button_busy.set(true);
        async move {
            let Some((stopper, signal)) = Stopper::new() else {
                return Err(Failed::Browser(WebAuthnFailure::Unsupported));
            };
            modal.set_value(Some(stopper));
            let options = start_passkey_login(None).await.map_err(|err| Failed::Start(err.user_message()))?;
            let assertion = webauthn::sign(&options.public_key, false, &signal).await.map_err(Failed::Browser)?;
            finish_passkey_login(options.ceremony, assertion).await.map_err(|err| Failed::Finish(err.user_message()))
        }
    });
    let answer = sign_in.value();
    Effect::new(move |_| {
        if let Some(outcome) = answer.get() {
            button_busy.set(false);
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
                aria-describedby=move || unsupported().then_some("passkeys-unsupported")
                disabled=move || !hydrated.get() || pending.get() || checking.get() || unsupported()>
                "Sign in with a passkey"
            </button>
            {move || unsupported().then(|| view! {
                <p class="muted" id="passkeys-unsupported">{WebAuthnFailure::Unsupported.to_string()}</p>
            })}
            <ErrorLine message=Signal::derive(move || problem.get())/>
        </div>
    }
}
