//! Comments: anyone may comment on a post; only a comment's author may delete it, or a moderator remove it.

use super::Board;
use crate::error::AppError;
use crate::model::Member;
use crate::model::moderation::{RemovalInput, validate_removal};
use crate::model::posts::{self as rules, COMMENT_NOT_FOUND, Comment, CommentInput, POST_NOT_FOUND};
use crate::store::comments::NewComment;
use crate::store::{comments, posts};

impl Board {
    /// `_viewer` is not read: it is how the rule "only members read" is kept, since a door cannot call this
    /// without having authenticated someone.
    pub async fn list_comments(&self, _viewer: &Member, post_id: i64) -> Result<Vec<Comment>, AppError> {
        if !posts::exists(&self.db, post_id).await? {
            return Err(AppError::NotFound(POST_NOT_FOUND.into()));
        }
        comments::for_post(&self.db, post_id).await
    }

    pub async fn add_comment(&self, author: &Member, post_id: i64, input: &CommentInput) -> Result<Comment, AppError> {
        let body = rules::validate_comment(input)?;
        self.write_limits.comments.attempt(author.user_id).await?;
        let id = match comments::insert(&self.db, author.user_id, post_id, &body).await? {
            NewComment::Added(id) => id,
            NewComment::NoSuchPost => return Err(AppError::NotFound(POST_NOT_FOUND.into())),
            NewComment::AuthorSuspended => return Err(self.suspended_meanwhile(author).await),
        };
        comments::find(&self.db, id).await?.ok_or_else(|| AppError::NotFound(COMMENT_NOT_FOUND.into()))
    }

    /// Deletes the member's own comment; a moderator's or admin's deletion of someone else's is a removal,
    /// logged with `removal`'s optional reason.
    pub async fn delete_comment(
        &self,
        member: &Member,
        post_id: i64,
        comment_id: i64,
        removal: &RemovalInput,
    ) -> Result<(), AppError> {
        let reason = validate_removal(removal)?;
        if comments::delete_own(&self.db, member.user_id, post_id, comment_id).await? {
            return Ok(());
        }
        if member.role.can_moderate() {
            return self.remove_comment(member, post_id, comment_id, reason.as_deref()).await;
        }
        match comments::find(&self.db, comment_id).await? {
            Some(comment) if comment.post_id == post_id => {
                Err(AppError::Forbidden(rules::NOT_YOUR_COMMENT_DELETE.into()))
            }
            _ => Err(AppError::NotFound(COMMENT_NOT_FOUND.into())),
        }
    }
}
