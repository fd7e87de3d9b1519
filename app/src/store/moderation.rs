//! Roles, removals, suspensions, reports and the moderation log.
//!
//! Every moderator's action and its log entry are one transaction (`committed_transaction!`): the entry exists
//! exactly when the action happened. Each checks what it depends on inside that transaction, holding (on
//! PostgreSQL) the locks that keep the check true until it commits; SQLite has one writer, so its transactions
//! run one at a time anyway.

use super::posts::POST_COLUMNS;
use super::{Db, Dialect, committed_transaction, committed_write, on_pool, single};
use crate::error::AppError;
use crate::model::moderation::{
    LogAction, LogEntry, LogQuery, REASONS_PER_POST_MAX, REPORTED_POSTS_MAX, Report, ReportResolution, ReportStatus,
    ReportedPost, Role, Suspension, SuspensionRequest,
};
use crate::model::posts::Post;
use std::collections::HashMap;

/// Now, as the timestamps are stored (`2026-11-28T12:00:00.123Z`), for comparing with a suspension's end.
pub fn now_text() -> String {
    crate::model::time::format_utc_millis(crate::client::clock::now_millis())
}

/// The condition "member `author` is not suspended at `now`" over `users`, for the statements that write as
/// them (`$` placeholders given by the caller).
pub(super) fn not_suspended(author: &str, now: &str) -> String {
    format!("id = {author} AND (suspended_at IS NULL OR suspended_until <= {now})")
}

/// The row lock a PostgreSQL statement takes on what it read, so a concurrent change of those rows waits for
/// it (or it for them) and its check is made against their newest version; nothing on SQLite, whose writes are
/// one at a time.
pub(super) fn locking(dialect: Dialect, strength: &str) -> String {
    match dialect {
        Dialect::Sqlite => String::new(),
        Dialect::Postgres => format!(" FOR {strength}"),
    }
}

/// A log entry to write with its action.
struct Record<'a> {
    action: LogAction,
    actor: Option<i64>,
    target_user: Option<i64>,
    post_id: Option<i64>,
    comment_id: Option<i64>,
    report_id: Option<i64>,
    reason: Option<&'a str>,
    detail: Option<String>,
}

impl<'a> Record<'a> {
    fn new(action: LogAction, actor: Option<i64>, target_user: Option<i64>) -> Self {
        Record {
            action,
            actor,
            target_user,
            post_id: None,
            comment_id: None,
            report_id: None,
            reason: None,
            detail: None,
        }
    }
}

