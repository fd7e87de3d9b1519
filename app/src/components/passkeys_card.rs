//! On the member's own profile: their passkeys, with when each was added and last used; add one under a name,
//! rename one, remove one (after a confirmation).

use crate::api::passkeys::{
    finish_passkey_registration, list_passkeys, remove_passkey, rename_passkey, start_passkey_registration,
};
use crate::client::dialog::{ask, confirm};
use crate::client::webauthn::{self, WebAuthnFailure};
use crate::components::page_states::{ErrorLine, FormOutcome, Outcome};
use crate::model::passkeys::{PasskeySummary, validate_passkey_name};
use crate::model::time::exact_time;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// Adds a passkey named `name`: the server's options, the browser's new credential, the server's record of it.
async fn add_passkey(name: String) -> Result<PasskeySummary, String> {
    let options = start_passkey_registration().await.map_err(|err| err.user_message())?;
    let credential = webauthn::create(&options.public_key).await.map_err(|failure| match failure {
        WebAuthnFailure::Aborted => WebAuthnFailure::Cancelled.to_string(),
        other => other.to_string(),
    })?;
    finish_passkey_registration(options.ceremony, name, credential).await.map_err(|err| err.user_message())
}

#[component]
pub fn PasskeysCard() -> impl IntoView {
    // Changes after each add, rename or removal, so the list is read again.
    let changed = RwSignal::new(0_u32);
    let passkeys = LocalResource::new(move || {
        changed.track();
        list_passkeys()
    });
    let name = RwSignal::new(String::new());
    let refused = RwSignal::new(None::<String>);
    let add = Action::new_local(|name: &String| add_passkey(name.clone()));
    let (pending, answer) = (add.pending(), add.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = answer.get() {
            name.set(String::new());
            changed.update(|n| *n += 1);
        }
    });
    let outcome = Signal::derive(move || match (refused.get(), answer.get()) {
        (Some(problem), _) => Some(Outcome::Failed(problem)),
        _ if pending.get() => None,
        (None, Some(Ok(added))) => Some(Outcome::Done(format!("Passkey \u{201c}{}\u{201d} added.", added.name))),
        (None, Some(Err(problem))) => Some(Outcome::Failed(problem)),
        (None, None) => None,
    });
    // Said before a name is typed, and before the server starts a registration that could not finish.
    let hydrated = crate::client::hydration::use_hydrated();
    let unsupported = move || hydrated.get() && !webauthn::supported();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match validate_passkey_name(Some(&name.get_untracked())) {
            Ok(valid) => {
                refused.set(None);
                add.dispatch(valid);
            }
            Err(err) => refused.set(Some(err.to_string())),
        }
    };

    view! {
        <section class="card passkeys" aria-labelledby="passkeys-title">
            <h2 id="passkeys-title">"Passkeys"</h2>
            <p class="muted">
                "Sign in with your fingerprint, face or device PIN instead of your password. A passkey only works on \
                 this site, so it cannot be phished."
            </p>
            <Transition fallback=|| view! { <p class="muted">"Loading your passkeys…"</p> }>
                {move || passkeys.get().map(|listed| match listed {
                    Ok(list) if list.is_empty() => view! { <p class="muted">"You have no passkeys yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="passkey-list" aria-label="Your passkeys">
                            {list.into_iter().map(|passkey| view! { <PasskeyRow passkey changed/> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.user_message()}</p> }.into_any(),
                })}
            </Transition>
            <form class="passkey-form" method="post" on:submit=submit novalidate>
                <div class="field">
                    <label for="passkey-name">"Name of the new passkey"</label>
                    <input id="passkey-name" type="text" placeholder="e.g. Work laptop" autocomplete="off"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                {move || unsupported().then(|| view! {
                    <p class="muted" id="passkeys-add-unsupported">{WebAuthnFailure::Unsupported.to_string()}</p>
                })}
                <FormOutcome outcome/>
                <button type="submit" class="button" disabled=move || pending.get() || unsupported()
                    aria-describedby=move || unsupported().then_some("passkeys-add-unsupported")>
                    "Add a passkey"
                </button>
            </form>
        </section>
    }
}

#[component]
fn PasskeyRow(passkey: PasskeySummary, changed: RwSignal<u32>) -> impl IntoView {
    let id = passkey.id;
    let rename = Action::new(move |name: &String| rename_passkey(id, name.clone()));
    let remove = Action::new(move |_: &()| remove_passkey(id));
    let problem = RwSignal::new(None::<String>);
    Effect::new(move |_| match rename.value().get() {
        Some(Ok(_)) => changed.update(|n| *n += 1),
        Some(Err(err)) => problem.set(Some(err.user_message())),
        None => {}
    });
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => changed.update(|n| *n += 1),
        Some(Err(err)) => problem.set(Some(err.user_message())),
        None => {}
    });
    let name = passkey.name.clone();
    let ask_rename = move |_| {
        problem.set(None);
        if let Some(new_name) = ask(&format!("New name for \u{201c}{name}\u{201d}:")) {
            match validate_passkey_name(Some(&new_name)) {
                Ok(valid) => {
                    rename.dispatch(valid);
                }
                Err(err) => problem.set(Some(err.to_string())),
            }
        }
    };
    let name = passkey.name.clone();
    let ask_remove = move |_| {
        problem.set(None);
        if confirm(&format!("Remove the passkey \u{201c}{name}\u{201d}? It will no longer sign you in.")) {
            remove.dispatch(());
        }
    };
    let busy = move || rename.pending().get() || remove.pending().get();
    let last_used = passkey.last_used_at.as_deref().map_or_else(|| "never".to_owned(), exact_time);
    view! {
        <li class="passkey">
            <div>
                <strong class="passkey-name">{passkey.name.clone()}</strong>
                <p class="meta">
                    "Added " {exact_time(&passkey.created_at)} " · Last used " {last_used}
                </p>
            </div>
            <div class="actions">
                <button type="button" class="button secondary" on:click=ask_rename disabled=busy
                    aria-label=format!("Rename {}", passkey.name)>"Rename"</button>
                <button type="button" class="button danger" on:click=ask_remove disabled=busy
                    aria-label=format!("Remove {}", passkey.name)>"Remove"</button>
            </div>
            <ErrorLine message=Signal::derive(move || problem.get())/>
        </li>
    }
}
