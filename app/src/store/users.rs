//! The `users` table.

use super::{Db, Dialect, committed_write, on_pool, on_replica, single};
use crate::error::AppError;
use crate::model::Member;
use crate::model::Role;
use crate::model::auth::username_skeleton;
use crate::model::moderation::Suspension;
use crate::model::users::Profile;
use crate::security::{MemberTokens, SuspensionEnd};

/// What login needs to check a password, and the generation its new token belongs to.
#[derive(sqlx::FromRow)]
pub struct UserCredentials {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub token_generation: i64,
    pub role: Role,
    /// Set while the member is suspended (or was, until `suspended_until` passed).
    pub suspended_at: Option<String>,
    pub suspended_until: Option<String>,
}

impl UserCredentials {
    /// The suspension in force now, if any.
    pub fn suspension(&self) -> Option<SuspensionEnd> {
        SuspensionEnd::of(self.suspended_at.as_deref(), self.suspended_until.as_deref())
    }
}

/// A member just stored, and the token generation their first tokens carry.
#[derive(Debug)]
pub struct NewMember {
    pub member: Member,
    pub token_generation: i64,
}

/// Inserts a member and returns them with their first token generation; the unique index on `lower(username)`
/// turns a taken name (or a lost race for one) into `NameRefused::Taken`, never an error 500.
///
/// The first generation is random, not 0: should a registration ever be answered without being stored, the id
/// it was given is handed out again, and a token carrying that id must not work for the next member who gets it.
/// It is below 2^52: the `gen` claim stays an exact number for JavaScript (whose integers end at 2^53), with
/// room above for every revocation there will ever be (each adds 1).
///
/// A name whose confusable skeleton (`username_skeleton`) another member's has is refused by the same statement
/// (a second unique index): `NameRefused::LookAlike`, or `Taken` when it is the same name in another case.
pub async fn insert_user(db: &Db, username: &str, password_hash: &str) -> Result<NewMember, NameRefused> {
    db.ensure_room_to_grow()?;
    let first_generation = (rand::random::<u64>() >> 12) as i64;
    let result = committed_write!(db, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO users (username, username_skeleton, password_hash, token_generation) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(username)
        .bind(username_skeleton(username))
        .bind(password_hash)
        .bind(first_generation)
        .fetch_all(&mut *conn)
        .await
        .map(single)
    });
    match result {
        Ok(Some(user_id)) => Ok(NewMember {
            member: Member { user_id, username: username.to_owned(), role: Role::Member },
            token_generation: first_generation,
        }),
        Ok(None) => Err(AppError::internal("INSERT … RETURNING id returned no row").into()),
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
            // Which index refused it is worded differently by each backend; the name itself tells.
            if find_credentials(db, username).await?.is_some() {
                Err(NameRefused::Taken)
            } else {
                Err(NameRefused::LookAlike)
            }
        }
        Err(err) => Err(AppError::from(err).into()),
    }
}

/// Why a registration's name was not stored. The service chooses the words for each.
#[derive(Debug)]
pub enum NameRefused {
    /// The same name, in any case, belongs to a member.
    Taken,
    /// A member's name reads the same (`alice` / `aIice`).
    LookAlike,
    Failed(AppError),
}

impl From<AppError> for NameRefused {
    fn from(err: AppError) -> Self {
        NameRefused::Failed(err)
    }
}

/// The columns of `UserCredentials`; callers add the WHERE clause.
const CREDENTIALS: &str =
    "SELECT id, username, password_hash, token_generation, role, suspended_at, suspended_until FROM users";

pub async fn find_credentials(db: &Db, username: &str) -> Result<Option<UserCredentials>, AppError> {
    let sql = format!("{CREDENTIALS} WHERE lower(username) = lower($1)");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, UserCredentials>(&sql).bind(username).fetch_optional(pool).await?))
}

pub async fn find_credentials_by_id(db: &Db, user_id: i64) -> Result<Option<UserCredentials>, AppError> {
    let sql = format!("{CREDENTIALS} WHERE id = $1");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, UserCredentials>(&sql).bind(user_id).fetch_optional(pool).await?))
}