/// Writes `$record` through the transaction `$tx`.
macro_rules! write_log {
    ($tx:ident, $record:expr) => {{
        let record = $record;
        sqlx::query(
            "INSERT INTO moderation_log (action, actor_id, target_user_id, post_id, comment_id, report_id, reason, \
             detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(record.action.as_str())
        .bind(record.actor)
        .bind(record.target_user)
        .bind(record.post_id)
        .bind(record.comment_id)
        .bind(record.report_id)
        .bind(record.reason)
        .bind(record.detail)
        .execute(&mut *$tx)
        .await
    }};
}

/// What `set_role` did.
#[derive(Debug, PartialEq, Eq)]
pub enum RoleChange {
    Changed {
        from: Role,
    },
    Unchanged,
    NoSuchMember,
    /// The member is the only admin, and the change would leave none.
    LastAdmin,
}

/// Gives member `target` the role `role`, unless that would leave the board without an admin; logged as done by
/// `actor` (`None`: the command line).
///
/// Two admins demoting each other at once must not both succeed: the admins' rows are locked (in id order, so
/// two changes cannot deadlock) before they are counted, so the second change counts after the first commits.
/// NO KEY UPDATE, the lock an UPDATE of these rows takes anyway: unlike FOR UPDATE it lets foreign key checks
/// (which lock the rows they point to FOR KEY SHARE: a log entry naming an admin as its actor, a suspension
/// naming who suspended) go on, so a role change and another admin's action cannot wait for each other.
pub async fn set_role(db: &Db, actor: Option<i64>, target: i64, role: Role) -> Result<RoleChange, AppError> {
    let lock = locking(db.dialect(), "NO KEY UPDATE");
    let admins_sql = format!("SELECT id FROM users WHERE role = 'admin' ORDER BY id{lock}");
    let target_sql = format!("SELECT role FROM users WHERE id = $1{lock}");
    Ok(committed_transaction!(db, |tx| async {
        let admins: Vec<i64> = sqlx::query_scalar(&admins_sql).fetch_all(&mut *tx).await?;
        let Some(from) = sqlx::query_scalar::<_, Role>(&target_sql).bind(target).fetch_optional(&mut *tx).await? else {
            return Ok(RoleChange::NoSuchMember);
        };
        if from == role {
            return Ok(RoleChange::Unchanged);
        }
        if from == Role::Admin && admins.len() <= 1 {
            return Ok(RoleChange::LastAdmin);
        }
        sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
            .bind(target)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
        let mut record = Record::new(LogAction::ChangeRole, actor, Some(target));
        record.detail = Some(format!("{from} → {role}"));
        write_log!(tx, record)?;
        Ok::<_, sqlx::Error>(RoleChange::Changed { from })
    }
    .await)?)
}

/// Removes a post (its comments, upvotes and reports go with it) and logs it, with its title and how many open
/// reports it had. Returns the author, or `None` if there was no such post.
pub async fn remove_post(db: &Db, actor: i64, post_id: i64, reason: Option<&str>) -> Result<Option<i64>, AppError> {
    Ok(committed_transaction!(db, |tx| async {
        let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE post_id = $1 AND status = 'open'")
            .bind(post_id)
            .fetch_one(&mut *tx)
            .await?;
        let removed = sqlx::query_as::<_, (i64, String)>("DELETE FROM posts WHERE id = $1 RETURNING user_id, title")
            .bind(post_id)
            .fetch_all(&mut *tx)
            .await
            .map(single)?;
        let Some((author, title)) = removed else { return Ok(None) };
        let mut record = Record::new(LogAction::RemovePost, Some(actor), Some(author));
        record.post_id = Some(post_id);
        record.reason = reason;
        let reports = match open {
            0 => String::new(),
            1 => " (1 open report)".to_owned(),
            n => format!(" ({n} open reports)"),
        };
        record.detail = Some(format!("“{title}”{reports}"));
        write_log!(tx, record)?;
        Ok::<_, sqlx::Error>(Some(author))
    }
    .await)?)
}

/// Removes a comment of post `post_id` and logs it, with the start of its text. Returns the author, or `None`
/// if the post has no such comment.
pub async fn remove_comment(
    db: &Db,
    actor: i64,
    post_id: i64,
    comment_id: i64,
    reason: Option<&str>,
) -> Result<Option<i64>, AppError> {
    Ok(committed_transaction!(db, |tx| async {
        let removed = sqlx::query_as::<_, (i64, String)>(
            "DELETE FROM comments WHERE id = $1 AND post_id = $2 RETURNING user_id, body",
        )
        .bind(comment_id)
        .bind(post_id)
        .fetch_all(&mut *tx)
        .await
        .map(single)?;
        let Some((author, body)) = removed else { return Ok(None) };
        let mut record = Record::new(LogAction::RemoveComment, Some(actor), Some(author));
        (record.post_id, record.comment_id, record.reason) = (Some(post_id), Some(comment_id), reason);
        record.detail = Some(excerpt(&body, 80));
        write_log!(tx, record)?;
        Ok::<_, sqlx::Error>(Some(author))
    }
    .await)?)
}

/// The first `max` characters of `text`, with an ellipsis if there was more.
fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("“{}…”", &text[..cut]),
        None => format!("“{text}”"),
    }
}

