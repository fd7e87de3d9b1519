//! `/posts`: the feed, posts, upvotes and comments. Every route needs a member.

use super::{CurrentMember, JsonBody, QueryParams};
use app::error::AppError;
use app::model::feed::FeedQueryInput;
use app::model::posts::{
    COMMENT_NOT_FOUND, Comment, CommentInput, NewPostInput, POST_NOT_FOUND, Post, PostPage, PostPatchInput,
    PostWithComments, UpvoteState, parse_id,
};
use app::service::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

/// An id that is not a positive integer names no post: 404, exactly as for a post that does not exist.
fn post_id(raw: &str) -> Result<i64, AppError> {
    parse_id(raw).ok_or_else(|| AppError::NotFound(POST_NOT_FOUND.into()))
}

fn comment_id(raw: &str) -> Result<i64, AppError> {
    parse_id(raw).ok_or_else(|| AppError::NotFound(COMMENT_NOT_FOUND.into()))
}

pub async fn list(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    QueryParams(query): QueryParams<FeedQueryInput>,
) -> Result<Json<PostPage>, AppError> {
    Ok(Json(state.list_posts(&member, &query).await?))
}

pub async fn show(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
) -> Result<Json<PostWithComments>, AppError> {
    Ok(Json(state.get_post(&member, post_id(&id)?).await?))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    JsonBody(input): JsonBody<NewPostInput>,
) -> Result<(StatusCode, Json<Post>), AppError> {
    Ok((StatusCode::CREATED, Json(state.create_post(&member, &input).await?)))
}

pub async fn update(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<PostPatchInput>,
) -> Result<Json<Post>, AppError> {
    Ok(Json(state.update_post(&member, post_id(&id)?, &input).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    state.delete_post(&member, post_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn upvote(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
) -> Result<Json<UpvoteState>, AppError> {
    Ok(Json(state.upvote(&member, post_id(&id)?).await?))
}

pub async fn remove_upvote(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
) -> Result<Json<UpvoteState>, AppError> {
    Ok(Json(state.remove_upvote(&member, post_id(&id)?).await?))
}

pub async fn list_comments(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
) -> Result<Json<Vec<Comment>>, AppError> {
    Ok(Json(state.list_comments(&member, post_id(&id)?).await?))
}

pub async fn add_comment(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<CommentInput>,
) -> Result<(StatusCode, Json<Comment>), AppError> {
    Ok((StatusCode::CREATED, Json(state.add_comment(&member, post_id(&id)?, &input).await?)))
}

pub async fn delete_comment(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path((id, comment)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    state.delete_comment(&member, post_id(&id)?, comment_id(&comment)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
