//! The `posts` table and the post view every listing shares.
//!
//! Ownership is part of each write's WHERE clause, so the check and the write are one statement: there is no
//! moment between "it is yours" and "change it" for another request to slip into.

use super::{Db, Dialect, committed_write, on_pool, single};
use crate::error::AppError;
use crate::model::feed::{Cursor, FeedQuery, PostSort};
use crate::model::posts::{NewPost, Post, PostPatch};
use sqlx::{Database, Encode, Pool, QueryBuilder, Type};

/// The columns of a `Post` as seen by the member bound to `$1` (for `viewer_upvoted`), over `POSTS_WITH_AUTHORS`.
const POST_FIELDS: &str = "SELECT p.id, p.title, p.body, p.user_id, u.username AS author_username, p.upvotes,
        (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id) AS comment_count,
        EXISTS (SELECT 1 FROM post_upvotes v WHERE v.post_id = p.id AND v.user_id = $1) AS viewer_upvoted,
        p.created_at, p.updated_at";
const POSTS_WITH_AUTHORS: &str = " FROM posts p JOIN users u ON u.id = p.user_id";

/// The next `updated_at`: now, unless the clock has not moved on since the last edit, then 1.5 ms after it, so
/// an edit is always visible as a change. Same RFC 3339 text with milliseconds on both backends.
fn next_updated_at(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => {
            "strftime('%Y-%m-%dT%H:%M:%fZ', max(julianday('now'), julianday(updated_at) + 0.0015 / 86400.0))"
        }
        Dialect::Postgres => {
            "to_char(greatest(clock_timestamp(), updated_at::timestamptz + interval '1.5 milliseconds')
                AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
        }
    }
}

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
    Ok(on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT user_id FROM posts WHERE id = $1").bind(post_id).fetch_optional(pool).await?
    }))
}

pub async fn find(db: &Db, viewer: i64, post_id: i64) -> Result<Option<Post>, AppError> {
    let sql = format!("{POST_FIELDS}{POSTS_WITH_AUTHORS} WHERE p.id = $2");
    let row = on_pool!(db, |pool| {
        sqlx::query_as::<_, PostRow>(&sql).bind(viewer).bind(post_id).fetch_optional(pool).await?
    });
    Ok(row.map(Post::from))
}

pub async fn insert(db: &Db, author: i64, post: &NewPost) -> Result<i64, AppError> {
    db.ensure_room_to_grow()?;
    let id = committed_write!(db, |conn| {
        sqlx::query_scalar("INSERT INTO posts (user_id, title, body) VALUES ($1, $2, $3) RETURNING id")
            .bind(author)
            .bind(&post.title)
            .bind(&post.body)
            .fetch_all(&mut *conn)
            .await
            .map(single)
    })?;
    id.ok_or_else(|| AppError::internal("INSERT … RETURNING id returned no row"))
}

