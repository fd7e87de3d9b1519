//! What a page shows while loading, when something is missing or went wrong, and what became of a form.

use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::future::Future;

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

/// "This post does not exist." with the way back: what a page says when its record is not there (or its id is
/// malformed), under its own title.
#[component]
pub fn NotThere(title: &'static str, heading: &'static str) -> impl IntoView {
    view! {
        <Title text=title/>
        <section class="card">
            <h1>{heading}</h1>
            <p><A href="/">"Back to the feed"</A></p>
        </section>
    }
}

/// For a missing post or a malformed post id (the post page and the editor).
pub fn missing_post() -> AnyView {
    view! { <NotThere title="Post not found · Bulletin" heading="This post does not exist."/> }.into_any()
}

/// For a missing member or a malformed member id.
pub fn missing_member() -> AnyView {
    view! { <NotThere title="Member not found · Bulletin" heading="This member does not exist."/> }.into_any()
}

/// An error beside what failed, as an alert, or nothing. `class` picks the look: a boxed `form-error` under a
/// form, or a plain `inline-error` line (as a `<span>` when `inline`, inside a line of text).
#[component]
pub fn ErrorLine(
    #[prop(into)] message: Signal<Option<String>>,
    #[prop(default = "form-error")] class: &'static str,
    #[prop(optional)] inline: bool,
) -> impl IntoView {
    move || {
        message.get().map(|text| {
            if inline {
                view! { <span class=class role="alert">{text}</span> }.into_any()
            } else {
                view! { <p class=class role="alert">{text}</p> }.into_any()
            }
        })
    }
}

/// The error of an action's last answer, for an `ErrorLine`; gone while the action is tried again.
pub fn error_of<T, I>(action: Action<I, Result<T, AppError>>) -> Signal<Option<String>>
where
    T: Send + Sync + 'static,
    I: Send + Sync + 'static,
{
    let (pending, value) = (action.pending(), action.value());
    Signal::derive(move || {
        if pending.get() {
            return None;
        }
        value.with(|answer| answer.as_ref()?.as_ref().err().map(AppError::user_message))
    })
}

/// What became of a submitted form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done(String),
    Failed(String),
}

/// The outcome beside its form: done as a status line, failed as an alert.
#[component]
pub fn FormOutcome(#[prop(into)] outcome: Signal<Option<Outcome>>) -> impl IntoView {
    move || {
        outcome.get().map(|outcome| match outcome {
            Outcome::Done(text) => view! { <p class="notice" role="status">{text}</p> }.into_any(),
            Outcome::Failed(text) => view! { <p class="form-error" role="alert">{text}</p> }.into_any(),
        })
    }
}

/// The record a page shows for its route's `:id`: a skeleton of `lines` while it loads, `missing` when there is
/// no such record (or the id is not one), the error with "Try again" when loading failed, and `view` once here.
pub fn load_by_id<T, Fut, V>(
    lines: usize,
    fetch: impl Fn(i64) -> Fut + 'static,
    missing: impl Fn() -> AnyView + Send + Sync + 'static,
    view: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
    V: IntoView + 'static,
{
    let id = use_id_param();
    let record = LocalResource::new(move || {
        let request = id.get().map(&fetch);
        async move {
            match request {
                Some(request) => request.await,
                // Never sent: no record has this id. The page's own "not found" text follows.
                None => Err(AppError::NotFound(String::new())),
            }
        }
    });
    move || match record.get() {
        None => view! { <LoadingSkeleton lines/> }.into_any(),
        Some(Err(AppError::NotFound(_))) => missing(),
        Some(Err(err)) => {
            view! { <ErrorState message=err.to_string() retry=Callback::new(move |_| record.refetch())/> }.into_any()
        }
        Some(Ok(record)) => view(record).into_any(),
    }
}

/// The `:id` of the current route; `None` when it is not a positive integer (those pages then show "not found").
fn use_id_param() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get_str("id").and_then(crate::model::posts::parse_id)))
}