/// What `suspend` did.
#[derive(Debug, PartialEq, Eq)]
pub enum SuspendOutcome {
    /// Suspended; every token of theirs is revoked by the new generation.
    Suspended {
        suspension: Suspension,
        generation: i64,
    },
    NoSuchMember,
    /// A moderator or admin, and the actor is not an admin.
    Protected,
}

/// Suspends `target` and revokes every token they hold, in one statement that also checks the target's role
/// (`actor_is_admin`: admins may suspend anyone, moderators only members); logged with the reason and the end.
pub async fn suspend(
    db: &Db,
    actor: i64,
    actor_is_admin: bool,
    target: i64,
    request: &SuspensionRequest,
) -> Result<SuspendOutcome, AppError> {
    let now = now_text();
    Ok(committed_transaction!(db, |tx| async {
        let generation = sqlx::query_scalar::<_, i64>(
            "UPDATE users SET suspended_at = $2, suspended_until = $3, suspension_reason = $4, suspended_by = $5,
                 token_generation = token_generation + 1
             WHERE id = $1 AND (role = 'member' OR $6) RETURNING token_generation",
        )
        .bind(target)
        .bind(&now)
        .bind(&request.until)
        .bind(&request.reason)
        .bind(actor)
        .bind(actor_is_admin)
        .fetch_all(&mut *tx)
        .await
        .map(single)?;
        let Some(generation) = generation else {
            let exists = sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE id = $1")
                .bind(target)
                .fetch_optional(&mut *tx)
                .await?;
            return Ok(if exists.is_some() { SuspendOutcome::Protected } else { SuspendOutcome::NoSuchMember });
        };
        let mut record = Record::new(LogAction::Suspend, Some(actor), Some(target));
        record.reason = Some(&request.reason);
        record.detail = Some(match &request.until {
            Some(until) => format!("until {until}"),
            None => "until lifted".to_owned(),
        });
        write_log!(tx, record)?;
        let suspension = Suspension {
            user_id: target,
            reason: request.reason.clone(),
            until: request.until.clone(),
            suspended_at: now.clone(),
            suspended_by: Some(actor),
        };
        Ok::<_, sqlx::Error>(SuspendOutcome::Suspended { suspension, generation })
    }
    .await)?)
}

/// What `lift_suspension` did.
#[derive(Debug, PartialEq, Eq)]
pub enum LiftOutcome {
    Lifted,
    NotSuspended,
    Protected,
}

/// Ends `target`'s suspension now (the same role rule as suspending), and logs it. Tokens stay revoked: the
/// member signs in again. The generation moves on here too (no token of the suspended time exists to lose), so
/// that the new sign-in's token is newer than anything an instance remembers of the suspension, and each one
/// reads the member again on seeing it rather than refusing it as suspended (`Board::authenticate`).
pub async fn lift_suspension(db: &Db, actor: i64, actor_is_admin: bool, target: i64) -> Result<LiftOutcome, AppError> {
    let now = now_text();
    let in_force = "suspended_at IS NOT NULL AND (suspended_until IS NULL OR suspended_until > $2)";
    let lift = format!(
        "UPDATE users SET suspended_at = NULL, suspended_until = NULL, suspension_reason = NULL, suspended_by = NULL,
             token_generation = token_generation + 1
         WHERE id = $1 AND {in_force} AND (role = 'member' OR $3)"
    );
    let suspended = format!("SELECT id FROM users WHERE id = $1 AND {in_force}");
    Ok(committed_transaction!(db, |tx| async {
        let lifted = sqlx::query(&lift).bind(target).bind(&now).bind(actor_is_admin).execute(&mut *tx).await?;
        if lifted.rows_affected() == 0 {
            let suspended =
                sqlx::query_scalar::<_, i64>(&suspended).bind(target).bind(&now).fetch_optional(&mut *tx).await?;
            return Ok(if suspended.is_some() { LiftOutcome::Protected } else { LiftOutcome::NotSuspended });
        }
        write_log!(tx, Record::new(LogAction::LiftSuspension, Some(actor), Some(target)))?;
        Ok::<_, sqlx::Error>(LiftOutcome::Lifted)
    }
    .await)?)
}

