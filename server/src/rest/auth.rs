use super::{ClientIp, CurrentMember, JsonBody};
use app::error::AppError;
use app::model::auth::{CredentialsInput, PasswordChangeInput};
use app::model::{AuthSession, Member};
use app::service::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};

pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(input): JsonBody<CredentialsInput>,
) -> Result<(StatusCode, Json<AuthSession>), AppError> {
    Ok((StatusCode::CREATED, Json(state.register(ip, input).await?)))
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(input): JsonBody<CredentialsInput>,
) -> Result<Json<AuthSession>, AppError> {
    Ok(Json(state.login(ip, input).await?))
}

pub async fn me(CurrentMember(member): CurrentMember) -> Json<Member> {
    Json(member)
}

/// `POST /auth/refresh`: a fresh token for a still-valid one (the header is read here, not by `CurrentMember`,
/// because the service needs the token's own claims).
pub async fn refresh(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<AuthSession>, AppError> {
    Ok(Json(state.refresh(headers.get(header::AUTHORIZATION).map(|v| v.as_bytes())).await?))
}

/// `POST /auth/logout-all`: every token of the caller stops working (this one too).
pub async fn logout_all(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
) -> Result<StatusCode, AppError> {
    state.logout_all(&member).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PATCH /auth/password`: a new password, every older token revoked, and a fresh token for this client.
pub async fn change_password(
    State(state): State<AppState>,
    CurrentMember(member): CurrentMember,
    JsonBody(input): JsonBody<PasswordChangeInput>,
) -> Result<Json<AuthSession>, AppError> {
    Ok(Json(state.change_password(&member, input).await?))
}