/// Applies the edit if `author` owns the post; false if nothing was changed (missing or not theirs).
pub async fn update_own(db: &Db, author: i64, post_id: i64, patch: &PostPatch) -> Result<bool, AppError> {
    db.ensure_room_to_grow()?;
    let sql = format!(
        "UPDATE posts SET title = COALESCE($1, title), body = COALESCE($2, body), updated_at = {}
         WHERE id = $3 AND user_id = $4",
        next_updated_at(db.dialect())
    );
    let updated = committed_write!(db, |conn| {
        sqlx::query(&sql)
            .bind(&patch.title)
            .bind(&patch.body)
            .bind(post_id)
            .bind(author)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(updated == 1)
}

/// Deletes the post (comments and upvotes cascade) if `author` owns it; false if nothing was deleted.
pub async fn delete_own(db: &Db, author: i64, post_id: i64) -> Result<bool, AppError> {
    let deleted = committed_write!(db, |conn| {
        sqlx::query("DELETE FROM posts WHERE id = $1 AND user_id = $2")
            .bind(post_id)
            .bind(author)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(deleted == 1)
}

/// Values a feed query binds: what `push_bind` needs on either backend.
trait Bindable<'a, DB: Database>: Encode<'a, DB> + Type<DB> + Send + 'a {}
impl<'a, DB: Database, T: Encode<'a, DB> + Type<DB> + Send + 'a> Bindable<'a, DB> for T {}

/// A query builder for `pool`'s backend (the pool only fixes the type).
fn builder_for<'a, DB: Database>(_pool: &Pool<DB>, sql: &str) -> QueryBuilder<'a, DB> {
    QueryBuilder::new(sql)
}

/// `text` as a LIKE pattern that matches it literally anywhere: `\`, `%` and `_` are escaped (ESCAPE '\').
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for ch in text.chars() {
        if matches!(ch, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

/// Case-insensitive substring match on title or body, the same on both backends.
fn push_search<'a, DB: Database>(builder: &mut QueryBuilder<'a, DB>, search: &Option<String>)
where
    String: Bindable<'a, DB>,
{
    if let Some(text) = search {
        let pattern = contains_pattern(text);
        builder
            .push(" AND (lower(p.title) LIKE lower(")
            .push_bind(pattern.clone())
            .push(") ESCAPE '\\' OR lower(p.body) LIKE lower(")
            .push_bind(pattern)
            .push(") ESCAPE '\\')");
    }
}

/// The ids (and sort keys) of one feed page: search, keyset position, order, page. Only index columns, so a deep
/// OFFSET walks the (created_at, id) or (upvotes, id) index alone, and the post columns are then computed for the
/// page's rows only.
fn push_page_ids<'a, DB: Database>(builder: &mut QueryBuilder<'a, DB>, query: &FeedQuery)
where
    String: Bindable<'a, DB>,
    i64: Bindable<'a, DB>,
{
    builder.push(match query.sort {
        PostSort::Newest => "SELECT p.id, p.created_at AS sort_key FROM posts p WHERE 1 = 1",
        PostSort::Top => "SELECT p.id, p.upvotes AS sort_key FROM posts p WHERE 1 = 1",
    });
    push_search(builder, &query.search);
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
    builder.push(order_by(query.sort));
    builder.push(" LIMIT ").push_bind(query.limit + 1);
    if query.after.is_none() {
        builder.push(" OFFSET ").push_bind((query.page - 1).saturating_mul(query.limit));
    }
}

fn order_by(sort: PostSort) -> &'static str {
    match sort {
        PostSort::Newest => " ORDER BY p.created_at DESC, p.id DESC",
        PostSort::Top => " ORDER BY p.upvotes DESC, p.id DESC",
    }
}

/// One page of the feed (plus one extra row, so the caller knows whether there is a next page), in one query.
pub async fn list(db: &Db, viewer: i64, query: &FeedQuery) -> Result<Vec<Post>, AppError> {
    // The viewer is `$1` of POST_FIELDS; the builder numbers its own binds after it.
    let (head, tail) = POST_FIELDS.split_once("$1").expect("POST_FIELDS binds the viewer as $1");
    let rows = on_pool!(db, |pool| {
        let mut builder = builder_for(pool, head);
        builder.push_bind(viewer).push(tail).push(" FROM (");
        push_page_ids(&mut builder, query);
        // Ordered by the page's own keys, not the posts': were the outer ORDER BY on p's columns, SQLite could pick
        // "walk posts by index, probe the page" (the whole table per request) over "walk the page's 21 rows".
        builder.push(") page JOIN posts p ON p.id = page.id JOIN users u ON u.id = p.user_id");
        builder.push(" ORDER BY page.sort_key DESC, page.id DESC");
        builder.build_query_as::<PostRow>().fetch_all(pool).await?
    });
    Ok(rows.into_iter().map(Post::from).collect())
}

/// How many posts match the feed's search. Without one, the trigger-kept total (one row, whatever the size of the
/// board); with one, a count of the matches, which the search has to scan for anyway.
pub async fn count(db: &Db, search: &Option<String>) -> Result<i64, AppError> {
    Ok(on_pool!(db, |pool| {
        if search.is_none() {
            sqlx::query_scalar::<_, i64>("SELECT posts FROM post_totals WHERE id = 1").fetch_one(pool).await?
        } else {
            let mut builder = builder_for(pool, "SELECT COUNT(*) FROM posts p WHERE 1 = 1");
            push_search(&mut builder, search);
            builder.build_query_scalar::<i64>().fetch_one(pool).await?
        }
    }))
}

/// A member's newest posts, for their profile.
pub async fn by_author(db: &Db, viewer: i64, author: i64, limit: i64) -> Result<Vec<Post>, AppError> {
    let sql = format!(
        "{POST_FIELDS}{POSTS_WITH_AUTHORS} WHERE p.user_id = $2 ORDER BY p.created_at DESC, p.id DESC LIMIT $3"
    );
    let rows = on_pool!(db, |pool| {
        sqlx::query_as::<_, PostRow>(&sql).bind(viewer).bind(author).bind(limit).fetch_all(pool).await?
    });
    Ok(rows.into_iter().map(Post::from).collect())
}

pub async fn count_by_author(db: &Db, author: i64) -> Result<i64, AppError> {
    Ok(on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM posts WHERE user_id = $1").bind(author).fetch_one(pool).await?
    }))
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn search_patterns_match_wildcards_literally() {
        assert_eq!(contains_pattern("rust"), "%rust%");
        assert_eq!(contains_pattern("100%_\\"), "%100\\%\\_\\\\%");
    }
}
