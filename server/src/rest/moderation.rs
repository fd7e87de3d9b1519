//! `/moderation`: the report queue and the moderation log, for moderators and admins (403 for members).

use super::{CurrentMember, JsonBody, QueryParams, ReportId};
use crate::openapi::ErrorBody;
use crate::openapi::moderation::{LogParams, ReportsParams, ResolutionRequest};
use app::error::AppError;
use app::model::moderation::{
    LogPage, LogQueryInput, ReportResolution, ReportResolutionInput, ReportedPost, ReportsQueryInput,
};
use app::service::Board;
use axum::Json;
use axum::extract::State;

#[utoipa::path(get, path = "/reports", tag = "moderation", summary = "The report queue",
    description = "Reported posts, by their oldest report first (at most 50), each with how many reports it has \
                   in this status and the first 20 of them.",
    params(ReportsParams),
    responses(
        (status = 200, description = "The reported posts", body = Vec<ReportedPost>),
        (status = 400, description = "status is not open, dismissed or actioned", body = ErrorBody),
        (status = 403, description = "Only moderators and admins can do this", body = ErrorBody),
    ))]
pub async fn reports(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    QueryParams(query): QueryParams<ReportsQueryInput>,
) -> Result<Json<Vec<ReportedPost>>, AppError> {
    Ok(Json(state.reported_posts(&member, &query).await?))
}

#[utoipa::path(patch, path = "/reports/{id}", tag = "moderation", summary = "Resolve a report",
    description = "Dismisses or actions the report and every other open report of the same post; written to the \
                   moderation log. A report that is no longer open is refused (409): of two moderators resolving \
                   one post's reports at once, one succeeds.",
    params(ReportId), request_body = ResolutionRequest,
    responses(
        (status = 200, description = "The decision and how many reports it closed", body = ReportResolution),
        (status = 403, description = "Only moderators and admins can do this", body = ErrorBody),
        (status = 404, description = "Report not found", body = ErrorBody),
        (status = 409, description = "This report was already resolved", body = ErrorBody),
    ))]
pub async fn resolve(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    ReportId { id }: ReportId,
    JsonBody(input): JsonBody<ReportResolutionInput>,
) -> Result<Json<ReportResolution>, AppError> {
    Ok(Json(state.resolve_report(&member, id, &input).await?))
}

#[utoipa::path(get, path = "/log", tag = "moderation", summary = "The moderation log",
    description = "Every removal, suspension, lifting, role change and report resolution, newest first: who, \
                   what, whom, why and when.",
    params(LogParams),
    responses(
        (status = 200, description = "A page of the log", body = LogPage),
        (status = 400, description = "A query parameter breaks its rule", body = ErrorBody),
        (status = 403, description = "Only moderators and admins can do this", body = ErrorBody),
    ))]
pub async fn log(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    QueryParams(query): QueryParams<LogQueryInput>,
) -> Result<Json<LogPage>, AppError> {
    Ok(Json(state.moderation_log(&member, &query).await?))
}
