//! `/posts`: the feed, posts, upvotes and comments. Every route needs a member.

use super::{CurrentMember, JsonBody, QueryParams};
use crate::openapi::ErrorBody;
use crate::openapi::schemas::*;
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

#[utoipa::path(get, path = "/", tag = "posts", summary = "The feed",
    params(FeedParams),
    responses(
        (status = 200, description = "One page of posts, newest (or most upvoted) first", body = PostPage),
        (status = 400, description = "A query parameter breaks its rule", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    QueryParams(query): QueryParams<FeedQueryInput>,
) -> Result<Json<PostPage>, AppError> {
    Ok(Json(state.list_posts(&member, &query).await?))
}

#[utoipa::path(get, path = "/{id}", tag = "posts", summary = "A post and its comments",
    params(("id" = i64, Path, minimum = 1, description = "The post's id")),
    responses((status = 200, description = "The post, with its comments oldest first", body = PostWithComments), (status = 404, description = "Post not found", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
) -> Result<Json<PostWithComments>, AppError> {
    Ok(Json(state.get_post(&member, post_id(&id)?).await?))
}

#[utoipa::path(post, path = "/", tag = "posts", summary = "Write a post",
    request_body = NewPostRequest,
    responses(
        (status = 201, description = "The new post", body = Post),
        (status = 429, description = "Too many posts and edits by this member (POST_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn create(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    JsonBody(input): JsonBody<NewPostInput>,
) -> Result<(StatusCode, Json<Post>), AppError> {
    Ok((StatusCode::CREATED, Json(state.create_post(&member, &input).await?)))
}

#[utoipa::path(patch, path = "/{id}", tag = "posts", summary = "Edit your post",
    params(("id" = i64, Path, minimum = 1, description = "The post's id")), request_body = PostPatchRequest,
    responses(
        (status = 200, description = "The edited post (`updated_at` moves)", body = Post),
        (status = 403, description = "You can only edit your own posts", body = ErrorBody),
        (status = 404, description = "Post not found", body = ErrorBody),
        (status = 429, description = "Too many posts and edits by this member (POST_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn update(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<PostPatchInput>,
) -> Result<Json<Post>, AppError> {
    Ok(Json(state.update_post(&member, post_id(&id)?, &input).await?))
}

#[utoipa::path(delete, path = "/{id}", tag = "posts", summary = "Delete your post",
    params(("id" = i64, Path, minimum = 1, description = "The post's id")),
    responses(
        (status = 204, description = "Deleted, with its comments and upvotes"),
        (status = 403, description = "You can only delete your own posts", body = ErrorBody),
        (status = 404, description = "Post not found", body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    state.delete_post(&member, post_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/{id}/upvote", tag = "posts", summary = "Upvote a post (once)",
    params(("id" = i64, Path, minimum = 1, description = "The post's id")),
    responses(
        (status = 200, description = "The post's upvotes now", body = UpvoteState),
        (status = 404, description = "Post not found", body = ErrorBody),
        (status = 429, description = "Too many upvotes given or withdrawn by this member (UPVOTE_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn upvote(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
) -> Result<Json<UpvoteState>, AppError> {
    Ok(Json(state.upvote(&member, post_id(&id)?).await?))
}

#[utoipa::path(delete, path = "/{id}/upvote", tag = "posts", summary = "Take your upvote back",
    params(("id" = i64, Path, minimum = 1, description = "The post's id")),
    responses(
        (status = 200, description = "The post's upvotes now", body = UpvoteState),
        (status = 404, description = "Post not found", body = ErrorBody),
        (status = 429, description = "Too many upvotes given or withdrawn by this member (UPVOTE_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn remove_upvote(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
) -> Result<Json<UpvoteState>, AppError> {
    Ok(Json(state.remove_upvote(&member, post_id(&id)?).await?))
}

#[utoipa::path(get, path = "/{id}/comments", tag = "posts", summary = "A post's comments",
    params(("id" = i64, Path, minimum = 1, description = "The post's id")),
    responses((status = 200, description = "Oldest first", body = Vec<Comment>), (status = 404, description = "Post not found", body = ErrorBody)))]
pub async fn list_comments(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
) -> Result<Json<Vec<Comment>>, AppError> {
    Ok(Json(state.list_comments(&member, post_id(&id)?).await?))
}

#[utoipa::path(post, path = "/{id}/comments", tag = "posts", summary = "Comment on a post",
    params(("id" = i64, Path, minimum = 1, description = "The post's id")), request_body = CommentRequest,
    responses(
        (status = 201, description = "The new comment", body = Comment),
        (status = 404, description = "Post not found", body = ErrorBody),
        (status = 429, description = "Too many comments by this member (COMMENT_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn add_comment(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<CommentInput>,
) -> Result<(StatusCode, Json<Comment>), AppError> {
    Ok((StatusCode::CREATED, Json(state.add_comment(&member, post_id(&id)?, &input).await?)))
}

#[utoipa::path(delete, path = "/{id}/comments/{comment_id}", tag = "posts", summary = "Delete your comment",
    params(("id" = i64, Path, minimum = 1, description = "The post's id"), ("comment_id" = i64, Path, minimum = 1, description = "The comment's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "You can only delete your own comments", body = ErrorBody),
        (status = 404, description = "Post not found, or Comment not found", body = ErrorBody),
    ))]
pub async fn delete_comment(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path((id, comment)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    state.delete_comment(&member, post_id(&id)?, comment_id(&comment)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
