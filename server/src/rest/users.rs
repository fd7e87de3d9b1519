//! `/users/{id}` and the caller's own bio (`PATCH /auth/me`).

use super::{CurrentMember, JsonBody};
use app::error::AppError;
use app::model::posts::parse_id;
use app::model::users::{BioInput, Profile, USER_NOT_FOUND};
use app::service::AppState;
use axum::Json;
use axum::extract::{Path, State};

pub async fn show(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    Path(id): Path<String>,
) -> Result<Json<Profile>, AppError> {
    let user_id = parse_id(&id).ok_or_else(|| AppError::NotFound(USER_NOT_FOUND.into()))?;
    Ok(Json(state.get_profile(&member, user_id).await?))
}

pub async fn update_bio(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    JsonBody(input): JsonBody<BioInput>,
) -> Result<Json<Profile>, AppError> {
    Ok(Json(state.update_bio(&member, &input).await?))
}
