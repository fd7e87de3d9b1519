//! `/p/{id}`: a post with its comments. Its author also sees Edit and Delete (which asks first).

use crate::api::posts::{delete_post, get_post};
use crate::client::dialog::confirm;
use crate::client::{AuthState, use_auth};
use crate::components::{Comments, ErrorState, LoadingSkeleton, MembersOnly, TimeAgo, UpvoteButton};
use crate::error::AppError;
use crate::model::posts::{PostWithComments, UpvoteState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
pub fn PostPage() -> impl IntoView {
    view! {
        <MembersOnly>
            <PostLoader/>
        </MembersOnly>
    }
}

/// "This post does not exist." with the way back, for missing posts and malformed ids alike.
#[component]
pub fn MissingPost() -> impl IntoView {
    view! {
        <Title text="Post not found · Bulletin"/>
        <section class="card">
            <h1>"This post does not exist."</h1>
            <p><A href="/">"Back to the feed"</A></p>
        </section>
    }
}

#[component]
fn PostLoader() -> impl IntoView {
    let id = super::use_id_param();
    let post = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => get_post(id).await,
                None => Err(AppError::NotFound("Post not found".into())),
            }
        }
    });
    move || match post.get() {
        None => view! { <LoadingSkeleton lines=5/> }.into_any(),
        Some(Err(AppError::NotFound(_))) => view! { <MissingPost/> }.into_any(),
        Some(Err(err)) => {
            view! { <ErrorState message=err.message() retry=Callback::new(move |_| post.refetch())/> }.into_any()
        }
        Some(Ok(post)) => view! { <PostView post/> }.into_any(),
    }
}

#[component]
fn PostView(post: PostWithComments) -> impl IntoView {
    let PostWithComments { post, comments } = post;
    let auth = use_auth();
    let navigate = use_navigate();
    let is_author = move || matches!(auth.state.get(), AuthState::Member(m) if m.user_id == post.user_id);
    let deleting = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let post_id = post.id;
    let delete = move |_| {
        if !confirm("Delete this post? Its comments and upvotes will be deleted too. This cannot be undone.") {
            return;
        }
        deleting.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match delete_post(post_id).await {
                Ok(()) => navigate("/", Default::default()),
                Err(err) => {
                    error.try_set(Some(err.message()));
                    deleting.try_set(false);
                }
            }
        });
    };
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
                    <button type="button" class="button danger" on:click=delete.clone() disabled=move || deleting.get()>
                        {move || if deleting.get() { "Deleting…" } else { "Delete" }}
                    </button>
                </div>
            </Show>
            {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
        </article>
        <Comments post_id initial=comments/>
    }
}
