//! One post in a listing: title, author, time, comment count and the upvote button.

use super::{TimeAgo, UpvoteButton};
use crate::model::posts::{Post, UpvoteState};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn PostCard(post: Post) -> impl IntoView {
    let comments = match post.comment_count {
        1 => "1 comment".to_owned(),
        n => format!("{n} comments"),
    };
    let initial = UpvoteState { upvotes: post.upvotes, upvoted: post.viewer_upvoted };
    view! {
        <article class="post-card">
            <UpvoteButton post_id=post.id initial=initial/>
            <div class="post-card-main">
                <h2 class="post-card-title"><A href=format!("/p/{}", post.id)>{post.title}</A></h2>
                <p class="meta">
                    "by " <A href=format!("/u/{}", post.user_id)>{post.author_username}</A>
                    " · " <TimeAgo timestamp=post.created_at/>
                    " · " <A href=format!("/p/{}#comments", post.id)>{comments}</A>
                </p>
            </div>
        </article>
    }
}
