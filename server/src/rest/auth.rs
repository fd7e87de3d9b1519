use super::{ClientIp, CurrentMember, JsonBody};
use app::error::AppError;
use app::model::auth::CredentialsInput;
use app::model::{AuthSession, Member};
use app::service::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

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
