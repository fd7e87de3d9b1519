//! Roles, removals, suspensions, reports and the moderation log: the types both doors and the browser share, and
//! their validation.

use super::posts::Post;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The longest reason a report, removal or suspension may give.
pub const REASON_MAX: usize = 500;
/// Log entries per page of `GET /moderation/log` (and the most a client may ask for).
pub const LOG_LIMIT_DEFAULT: i64 = 50;
pub const LOG_LIMIT_MAX: i64 = 100;
/// Reported posts per answer of `GET /moderation/reports`, oldest report first, and reasons shown per post.
pub const REPORTED_POSTS_MAX: i64 = 50;
pub const REASONS_PER_POST_MAX: usize = 20;

pub const MODERATORS_ONLY: &str = "Only moderators and admins can do this";
pub const ADMINS_ONLY: &str = "Only admins can change roles";
pub const LAST_ADMIN: &str = "This is the last admin: make someone else admin first";
pub const NOT_SUSPENDABLE: &str = "Moderators cannot suspend moderators or admins";
pub const NOT_YOURSELF: &str = "You cannot suspend yourself";
pub const NOT_SUSPENDED: &str = "This member is not suspended";
pub const ALREADY_REPORTED: &str = "You have already reported this post";
pub const REPORT_NOT_FOUND: &str = "Report not found";
pub const REPORT_RESOLVED: &str = "This report was already resolved";
pub const UNTIL_IN_PAST: &str = "until must be in the future";
pub const UNTIL_INVALID: &str = "until must be an RFC 3339 date-time, such as 2026-12-01T18:00:00Z";
pub const UNTIL_TOO_LATE: &str = "until must be before the year 10000 (leave it out for a suspension until lifted)";
pub const SUSPENDED: &str = "Account suspended";
/// 9999-12-31T23:59:59.999Z.
const LATEST_UNTIL_MILLIS: i64 = 253_402_300_799_999;

/// What a member may do beyond their own posts. Stored per member; every decision reads the current one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Role {
    #[default]
    Member,
    /// Removes anyone's posts and comments, suspends members, works the report queue.
    Moderator,
    /// A moderator who also gives and takes roles.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Member, Role::Moderator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    pub fn can_moderate(self) -> bool {
        matches!(self, Role::Moderator | Role::Admin)
    }

    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = AppError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| AppError::Validation("role must be one of: member, moderator, admin".into()))
    }
}

/// The enums stored as TEXT columns (`users.role`, `reports.status`, `moderation_log.action`), which the schema's
/// CHECKs keep to their names, read straight into rows.
#[cfg(feature = "ssr")]
mod text_columns {
    use sqlx::{Database, Decode, Type};

    macro_rules! text_column {
        ($name:ty) => {
            impl<DB: Database> Type<DB> for $name
            where
                String: Type<DB>,
            {
                fn type_info() -> DB::TypeInfo {
                    <String as Type<DB>>::type_info()
                }

                fn compatible(ty: &DB::TypeInfo) -> bool {
                    <String as Type<DB>>::compatible(ty)
                }
            }

            impl<'r, DB: Database> Decode<'r, DB> for $name
            where
                String: Decode<'r, DB>,
            {
                fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                    Ok(<String as Decode<'r, DB>>::decode(value)?.parse::<$name>()?)
                }
            }
        };
    }

    text_column!(super::Role);
    text_column!(super::ReportStatus);
    text_column!(super::LogAction);
}

/// `PATCH /users/{id}/role`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleInput {
    pub role: Option<String>,
}

pub fn validate_role(input: &RoleInput) -> Result<Role, AppError> {
    input.role.as_deref().ok_or_else(|| AppError::Validation("Missing required fields: role".into()))?.parse()
}

/// The optional body of a moderator's `DELETE` of someone else's post or comment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovalInput {
    pub reason: Option<String>,
}

/// `POST /posts/{id}/reports`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportInput {
    pub reason: Option<String>,
}

/// `POST /users/{id}/suspension`. `until`: RFC 3339, any offset; absent or `null` until lifted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspensionInput {
    pub reason: Option<String>,
    pub until: Option<String>,
}

/// A validated suspension: the reason, trimmed, and its end as Bulletin's UTC text (`None`: until lifted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspensionRequest {
    pub reason: String,
    pub until: Option<String>,
}

/// `PATCH /moderation/reports/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportResolutionInput {
    pub status: Option<String>,
}

/// A report's state. Open reports are the queue; a moderator's decision closes every open report of the post.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ReportStatus {
    #[default]
    Open,
    /// Looked at; nothing to do.
    Dismissed,
    /// Looked at and acted on.
    Actioned,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Open => "open",
            ReportStatus::Dismissed => "dismissed",
            ReportStatus::Actioned => "actioned",
        }
    }

    pub fn parse(text: &str) -> Option<ReportStatus> {
        [ReportStatus::Open, ReportStatus::Dismissed, ReportStatus::Actioned].into_iter().find(|s| s.as_str() == text)
    }
}

