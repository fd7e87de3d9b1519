//! Comments for the SPA: the same service calls as the `/posts/{id}/comments` REST routes.

use super::BearerClient;
use crate::error::AppError;
use crate::model::posts::Comment;
use leptos::prelude::*;
use server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "list_comments", client = BearerClient, input = Json)]
pub async fn list_comments(post_id: i64) -> Result<Vec<Comment>, AppError> {
    let caller = super::request_context::caller().await?;
    caller.board.list_comments(&caller.member, post_id).await
}

#[server(prefix = "/api", endpoint = "add_comment", client = BearerClient, input = Json)]
pub async fn add_comment(post_id: i64, body: String) -> Result<Comment, AppError> {
    use crate::model::posts::CommentInput;
    let caller = super::request_context::caller().await?;
    caller.board.add_comment(&caller.member, post_id, &CommentInput { body: Some(body) }).await
}

#[server(prefix = "/api", endpoint = "delete_comment", client = BearerClient, input = Json)]
/// `reason`: a moderator's, for removing someone else's comment (ignored for one's own).
pub async fn delete_comment(post_id: i64, comment_id: i64, reason: Option<String>) -> Result<(), AppError> {
    use crate::model::moderation::RemovalInput;
    let caller = super::request_context::caller().await?;
    caller.board.delete_comment(&caller.member, post_id, comment_id, &RemovalInput { reason }).await
}
