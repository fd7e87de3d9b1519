//! The `post_upvotes` table. The primary key makes an upvote count once; triggers keep `posts.upvotes` in step
//! within the same statement.

use super::{Db, committed_write, on_pool};
use crate::error::AppError;
use crate::model::posts::UpvoteState;

/// Records `member`'s upvote (once, however often it is sent). `false` if the post does not exist.
pub async fn add(db: &Db, member: i64, post_id: i64) -> Result<bool, AppError> {
    db.ensure_room_to_grow()?;
    let result = committed_write!(db, |conn| {
        sqlx::query("INSERT INTO post_upvotes (user_id, post_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(member)
            .bind(post_id)
            .execute(&mut *conn)
            .await
            .map(|_| ())
    });
    match result {
        Ok(()) => Ok(true),
        Err(sqlx::Error::Database(err)) if err.is_foreign_key_violation() => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// Withdraws `member`'s upvote, if there was one.
pub async fn remove(db: &Db, member: i64, post_id: i64) -> Result<(), AppError> {
    committed_write!(db, |conn| {
        sqlx::query("DELETE FROM post_upvotes WHERE user_id = $1 AND post_id = $2")
            .bind(member)
            .bind(post_id)
            .execute(&mut *conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// The post's count and whether `member` is among its upvoters; `None` if the post does not exist.
pub async fn state(db: &Db, member: i64, post_id: i64) -> Result<Option<UpvoteState>, AppError> {
    Ok(on_pool!(db, |pool| {
        sqlx::query_as::<_, UpvoteState>(
            "SELECT p.upvotes AS upvotes,
                EXISTS (SELECT 1 FROM post_upvotes v WHERE v.post_id = p.id AND v.user_id = $1) AS upvoted
             FROM posts p WHERE p.id = $2",
        )
        .bind(member)
        .bind(post_id)
        .fetch_optional(pool)
        .await?
    }))
}