/// The columns of a `Report` over `reports r JOIN users u ON u.id = r.reporter_id`.
const REPORT_COLUMNS: &str =
    "r.id, r.post_id, r.reporter_id, u.username AS reporter_username, r.reason, r.status, r.created_at";

/// What `add_report` did.
#[derive(Debug, PartialEq, Eq)]
pub enum ReportOutcome {
    Created(Report),
    /// This member already reported this post.
    Duplicate,
    NoSuchPost,
}

/// Files `reporter`'s report of a post: once per member and post, which the unique constraint decides (so
/// repeats sent at once cannot both be counted).
pub async fn add_report(db: &Db, reporter: i64, post_id: i64, reason: &str) -> Result<ReportOutcome, AppError> {
    db.ensure_room_to_grow()?;
    let inserted = committed_write!(db, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO reports (post_id, reporter_id, reason) VALUES ($1, $2, $3)
             ON CONFLICT (post_id, reporter_id) DO NOTHING RETURNING id",
        )
        .bind(post_id)
        .bind(reporter)
        .bind(reason)
        .fetch_all(&mut *conn)
        .await
        .map(single)
    });
    let id = match inserted {
        Ok(Some(id)) => id,
        Ok(None) => return Ok(ReportOutcome::Duplicate),
        Err(sqlx::Error::Database(err)) if err.is_foreign_key_violation() => return Ok(ReportOutcome::NoSuchPost),
        Err(err) => return Err(err.into()),
    };
    let sql = format!("SELECT {REPORT_COLUMNS} FROM reports r JOIN users u ON u.id = r.reporter_id WHERE r.id = $1");
    let report = on_pool!(db, |pool| sqlx::query_as::<_, Report>(&sql).bind(id).fetch_optional(pool).await?);
    report.map(ReportOutcome::Created).ok_or_else(|| AppError::internal("a report just stored was not found"))
}

/// The posts with reports in `status`, oldest report first (at most `REPORTED_POSTS_MAX`), each with its count
/// and its first `REASONS_PER_POST_MAX` reports, as `viewer` sees the post. Three reads, each bounded.
pub async fn reported_posts(db: &Db, viewer: i64, status: ReportStatus) -> Result<Vec<ReportedPost>, AppError> {
    let groups_sql = format!(
        "SELECT post_id, MIN(id) AS first_id, COUNT(*) AS count FROM reports WHERE status = $1
         GROUP BY post_id ORDER BY MIN(id) LIMIT {REPORTED_POSTS_MAX}"
    );
    let groups: Vec<(i64, i64, i64)> =
        on_pool!(db, |pool| sqlx::query_as(&groups_sql).bind(status.as_str()).fetch_all(pool).await?);
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    // The ids are numbers this query just read, written into the SQL as such.
    let ids = groups.iter().map(|(post_id, ..)| post_id.to_string()).collect::<Vec<_>>().join(", ");
    let posts_sql =
        format!("SELECT {POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id IN ({ids})");
    let reports_sql = format!(
        "SELECT * FROM (SELECT {REPORT_COLUMNS}, ROW_NUMBER() OVER (PARTITION BY r.post_id ORDER BY r.id) AS nth
                        FROM reports r JOIN users u ON u.id = r.reporter_id
                        WHERE r.status = $1 AND r.post_id IN ({ids})) numbered
         WHERE nth <= {REASONS_PER_POST_MAX} ORDER BY id"
    );
    let posts: Vec<Post> = on_pool!(db, |pool| sqlx::query_as(&posts_sql).bind(viewer).fetch_all(pool).await?);
    let reports: Vec<Report> =
        on_pool!(db, |pool| sqlx::query_as(&reports_sql).bind(status.as_str()).fetch_all(pool).await?);
    let mut posts: HashMap<i64, Post> = posts.into_iter().map(|post| (post.id, post)).collect();
    let mut by_post: HashMap<i64, Vec<Report>> = HashMap::new();
    for report in reports {
        by_post.entry(report.post_id).or_default().push(report);
    }
    // A post removed between the reads has left the queue: it is skipped.
    Ok(groups
        .into_iter()
        .filter_map(|(post_id, first_id, count)| {
            let post = posts.remove(&post_id)?;
            let reports = by_post.remove(&post_id).unwrap_or_default();
            Some(ReportedPost { id: first_id, post, count, reports })
        })
        .collect())
}

