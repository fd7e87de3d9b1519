//! `/new` and `/p/{id}/edit`: the post editor. Live character counts, the shared validation rules with messages
//! next to each field, a pending state, unsaved text kept as a draft in the browser until it is published, and a
//! question before leaving with unsaved changes.

use crate::api::posts::{create_post, get_post, update_post};
use crate::client::drafts::{self, DraftKey};
use crate::client::hydration::use_hydrated;
use crate::client::unsaved_changes::guard_unsaved_changes;
use crate::client::{AuthState, use_auth};
use crate::components::{ErrorState, LoadingSkeleton, MembersOnly};
use crate::error::AppError;
use crate::model::posts::{BODY_MAX, NOT_YOUR_POST_EDIT, Post, TITLE_MAX, validate_post_body, validate_title};
use crate::pages::post::MissingPost;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

#[component]
pub fn NewPostPage() -> impl IntoView {
    view! {
        <Title text="New post · Bulletin"/>
        <MembersOnly>
            <Editor existing=None/>
        </MembersOnly>
    }
}

#[component]
pub fn EditPostPage() -> impl IntoView {
    view! {
        <Title text="Edit post · Bulletin"/>
        <MembersOnly>
            <EditLoader/>
        </MembersOnly>
    }
}

#[component]
fn EditLoader() -> impl IntoView {
    let id = super::use_id_param();
    let auth = use_auth();
    let post = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => get_post(id).await.map(|p| p.post),
                None => Err(AppError::NotFound("Post not found".into())),
            }
        }
    });
    move || match post.get() {
        None => view! { <LoadingSkeleton lines=4/> }.into_any(),
        Some(Err(AppError::NotFound(_))) => view! { <MissingPost/> }.into_any(),
        Some(Err(err)) => {
            view! { <ErrorState message=err.message() retry=Callback::new(move |_| post.refetch())/> }.into_any()
        }
        Some(Ok(post)) => {
            let mine = matches!(auth.state.get_untracked(), AuthState::Member(m) if m.user_id == post.user_id);
            if mine {
                view! { <Editor existing=Some(post)/> }.into_any()
            } else {
                view! { <section class="card" role="alert"><p>{NOT_YOUR_POST_EDIT}</p></section> }.into_any()
            }
        }
    }
}

/// Writes a new post (`existing: None`) or edits one, then goes to the post.
#[component]
fn Editor(existing: Option<Post>) -> impl IntoView {
    let hydrated = use_hydrated();
    let navigate = use_navigate();
    let editing = existing.as_ref().map(|p| p.id);
    let (saved_title, saved_body) =
        existing.as_ref().map_or((String::new(), String::new()), |p| (p.title.clone(), p.body.clone()));
    // The editor only exists for a member (inside `MembersOnly`); their drafts of this page come back.
    let user_id = match use_auth().state.get_untracked() {
        AuthState::Member(member) => member.user_id,
        _ => 0,
    };
    let page = editing.map_or_else(|| "/new".to_owned(), |id| format!("/p/{id}/edit"));
    let title_key = DraftKey { user_id, page: page.clone(), field: "title" };
    let body_key = DraftKey { user_id, page, field: "body" };
    let (title, title_restored) = drafts::drafted_text(title_key.clone(), saved_title.clone());
    let (body, body_restored) = drafts::drafted_text(body_key.clone(), saved_body.clone());
    let restored = RwSignal::new(title_restored || body_restored);
    let discard_draft = {
        let (saved_title, saved_body) = (saved_title.clone(), saved_body.clone());
        move |_| {
            title.set(saved_title.clone());
            body.set(saved_body.clone());
            restored.set(false);
        }
    };
    // Field messages appear once a save was attempted, then follow every keystroke.
    let attempted = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let dirty = Signal::derive(move || !saved.get() && (title.get() != saved_title || body.get() != saved_body));
    guard_unsaved_changes(dirty);

    let title_error =
        move || attempted.get().then(|| validate_title(&title.get()).err().map(|e| e.message())).flatten();
    let body_error =
        move || attempted.get().then(|| validate_post_body(&body.get()).err().map(|e| e.message())).flatten();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let (new_title, new_body) = (title.get_untracked(), body.get_untracked());
        if validate_title(&new_title).is_err() || validate_post_body(&new_body).is_err() {
            return;
        }
        pending.set(true);
        error.set(None);
        let navigate = navigate.clone();
        let drafts_of_this_page = [title_key.clone(), body_key.clone()];
        spawn_local(async move {
            let result = match editing {
                Some(id) => update_post(id, Some(new_title), Some(new_body)).await,
                None => create_post(new_title, new_body).await,
            };
            match result {
                Ok(post) => {
                    drafts_of_this_page.iter().for_each(drafts::clear);
                    saved.try_set(true);
                    navigate(&format!("/p/{}", post.id), Default::default());
                }
                Err(err) => {
                    error.try_set(Some(err.message()));
                    pending.try_set(false);
                }
            }
        });
    };

    let count =
        |text: RwSignal<String>, max: usize| move || format!("{}/{max}", text.with(|t| t.trim().chars().count()));
    let (heading, action, busy) =
        if editing.is_some() { ("Edit post", "Save", "Saving…") } else { ("New post", "Publish", "Publishing…") };
    view! {
        <section class="card editor">
            <h1>{heading}</h1>
            <Show when=move || restored.get()>
                <p class="notice" role="status">
                    "Your unsaved draft is back. "
                    <button type="button" class="link-button" on:click=discard_draft.clone()>"Discard it"</button>
                </p>
            </Show>
            <form method="post" on:submit=submit novalidate>
                <div class="field">
                    <label for="post-title">"Title"</label>
                    <input id="post-title" type="text" maxlength=TITLE_MAX * 2 prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))
                        aria-invalid=move || title_error().is_some().to_string() aria-describedby="post-title-help"/>
                    <span id="post-title-help" class="field-help">
                        <span class="count">{count(title, TITLE_MAX)}</span>
                        {move || title_error().map(|m| view! { <span class="field-error">{m}</span> })}
                    </span>
                </div>
                <div class="field">
                    <label for="post-body">"Body"</label>
                    <textarea id="post-body" rows="12" prop:value=move || body.get()
                        on:input=move |ev| body.set(event_target_value(&ev))
                        aria-invalid=move || body_error().is_some().to_string() aria-describedby="post-body-help"></textarea>
                    <span id="post-body-help" class="field-help">
                        <span class="count">{count(body, BODY_MAX)}</span>
                        {move || body_error().map(|m| view! { <span class="field-error">{m}</span> })}
                    </span>
                </div>
                {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <button type="submit" class="button primary" disabled=move || !hydrated.get() || pending.get()>
                    {move || if pending.get() { busy } else { action }}
                </button>
            </form>
        </section>
    }
}
