//! Acting on what is not yours: roles (admins), removals, suspensions and the report queue (moderators and
//! admins), reports (every member), and the log that records each of those actions.
//!
//! Who may act is decided by the caller's current role (`Member::role`, read with their token's generation, at
//! most a few seconds old); what they act on is checked by the store in the same transaction as the action.

use super::Board;
use crate::error::AppError;
use crate::model::Member;
use crate::model::moderation::{
    self as rules, LogPage, LogQueryInput, Report, ReportInput, ReportResolution, ReportResolutionInput, ReportedPost,
    ReportsQueryInput, Role, RoleInput, Suspension, SuspensionInput,
};
use crate::model::posts::{COMMENT_NOT_FOUND, POST_NOT_FOUND};
use crate::model::users::{Profile, USER_NOT_FOUND};
use crate::store::moderation::{self as store, LiftOutcome, ReportOutcome, ResolveOutcome, RoleChange, SuspendOutcome};
use crate::store::{Db, users};

fn moderators_only(member: &Member) -> Result<(), AppError> {
    if member.role.can_moderate() { Ok(()) } else { Err(AppError::Forbidden(rules::MODERATORS_ONLY.into())) }
}

fn user_not_found() -> AppError {
    AppError::NotFound(USER_NOT_FOUND.into())
}

/// `bulletin admin grant USERNAME ROLE`: a role change made from the command line (how the first admin is made),
/// under the same rules, logged with no actor. Returns the member's id and whether anything changed. Running
/// instances notice within `MEMBER_TOKENS_TTL`.
pub async fn grant_role(db: &Db, username: &str, role: Role) -> Result<(i64, bool), AppError> {
    let user = users::find_credentials(db, username).await?.ok_or_else(user_not_found)?;
    Ok((user.id, set_role(db, None, user.id, role).await?))
}

/// Gives `user_id` the role (`actor`: who, `None` for the command line); whether it changed.
async fn set_role(db: &Db, actor: Option<i64>, user_id: i64, role: Role) -> Result<bool, AppError> {
    match store::set_role(db, actor, user_id, role).await? {
        RoleChange::Changed { from } => {
            tracing::info!(target: "audit", event = "change_role", user_id = actor, target = user_id,
                from = from.as_str(), to = role.as_str(), "role changed");
            Ok(true)
        }
        RoleChange::Unchanged => Ok(false),
        RoleChange::NoSuchMember => Err(user_not_found()),
        RoleChange::LastAdmin => Err(AppError::Conflict(rules::LAST_ADMIN.into())),
    }
}

impl Board {
    /// A moderator's removal of someone else's post (`delete_post` decides it is one).
    pub(super) async fn remove_post(
        &self,
        moderator: &Member,
        post_id: i64,
        reason: Option<&str>,
    ) -> Result<(), AppError> {
        let author = store::remove_post(&self.db, moderator.user_id, post_id, reason)
            .await?
            .ok_or_else(|| AppError::NotFound(POST_NOT_FOUND.into()))?;
        tracing::info!(target: "audit", event = "remove_post", user_id = moderator.user_id, post_id, author,
            "moderator removed a post");
        Ok(())
    }

    /// A moderator's removal of someone else's comment (`delete_comment` decides it is one).
    pub(super) async fn remove_comment(
        &self,
        moderator: &Member,
        post_id: i64,
        comment_id: i64,
        reason: Option<&str>,
    ) -> Result<(), AppError> {
        let author = store::remove_comment(&self.db, moderator.user_id, post_id, comment_id, reason)
            .await?
            .ok_or_else(|| AppError::NotFound(COMMENT_NOT_FOUND.into()))?;
        tracing::info!(target: "audit", event = "remove_comment", user_id = moderator.user_id, post_id, comment_id,
            author, "moderator removed a comment");
        Ok(())
    }

    /// Why a write by `member` that checks their suspension was refused though they were signed in: they were
    /// suspended after this instance last read their tokens. Read again, so this instance stops accepting the
    /// revoked tokens at once.
    pub(super) async fn suspended_meanwhile(&self, member: &Member) -> AppError {
        match self.reread_member(member.user_id).await {
            Ok(Some(suspension)) => AppError::Suspended { until: suspension.until, signed_out: true },
            Ok(None) => AppError::token_invalid(),
            Err(err) => err,
        }
    }

    /// After this instance changed a member's role or suspension (committed), or the member signed in (and may
    /// have been told to, to use a new role): this instance applies what the database says at once. Whatever
    /// happens here, the change stands; should the read fail, it applies within `MEMBER_TOKENS_TTL`, as on every
    /// other instance.
    pub(super) async fn apply_change_to(&self, user_id: i64) {
        if let Err(err) = self.reread_member(user_id).await {
            tracing::warn!(user_id, error = %err, "could not read a changed member again; applies within the cache's seconds");
        }
    }

    /// Reads the member's tokens, role and suspension from the database into the cache (after this instance
    /// changed them, or found they had changed); returns their suspension in force, if any.
    async fn reread_member(&self, user_id: i64) -> Result<Option<crate::security::SuspensionEnd>, AppError> {
        Ok(self.read_member_tokens(user_id).await?.and_then(|tokens| tokens.suspension))
    }