impl FromStr for ReportStatus {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ReportStatus::parse(text).ok_or_else(|| format!("unknown report status {text}"))
    }
}

/// What a resolution may set: `dismissed` or `actioned` (a report cannot be reopened).
pub fn validate_resolution(input: &ReportResolutionInput) -> Result<ReportStatus, AppError> {
    let status =
        input.status.as_deref().ok_or_else(|| AppError::Validation("Missing required fields: status".into()))?;
    match ReportStatus::parse(status) {
        Some(status @ (ReportStatus::Dismissed | ReportStatus::Actioned)) => Ok(status),
        _ => Err(AppError::Validation("status must be dismissed or actioned".into())),
    }
}

/// `GET /moderation/reports?status=`: which reports to list (open by default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportsQueryInput {
    pub status: Option<String>,
}

pub fn validate_reports_query(input: &ReportsQueryInput) -> Result<ReportStatus, AppError> {
    match input.status.as_deref() {
        None => Ok(ReportStatus::Open),
        Some(status) => ReportStatus::parse(status)
            .ok_or_else(|| AppError::Validation("status must be open, dismissed or actioned".into())),
    }
}

/// `GET /moderation/log?cursor=&limit=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogQueryInput {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// A validated log query: entries older than `before` (an entry id), at most `limit` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogQuery {
    pub before: Option<i64>,
    pub limit: i64,
}

pub fn validate_log_query(input: &LogQueryInput) -> Result<LogQuery, AppError> {
    let limit = input.limit.unwrap_or(LOG_LIMIT_DEFAULT);
    if !(1..=LOG_LIMIT_MAX).contains(&limit) {
        return Err(AppError::Validation(format!("limit must be between 1 and {LOG_LIMIT_MAX}")));
    }
    // At most 18 digits, as the document says: every id fits, and every such number is an i64.
    let before = match input.cursor.as_deref() {
        None | Some("") => None,
        Some(cursor) => Some(
            super::posts::parse_id(cursor)
                .filter(|_| cursor.len() <= 18)
                .ok_or_else(|| AppError::Validation("Invalid cursor".into()))?,
        ),
    };
    Ok(LogQuery { before, limit })
}

/// A reason: trimmed, 1–500 characters, no NUL.
pub fn validate_reason(reason: Option<&str>) -> Result<String, AppError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let reason = reason.ok_or_else(|| AppError::Validation("Missing required fields: reason".into()))?;
    super::reject_nul(reason, "Reason")?;
    if reason.chars().count() > REASON_MAX {
        return Err(AppError::Validation(format!("Reason must be 1-{REASON_MAX} characters")));
    }
    Ok(reason.to_owned())
}

/// A removal's reason is optional: absent or blank is none.
pub fn validate_removal(input: &RemovalInput) -> Result<Option<String>, AppError> {
    match input.reason.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        reason => validate_reason(reason).map(Some),
    }
}

/// `now_millis`: the server's clock, for refusing an end in the past.
pub fn validate_suspension(input: &SuspensionInput, now_millis: i64) -> Result<SuspensionRequest, AppError> {
    let reason = validate_reason(input.reason.as_deref())?;
    let until = match input.until.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            let at =
                super::time::parse_rfc3339_millis(text).ok_or_else(|| AppError::Validation(UNTIL_INVALID.into()))?;
            if at <= now_millis {
                return Err(AppError::Validation(UNTIL_IN_PAST.into()));
            }
            // Stored as text that sorts as time only while the year has four digits.
            if at > LATEST_UNTIL_MILLIS {
                return Err(AppError::Validation(UNTIL_TOO_LATE.into()));
            }
            Some(super::time::format_utc_millis(at))
        }
    };
    Ok(SuspensionRequest { reason, until })
}

/// A member's current suspension, as moderators see it on the profile and as `POST /users/{id}/suspension`
/// answers. `until`: `None` until lifted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Suspension {
    pub user_id: i64,
    pub reason: String,
    pub until: Option<String>,
    pub suspended_at: String,
    /// The moderator or admin who suspended; `None` when that account is gone.
    pub suspended_by: Option<i64>,
}

/// A member's report, as `POST /posts/{id}/reports` answers it and the queue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct Report {
    pub id: i64,
    pub post_id: i64,
    pub reporter_id: i64,
    pub reporter_username: String,
    pub reason: String,
    pub status: ReportStatus,
    pub created_at: String,
}

/// One post in the report queue: the post, how many reports it has in this status and (the first 20 of) them.
/// `id`: the oldest of those reports, the one to resolve; resolving it resolves the post's others with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportedPost {
    pub id: i64,
    pub post: Post,
    pub count: i64,
    pub reports: Vec<Report>,
}

/// `PATCH /moderation/reports/{id}`'s answer: the decision and how many reports it closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportResolution {
    pub id: i64,
    pub post_id: i64,
    pub status: ReportStatus,
    pub resolved: i64,
}

