//! Posts and upvotes: reading the feed, writing your own posts (moderators may remove anyone's), upvoting anyone's.

use super::Board;
use crate::error::AppError;
use crate::model::Member;
use crate::model::feed::{Cursor, FeedQuery, FeedQueryInput, SEARCH_COUNT_MAX};
use crate::model::moderation::{RemovalInput, validate_removal};
use crate::model::posts::{
    self as rules, Highlight, NewPostInput, POST_NOT_FOUND, Post, PostPage, PostPatchInput, PostWithComments,
    UpvoteState,
};
use crate::search_text::SearchTerm;
use crate::store::{comments, posts, search, upvotes};

fn post_not_found() -> AppError {
    AppError::NotFound(POST_NOT_FOUND.into())
}

/// The page of `posts` (read with one extra row, which only says whether there is a next page).
fn page_of(
    query: &FeedQuery,
    mut posts: Vec<Post>,
    total: i64,
    total_is_lower_bound: bool,
    highlights: Vec<Highlight>,
) -> PostPage {
    let has_more = posts.len() as i64 > query.limit;
    posts.truncate(query.limit as usize);
    let next_cursor = posts.last().filter(|_| has_more).map(|last| Cursor::after(last, query.sort).encode());
    PostPage { posts, total, total_is_lower_bound, page: query.page, limit: query.limit, next_cursor, highlights }
}

impl Board {
    pub async fn list_posts(&self, viewer: &Member, input: &FeedQueryInput) -> Result<PostPage, AppError> {
        let query = input.parse()?;
        let Some(text) = &query.search else {
            // A deep numbered page costs what a search does, and runs where searches do: it counts as one.
            if posts::is_deep(&query) {
                self.write_limits.searches.attempt(viewer.user_id).await?;
            }
            let (posts, total) = posts::list(&self.db, viewer.user_id, &query).await?;
            return Ok(page_of(&query, posts, total, false, Vec::new()));
        };
        self.write_limits.searches.attempt(viewer.user_id).await?;
        let term = SearchTerm::new(text);
        let found = search::search(&self.db, viewer.user_id, &query, &term).await?;
        let highlights = found.posts.iter().take(query.limit as usize);
        let highlights = highlights.map(|post| term.highlight(post.id, &post.title, &post.body)).collect();
        let total = found.matches.min(SEARCH_COUNT_MAX);
        Ok(page_of(&query, found.posts, total, found.matches > SEARCH_COUNT_MAX, highlights))
    }

    pub async fn get_post(&self, viewer: &Member, post_id: i64) -> Result<PostWithComments, AppError> {
        comments::post_with_comments(&self.db, viewer.user_id, post_id).await?.ok_or_else(post_not_found)
    }

    pub async fn create_post(&self, author: &Member, input: &NewPostInput) -> Result<Post, AppError> {
        let post = rules::validate_new_post(input)?;
        self.write_limits.posts.attempt(author.user_id).await?;
        let Some(id) = posts::insert(&self.db, author.user_id, &post).await? else {
            return Err(self.suspended_meanwhile(author).await);
        };
        posts::find(&self.db, author.user_id, id).await?.ok_or_else(post_not_found)
    }

    pub async fn update_post(&self, author: &Member, post_id: i64, input: &PostPatchInput) -> Result<Post, AppError> {
        let patch = rules::validate_post_patch(input)?;
        self.write_limits.posts.attempt(author.user_id).await?;
        if !posts::update_own(&self.db, author.user_id, post_id, &patch).await? {
            return Err(self.refusal(author, post_id, rules::NOT_YOUR_POST_EDIT).await);
        }
        posts::find(&self.db, author.user_id, post_id).await?.ok_or_else(post_not_found)
    }

    /// Deletes the member's own post; a moderator's or admin's deletion of someone else's is a removal, logged
    /// with `removal`'s optional reason (which an author's own deletion does not need, and ignores).
    pub async fn delete_post(&self, member: &Member, post_id: i64, removal: &RemovalInput) -> Result<(), AppError> {
        let reason = validate_removal(removal)?;
        if posts::delete_own(&self.db, member.user_id, post_id).await? {
            return Ok(());
        }
        if member.role.can_moderate() {
            return self.remove_post(member, post_id, reason.as_deref()).await;
        }
        Err(self.refusal(member, post_id, rules::NOT_YOUR_POST_DELETE).await)
    }

    pub async fn upvote(&self, member: &Member, post_id: i64) -> Result<UpvoteState, AppError> {
        self.write_limits.upvotes.attempt(member.user_id).await?;
        if !upvotes::add(&self.db, member.user_id, post_id).await? {
            return Err(post_not_found());
        }
        self.upvote_state(member, post_id).await
    }

    pub async fn remove_upvote(&self, member: &Member, post_id: i64) -> Result<UpvoteState, AppError> {
        self.write_limits.upvotes.attempt(member.user_id).await?;
        upvotes::remove(&self.db, member.user_id, post_id).await?;
        self.upvote_state(member, post_id).await
    }

    async fn upvote_state(&self, member: &Member, post_id: i64) -> Result<UpvoteState, AppError> {
        upvotes::state(&self.db, member.user_id, post_id).await?.ok_or_else(post_not_found)
    }

    /// Why an owner-only write changed nothing: the post is gone (404), belongs to someone else (403), or the
    /// author was suspended meanwhile. The write itself already refused atomically; this look-up only chooses the
    /// message.
    async fn refusal(&self, member: &Member, post_id: i64, not_yours: &str) -> AppError {
        match posts::author_of(&self.db, post_id).await {
            Ok(Some(author)) if author != member.user_id => AppError::Forbidden(not_yours.into()),
            Ok(Some(_)) => self.suspended_meanwhile(member).await,
            Ok(None) => post_not_found(),
            Err(err) => err,
        }
    }
}