    /// `PATCH /users/{id}/role`: admins only. The last admin cannot be made anything else (409). The member's
    /// new powers apply on this instance at once, on others within `MEMBER_TOKENS_TTL`.
    pub async fn change_role(&self, admin: &Member, user_id: i64, input: &RoleInput) -> Result<Profile, AppError> {
        if !admin.role.is_admin() {
            return Err(AppError::Forbidden(rules::ADMINS_ONLY.into()));
        }
        let role = rules::validate_role(input)?;
        if set_role(&self.db, Some(admin.user_id), user_id, role).await? {
            self.apply_change_to(user_id).await;
        }
        self.get_profile(admin, user_id).await
    }

    /// `POST /users/{id}/suspension`: moderators may suspend members, admins anyone but themselves. Every token
    /// of the member stops working (on this instance at once, on others within `MEMBER_TOKENS_TTL`; their new
    /// posts and comments are refused everywhere at once, by the database).
    pub async fn suspend(
        &self,
        moderator: &Member,
        user_id: i64,
        input: &SuspensionInput,
    ) -> Result<Suspension, AppError> {
        moderators_only(moderator)?;
        let request = rules::validate_suspension(input, crate::client::clock::now_millis())?;
        if user_id == moderator.user_id {
            return Err(AppError::Conflict(rules::NOT_YOURSELF.into()));
        }
        match store::suspend(&self.db, moderator.user_id, moderator.role.is_admin(), user_id, &request).await? {
            SuspendOutcome::Suspended { suspension, generation } => {
                tracing::info!(target: "audit", event = "suspend", user_id = moderator.user_id, target = user_id,
                    generation, until = suspension.until.as_deref(), "member suspended, their tokens revoked");
                crate::telemetry::tokens_revoked("suspension");
                self.remember_revocation(user_id, Some(generation), None).await;
                Ok(suspension)
            }
            SuspendOutcome::NoSuchMember => Err(user_not_found()),
            SuspendOutcome::Protected => Err(AppError::Forbidden(rules::NOT_SUSPENDABLE.into())),
        }
    }

    /// `DELETE /users/{id}/suspension`: ends it now (the same role rule as suspending). Not suspended: 404.
    pub async fn lift_suspension(&self, moderator: &Member, user_id: i64) -> Result<(), AppError> {
        moderators_only(moderator)?;
        match store::lift_suspension(&self.db, moderator.user_id, moderator.role.is_admin(), user_id).await? {
            LiftOutcome::Lifted => {
                tracing::info!(target: "audit", event = "lift_suspension", user_id = moderator.user_id,
                    target = user_id, "suspension lifted");
                self.apply_change_to(user_id).await;
                Ok(())
            }
            LiftOutcome::NotSuspended => Err(AppError::NotFound(rules::NOT_SUSPENDED.into())),
            LiftOutcome::Protected => Err(AppError::Forbidden(rules::NOT_SUSPENDABLE.into())),
        }
    }

    /// `POST /posts/{id}/reports`: once per member and post (409 on a repeat).
    pub async fn report_post(&self, member: &Member, post_id: i64, input: &ReportInput) -> Result<Report, AppError> {
        let reason = rules::validate_reason(input.reason.as_deref())?;
        self.write_limits.reports.attempt(member.user_id).await?;
        match store::add_report(&self.db, member.user_id, post_id, &reason).await? {
            ReportOutcome::Created(report) => {
                tracing::info!(target: "audit", event = "report", user_id = member.user_id, post_id,
                    report_id = report.id, "post reported");
                Ok(report)
            }
            ReportOutcome::Duplicate => Err(AppError::Conflict(rules::ALREADY_REPORTED.into())),
            ReportOutcome::NoSuchPost => Err(AppError::NotFound(POST_NOT_FOUND.into())),
        }
    }

    /// `GET /moderation/reports?status=`: the queue (open reports by default), by post, oldest first.
    pub async fn reported_posts(
        &self,
        moderator: &Member,
        query: &ReportsQueryInput,
    ) -> Result<Vec<ReportedPost>, AppError> {
        moderators_only(moderator)?;
        let status = rules::validate_reports_query(query)?;
        store::reported_posts(&self.db, moderator.user_id, status).await
    }

    /// `PATCH /moderation/reports/{id}`: dismisses or actions the report and the post's other open ones.
    pub async fn resolve_report(
        &self,
        moderator: &Member,
        report_id: i64,
        input: &ReportResolutionInput,
    ) -> Result<ReportResolution, AppError> {
        moderators_only(moderator)?;
        let status = rules::validate_resolution(input)?;
        match store::resolve_report(&self.db, moderator.user_id, report_id, status).await? {
            ResolveOutcome::Resolved(resolution) => {
                tracing::info!(target: "audit", event = "resolve_report", user_id = moderator.user_id, report_id,
                    status = status.as_str(), resolved = resolution.resolved, "reports resolved");
                Ok(resolution)
            }
            ResolveOutcome::NoSuchReport => Err(AppError::NotFound(rules::REPORT_NOT_FOUND.into())),
            ResolveOutcome::AlreadyResolved => Err(AppError::Conflict(rules::REPORT_RESOLVED.into())),
        }
    }

    /// `GET /moderation/log`: newest first, by cursor.
    pub async fn moderation_log(&self, moderator: &Member, input: &LogQueryInput) -> Result<LogPage, AppError> {
        moderators_only(moderator)?;
        let query = rules::validate_log_query(input)?;
        let mut entries = store::log_page(&self.db, query).await?;
        let has_more = entries.len() as i64 > query.limit;
        entries.truncate(query.limit as usize);
        let next_cursor = entries.last().filter(|_| has_more).map(|last| last.id.to_string());
        Ok(LogPage { entries, next_cursor })
    }
}
