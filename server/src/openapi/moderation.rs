//! The request bodies and queries of moderation, as the document describes them: the rules of
//! `app::model::moderation`, from its own constants.

use super::schemas::{optional_trimmed_pattern, string, trimmed_pattern};
use app::model::moderation::REASON_MAX;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

fn reason() -> Object {
    string(None, None, Some(trimmed_pattern(1, REASON_MAX)), &format!("1-{REASON_MAX} characters once trimmed"))
}

/// A string or `null` (which the server reads as "not given").
fn nullable(mut text: Object) -> Object {
    text.schema_type = SchemaType::from_iter([Type::String, Type::Null]);
    text
}

fn optional_reason() -> Object {
    let description =
        format!("Why, for the moderation log: at most {REASON_MAX} characters once trimmed; may be left out or null");
    nullable(string(None, None, Some(optional_trimmed_pattern(REASON_MAX)), &description))
}

fn until() -> Object {
    let until = ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::DateTime)))
        .description(Some(
            "When the suspension ends by itself: an RFC 3339 date-time in the future (before the year 10000), any \
             offset. Left out or null: until it is lifted",
        ))
        .build();
    nullable(until)
}

/// The roles a member may have.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum RoleName {
    /// Reads and writes; edits and deletes their own posts and comments.
    Member,
    /// Also removes anyone's posts and comments, suspends members and works the report queue.
    Moderator,
    /// Also gives and takes roles.
    Admin,
}

/// `PATCH /users/{id}/role`.
#[derive(ToSchema)]
#[schema(example = json!({"role": "moderator"}))]
pub struct RoleRequest {
    #[schema(inline)]
    pub role: RoleName,
}

/// The optional body of `DELETE /posts/{id}` and `DELETE /posts/{id}/comments/{comment_id}`: read only when a
/// moderator or admin removes someone else's post or comment.
#[derive(ToSchema)]
#[schema(example = json!({"reason": "Spam"}))]
pub struct RemovalRequest {
    #[schema(schema_with = optional_reason)]
    pub reason: Option<String>,
}

/// `POST /posts/{id}/reports`.
#[derive(ToSchema)]
#[schema(example = json!({"reason": "Advertising, posted in every thread"}))]
pub struct ReportRequest {
    #[schema(schema_with = reason)]
    pub reason: String,
}

/// `POST /users/{id}/suspension`.
#[derive(ToSchema)]
#[schema(example = json!({"reason": "Spam after two warnings", "until": "2026-12-31T00:00:00Z"}))]
pub struct SuspensionRequest {
    #[schema(schema_with = reason)]
    pub reason: String,
    #[schema(schema_with = until)]
    pub until: Option<String>,
}

/// A moderator's decision on a report.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Decision {
    /// Looked at; nothing to do.
    Dismissed,
    /// Looked at and acted on.
    Actioned,
}

/// `PATCH /moderation/reports/{id}`.
#[derive(ToSchema)]
#[schema(example = json!({"status": "dismissed"}))]
pub struct ResolutionRequest {
    #[schema(inline)]
    pub status: Decision,
}

/// A report's state.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ReportState {
    Open,
    Dismissed,
    Actioned,
}

/// The query of `GET /moderation/reports`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportsParams {
    /// Which reports to list (default: open).
    #[param(inline)]
    pub status: Option<ReportState>,
}

/// The query of `GET /moderation/log`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// `next_cursor` of the previous page, to continue with older entries (empty: the newest).
    #[param(pattern = "^(?:[1-9][0-9]{0,17})?$")]
    pub cursor: Option<String>,
    /// Entries per page (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

#[cfg(test)]
mod tests {
    use app::model::moderation::{LOG_LIMIT_DEFAULT, LOG_LIMIT_MAX};

    /// `LogParams` writes them into its attributes, which cannot name constants.
    #[test]
    fn the_documented_log_limits_are_the_shared_ones() {
        assert_eq!((LOG_LIMIT_DEFAULT, LOG_LIMIT_MAX), (50, 100));
    }
}
