//! Comments: anyone may comment on a post; only a comment's author may delete it.

use super::Board;
use crate::error::AppError;
use crate::model::Member;
use crate::model::posts::{self as rules, COMMENT_NOT_FOUND, Comment, CommentInput, POST_NOT_FOUND};
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
        let id = comments::insert(&self.db, author.user_id, post_id, &body)
            .await?
            .ok_or_else(|| AppError::NotFound(POST_NOT_FOUND.into()))?;
        comments::find(&self.db, id).await?.ok_or_else(|| AppError::NotFound(COMMENT_NOT_FOUND.into()))
    }

    pub async fn delete_comment(&self, author: &Member, post_id: i64, comment_id: i64) -> Result<(), AppError> {
        if comments::delete_own(&self.db, author.user_id, post_id, comment_id).await? {
            return Ok(());
        }
        match comments::find(&self.db, comment_id).await? {
            Some(comment) if comment.post_id == post_id => {
                Err(AppError::Forbidden(rules::NOT_YOUR_COMMENT_DELETE.into()))
            }
            _ => Err(AppError::NotFound(COMMENT_NOT_FOUND.into())),
        }
    }
}
