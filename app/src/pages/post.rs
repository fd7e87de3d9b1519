//! `/p/{id}`: a post with its comments. Its author also sees Edit and Delete (which asks first); moderators see
//! Remove (with a reason), other members Report.

use crate::api::moderation::report_post;
use crate::api::posts::{delete_post, get_post};
use crate::client::dialog::{ask, confirm};
use crate::client::use_auth;
use crate::components::page_states::{ErrorLine, error_of, load_by_id, missing_post};
use crate::components::{Comments, MembersOnly, RoleBadge, TimeAgo, UpvoteButton};
use crate::model::moderation::validate_reason;
use crate::model::posts::{PostWithComments, UpvoteState};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
pub fn PostPage() -> impl IntoView {
    view! {
        <MembersOnly>
            {load_by_id(5, get_post, missing_post, |post| view! { <PostView post/> })}
        </MembersOnly>
    }
}

#[component]
fn PostView(post: PostWithComments) -> impl IntoView {
    let PostWithComments { post, comments } = post;
    let auth = use_auth();
    let navigate = use_navigate();
    let post_id = post.id;
    let is_author = move || auth.member_id() == Some(post.user_id);
    let moderates = move || !is_author() && auth.member_id().is_some() && auth.role().can_moderate();
    let may_report = move || !is_author() && auth.member_id().is_some() && !auth.role().can_moderate();
    // The author's deletion (no reason) and a moderator's removal (with one, possibly blank) are one action.
    let delete = Action::new(move |reason: &Option<String>| delete_post(post_id, reason.clone()));
    let report = Action::new(move |reason: &String| report_post(post_id, reason.clone()));
    let reported = report.value();
    // A reason the shared rules refuse is answered here, without a request.
    let report_refused = RwSignal::new(None::<String>);
    let report_error = error_of(report);
    let ask_and_report = move |_| {
        let Some(reason) = ask("Why are you reporting this post? The moderators will read it.") else { return };
        match validate_reason(Some(&reason)) {
            Ok(reason) => {
                report_refused.set(None);
                report.dispatch(reason);
            }
            Err(err) => report_refused.set(Some(err.to_string())),
        }
    };
    let ask_and_remove = move |_| {
        if let Some(reason) = ask("Remove this post? Optionally say why, for the moderation log.") {
            // As typed: the service reads it by the shared rule for removals (trimmed; blank is none).
            delete.dispatch(Some(reason));
        }
    };
    let (pending, answer) = (delete.pending(), delete.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = answer.get() {
            navigate("/", Default::default());
        }
    });
    let ask_and_delete = move |_| {
        if confirm("Delete this post? Its comments and upvotes will be deleted too. This cannot be undone.") {
            delete.dispatch(None);
        }
    };
    // Deleting from the moment it is asked until the feed opens; after a failure the button is back.
    let deleting = move || pending.get() || matches!(answer.get(), Some(Ok(())));
    let edited = post.updated_at != post.created_at;
    let initial = UpvoteState { upvotes: post.upvotes, upvoted: post.viewer_upvoted };
    view! {
        <Title text=format!("{} · Bulletin", post.title)/>
        <article class="card post">
            <header class="post-header">
                <UpvoteButton post_id initial/>
                <div>
                    <h1>{post.title.clone()}</h1>
                    <p class="meta">
                        "by " <A href=format!("/u/{}", post.user_id)>{post.author_username.clone()}</A>
                        <RoleBadge role=post.author_role/>
                        " · " <TimeAgo timestamp=post.created_at.clone()/>
                        {edited.then(|| view! {
                            " · " <span class="edited" title=format!("Edited {}", post.updated_at)>"edited"</span>
                        })}
                    </p>
                </div>
            </header>
            // Text, never HTML: Leptos escapes it; CSS keeps the line breaks.
            <div class="post-body">{post.body.clone()}</div>
            <Show when=is_author>
                <div class="post-actions">
                    <A href=format!("/p/{post_id}/edit") attr:class="button secondary">"Edit"</A>
                    <button type="button" class="button danger" on:click=ask_and_delete disabled=deleting>
                        {move || if deleting() { "Deleting…" } else { "Delete" }}
                    </button>
                </div>
            </Show>
            <ErrorLine message=error_of(delete)/>
            <Show when=moderates>
                <div class="post-actions">
                    <button type="button" class="button danger" on:click=ask_and_remove
                        disabled=deleting>"Remove"</button>
                </div>
            </Show>
            <Show when=may_report>
                {move || match reported.get() {
                    Some(Ok(_)) => view! {
                        <p class="notice" role="status">"Reported. A moderator will look at it."</p>
                    }.into_any(),
                    _ => view! {
                        <div class="post-actions">
                            <button type="button" class="button secondary" on:click=ask_and_report
                                disabled=move || report.pending().get()>"Report"</button>
                        </div>
                    }.into_any(),
                }}
                <ErrorLine message=Signal::derive(move || report_refused.get().or_else(|| report_error.get()))/>
            </Show>
        </article>
        <Comments post_id initial=comments/>
    }
}
