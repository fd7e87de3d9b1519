//! A button that opens a small form asking why: a moderator's Remove and a member's Report. Opening the form and
//! confirming in it is the confirmation; Cancel closes it.

use super::page_states::ErrorLine;
use crate::model::moderation::{REASON_MAX, validate_reason};
use leptos::prelude::*;

/// `open_label` opens the form, `confirm_label` sends it; `required`: whether a reason must be given (a report's)
/// or may be left empty (a removal's). `on_send` gets the reason as typed (trimmed, possibly empty).
#[component]
pub fn ReasonForm(
    open_label: &'static str,
    confirm_label: &'static str,
    /// What the form asks, above the text box.
    question: &'static str,
    required: bool,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "button secondary")] button_class: &'static str,
    on_send: Callback<String>,
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
        let reason = text.get_untracked().trim().to_owned();
        let checked = if required || !reason.is_empty() { validate_reason(Some(&reason)).map(drop) } else { Ok(()) };
        match checked {
            Ok(()) => {
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
                <button type="button" class=button_class on:click=move |_| open.set(true)>{open_label}</button>
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
