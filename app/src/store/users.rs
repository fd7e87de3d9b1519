//! The `users` table.

use super::{Db, on_pool, on_write_pool};
use crate::error::{AppError, messages};
use crate::model::Member;

/// What login needs to check a password.
#[derive(sqlx::FromRow)]
pub struct UserCredentials {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
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

pub async fn find_credentials(db: &Db, username: &str) -> Result<Option<UserCredentials>, AppError> {
    Ok(on_pool!(db, |pool| {
        sqlx::query_as::<_, UserCredentials>(
            "SELECT id, username, password_hash FROM users WHERE lower(username) = lower($1)",
        )
        .bind(username)
        .fetch_optional(pool)
        .await?
    }))
}

pub async fn find_member(db: &Db, user_id: i64) -> Result<Option<Member>, AppError> {
    let row = on_pool!(db, |pool| {
        sqlx::query_as::<_, (i64, String)>("SELECT id, username FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(|(user_id, username)| Member { user_id, username }))
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