/// The member (with their current role and suspension), their current token generation (which every accepted
/// token must carry) and the sessions they logged out of whose tokens may still be unexpired: one query, so a
/// cache miss costs one round trip.
pub async fn find_member_tokens(db: &Db, user_id: i64) -> Result<Option<MemberTokens>, AppError> {
    let rows = on_pool!(db, |pool| {
        sqlx::query_as::<_, MemberTokensRow>(
            "SELECT u.id AS id, u.username AS username, u.role AS role, u.token_generation AS token_generation, \
             u.suspended_at AS suspended_at, u.suspended_until AS suspended_until, r.session_id AS session_id \
             FROM users u LEFT JOIN revoked_sessions r ON r.user_id = u.id AND r.expires_at > $2 WHERE u.id = $1",
        )
        .bind(user_id)
        .bind(now_seconds())
        .fetch_all(pool)
        .await?
    });
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else { return Ok(None) };
    let revoked_sessions = first.session_id.clone().into_iter().chain(rows.filter_map(|row| row.session_id)).collect();
    Ok(Some(MemberTokens {
        member: Member { user_id: first.id, username: first.username, role: first.role },
        generation: first.token_generation,
        revoked_sessions,
        suspension: SuspensionEnd::of(first.suspended_at.as_deref(), first.suspended_until.as_deref()),
    }))
}

#[derive(sqlx::FromRow)]
struct MemberTokensRow {
    id: i64,
    username: String,
    role: Role,
    token_generation: i64,
    suspended_at: Option<String>,
    suspended_until: Option<String>,
    session_id: Option<String>,
}

/// Lists `session_id` as logged out until `expires_at` (Unix seconds), when its last token has expired, and
/// forgets listed sessions whose time has passed (of every member: the table stays as small as the number of
/// log-outs in one token lifetime).
pub async fn revoke_session(db: &Db, user_id: i64, session_id: &str, expires_at: i64) -> Result<(), AppError> {
    committed_write!(db, |conn| sqlx::query(
        "INSERT INTO revoked_sessions (session_id, user_id, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (session_id) DO NOTHING"
    )
    .bind(session_id)
    .bind(user_id)
    .bind(expires_at)
    .execute(&mut *conn)
    .await
    .map(|_| ()))?;
    // Housekeeping: the log-out above is already committed and does not depend on it.
    let pruned = committed_write!(db, |conn| sqlx::query("DELETE FROM revoked_sessions WHERE expires_at <= $1")
        .bind(now_seconds())
        .execute(&mut *conn)
        .await
        .map(|_| ()));
    if let Err(err) = pruned {
        tracing::warn!(error = %err, "could not prune expired revoked sessions");
    }
    Ok(())
}

fn now_seconds() -> i64 {
    crate::security::token::now() as i64
}

/// Revokes every token of the member by moving to the next generation; returns it (`None`: no such member).
pub async fn revoke_tokens(db: &Db, user_id: i64) -> Result<Option<i64>, AppError> {
    Ok(committed_write!(db, |conn| {
        sqlx::query_scalar::<_, i64>(
            "UPDATE users SET token_generation = token_generation + 1 WHERE id = $1 RETURNING token_generation",
        )
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await
        .map(single)
    })?)
}

/// Replaces the password and revokes every token, in one statement that only applies if the hash is still the
/// one the caller verified against: two concurrent changes cannot both succeed on a stale check. Returns the new
/// generation, or `None` when the hash changed meanwhile.
pub async fn replace_password(
    db: &Db,
    user_id: i64,
    verified_hash: &str,
    new_hash: &str,
) -> Result<Option<i64>, AppError> {
    Ok(committed_write!(db, |conn| {
        sqlx::query_scalar::<_, i64>(
            "UPDATE users SET password_hash = $3, token_generation = token_generation + 1 \
             WHERE id = $1 AND password_hash = $2 RETURNING token_generation",
        )
        .bind(user_id)
        .bind(verified_hash)
        .bind(new_hash)
        .fetch_all(&mut *conn)
        .await
        .map(single)
    })?)
}

