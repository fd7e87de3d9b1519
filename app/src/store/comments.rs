//! The `comments` table.

use super::Db;
use crate::error::AppError;
use crate::model::posts::Comment;

const COMMENT_COLUMNS: &str = "SELECT c.id, c.post_id, c.user_id, u.username AS author_username, c.body, c.created_at
    FROM comments c JOIN users u ON u.id = c.user_id";

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: i64,
    post_id: i64,
    user_id: i64,
    author_username: String,
    body: String,
    created_at: String,
}

impl From<CommentRow> for Comment {
    fn from(r: CommentRow) -> Self {
        Comment {
            id: r.id,
            post_id: r.post_id,
            user_id: r.user_id,
            author_username: r.author_username,
            body: r.body,
            created_at: r.created_at,
        }
    }
}

/// A post's comments, oldest first.
pub async fn for_post(db: &Db, post_id: i64) -> Result<Vec<Comment>, AppError> {
    let rows = sqlx::query_as::<_, CommentRow>(&format!("{COMMENT_COLUMNS} WHERE c.post_id = ? ORDER BY c.id"))
        .bind(post_id)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.into_iter().map(Comment::from).collect())
}

pub async fn find(db: &Db, comment_id: i64) -> Result<Option<Comment>, AppError> {
    let row = sqlx::query_as::<_, CommentRow>(&format!("{COMMENT_COLUMNS} WHERE c.id = ?"))
        .bind(comment_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(Comment::from))
}

/// Adds a comment; `None` if the post does not exist (the foreign key refuses it, atomically with the insert).
pub async fn insert(db: &Db, author: i64, post_id: i64, body: &str) -> Result<Option<i64>, AppError> {
    let result =
        sqlx::query_scalar::<_, i64>("INSERT INTO comments (post_id, user_id, body) VALUES (?, ?, ?) RETURNING id")
            .bind(post_id)
            .bind(author)
            .bind(body)
            .fetch_one(db.pool())
            .await;
    match result {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(err)) if err.is_foreign_key_violation() => Ok(None),
        Err(err) => Err(err.into()),
    }
}

/// Deletes the comment if it is on `post_id` and `author` wrote it; false if nothing was deleted.
pub async fn delete_own(db: &Db, author: i64, post_id: i64, comment_id: i64) -> Result<bool, AppError> {
    let result = sqlx::query("DELETE FROM comments WHERE id = ? AND post_id = ? AND user_id = ?")
        .bind(comment_id)
        .bind(post_id)
        .bind(author)
        .execute(db.pool())
        .await?;
    Ok(result.rows_affected() == 1)
}
