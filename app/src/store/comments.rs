//! The `comments` table.

use super::{Db, committed_write, on_pool, single};
use crate::error::AppError;
use crate::model::posts::Comment;

/// The columns of a `Comment`; callers add the WHERE clause.
const COMMENT_COLUMNS: &str = "SELECT c.id, c.post_id, c.user_id, u.username AS author_username, c.body, c.created_at
    FROM comments c JOIN users u ON u.id = c.user_id";

/// A post's comments, oldest first.
pub async fn for_post(db: &Db, post_id: i64) -> Result<Vec<Comment>, AppError> {
    let sql = format!("{COMMENT_COLUMNS} WHERE c.post_id = $1 ORDER BY c.id");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, Comment>(&sql).bind(post_id).fetch_all(pool).await?))
}

pub async fn find(db: &Db, comment_id: i64) -> Result<Option<Comment>, AppError> {
    let sql = format!("{COMMENT_COLUMNS} WHERE c.id = $1");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, Comment>(&sql).bind(comment_id).fetch_optional(pool).await?))
}

/// Adds a comment; `None` if the post does not exist (the foreign key refuses it, atomically with the insert).
pub async fn insert(db: &Db, author: i64, post_id: i64, body: &str) -> Result<Option<i64>, AppError> {
    db.ensure_room_to_grow()?;
    let result = committed_write!(db, |conn| {
        sqlx::query_scalar::<_, i64>("INSERT INTO comments (post_id, user_id, body) VALUES ($1, $2, $3) RETURNING id")
            .bind(post_id)
            .bind(author)
            .bind(body)
            .fetch_all(&mut *conn)
            .await
            .map(single)
    });
    match result {
        Ok(Some(id)) => Ok(Some(id)),
        Ok(None) => Err(AppError::internal("INSERT … RETURNING id returned no row")),
        Err(sqlx::Error::Database(err)) if err.is_foreign_key_violation() => Ok(None),
        Err(err) => Err(err.into()),
    }
}

/// Deletes the comment if it is on `post_id` and `author` wrote it; false if nothing was deleted.
pub async fn delete_own(db: &Db, author: i64, post_id: i64, comment_id: i64) -> Result<bool, AppError> {
    let deleted = committed_write!(db, |conn| {
        sqlx::query("DELETE FROM comments WHERE id = $1 AND post_id = $2 AND user_id = $3")
            .bind(comment_id)
            .bind(post_id)
            .bind(author)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(deleted == 1)
}
