//! The `comments` table.

use super::moderation::{locking, not_suspended, now_text};
use super::posts::POST_COLUMNS;
use super::{Db, Dialect, committed_write, on_pool, on_replica, single};
use crate::error::AppError;
use crate::model::posts::{Comment, Post, PostWithComments};

/// The columns of a `Comment`; callers add the WHERE clause.
const COMMENT_COLUMNS: &str =
    "SELECT c.id, c.post_id, c.user_id, u.username AS author_username, u.role AS author_role, c.body, c.created_at
    FROM comments c JOIN users u ON u.id = c.user_id";

/// A post with its comments, oldest first, as `viewer` sees it, in one statement: the comments come as a JSON
/// array in a column of the post's row (an aggregate both databases build), so the page is one round trip and
/// the post's columns are sent once, not once per comment.
pub async fn post_with_comments(db: &Db, viewer: i64, post_id: i64) -> Result<Option<PostWithComments>, AppError> {
    // The keys are the names of `Comment`'s fields, which is how serde reads them back.
    let fields = "'id', c.id, 'post_id', c.post_id, 'user_id', c.user_id, 'author_username', cu.username, 'author_role', cu.role, \
                  'body', c.body, 'created_at', c.created_at";
    let comments = match db.dialect() {
        Dialect::Sqlite => format!("json_group_array(json_object({fields}) ORDER BY c.id)"),
        Dialect::Postgres => format!("COALESCE(json_agg(json_build_object({fields}) ORDER BY c.id), '[]')::text"),
    };
    let sql = format!(
        "SELECT {POST_COLUMNS},
             (SELECT {comments} FROM comments c JOIN users cu ON cu.id = c.user_id WHERE c.post_id = p.id)
                 AS comments_json
         FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id = $2"
    );
    let row = on_replica!(db, |pool| {
        sqlx::query_as::<_, PostRow>(&sql).bind(viewer).bind(post_id).fetch_optional(pool).await?
    });
    let Some(PostRow { post, comments_json }) = row else { return Ok(None) };
    let comments = serde_json::from_str(&comments_json).map_err(AppError::internal)?;
    Ok(Some(PostWithComments { post, comments }))
}

/// A post and its comments, as JSON text.
#[derive(sqlx::FromRow)]
struct PostRow {
    #[sqlx(flatten)]
    post: Post,
    comments_json: String,
}

/// A post's comments, oldest first.
pub async fn for_post(db: &Db, post_id: i64) -> Result<Vec<Comment>, AppError> {
    let sql = format!("{COMMENT_COLUMNS} WHERE c.post_id = $1 ORDER BY c.id");
    Ok(on_replica!(db, |pool| sqlx::query_as::<_, Comment>(&sql).bind(post_id).fetch_all(pool).await?))
}

pub async fn find(db: &Db, comment_id: i64) -> Result<Option<Comment>, AppError> {
    let sql = format!("{COMMENT_COLUMNS} WHERE c.id = $1");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, Comment>(&sql).bind(comment_id).fetch_optional(pool).await?))
}

/// What `insert` did.
#[derive(Debug, PartialEq, Eq)]
pub enum NewComment {
    Added(i64),
    NoSuchPost,
    /// The author is suspended (checked as `posts::insert` checks it).
    AuthorSuspended,
}

/// Adds a comment, in one statement: the foreign key refuses it if the post does not exist, and it is not made
/// while the author is suspended (with the author's row locked on PostgreSQL, as `posts::insert` does).
pub async fn insert(db: &Db, author: i64, post_id: i64, body: &str) -> Result<NewComment, AppError> {
    db.ensure_room_to_grow()?;
    let sql = format!(
        "INSERT INTO comments (post_id, user_id, body) SELECT $1, id, $3 FROM users WHERE {}{} RETURNING id",
        not_suspended("$2", "$4"),
        locking(db.dialect(), "SHARE")
    );
    let now = now_text();
    let result = committed_write!(db, |conn| {
        sqlx::query_scalar::<_, i64>(&sql)
            .bind(post_id)
            .bind(author)
            .bind(body)
            .bind(&now)
            .fetch_all(&mut *conn)
            .await
            .map(single)
    });
    match result {
        Ok(Some(id)) => Ok(NewComment::Added(id)),
        Ok(None) => Ok(NewComment::AuthorSuspended),
        Err(sqlx::Error::Database(err)) if err.is_foreign_key_violation() => Ok(NewComment::NoSuchPost),
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
