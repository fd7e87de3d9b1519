use crate::openapi::schemas::*;
use app::error::AppError;
use app::service::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

/// Healthy means the database answers, not merely that the process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()), summary = "Is the service up?",
    responses((status = 200, description = "The service and its database answer", body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    state.db.ping().await?;
    Ok(Json(json!({ "status": "ok" })))
}
