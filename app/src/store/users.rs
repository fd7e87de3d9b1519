//! The `users` table.

use super::{Db, on_pool, on_write_pool};
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

/// Inserts a member; the unique index on `lower(username)` turns a taken name (or a lost race for one) into
/// `Conflict`, never an error 500.
pub async fn insert_user(db: &Db, username: &str, password_hash: &str) -> Result<Member, AppError> {
    let result = on_write_pool!(db, |pool| {
        sqlx::query_scalar::<_, i64>("INSERT INTO users (username, password_hash) VALUES ($1, $2) RETURNING id")
            .bind(username)
            .bind(password_hash)
            .fetch_one(pool)
            .await
    });
    match result {
        Ok(user_id) => Ok(Member { user_id, username: username.to_owned() }),
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
    Ok(on_write_pool!(db, |pool| {
        sqlx::query_scalar::<_, i64>(
            "UPDATE users SET token_generation = token_generation + 1 WHERE id = $1 RETURNING token_generation",
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await?
    }))
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
    Ok(on_write_pool!(db, |pool| {
        sqlx::query_scalar::<_, i64>(
            "UPDATE users SET password_hash = $3, token_generation = token_generation + 1 \
             WHERE id = $1 AND password_hash = $2 RETURNING token_generation",
        )
        .bind(user_id)
        .bind(verified_hash)
        .bind(new_hash)
        .fetch_optional(pool)
        .await?
    }))
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
    on_write_pool!(db, |pool| {
        sqlx::query("UPDATE users SET bio = $1 WHERE id = $2").bind(bio).bind(user_id).execute(pool).await?;
    });
    Ok(())
}
