//! `/users/{id}` and the caller's own bio (`PATCH /auth/me`).

use super::{CurrentMember, JsonBody, UserId};
use crate::openapi::ErrorBody;
use crate::openapi::schemas::*;
use app::error::AppError;
use app::model::users::{BioInput, Profile};
use app::service::Board;
use axum::Json;
use axum::extract::State;

#[utoipa::path(get, path = "/{id}", tag = "users", summary = "A member's profile and newest posts",
    params(UserId),
    responses(
        (status = 200, description = "The profile with the member's 20 newest posts", body = Profile),
        (status = 404, description = "User not found", body = ErrorBody),
    ))]
pub async fn show(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    UserId { id }: UserId,
) -> Result<Json<Profile>, AppError> {
    Ok(Json(state.get_profile(&member, id).await?))
}

#[utoipa::path(patch, path = "/me", tag = "auth", summary = "Set your bio",
    request_body = BioRequest,
    responses(
        (status = 200, description = "Your profile with the new bio", body = Profile),
        (status = 429, description = "Too many bio edits by this member (PROFILE_RATE_LIMIT)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn update_bio(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    JsonBody(input): JsonBody<BioInput>,
) -> Result<Json<Profile>, AppError> {
    Ok(Json(state.update_bio(&member, &input).await?))
}
