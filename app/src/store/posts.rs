//! The `posts` table and the post view every listing shares.
//!
//! Ownership is part of each write's WHERE clause, so the check and the write are one statement: there is no
//! moment between "it is yours" and "change it" for another request to slip into.

use super::Db;
use crate::error::AppError;
use crate::model::feed::{Cursor, FeedQuery, PostSort};
use crate::model::posts::{NewPost, Post, PostPatch};
use sqlx::{QueryBuilder, Sqlite};

/// The columns of a `Post` as seen by the member bound to the first parameter (for `viewer_upvoted`).
const POST_COLUMNS: &str = "SELECT p.id, p.title, p.body, p.user_id, u.username AS author_username, p.upvotes,
        (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id) AS comment_count,
        EXISTS (SELECT 1 FROM post_upvotes v WHERE v.post_id = p.id AND v.user_id = ?) AS viewer_upvoted,
        p.created_at, p.updated_at
    FROM posts p JOIN users u ON u.id = p.user_id";

/// The next timestamp strictly after `updated_at` (now, unless the clock has not moved on since), so an edit is
/// always visible as a change of `updated_at`.
const NEXT_UPDATED_AT: &str =
    "strftime('%Y-%m-%dT%H:%M:%fZ', max(julianday('now'), julianday(updated_at) + 0.0015 / 86400.0))";

#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    title: String,
    body: String,
    user_id: i64,
    author_username: String,
    upvotes: i64,
    comment_count: i64,
    viewer_upvoted: bool,
    created_at: String,
    updated_at: String,
}

impl From<PostRow> for Post {
    fn from(r: PostRow) -> Self {
        Post {
            id: r.id,
            title: r.title,
            body: r.body,
            user_id: r.user_id,
            author_username: r.author_username,
            upvotes: r.upvotes,
            comment_count: r.comment_count,
            viewer_upvoted: r.viewer_upvoted,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Who may change a post, for telling "not yours" (403) from "not there" (404) after a refused write.
pub async fn author_of(db: &Db, post_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT user_id FROM posts WHERE id = ?").bind(post_id).fetch_optional(db.pool()).await?)
}

pub async fn find(db: &Db, viewer: i64, post_id: i64) -> Result<Option<Post>, AppError> {
    let row = sqlx::query_as::<_, PostRow>(&format!("{POST_COLUMNS} WHERE p.id = ?"))
        .bind(viewer)
        .bind(post_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(Post::from))
}

pub async fn insert(db: &Db, author: i64, post: &NewPost) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("INSERT INTO posts (user_id, title, body) VALUES (?, ?, ?) RETURNING id")
        .bind(author)
        .bind(&post.title)
        .bind(&post.body)
        .fetch_one(db.pool())
        .await?)
}

/// Applies the edit if `author` owns the post; false if nothing was changed (missing or not theirs).
pub async fn update_own(db: &Db, author: i64, post_id: i64, patch: &PostPatch) -> Result<bool, AppError> {
    let result = sqlx::query(&format!(
        "UPDATE posts SET title = COALESCE(?, title), body = COALESCE(?, body), updated_at = {NEXT_UPDATED_AT}
         WHERE id = ? AND user_id = ?"
    ))
    .bind(&patch.title)
    .bind(&patch.body)
    .bind(post_id)
    .bind(author)
    .execute(db.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Deletes the post (comments and upvotes cascade) if `author` owns it; false if nothing was deleted.
pub async fn delete_own(db: &Db, author: i64, post_id: i64) -> Result<bool, AppError> {
    let result = sqlx::query("DELETE FROM posts WHERE id = ? AND user_id = ?")
        .bind(post_id)
        .bind(author)
        .execute(db.pool())
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Case-insensitive substring match on title or body. `instr` needs no escaping of `%` and `_` in the search.
fn push_search(builder: &mut QueryBuilder<'_, Sqlite>, search: &Option<String>) {
    if let Some(text) = search {
        builder
            .push(" AND (instr(lower(p.title), lower(")
            .push_bind(text.clone())
            .push(")) > 0 OR instr(lower(p.body), lower(")
            .push_bind(text.clone())
            .push(")) > 0)");
    }
}

/// One page of the feed (plus one extra row, so the caller knows whether there is a next page).
pub async fn list(db: &Db, viewer: i64, query: &FeedQuery) -> Result<Vec<Post>, AppError> {
    let (head, tail) = POST_COLUMNS.split_once('?').expect("POST_COLUMNS has one placeholder, for the viewer");
    let mut builder = QueryBuilder::<Sqlite>::new(head);
    builder.push_bind(viewer).push(tail);
    builder.push(" WHERE 1 = 1");
    push_search(&mut builder, &query.search);
    match &query.after {
        Some(Cursor::Newest { created_at, id }) => {
            builder
                .push(" AND (p.created_at, p.id) < (")
                .push_bind(created_at.clone())
                .push(", ")
                .push_bind(*id)
                .push(")");
        }
        Some(Cursor::Top { upvotes, id }) => {
            builder.push(" AND (p.upvotes, p.id) < (").push_bind(*upvotes).push(", ").push_bind(*id).push(")");
        }
        None => {}
    }
    builder.push(match query.sort {
        PostSort::Newest => " ORDER BY p.created_at DESC, p.id DESC",
        PostSort::Top => " ORDER BY p.upvotes DESC, p.id DESC",
    });
    builder.push(" LIMIT ").push_bind(query.limit + 1);
    if query.after.is_none() {
        builder.push(" OFFSET ").push_bind((query.page - 1).saturating_mul(query.limit));
    }
    let rows = builder.build_query_as::<PostRow>().fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(Post::from).collect())
}

/// How many posts match the feed's search (all of them without one).
pub async fn count(db: &Db, search: &Option<String>) -> Result<i64, AppError> {
    let mut builder = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM posts p WHERE 1 = 1");
    push_search(&mut builder, search);
    Ok(builder.build_query_scalar::<i64>().fetch_one(db.pool()).await?)
}

/// A member's newest posts, for their profile.
pub async fn by_author(db: &Db, viewer: i64, author: i64, limit: i64) -> Result<Vec<Post>, AppError> {
    let rows = sqlx::query_as::<_, PostRow>(&format!(
        "{POST_COLUMNS} WHERE p.user_id = ? ORDER BY p.created_at DESC, p.id DESC LIMIT ?"
    ))
    .bind(viewer)
    .bind(author)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(Post::from).collect())
}

pub async fn count_by_author(db: &Db, author: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM posts WHERE user_id = ?").bind(author).fetch_one(db.pool()).await?)
}
