//! The upvote toggle. Optimistic: the count and state change at once, are reconciled with the server's answer,
//! and roll back with a visible message if the request fails.

use crate::api::posts::{remove_upvote, upvote};
use crate::model::posts::UpvoteState;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn UpvoteButton(post_id: i64, initial: UpvoteState) -> impl IntoView {
    let state = RwSignal::new(initial);
    let in_flight = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let toggle = move |_| {
        if in_flight.get_untracked() {
            return;
        }
        let before = state.get_untracked();
        let delta = if before.upvoted { -1 } else { 1 };
        state.set(UpvoteState { upvotes: before.upvotes + delta, upvoted: !before.upvoted });
        in_flight.set(true);
        error.set(None);
        // try_* below: the button may be gone (page left, session expired) when the server answers.
        spawn_local(async move {
            let answer = if before.upvoted { remove_upvote(post_id).await } else { upvote(post_id).await };
            match answer {
                Ok(confirmed) => {
                    state.try_set(confirmed);
                }
                Err(err) => {
                    state.try_set(before);
                    error.try_set(Some(format!("Your vote was not saved: {}", err.message())));
                }
            }
            in_flight.try_set(false);
        });
    };

    let label = move || {
        let s = state.get();
        let verb = if s.upvoted { "Remove upvote" } else { "Upvote" };
        format!("{verb} ({} {})", s.upvotes, if s.upvotes == 1 { "upvote" } else { "upvotes" })
    };
    view! {
        <span class="upvote">
            <button type="button" class="upvote-button" class:upvoted=move || state.get().upvoted
                aria-pressed=move || state.get().upvoted.to_string() aria-label=label on:click=toggle>
                <span aria-hidden="true">"▲"</span>
                <span class="upvote-count">{move || state.get().upvotes}</span>
            </button>
            {move || error.get().map(|message| view! { <span class="inline-error" role="alert">{message}</span> })}
        </span>
    }
}
