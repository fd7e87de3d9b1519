//! A post's comments, oldest first, with a form to add one, Delete on your own and, for moderators, Remove (with
//! a reason) on everyone else's.

use super::page_states::{ErrorLine, error_of};
use super::{RoleBadge, TimeAgo};
use crate::api::comments::{add_comment, delete_comment};
use crate::client::dialog::ask;
use crate::client::drafts::{self, DraftKey};
use crate::client::hydration::use_hydrated;
use crate::client::use_auth;
use crate::model::posts::{COMMENT_MAX, Comment, CommentInput, validate_comment};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Comments(post_id: i64, initial: Vec<Comment>) -> impl IntoView {
    let comments = RwSignal::new(initial);
    let auth = use_auth();
    // (comment, a moderator's reason): the member's own comment goes without one.
    let remove = Action::new(move |(comment_id, reason): &(i64, Option<String>)| {
        let (comment_id, reason) = (*comment_id, reason.clone());
        async move { delete_comment(post_id, comment_id, reason).await.map(|()| comment_id) }
    });
    let removed = remove.value();
    Effect::new(move |_| {
        if let Some(Ok(gone)) = removed.get() {
            comments.update(|list| list.retain(|c| c.id != gone));
        }
    });

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
                            <RoleBadge role=comment.author_role/>
                            " · " <TimeAgo timestamp=comment.created_at.clone()/>
                        </p>
                        <p class="comment-body">{comment.body.clone()}</p>
                        <Show when=move || auth.member_id() == Some(comment.user_id)>
                            <button type="button" class="link-button" on:click=move |_| {
                                remove.dispatch((comment.id, None));
                            } aria-label="Delete your comment">"Delete"</button>
                        </Show>
                        <Show when=move || {
                            let id = auth.member_id();
                            id.is_some() && id != Some(comment.user_id) && auth.role().can_moderate()
                        }>
                            <button type="button" class="link-button" on:click=move |_| {
                                let asked = ask("Remove this comment? Optionally say why, for the moderation log.");
                                // As typed: the service trims it, and a blank one is none.
                                if let Some(reason) = asked {
                                    remove.dispatch((comment.id, Some(reason)));
                                }
                            } aria-label="Remove this comment">"Remove"</button>
                        </Show>
                    </li>
                </For>
            </ol>
            <ErrorLine message=error_of(remove) class="inline-error"/>
            <CommentForm post_id on_added=Callback::new(move |c: Comment| comments.update(|list| list.push(c)))/>
        </section>
    }
}

#[component]
fn CommentForm(post_id: i64, on_added: Callback<Comment>) -> impl IntoView {
    let hydrated = use_hydrated();
    let user_id = use_auth().member_id_untracked().unwrap_or_default();
    // An unsent comment is a draft like a post's: it survives a reload or a re-login.
    let key = DraftKey { user_id, page: format!("/p/{post_id}"), field: "comment" };
    let (text, _) = drafts::drafted_text(key.clone(), String::new());
    // A comment the shared rules refuse is answered here, without a request.
    let refused = RwSignal::new(None::<String>);
    let send = Action::new(move |body: &String| {
        let (body, key) = (body.clone(), key.clone());
        async move {
            let sent = add_comment(post_id, body).await;
            // Sent: no longer a draft, even if the form is gone by now.
            if sent.is_ok() {
                drafts::clear(&key);
            }
            sent
        }
    });
    let sent = send.value();
    Effect::new(move |_| {
        if let Some(Ok(comment)) = sent.get() {
            text.set(String::new());
            on_added.run(comment);
        }
    });
    let send_error = error_of(send);
    let error = Signal::derive(move || refused.get().or_else(|| send_error.get()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CommentInput { body: Some(text.get_untracked()) };
        match validate_comment(&input) {
            Ok(_) => {
                refused.set(None);
                send.dispatch(input.body.unwrap_or_default());
            }
            Err(err) => refused.set(Some(err.to_string())),
        }
    };
    let pending = send.pending();
    view! {
        <form class="comment-form" method="post" on:submit=submit novalidate>
            <div class="field">
                <label for="comment-body">"Add a comment"</label>
                <textarea id="comment-body" rows="3" prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <span class="count">{move || format!("{}/{COMMENT_MAX}", text.with(|t| t.chars().count()))}</span>
            </div>
            <ErrorLine message=error/>
            <button type="submit" class="button" disabled=move || !hydrated.get() || pending.get()>
                {move || if pending.get() { "Posting…" } else { "Comment" }}
            </button>
        </form>
    }
}
