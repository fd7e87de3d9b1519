use crate::openapi::schemas::*;
use app::error::AppError;
use app::service::Board;
use axum::Json;
use axum::extract::State;

/// Healthy means the database answers, not merely that the process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()), summary = "Is the service up?",
    responses((status = 200, description = "The service and its database answer", body = Health)))]
pub async fn healthz(State(state): State<Board>) -> Result<Json<Health>, AppError> {
    state.db.ping().await?;
    Ok(Json(Health { status: "ok" }))
}
