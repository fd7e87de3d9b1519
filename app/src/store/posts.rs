//! The `posts` table and the post view every listing shares.
//!
//! Ownership is part of each write's WHERE clause, so the check and the write are one statement: there is no
//! moment between "it is yours" and "change it" for another request to slip into.

use super::moderation::{locking, not_suspended, now_text};
use super::search::{bind_all, folded, on_lane};
use super::{Db, Dialect, committed_write, on_pool, on_replica, single};
use crate::error::AppError;
use crate::model::feed::{Cursor, FeedQuery, PostSort};
use crate::model::posts::{LIMIT_MAX, NewPost, Post, PostPatch};

/// Numbered pages deeper than this many posts are read on the search lane: an OFFSET walks every row before
/// the page, so page 5,000 of the feed costs as much as a search.
const DEEP_OFFSET: i64 = 1000;

/// The columns of a `Post` (named as its fields) over `posts p JOIN users u`, as seen by the member bound to `$1`
/// (for `viewer_upvoted`): every query that reads posts binds the viewer first.
pub(super) const POST_COLUMNS: &str =
    "p.id, p.title, p.body, p.user_id, u.username AS author_username, u.role AS author_role, p.upvotes,
        (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id) AS comment_count,
        COALESCE((SELECT true FROM post_upvotes v WHERE v.post_id = p.id AND v.user_id = $1), false) AS viewer_upvoted,
        p.created_at, p.updated_at";

// `viewer_upvoted` is a lookup of one (post, viewer) pair per post, written as a scalar subquery rather than
// EXISTS: PostgreSQL may run an EXISTS as "read every upvote of the viewer into a hash, then probe it", and a plan
// made without the viewer's id (the main pool plans once: `store::open_postgres`) picks that for everyone, so a
// member with 45,000 upvotes read them all on every feed page (12 ms instead of 0.3). A scalar subquery is never
// hashed.

/// A post as a JSON object with `Post`'s field names (how serde reads it back), over `posts p JOIN users au` (the
/// author), as seen by the member bound to `$1`: `POST_COLUMNS` for a row nested in another query's row.
pub(super) fn post_json(dialect: Dialect) -> String {
    // One lookup per post, never a hash of the viewer's upvotes (see `POST_COLUMNS`).
    let upvote = "(SELECT true FROM post_upvotes v WHERE v.post_id = p.id AND v.user_id = $1)";
    let (object, upvoted) = match dialect {
        // SQLite has no boolean (its true is 1), which JSON must say as true or false.
        Dialect::Sqlite => ("json_object", format!("json(CASE WHEN {upvote} IS NULL THEN 'false' ELSE 'true' END)")),
        Dialect::Postgres => ("json_build_object", format!("COALESCE({upvote}, false)")),
    };
    format!(
        "{object}('id', p.id, 'title', p.title, 'body', p.body, 'user_id', p.user_id, 'author_username', au.username,
             'author_role', au.role, 'upvotes', p.upvotes, 'comment_count', (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id),
             'viewer_upvoted', {upvoted}, 'created_at', p.created_at, 'updated_at', p.updated_at)"
    )
}

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

/// Who may change a post, for telling "not yours" (403) from "not there" (404) after a refused write.
pub async fn author_of(db: &Db, post_id: i64) -> Result<Option<i64>, AppError> {
    Ok(on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT user_id FROM posts WHERE id = $1").bind(post_id).fetch_optional(pool).await?
    }))
}

/// Whether a post exists, for reads (a replica may answer).
pub async fn exists(db: &Db, post_id: i64) -> Result<bool, AppError> {
    Ok(on_replica!(db, |pool| {
        sqlx::query_scalar::<_, i32>("SELECT 1 FROM posts WHERE id = $1").bind(post_id).fetch_optional(pool).await?
    })
    .is_some())
}

pub async fn find(db: &Db, viewer: i64, post_id: i64) -> Result<Option<Post>, AppError> {
    let sql = format!("SELECT {POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id = $2");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, Post>(&sql).bind(viewer).bind(post_id).fetch_optional(pool).await?))
}

