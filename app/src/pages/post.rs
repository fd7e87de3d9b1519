//! `/p/{id}`: a post with its comments. Its author also sees Edit and Delete (which asks first).

use crate::api::posts::{delete_post, get_post};
use crate::client::dialog::confirm;
use crate::client::use_auth;
use crate::components::page_states::{ErrorLine, error_of, load_by_id, missing_post};
use crate::components::{Comments, MembersOnly, TimeAgo, UpvoteButton};
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
    let delete = Action::new(move |_: &()| delete_post(post_id));
    let (pending, answer) = (delete.pending(), delete.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = answer.get() {
            navigate("/", Default::default());
        }
    });
    let ask_and_delete = move |_| {
        if confirm("Delete this post? Its comments and upvotes will be deleted too. This cannot be undone.") {
            delete.dispatch(());
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
        </article>
        <Comments post_id initial=comments/>
    }
}
