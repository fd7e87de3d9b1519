//! `/new` and `/p/{id}/edit`: the post editor. Live character counts, the shared validation rules with messages
//! next to each field, a pending state, unsaved text kept as a draft in the browser until it is published, and a
//! question before leaving with unsaved changes.

use crate::api::posts::{create_post, get_post, update_post};
use crate::client::drafts::{self, DraftKey};
use crate::client::hydration::use_hydrated;
use crate::client::unsaved_changes::guard_unsaved_changes;
use crate::client::use_auth;
use crate::components::MembersOnly;
use crate::components::page_states::{ErrorLine, error_of, load_by_id, missing_post};
use crate::model::posts::{
    BODY_MAX, NOT_YOUR_POST_EDIT, Post, PostWithComments, TITLE_MAX, validate_post_body, validate_title,
};
use leptos::prelude::*;
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

/// The post, if it is the member's own; someone else's post is not theirs to edit.
#[component]
fn EditLoader() -> impl IntoView {
    let auth = use_auth();
    let own_post = move |post: PostWithComments| {
        if auth.member_id_untracked() == Some(post.post.user_id) {
            view! { <Editor existing=Some(post.post)/> }.into_any()
        } else {
            view! { <section class="card" role="alert"><p>{NOT_YOUR_POST_EDIT}</p></section> }.into_any()
        }
    };
    load_by_id(4, get_post, missing_post, own_post)
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
    let user_id = use_auth().member_id_untracked().unwrap_or_default();
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
    let drafts_of_this_page = [title_key, body_key];
    let save = Action::new(move |(title, body): &(String, String)| {
        let (title, body, drafts_of_this_page) = (title.clone(), body.clone(), drafts_of_this_page.clone());
        async move {
            let saved = match editing {
                Some(id) => update_post(id, Some(title), Some(body)).await,
                None => create_post(title, body).await,
            };
            // Published: no longer a draft, even if the editor was left while the request was out.
            if saved.is_ok() {
                drafts_of_this_page.iter().for_each(drafts::clear);
            }
            saved
        }
    });
    let (pending, answer) = (save.pending(), save.value());
    let saved = move || matches!(answer.get(), Some(Ok(_)));
    // Busy from the click until the post opens; after a failure the form is back.
    let busy = move || pending.get() || saved();

    let dirty = Signal::derive(move || !saved() && (title.get() != saved_title || body.get() != saved_body));
    guard_unsaved_changes(dirty);
    Effect::new(move |_| {
        if let Some(Ok(post)) = answer.get() {
            // Saved, so nothing is unsaved: the guard lets us go.
            navigate(&format!("/p/{}", post.id), Default::default());
        }
    });

    let title_error =
        move || attempted.get().then(|| validate_title(&title.get()).err().map(|e| e.to_string())).flatten();
    let body_error =
        move || attempted.get().then(|| validate_post_body(&body.get()).err().map(|e| e.to_string())).flatten();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let (new_title, new_body) = (title.get_untracked(), body.get_untracked());
        if validate_title(&new_title).is_ok() && validate_post_body(&new_body).is_ok() {
            save.dispatch((new_title, new_body));
        }
    };

    let count =
        |text: RwSignal<String>, max: usize| move || format!("{}/{max}", text.with(|t| t.trim().chars().count()));
    let (heading, action, busy_label) =
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
                <ErrorLine message=error_of(save)/>
                <button type="submit" class="button primary" disabled=move || !hydrated.get() || busy()>
                    {move || if busy() { busy_label } else { action }}
                </button>
            </form>
        </section>
    }
}
