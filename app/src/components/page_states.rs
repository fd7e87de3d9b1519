//! What a page shows while loading, when empty, and when something went wrong.

use leptos::prelude::*;

#[component]
pub fn LoadingSkeleton(#[prop(default = 3)] lines: usize) -> impl IntoView {
    view! {
        <div class="skeleton" aria-busy="true" aria-label="Loading">
            <div class="skeleton-line wide"></div>
            {(1..lines).map(|_| view! { <div class="skeleton-line"></div> }).collect_view()}
        </div>
    }
}

/// A failure in plain words, with a way to try again.
#[component]
pub fn ErrorState(message: String, retry: Callback<()>) -> impl IntoView {
    view! {
        <div class="card error-state" role="alert">
            <p>{message}</p>
            <button type="button" class="button secondary" on:click=move |_| retry.run(())>"Try again"</button>
        </div>
    }
}

/// The answer to a submitted form, beside it: `(true, text)` as a status line, `(false, text)` as an alert.
#[component]
pub fn FormOutcome(outcome: RwSignal<Option<(bool, String)>>) -> impl IntoView {
    move || {
        outcome.get().map(|(ok, text)| {
            if ok {
                view! { <p class="notice" role="status">{text}</p> }.into_any()
            } else {
                view! { <p class="form-error" role="alert">{text}</p> }.into_any()
            }
        })
    }
}