/// What `resolve_report` did.
#[derive(Debug, PartialEq, Eq)]
pub enum ResolveOutcome {
    Resolved(ReportResolution),
    NoSuchReport,
    AlreadyResolved,
}

/// Resolves report `report_id` and every other open report of its post as `status`, and logs it; refused if it
/// is no longer open. Two moderators resolving reports of one post at once: both lock the post's open reports
/// in id order, so one waits for the other and then finds its report resolved.
pub async fn resolve_report(
    db: &Db,
    actor: i64,
    report_id: i64,
    status: ReportStatus,
) -> Result<ResolveOutcome, AppError> {
    let now = now_text();
    let lock = locking(db.dialect(), "NO KEY UPDATE");
    let locked_sql =
        format!("SELECT id, status FROM reports WHERE post_id = $1 AND (status = 'open' OR id = $2) ORDER BY id{lock}");
    Ok(committed_transaction!(db, |tx| async {
        let post = sqlx::query_scalar::<_, i64>("SELECT post_id FROM reports WHERE id = $1")
            .bind(report_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(post_id) = post else { return Ok(ResolveOutcome::NoSuchReport) };
        let locked: Vec<(i64, ReportStatus)> =
            sqlx::query_as(&locked_sql).bind(post_id).bind(report_id).fetch_all(&mut *tx).await?;
        match locked.iter().find(|(id, _)| *id == report_id) {
            Some((_, ReportStatus::Open)) => {}
            Some(_) => return Ok(ResolveOutcome::AlreadyResolved),
            // Removed with its post meanwhile.
            None => return Ok(ResolveOutcome::NoSuchReport),
        }
        let resolved = sqlx::query(
            "UPDATE reports SET status = $2, resolved_by = $3, resolved_at = $4 WHERE post_id = $1 AND status = 'open'",
        )
        .bind(post_id)
        .bind(status.as_str())
        .bind(actor)
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
        let author = sqlx::query_scalar::<_, i64>("SELECT user_id FROM posts WHERE id = $1")
            .bind(post_id)
            .fetch_optional(&mut *tx)
            .await?;
        let mut record = Record::new(LogAction::ResolveReport, Some(actor), author);
        (record.post_id, record.report_id) = (Some(post_id), Some(report_id));
        let plural = if resolved == 1 { "" } else { "s" };
        record.detail = Some(format!("{} ({resolved} report{plural})", status.as_str()));
        write_log!(tx, record)?;
        Ok::<_, sqlx::Error>(ResolveOutcome::Resolved(ReportResolution { id: report_id, post_id, status, resolved }))
    }
    .await)?)
}

/// A page of the log, newest first: `query.limit` entries older than `query.before`, and one more read only to
/// say whether there is a next page.
pub async fn log_page(db: &Db, query: LogQuery) -> Result<Vec<LogEntry>, AppError> {
    let sql = format!(
        "SELECT l.id, l.action, l.actor_id, a.username AS actor_username, l.target_user_id,
                t.username AS target_username, l.post_id, l.comment_id, l.report_id, l.reason, l.detail, l.created_at
         FROM moderation_log l LEFT JOIN users a ON a.id = l.actor_id LEFT JOIN users t ON t.id = l.target_user_id
         WHERE l.id < $1 ORDER BY l.id DESC LIMIT {}",
        query.limit + 1
    );
    let before = query.before.unwrap_or(i64::MAX);
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, LogEntry>(&sql).bind(before).fetch_all(pool).await?))
}