/// Stores a new post by `author`, unless they are suspended (`None`), in one statement. On PostgreSQL it holds
/// the author's row FOR SHARE while it checks, and a suspension updates that row: whichever comes second waits
/// for the first to commit, and a post is never stored after a suspension of its author took effect.
pub async fn insert(db: &Db, author: i64, post: &NewPost) -> Result<Option<i64>, AppError> {
    db.ensure_room_to_grow()?;
    let (search_title, search_body) = folded(&post.title, &post.body);
    let sql = format!(
        "INSERT INTO posts (user_id, title, body, search_title, search_body)
         SELECT id, $2, $3, $4, $5 FROM users WHERE {}{} RETURNING id",
        not_suspended("$1", "$6"),
        locking(db.dialect(), "SHARE")
    );
    let now = now_text();
    Ok(committed_write!(db, |conn| {
        sqlx::query_scalar(&sql)
            .bind(author)
            .bind(&post.title)
            .bind(&post.body)
            .bind(&search_title)
            .bind(&search_body)
            .bind(&now)
            .fetch_all(&mut *conn)
            .await
            .map(single)
    })?)
}

/// Applies the edit if `author` owns the post and is not suspended; false if nothing was changed (missing, not
/// theirs, or they are suspended: the caller tells which).
pub async fn update_own(db: &Db, author: i64, post_id: i64, patch: &PostPatch) -> Result<bool, AppError> {
    db.ensure_room_to_grow()?;
    let sql = format!(
        "UPDATE posts SET title = COALESCE($1, title), body = COALESCE($2, body), updated_at = {},
             search_title = COALESCE($5, search_title), search_body = COALESCE($6, search_body)
         WHERE id = $3 AND user_id = $4 AND EXISTS (SELECT 1 FROM users WHERE {}{})",
        next_updated_at(db.dialect()),
        not_suspended("$4", "$7"),
        locking(db.dialect(), "SHARE")
    );
    let now = now_text();
    let search_title = patch.title.as_deref().map(crate::search_text::fold);
    let search_body = patch.body.as_deref().map(crate::search_text::fold);
    let updated = committed_write!(db, |conn| {
        sqlx::query(&sql)
            .bind(&patch.title)
            .bind(&patch.body)
            .bind(post_id)
            .bind(author)
            .bind(&search_title)
            .bind(&search_body)
            .bind(&now)
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

/// A value the feed query binds: text or a number, all it needs.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Param {
    Text(String),
    Int(i64),
}

/// The values of a query written piece by piece, in placeholder order. The placeholders are numbered (`$n`) like
/// every other query's, which is why this is not sqlx's `QueryBuilder`: that writes `?` on SQLite, where sqlx
/// numbers a `?` by counting only the other `?`s, so the first would be bound to the viewer meant for `$1`.
pub(super) struct Params(pub(super) Vec<Param>);

impl Params {
    /// Adds `value` and returns the placeholder to write where it goes.
    pub(super) fn add(&mut self, value: Param) -> String {
        self.0.push(value);
        format!("${}", self.0.len())
    }
}

/// The ids (and sort keys) of one feed page (without a search: `search.rs` has those): keyset position, order,
/// page. Only index columns, so a deep
/// OFFSET walks the (created_at, id) or (upvotes, id) index alone, and the post columns are then computed for the
/// page's rows only.
fn page_ids(query: &FeedQuery, params: &mut Params) -> String {
    let mut sql = String::from(match query.sort {
        PostSort::Newest => "SELECT p.id, p.created_at AS sort_key FROM posts p WHERE 1 = 1",
        PostSort::Top => "SELECT p.id, p.upvotes AS sort_key FROM posts p WHERE 1 = 1",
    });
    match &query.after {
        Some(Cursor::Newest { created_at, id }) => {
            let key = params.add(Param::Text(created_at.clone()));
            let after_id = params.add(Param::Int(*id));
            sql += &format!(" AND (p.created_at, p.id) < ({key}, {after_id})");
        }
        Some(Cursor::Top { upvotes, id }) => {
            let key = params.add(Param::Int(*upvotes));
            let after_id = params.add(Param::Int(*id));
            sql += &format!(" AND (p.upvotes, p.id) < ({key}, {after_id})");
        }
        None => {}
    }
    sql += match query.sort {
        PostSort::Newest => " ORDER BY p.created_at DESC, p.id DESC",
        PostSort::Top => " ORDER BY p.upvotes DESC, p.id DESC",
    };
    // Written into the SQL, not bound: PostgreSQL's generic plan (see `store::open_postgres`) must know how few
    // rows a page is, or it plans for 10% of the table. It is a validated number (at most MAX_LIMIT + 1).
    sql += &format!(" LIMIT {}", query.limit.clamp(1, LIMIT_MAX) + 1);
    if query.after.is_none() {
        sql += &format!(" OFFSET {}", params.add(Param::Int((query.page - 1).saturating_mul(query.limit))));
    }
    sql
}

/// Whether a page of the feed is deep enough to be read on the search lane (and counted as a search).
pub fn is_deep(query: &FeedQuery) -> bool {
    query.after.is_none() && (query.page - 1).saturating_mul(query.limit) > DEEP_OFFSET
}

/// A post of a feed page with the feed's total beside it (the same in every row): the page and its total are one
/// statement, one round trip.
#[derive(sqlx::FromRow)]
struct FeedRow {
    #[sqlx(flatten)]
    post: Post,
    feed_total: i64,
}

/// One page of the feed without a search (plus one extra row, so the caller knows whether there is a next page),
/// and the number of posts on the board, in one query. A deep numbered page runs on the search lane, like a
/// search. Only a page past the end (no rows to carry the total) asks for the total separately.
pub async fn list(db: &Db, viewer: i64, query: &FeedQuery) -> Result<(Vec<Post>, i64), AppError> {
    let mut params = Params(vec![Param::Int(viewer)]); // $1, the viewer of POST_COLUMNS
    let page = page_ids(query, &mut params);
    // Ordered by the page's own keys, not the posts': were the outer ORDER BY on p's columns, SQLite could pick
    // "walk posts by index, probe the page" (the whole table per request) over "walk the page's 21 rows".
    let sql = format!(
        "SELECT {POST_COLUMNS}, (SELECT posts FROM post_totals WHERE id = 1) AS feed_total
         FROM ({page}) page JOIN posts p ON p.id = page.id JOIN users u ON u.id = p.user_id
         ORDER BY page.sort_key DESC, page.id DESC"
    );
    let rows = if is_deep(query) {
        on_lane!(db, |conn| bind_all!(sqlx::query_as::<_, FeedRow>(&sql), params).fetch_all(&mut *conn).await?)
    } else {
        on_replica!(db, |pool| bind_all!(sqlx::query_as::<_, FeedRow>(&sql), params).fetch_all(pool).await?)
    };
    let total = match rows.first() {
        Some(row) => row.feed_total,
        None => count(db).await?,
    };
    Ok((rows.into_iter().map(|row| row.post).collect(), total))
}

/// The feed's `total` without a search: the trigger-kept count (one row, whatever the size of the board).
async fn count(db: &Db) -> Result<i64, AppError> {
    Ok(on_replica!(db, |pool| {
        sqlx::query_scalar::<_, i64>("SELECT posts FROM post_totals WHERE id = 1").fetch_one(pool).await?
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbered_page_writes_its_limit_and_binds_its_offset() {
        let query = FeedQuery { page: 3, limit: 20, sort: PostSort::Top, search: None, after: None };
        let mut params = Params(vec![Param::Int(7)]);
        let sql = page_ids(&query, &mut params);
        assert!(sql.ends_with(" WHERE 1 = 1 ORDER BY p.upvotes DESC, p.id DESC LIMIT 21 OFFSET $2"), "{sql}");
        assert_eq!(params.0, [Param::Int(7), Param::Int(40)]);
    }

    #[test]
    fn the_page_size_written_into_the_sql_stays_within_its_bounds() {
        // FeedQuery's fields are public: a query built without `parse` must not write an unbounded LIMIT
        // (on SQLite a negative LIMIT is none at all).
        for (limit, written) in [(500, " LIMIT 101"), (-3, " LIMIT 2"), (0, " LIMIT 2")] {
            let query = FeedQuery { page: 1, limit, sort: PostSort::Newest, search: None, after: None };
            let sql = page_ids(&query, &mut Params(vec![Param::Int(7)]));
            assert!(sql.contains(written), "limit {limit}: {sql}");
        }
    }

    #[test]
    fn a_page_after_a_cursor_continues_by_keyset_without_offset() {
        let after = Cursor::Newest { created_at: "2026-11-26T15:00:00.123Z".into(), id: 42 };
        let query = FeedQuery { page: 1, limit: 20, sort: PostSort::Newest, search: None, after: Some(after) };
        let mut params = Params(vec![Param::Int(7)]);
        let sql = page_ids(&query, &mut params);
        let keyset = " AND (p.created_at, p.id) < ($2, $3) ORDER BY p.created_at DESC, p.id DESC LIMIT 21";
        assert!(sql.ends_with(keyset), "{sql}");
        let created_at = Param::Text("2026-11-26T15:00:00.123Z".into());
        assert_eq!(params.0, [Param::Int(7), created_at, Param::Int(42)]);
    }
}
