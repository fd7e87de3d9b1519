//! Moderation for the SPA: the same service calls as the REST door's reports, roles, suspensions, report queue
//! and log.

use super::BearerClient;
use crate::error::AppError;
use crate::model::moderation::{LogPage, ReportResolution, ReportedPost, Suspension};
use crate::model::users::Profile;
use leptos::prelude::*;
use server_fn::codec::Json;

/// Answers only whether the report was filed (the page has nothing to show of it), which keeps the report's
/// decoding out of the post page's code.
#[server(prefix = "/api", endpoint = "report_post", client = BearerClient, input = Json)]
pub async fn report_post(post_id: i64, reason: String) -> Result<(), AppError> {
    use crate::model::moderation::ReportInput;
    let caller = super::request_context::caller().await?;
    caller.board.report_post(&caller.member, post_id, &ReportInput { reason: Some(reason) }).await.map(drop)
}

#[server(prefix = "/api", endpoint = "change_role", client = BearerClient, input = Json)]
pub async fn change_role(user_id: i64, role: String) -> Result<Profile, AppError> {
    use crate::model::moderation::RoleInput;
    let caller = super::request_context::caller().await?;
    caller.board.change_role(&caller.member, user_id, &RoleInput { role: Some(role) }).await
}

/// `until`: RFC 3339; `None` until lifted.
#[server(prefix = "/api", endpoint = "suspend_member", client = BearerClient, input = Json)]
pub async fn suspend_member(user_id: i64, reason: String, until: Option<String>) -> Result<Suspension, AppError> {
    use crate::model::moderation::SuspensionInput;
    let caller = super::request_context::caller().await?;
    caller.board.suspend(&caller.member, user_id, &SuspensionInput { reason: Some(reason), until }).await
}

#[server(prefix = "/api", endpoint = "lift_suspension", client = BearerClient, input = Json)]
pub async fn lift_suspension(user_id: i64) -> Result<(), AppError> {
    let caller = super::request_context::caller().await?;
    caller.board.lift_suspension(&caller.member, user_id).await
}

/// `status`: open (the default), dismissed or actioned.
#[server(prefix = "/api", endpoint = "reported_posts", client = BearerClient, input = Json)]
pub async fn reported_posts(status: Option<String>) -> Result<Vec<ReportedPost>, AppError> {
    use crate::model::moderation::ReportsQueryInput;
    let caller = super::request_context::caller().await?;
    caller.board.reported_posts(&caller.member, &ReportsQueryInput { status }).await
}

#[server(prefix = "/api", endpoint = "resolve_report", client = BearerClient, input = Json)]
pub async fn resolve_report(report_id: i64, status: String) -> Result<ReportResolution, AppError> {
    use crate::model::moderation::ReportResolutionInput;
    let caller = super::request_context::caller().await?;
    caller.board.resolve_report(&caller.member, report_id, &ReportResolutionInput { status: Some(status) }).await
}

#[server(prefix = "/api", endpoint = "moderation_log", client = BearerClient, input = Json)]
pub async fn moderation_log(cursor: Option<String>) -> Result<LogPage, AppError> {
    use crate::model::moderation::LogQueryInput;
    let caller = super::request_context::caller().await?;
    caller.board.moderation_log(&caller.member, &LogQueryInput { cursor, limit: None }).await
}
