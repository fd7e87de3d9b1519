//! A post's comments, oldest first, with a form to add one and Delete on your own.

use super::TimeAgo;
use crate::api::comments::{add_comment, delete_comment};
use crate::client::drafts::{self, DraftKey};
use crate::client::hydration::use_hydrated;
use crate::client::{AuthState, use_auth};
use crate::model::posts::{COMMENT_MAX, Comment, CommentInput, validate_comment};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub fn Comments(post_id: i64, initial: Vec<Comment>) -> impl IntoView {
    let comments = RwSignal::new(initial);
    let auth = use_auth();
    let viewer_id = Memo::new(move |_| match auth.state.get() {
        AuthState::Member(member) => Some(member.user_id),
        _ => None,
    });
    let error = RwSignal::new(None::<String>);

    let remove = move |comment_id: i64| {
        spawn_local(async move {
            match delete_comment(post_id, comment_id).await {
                Ok(()) => {
                    comments.try_update(|list| list.retain(|c| c.id != comment_id));
                }
                Err(err) => {
                    error.try_set(Some(err.message()));
                }
            }
        });
    };

    view! {
        <section class="comments" id="comments" aria-labelledby="comments-heading">
            <h2 id="comments-heading">{move || format!("Comments ({})", comments.with(Vec::len))}</h2>
            <Show when=move || comments.with(Vec::is_empty)>
                <p class="muted">"No comments yet."</p>
            </Show>
            <ol class="comment-list">
                <For each=move || comments.get() key=|c| c.id let:comment>
                    <li class="comment">
                        <p class="meta">
                            <A href=format!("/u/{}", comment.user_id)>{comment.author_username.clone()}</A>
                            " · " <TimeAgo timestamp=comment.created_at.clone()/>
                        </p>
                        <p class="comment-body">{comment.body.clone()}</p>
                        <Show when=move || viewer_id.get() == Some(comment.user_id)>
                            <button type="button" class="link-button" on:click=move |_| remove(comment.id)
                                aria-label="Delete your comment">"Delete"</button>
                        </Show>
                    </li>
                </For>
            </ol>
            {move || error.get().map(|message| view! { <p class="inline-error" role="alert">{message}</p> })}
            <CommentForm post_id on_added=Callback::new(move |c: Comment| comments.update(|list| list.push(c)))/>
        </section>
    }
}

#[component]
fn CommentForm(post_id: i64, on_added: Callback<Comment>) -> impl IntoView {
    let hydrated = use_hydrated();
    let user_id = match use_auth().state.get_untracked() {
        AuthState::Member(member) => member.user_id,
        _ => 0,
    };
    // An unsent comment is a draft like a post's: it survives a reload or a re-login.
    let key = DraftKey { user_id, page: format!("/p/{post_id}"), field: "comment" };
    let (text, _) = drafts::drafted_text(key.clone(), String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CommentInput { body: Some(text.get_untracked()) };
        if let Err(err) = validate_comment(&input) {
            error.set(Some(err.message()));
            return;
        }
        pending.set(true);
        error.set(None);
        let key = key.clone();
        spawn_local(async move {
            match add_comment(post_id, input.body.unwrap_or_default()).await {
                Ok(comment) => {
                    // Sent: no longer a draft, even if the form is gone by now (its text is not reset then).
                    drafts::clear(&key);
                    if text.try_set(String::new()).is_none() {
                        on_added.run(comment);
                    }
                }
                Err(err) => {
                    error.try_set(Some(err.message()));
                }
            }
            pending.try_set(false);
        });
    };
    view! {
        <form class="comment-form" method="post" on:submit=submit novalidate>
            <div class="field">
                <label for="comment-body">"Add a comment"</label>
                <textarea id="comment-body" rows="3" prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <span class="count">{move || format!("{}/{COMMENT_MAX}", text.with(|t| t.chars().count()))}</span>
            </div>
            {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button type="submit" class="button" disabled=move || !hydrated.get() || pending.get()>
                {move || if pending.get() { "Posting…" } else { "Comment" }}
            </button>
        </form>
    }
}