/// What a moderation log entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum LogAction {
    RemovePost,
    RemoveComment,
    Suspend,
    LiftSuspension,
    ChangeRole,
    ResolveReport,
}

impl LogAction {
    pub const ALL: [LogAction; 6] = [
        LogAction::RemovePost,
        LogAction::RemoveComment,
        LogAction::Suspend,
        LogAction::LiftSuspension,
        LogAction::ChangeRole,
        LogAction::ResolveReport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LogAction::RemovePost => "remove_post",
            LogAction::RemoveComment => "remove_comment",
            LogAction::Suspend => "suspend",
            LogAction::LiftSuspension => "lift_suspension",
            LogAction::ChangeRole => "change_role",
            LogAction::ResolveReport => "resolve_report",
        }
    }

    /// How the log page says it.
    pub fn verb(self) -> &'static str {
        match self {
            LogAction::RemovePost => "removed a post",
            LogAction::RemoveComment => "removed a comment",
            LogAction::Suspend => "suspended",
            LogAction::LiftSuspension => "lifted the suspension of",
            LogAction::ChangeRole => "changed the role of",
            LogAction::ResolveReport => "resolved reports",
        }
    }
}

impl FromStr for LogAction {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        LogAction::ALL.into_iter().find(|a| a.as_str() == text).ok_or_else(|| format!("unknown log action {text}"))
    }
}

/// One moderation log entry: who did what to whom, why and when. `actor_id` is `None` for the command line
/// (`bulletin admin grant`); `detail` says what was touched (the post's title, the role change, the suspension's
/// end, the decision), since the post itself may be gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct LogEntry {
    pub id: i64,
    pub action: LogAction,
    pub actor_id: Option<i64>,
    pub actor_username: Option<String>,
    pub target_user_id: Option<i64>,
    pub target_username: Option<String>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub report_id: Option<i64>,
    pub reason: Option<String>,
    pub detail: Option<String>,
    pub created_at: String,
}

/// A page of the log, newest first; `next_cursor` continues with older entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LogPage {
    pub entries: Vec<LogEntry>,
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_their_names_only() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("Admin".parse::<Role>().is_err());
        assert!(validate_role(&RoleInput { role: None }).is_err());
        assert!(Role::Admin.can_moderate() && Role::Moderator.can_moderate() && !Role::Member.can_moderate());
    }

    #[test]
    fn reasons_are_trimmed_and_bounded() {
        assert_eq!(validate_reason(Some("  spam ")), Ok("spam".into()));
        assert!(validate_reason(Some("   ")).is_err());
        assert!(validate_reason(Some(&"r".repeat(REASON_MAX))).is_ok());
        assert!(validate_reason(Some(&"r".repeat(REASON_MAX + 1))).is_err());
        assert!(validate_reason(Some("a\0b")).is_err());
        assert_eq!(validate_removal(&RemovalInput { reason: Some(" ".into()) }), Ok(None));
    }

    #[test]
    fn a_suspension_ends_in_the_future_or_never() {
        let now = super::super::time::parse_utc_millis("2026-11-28T12:00:00.000Z").unwrap();
        let input = |until: Option<&str>| SuspensionInput { reason: Some("spam".into()), until: until.map(Into::into) };
        assert_eq!(validate_suspension(&input(None), now).unwrap().until, None);
        let later = validate_suspension(&input(Some("2026-11-28T14:00:00+01:00")), now).unwrap();
        assert_eq!(later.until.as_deref(), Some("2026-11-28T13:00:00.000Z"));
        assert_eq!(
            validate_suspension(&input(Some("2026-11-28T12:00:00Z")), now),
            Err(AppError::Validation(UNTIL_IN_PAST.into()))
        );
        assert_eq!(validate_suspension(&input(Some("soon")), now), Err(AppError::Validation(UNTIL_INVALID.into())));
        let last = validate_suspension(&input(Some("9999-12-31T23:59:59.999Z")), now).unwrap();
        assert_eq!(last.until.as_deref(), Some("9999-12-31T23:59:59.999Z"));
        let too_late = input(Some("9999-12-31T23:59:59-01:00"));
        assert_eq!(validate_suspension(&too_late, now), Err(AppError::Validation(UNTIL_TOO_LATE.into())));
    }

    #[test]
    fn log_queries_are_bounded() {
        assert_eq!(
            validate_log_query(&LogQueryInput::default()),
            Ok(LogQuery { before: None, limit: LOG_LIMIT_DEFAULT })
        );
        let query = LogQueryInput { cursor: Some("42".into()), limit: Some(5) };
        assert_eq!(validate_log_query(&query), Ok(LogQuery { before: Some(42), limit: 5 }));
        assert!(validate_log_query(&LogQueryInput { cursor: Some("x".into()), limit: None }).is_err());
        assert!(validate_log_query(&LogQueryInput { cursor: None, limit: Some(0) }).is_err());
        assert!(validate_resolution(&ReportResolutionInput { status: Some("open".into()) }).is_err());
    }
}