/// Stores a stronger hash of the same password (after a login proved it), unless the hash changed meanwhile.
/// Tokens stay valid: the password is the same. Returns whether it was stored.
pub async fn upgrade_password_hash(db: &Db, user_id: i64, old_hash: &str, new_hash: &str) -> Result<bool, AppError> {
    let updated = committed_write!(db, |conn| {
        sqlx::query("UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2")
            .bind(user_id)
            .bind(old_hash)
            .bind(new_hash)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(updated == 1)
}

/// The highest bcrypt cost among stored hashes (`$2b$NN$…`), if there are members: what a login for an unknown
/// name must cost so that it takes as long as the slowest real one.
pub async fn highest_password_cost(db: &Db) -> Result<Option<u32>, AppError> {
    let cost: Option<String> = on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT max(substr(password_hash, 5, 2)) FROM users").fetch_one(pool).await?
    });
    Ok(cost.and_then(|c| c.parse().ok()))
}

/// A member's profile with the number of their posts and their newest `limit` posts as `viewer` sees them, in one
/// statement: the posts come as a JSON array in a column of the member's row, so a profile is one round trip.
pub async fn find_profile(db: &Db, viewer: i64, user_id: i64, limit: i64) -> Result<Option<Profile>, AppError> {
    let dialect = db.dialect();
    let post = super::posts::post_json(dialect);
    // `newest.post` is a JSON object made in the subquery; SQLite passes it on as text unless told it is JSON.
    let posts = match dialect {
        Dialect::Sqlite => "json_group_array(json(newest.post) ORDER BY newest.created_at DESC, newest.id DESC)",
        Dialect::Postgres => {
            "COALESCE(json_agg(newest.post ORDER BY newest.created_at DESC, newest.id DESC), '[]')::text"
        }
    };
    let sql = format!(
        "SELECT u.id AS id, u.username AS username, u.role AS role, u.bio AS bio, u.created_at AS created_at,
             u.suspended_at AS suspended_at, u.suspended_until AS suspended_until,
             u.suspension_reason AS suspension_reason, u.suspended_by AS suspended_by,
             (SELECT COUNT(*) FROM posts p WHERE p.user_id = u.id) AS post_count,
             (SELECT {posts} FROM (SELECT p.id, p.created_at, {post} AS post
                                   FROM posts p JOIN users au ON au.id = p.user_id WHERE p.user_id = $2
                                   ORDER BY p.created_at DESC, p.id DESC LIMIT {limit}) newest) AS posts_json
         FROM users u WHERE u.id = $2"
    );
    let row = on_replica!(db, |pool| {
        sqlx::query_as::<_, ProfileRow>(&sql).bind(viewer).bind(user_id).fetch_optional(pool).await?
    });
    let Some(ProfileRow { mut profile, posts_json, suspended_at, suspended_until, suspension_reason, suspended_by }) =
        row
    else {
        return Ok(None);
    };
    profile.posts = serde_json::from_str(&posts_json).map_err(AppError::internal)?;
    if SuspensionEnd::of(suspended_at.as_deref(), suspended_until.as_deref()).is_some() {
        profile.suspension = Some(Suspension {
            user_id,
            reason: suspension_reason.unwrap_or_default(),
            until: suspended_until,
            suspended_at: suspended_at.unwrap_or_default(),
            suspended_by,
        });
    }
    Ok(Some(profile))
}

/// A profile, its posts as JSON text, and the member's suspension (which the service shows to moderators only).
#[derive(sqlx::FromRow)]
struct ProfileRow {
    #[sqlx(flatten)]
    profile: Profile,
    posts_json: String,
    suspended_at: Option<String>,
    suspended_until: Option<String>,
    suspension_reason: Option<String>,
    suspended_by: Option<i64>,
}

pub async fn set_bio(db: &Db, user_id: i64, bio: &str) -> Result<(), AppError> {
    db.ensure_room_to_grow()?;
    committed_write!(db, |conn| sqlx::query("UPDATE users SET bio = $1 WHERE id = $2")
        .bind(bio)
        .bind(user_id)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
    Ok(())
}
