//! Posts and upvotes for the SPA: the same service calls as the `/posts` REST routes.

use super::BearerClient;
use crate::error::AppError;
use crate::model::feed::FeedQueryInput;
use crate::model::posts::{Post, PostPage, PostWithComments, UpvoteState};
use leptos::prelude::*;
use server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "list_posts", client = BearerClient, input = Json)]
pub async fn list_posts(query: FeedQueryInput) -> Result<PostPage, AppError> {
    let caller = super::request_context::caller().await?;
    caller.board.list_posts(&caller.member, &query).await
}

#[server(prefix = "/api", endpoint = "get_post", client = BearerClient, input = Json)]
pub async fn get_post(id: i64) -> Result<PostWithComments, AppError> {
    let caller = super::request_context::caller().await?;
    caller.board.get_post(&caller.member, id).await
}

#[server(prefix = "/api", endpoint = "create_post", client = BearerClient, input = Json)]
pub async fn create_post(title: String, body: String) -> Result<Post, AppError> {
    use crate::model::posts::NewPostInput;
    let caller = super::request_context::caller().await?;
    caller.board.create_post(&caller.member, &NewPostInput { title: Some(title), body: Some(body) }).await
}

#[server(prefix = "/api", endpoint = "update_post", client = BearerClient, input = Json)]
pub async fn update_post(id: i64, title: Option<String>, body: Option<String>) -> Result<Post, AppError> {
    use crate::model::posts::PostPatchInput;
    let caller = super::request_context::caller().await?;
    caller.board.update_post(&caller.member, id, &PostPatchInput { title, body }).await
}

#[server(prefix = "/api", endpoint = "delete_post", client = BearerClient, input = Json)]
/// `reason`: a moderator's, for removing someone else's post (ignored for one's own).
pub async fn delete_post(id: i64, reason: Option<String>) -> Result<(), AppError> {
    use crate::model::moderation::RemovalInput;
    let caller = super::request_context::caller().await?;
    caller.board.delete_post(&caller.member, id, &RemovalInput { reason }).await
}

#[server(prefix = "/api", endpoint = "upvote", client = BearerClient, input = Json)]
pub async fn upvote(id: i64) -> Result<UpvoteState, AppError> {
    let caller = super::request_context::caller().await?;
    caller.board.upvote(&caller.member, id).await
}

#[server(prefix = "/api", endpoint = "remove_upvote", client = BearerClient, input = Json)]
pub async fn remove_upvote(id: i64) -> Result<UpvoteState, AppError> {
    let caller = super::request_context::caller().await?;
    caller.board.remove_upvote(&caller.member, id).await
}
