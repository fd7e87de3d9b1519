use crate::openapi::schemas::*;
use crate::readiness::{Phase, Readiness};
use app::error::AppError;
use app::service::Board;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

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

/// Whether a load balancer should send this instance requests: 503 while it starts (migrations), once SIGTERM has
/// asked it to stop, and while its database does not answer within a second (asked on a connection of its own, at
/// most twice a second, so neither a busy pool nor a flood of probes makes a healthy instance look down). Unlike
/// `/healthz`, a 503 here is no reason to restart the process.
#[utoipa::path(get, path = "/readyz", tag = "health", security(()), summary = "Should this instance get traffic?",
    responses(
        (status = 200, description = "Ready for requests", body = Ready),
        (status = 503, description = "Starting, draining before it stops, or its database does not answer", body = Ready),
    ))]
pub async fn readyz(State(readiness): State<Readiness>, State(board): State<Board>) -> (StatusCode, Json<Ready>) {
    let status = match readiness.phase() {
        Phase::Ready if !readiness.database_answers(&board.db).await => "database_unavailable",
        phase => phase.as_str(),
    };
    let code = if status == "ready" { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(Ready { status }))
}
