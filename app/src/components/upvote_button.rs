//! The upvote toggle. Optimistic: the count and state change at once, are reconciled with the server's answer,
//! and roll back with a visible message if the request fails.

use super::page_states::ErrorLine;
use crate::api::posts::{remove_upvote, upvote};
use crate::model::posts::UpvoteState;
use leptos::prelude::*;

#[component]
pub fn UpvoteButton(post_id: i64, initial: UpvoteState) -> impl IntoView {
    let vote = Action::new(move |&upvoted: &bool| async move {
        if upvoted { upvote(post_id).await } else { remove_upvote(post_id).await }
    });
    let (pending, wanted, answer) = (vote.pending(), vote.input(), vote.value());
    // What the server last confirmed (a failed vote changes nothing)...
    let confirmed = Memo::new(move |before: Option<&UpvoteState>| match answer.get() {
        Some(Ok(state)) => state,
        _ => before.copied().unwrap_or(initial),
    });
    // ...and what is shown: while a vote is out, what it will be if the vote counts.
    let state = Memo::new(move |_| {
        let now = confirmed.get();
        match wanted.get() {
            Some(upvoted) if upvoted != now.upvoted => {
                UpvoteState { upvotes: now.upvotes + if upvoted { 1 } else { -1 }, upvoted }
            }
            _ => now,
        }
    });
    let error = Signal::derive(move || match answer.get() {
        Some(Err(err)) if !pending.get() => Some(format!("Your vote was not saved: {err}")),
        _ => None,
    });
    let toggle = move |_| {
        if !pending.get_untracked() {
            vote.dispatch(!state.get_untracked().upvoted);
        }
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
            <ErrorLine message=error class="inline-error" inline=true/>
        </span>
    }
}
