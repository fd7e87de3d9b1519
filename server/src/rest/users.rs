//! `/users/{id}`: profiles, roles and suspensions; and the caller's own bio (`PATCH /auth/me`).

use super::{CurrentMember, JsonBody, UserId};
use crate::openapi::ErrorBody;
use crate::openapi::moderation::{RoleRequest, SuspensionRequest};
use crate::openapi::schemas::*;
use app::error::AppError;
use app::model::moderation::{RoleInput, Suspension, SuspensionInput};
use app::model::users::{BioInput, Profile};
use app::service::Board;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

#[utoipa::path(get, path = "/{id}", tag = "users", summary = "A member's profile and newest posts",
    params(UserId),
    responses(
        (status = 200, description = "The profile with the member's 20 newest posts (and, for moderators and \
                                      admins, their current suspension)", body = Profile),
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

#[utoipa::path(patch, path = "/{id}/role", tag = "users", summary = "Give a member a role (admins)",
    description = "The change is written to the moderation log. The member's new powers apply on every instance \
                   within 5 seconds.",
    params(UserId), request_body = RoleRequest,
    responses(
        (status = 200, description = "The member's profile, with the new role", body = Profile),
        (status = 403, description = "Only admins can change roles", body = ErrorBody),
        (status = 404, description = "User not found", body = ErrorBody),
        (status = 409, description = "The member is the last admin", body = ErrorBody),
    ))]
pub async fn change_role(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    UserId { id }: UserId,
    JsonBody(input): JsonBody<RoleInput>,
) -> Result<Json<Profile>, AppError> {
    Ok(Json(state.change_role(&member, id, &input).await?))
}

#[utoipa::path(post, path = "/{id}/suspension", tag = "users", summary = "Suspend a member (moderators)",
    description = "Every token the member holds stops working, and logging in answers 403 until the suspension \
                   ends (at `until`) or is lifted. Moderators may suspend members; admins anyone else too. \
                   Written to the moderation log.",
    params(UserId), request_body = SuspensionRequest,
    responses(
        (status = 200, description = "The suspension now in force", body = Suspension),
        (status = 403, description = "Only moderators and admins can do this; moderators cannot suspend \
                                      moderators or admins", body = ErrorBody),
        (status = 404, description = "User not found", body = ErrorBody),
        (status = 409, description = "You cannot suspend yourself", body = ErrorBody),
    ))]
pub async fn suspend(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    UserId { id }: UserId,
    JsonBody(input): JsonBody<SuspensionInput>,
) -> Result<Json<Suspension>, AppError> {
    Ok(Json(state.suspend(&member, id, &input).await?))
}

#[utoipa::path(delete, path = "/{id}/suspension", tag = "users", summary = "Lift a suspension (moderators)",
    params(UserId),
    responses(
        (status = 204, description = "Lifted: the member may log in again"),
        (status = 403, description = "Only moderators and admins can do this; moderators cannot lift a \
                                      moderator's or admin's", body = ErrorBody),
        (status = 404, description = "This member is not suspended", body = ErrorBody),
    ))]
pub async fn lift_suspension(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    UserId { id }: UserId,
) -> Result<StatusCode, AppError> {
    state.lift_suspension(&member, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
