use crate::openapi::schemas::*;
use app::error::AppError;
use app::service::Board;
use axum::Json;
use axum::extract::State;

/// Healthy means the database answers, not merely that the process is up. A replica that does not answer does not
/// make the instance unhealthy (its reads go to the primary); it shows in `replicas.in_use`.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()), summary = "Is the service up?",
    responses((status = 200, description = "The service and its database answer", body = Health)))]
pub async fn healthz(State(state): State<Board>) -> Result<Json<Health>, AppError> {
    state.db.ping().await?;
    let replicas = state.db.replicas_in_use();
    let replicas = (!replicas.is_empty()).then(|| ReplicaHealth {
        configured: replicas.len(),
        in_use: replicas.iter().filter(|(_, in_use)| *in_use).count(),
    });
    Ok(Json(Health { status: "ok", replicas }))
}
