//! A button that opens a small form asking a moderator why they remove something (the report queue's Remove).
//! Opening the form and confirming in it is the confirmation; Cancel closes it.

use super::page_states::ErrorLine;
use crate::model::moderation::{REASON_MAX, RemovalInput, validate_removal};
use leptos::prelude::*;

/// `open_label` opens the form, `confirm_label` sends it. `on_send` gets the reason as the shared rule for
/// removals reads it (`validate_removal`: trimmed; blank is none).
#[component]
pub fn RemovalForm(
    open_label: &'static str,
    confirm_label: &'static str,
    /// What the form asks, above the text box.
    question: &'static str,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    on_send: Callback<Option<String>>,
    /// The text box's id, unique on the page.
    #[prop(into)]
    field_id: String,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let refused = RwSignal::new(None::<String>);
    let shown_error = Signal::derive(move || refused.get().or_else(|| error.get()));
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match validate_removal(&RemovalInput { reason: Some(text.get_untracked()) }) {
            Ok(reason) => {
                refused.set(None);
                on_send.run(reason);
            }
            Err(err) => refused.set(Some(err.to_string())),
        }
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" class="button secondary" on:click=move |_| open.set(true)>{open_label}</button>
            }
        >
            <form class="reason-form" method="post" on:submit=send novalidate>
                <div class="field">
                    <label for=field_id.clone()>{question}</label>
                    <textarea id=field_id.clone() rows="2" maxlength=REASON_MAX prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                </div>
                <ErrorLine message=shown_error/>
                <div class="reason-actions">
                    <button type="submit" class="button danger" disabled=move || pending.get()>
                        {move || if pending.get() { "Sending…" } else { confirm_label }}
                    </button>
                    <button type="button" class="button secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
            </form>
        </Show>
    }
}
