//! The `users` table.

use super::{Db, committed_write, on_pool, single};
use crate::error::{AppError, messages};
use crate::model::Member;

/// What login needs to check a password, and the generation its new token belongs to.
#[derive(sqlx::FromRow)]
pub struct UserCredentials {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub token_generation: i64,
}

/// Inserts a member and returns them with their first token generation; the unique index on `lower(username)`
/// turns a taken name (or a lost race for one) into `Conflict`, never an error 500.
///
/// The first generation is random, not 0: should a registration ever be answered without being stored, the id
/// it was given is handed out again, and a token carrying that id must not work for the next member who gets it.
/// It is below 2^52: the `gen` claim stays an exact number for JavaScript (whose integers end at 2^53), with
/// room above for every revocation there will ever be (each adds 1).
pub async fn insert_user(db: &Db, username: &str, password_hash: &str) -> Result<(Member, i64), AppError> {
    db.ensure_room_to_grow()?;
    let first_generation = (rand::random::<u64>() >> 12) as i64;
    let result = committed_write!(db, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO users (username, password_hash, token_generation) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(username)
        .bind(password_hash)
        .bind(first_generation)
        .fetch_all(&mut *conn)
        .await
        .map(single)
    });
    match result {
        Ok(Some(user_id)) => Ok((Member { user_id, username: username.to_owned() }, first_generation)),
        Ok(None) => Err(AppError::internal("INSERT … RETURNING id returned no row")),
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
            Err(AppError::Conflict(messages::USERNAME_TAKEN.into()))
        }
        Err(err) => Err(err.into()),
    }
}

/// The columns of `UserCredentials`; callers add the WHERE clause.
const CREDENTIALS: &str = "SELECT id, username, password_hash, token_generation FROM users";

pub async fn find_credentials(db: &Db, username: &str) -> Result<Option<UserCredentials>, AppError> {
    let sql = format!("{CREDENTIALS} WHERE lower(username) = lower($1)");
    Ok(on_pool!(db, |pool| { sqlx::query_as::<_, UserCredentials>(&sql).bind(username).fetch_optional(pool).await? }))
}

pub async fn find_credentials_by_id(db: &Db, user_id: i64) -> Result<Option<UserCredentials>, AppError> {
    let sql = format!("{CREDENTIALS} WHERE id = $1");
    Ok(on_pool!(db, |pool| { sqlx::query_as::<_, UserCredentials>(&sql).bind(user_id).fetch_optional(pool).await? }))
}

/// The member and their current token generation (which every accepted token must carry).
pub async fn find_session(db: &Db, user_id: i64) -> Result<Option<(Member, i64)>, AppError> {
    let row = on_pool!(db, |pool| {
        sqlx::query_as::<_, (i64, String, i64)>("SELECT id, username, token_generation FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(|(user_id, username, generation)| (Member { user_id, username }, generation)))
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

/// A profile's own fields: (username, bio, created_at).
pub async fn find_profile(db: &Db, user_id: i64) -> Result<Option<(String, String, String)>, AppError> {
    Ok(on_pool!(db, |pool| {
        sqlx::query_as("SELECT username, bio, created_at FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?
    }))
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
