//! One post in a listing: title, author, time, comment count and the upvote button; in search results, the
//! found text marked in the title and in an excerpt of the body.

use super::marked_text::{MarkedText, excerpt};
use super::{RoleBadge, TimeAgo, UpvoteButton};
use crate::model::posts::{Highlight, Post, UpvoteState};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn PostCard(post: Post, #[prop(default = None)] highlight: Option<Highlight>) -> impl IntoView {
    let comments = match post.comment_count {
        1 => "1 comment".to_owned(),
        n => format!("{n} comments"),
    };
    let initial = UpvoteState { upvotes: post.upvotes, upvoted: post.viewer_upvoted };
    let (title_marks, body_excerpt) = match highlight {
        Some(found) => (found.title, excerpt(&post.body, &found.body)),
        None => (Vec::new(), None),
    };
    view! {
        <article class="post-card">
            <UpvoteButton post_id=post.id initial=initial/>
            <div class="post-card-main">
                <h2 class="post-card-title">
                    <A href=format!("/p/{}", post.id)><MarkedText text=post.title ranges=title_marks/></A>
                </h2>
                {body_excerpt.map(|(text, ranges)| view! { <p class="post-card-excerpt"><MarkedText text ranges/></p> })}
                <p class="meta">
                    "by " <A href=format!("/u/{}", post.user_id)>{post.author_username}</A>
                    <RoleBadge role=post.author_role/>
                    " · " <TimeAgo timestamp=post.created_at/>
                    " · " <A href=format!("/p/{}#comments", post.id)>{comments}</A>
                </p>
            </div>
        </article>
    }
}
