//! `/posts`: the feed, posts, upvotes, comments and reports. Every route needs a member.

use super::{CommentId, CurrentMember, JsonBody, OptionalJsonBody, PostId, QueryParams};
use crate::openapi::ErrorBody;
use crate::openapi::moderation::{RemovalRequest, ReportRequest};
use crate::openapi::schemas::*;
use app::error::AppError;
use app::model::feed::FeedQueryInput;
use app::model::moderation::{RemovalInput, Report, ReportInput};
use app::model::posts::{
    Comment, CommentInput, NewPostInput, Post, PostPage, PostPatchInput, PostWithComments, UpvoteState,
};
use app::service::Board;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

#[utoipa::path(get, path = "/", tag = "posts", summary = "The feed",
    params(FeedParams),
    responses(
        (status = 200, description = "One page of posts, newest (or most upvoted) first", body = PostPage),
        (status = 400, description = "A query parameter breaks its rule", body = ErrorBody),
        (status = 429, description = "Too many searches by this member (SEARCH_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn list(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    QueryParams(query): QueryParams<FeedQueryInput>,
) -> Result<Json<PostPage>, AppError> {
    Ok(Json(state.list_posts(&member, &query).await?))
}

#[utoipa::path(get, path = "/{id}", tag = "posts", summary = "A post and its comments",
    params(PostId),
    responses((status = 200, description = "The post, with its comments oldest first", body = PostWithComments), (status = 404, description = "Post not found", body = ErrorBody)))]
pub async fn show(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    PostId { id }: PostId,
) -> Result<Json<PostWithComments>, AppError> {
    Ok(Json(state.get_post(&member, id).await?))
}

#[utoipa::path(post, path = "/", tag = "posts", summary = "Write a post",
    request_body = NewPostRequest,
    responses(
        (status = 201, description = "The new post", body = Post),
        (status = 429, description = "Too many posts and edits by this member (POST_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn create(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    JsonBody(input): JsonBody<NewPostInput>,
) -> Result<(StatusCode, Json<Post>), AppError> {
    Ok((StatusCode::CREATED, Json(state.create_post(&member, &input).await?)))
}

#[utoipa::path(patch, path = "/{id}", tag = "posts", summary = "Edit your post",
    params(PostId), request_body = PostPatchRequest,
    responses(
        (status = 200, description = "The edited post (`updated_at` moves)", body = Post),
        (status = 403, description = "You can only edit your own posts", body = ErrorBody),
        (status = 404, description = "Post not found", body = ErrorBody),
        (status = 429, description = "Too many posts and edits by this member (POST_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn update(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    PostId { id }: PostId,
    JsonBody(input): JsonBody<PostPatchInput>,
) -> Result<Json<Post>, AppError> {
    Ok(Json(state.update_post(&member, id, &input).await?))
}

#[utoipa::path(delete, path = "/{id}", tag = "posts", summary = "Delete your post, or remove anyone's (moderators)",
    description = "Authors delete their own posts. Moderators and admins may remove anyone's, with an optional \
                   reason; the removal is written to the moderation log.",
    params(PostId), request_body(content = Option<RemovalRequest>, description = "Optional: a moderator's reason"),
    responses(
        (status = 204, description = "Deleted, with its comments, upvotes and reports"),
        (status = 403, description = "You can only delete your own posts", body = ErrorBody),
        (status = 404, description = "Post not found", body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    PostId { id }: PostId,
    OptionalJsonBody(removal): OptionalJsonBody<RemovalInput>,
) -> Result<StatusCode, AppError> {
    state.delete_post(&member, id, &removal).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/{id}/upvote", tag = "posts", summary = "Upvote a post (once)",
    params(PostId),
    responses(
        (status = 200, description = "The post's upvotes now", body = UpvoteState),
        (status = 404, description = "Post not found", body = ErrorBody),
        (status = 429, description = "Too many upvotes given or withdrawn by this member (UPVOTE_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn upvote(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    PostId { id }: PostId,
) -> Result<Json<UpvoteState>, AppError> {
    Ok(Json(state.upvote(&member, id).await?))
}

#[utoipa::path(delete, path = "/{id}/upvote", tag = "posts", summary = "Take your upvote back",
    params(PostId),
    responses(
        (status = 200, description = "The post's upvotes now", body = UpvoteState),
        (status = 404, description = "Post not found", body = ErrorBody),
        (status = 429, description = "Too many upvotes given or withdrawn by this member (UPVOTE_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn remove_upvote(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    PostId { id }: PostId,
) -> Result<Json<UpvoteState>, AppError> {
    Ok(Json(state.remove_upvote(&member, id).await?))
}

#[utoipa::path(get, path = "/{id}/comments", tag = "posts", summary = "A post's comments",
    params(PostId),
    responses((status = 200, description = "Oldest first", body = Vec<Comment>), (status = 404, description = "Post not found", body = ErrorBody)))]
pub async fn list_comments(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    PostId { id }: PostId,
) -> Result<Json<Vec<Comment>>, AppError> {
    Ok(Json(state.list_comments(&member, id).await?))
}

#[utoipa::path(post, path = "/{id}/comments", tag = "posts", summary = "Comment on a post",
    params(PostId), request_body = CommentRequest,
    responses(
        (status = 201, description = "The new comment", body = Comment),
        (status = 404, description = "Post not found", body = ErrorBody),
        (status = 429, description = "Too many comments by this member (COMMENT_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn add_comment(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    PostId { id }: PostId,
    JsonBody(input): JsonBody<CommentInput>,
) -> Result<(StatusCode, Json<Comment>), AppError> {
    Ok((StatusCode::CREATED, Json(state.add_comment(&member, id, &input).await?)))
}

#[utoipa::path(delete, path = "/{id}/comments/{comment_id}", tag = "posts",
    summary = "Delete your comment, or remove anyone's (moderators)",
    params(PostId, CommentId), request_body(content = Option<RemovalRequest>, description = "Optional: a moderator's reason"),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "You can only delete your own comments", body = ErrorBody),
        (status = 404, description = "Post not found, or Comment not found", body = ErrorBody),
    ))]
pub async fn delete_comment(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    PostId { id }: PostId,
    CommentId { comment_id }: CommentId,
    OptionalJsonBody(removal): OptionalJsonBody<RemovalInput>,
) -> Result<StatusCode, AppError> {
    state.delete_comment(&member, id, comment_id, &removal).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/{id}/reports", tag = "posts", summary = "Report a post to the moderators",
    params(PostId), request_body = ReportRequest,
    responses(
        (status = 201, description = "The report, now in the moderators' queue", body = Report),
        (status = 404, description = "Post not found", body = ErrorBody),
        (status = 409, description = "You have already reported this post", body = ErrorBody),
        (status = 429, description = "Too many reports by this member (REPORT_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn report(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    PostId { id }: PostId,
    JsonBody(input): JsonBody<ReportInput>,
) -> Result<(StatusCode, Json<Report>), AppError> {
    Ok((StatusCode::CREATED, Json(state.report_post(&member, id, &input).await?)))
}
