//! The feed's search, answered from an index on both backends, on the search lane.
//!
//! What matches is decided in `search_text.rs`: the folded search text, exactly, inside a post's folded title or
//! body. How it is found:
//! - text with three letters or digits in a row is looked up in the trigram index: FTS5 on SQLite, pg_trgm's GIN
//!   indexes on PostgreSQL;
//! - other text (too short for trigrams, or all punctuation) is looked for among the `SEARCH_WINDOW` newest
//!   posts, a bounded read.
//!
//! Every search counts its matches, stopping at `SEARCH_COUNT_MAX + 1`: that is the `total`. Where the index
//! alone cannot serve every word well, a probe first counts the term in the `DENSE_PROBE` newest posts:
//! - a word found that often among them ("dense") is met by walking the posts in the page's order (newest or top)
//!   and keeping those that contain it, which reaches a page's worth after a few hundred rows; the probe itself
//!   is then the count (there are more than `SEARCH_COUNT_MAX`);
//! - any other word is read from the index: its matches are few, or old, and sorting them beats walking past
//!   the new posts that lack it.
//!
//! The probe matters on PostgreSQL, whose GIN index answers a rare word in a millisecond but a common one only
//! after reading every entry of its trigrams (tens of milliseconds at a million posts). SQLite's FTS5 returns
//! matches newest first and stops at the LIMIT, so it needs the probe only for "top".
//!
//! "Newest" for a search is by id, the order posts were written in (the index returns ids, and sorting its
//! matches by `created_at` would mean reading all of them). Ids and creation times agree except for posts
//! written in the same few milliseconds.

use super::posts::{POST_COLUMNS, Param, Params};
use super::{Db, Dialect, committed_write};
use crate::error::AppError;
use crate::model::feed::{Cursor, FeedQuery, PostSort, SEARCH_COUNT_MAX, SEARCH_WINDOW};
use crate::model::posts::Post;
use crate::search_text::{SearchTerm, fold};

/// One page of search results and how many posts match, counted up to `SEARCH_COUNT_MAX + 1`.
pub struct Found {
    pub posts: Vec<Post>,
    pub matches: i64,
}

/// SQL for "this row contains the term" over `row`'s folded columns, without an index: exact substring search,
/// the same on both backends (`instr` and `strpos` compare characters).
fn contains(dialect: Dialect, row: &str, term: &str) -> String {
    let function = match dialect {
        Dialect::Sqlite => "instr",
        Dialect::Postgres => "strpos",
    };
    format!("({function}({row}.search_title, {term}) > 0 OR {function}({row}.search_body, {term}) > 0)")
}

/// The ids of every matching post (no order, no limit): the index lookup, or the window of newest posts.
fn all_matches(dialect: Dialect, term: &SearchTerm, params: &mut Params) -> String {
    if !term.indexed() {
        let text = params.add(Param::Text(term.folded().to_owned()));
        return format!(
            "SELECT w.id, w.upvotes FROM (SELECT id, upvotes, search_title, search_body FROM posts
                 ORDER BY id DESC LIMIT {SEARCH_WINDOW}) w WHERE {}",
            contains(dialect, "w", &text)
        );
    }
    match dialect {
        Dialect::Sqlite => {
            let phrase = params.add(Param::Text(term.fts5_phrase()));
            format!("SELECT rowid AS id FROM post_search WHERE post_search MATCH {phrase}")
        }
        Dialect::Postgres => {
            let pattern = params.add(Param::Text(term.like_pattern()));
            format!(
                "SELECT id FROM posts WHERE search_title LIKE {pattern} ESCAPE '\\'
                 OR search_body LIKE {pattern} ESCAPE '\\'"
            )
        }
    }
}

/// How many of the newest posts the density probe reads (a few milliseconds' worth).
const DENSE_PROBE: i64 = 20_000;

/// How many posts the walk of a dense word reads at most before it gives way to the index.
const WALK_BUDGET: i64 = 20_000;

/// The matches among the `DENSE_PROBE` newest posts, stopped one past `SEARCH_COUNT_MAX`: more than that many
/// means the word is dense enough to walk for.
fn probe_sql(dialect: Dialect, term: &SearchTerm, params: &mut Params) -> String {
    let text = params.add(Param::Text(term.folded().to_owned()));
    format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM (SELECT search_title, search_body FROM posts ORDER BY id DESC
             LIMIT {DENSE_PROBE}) w WHERE {} LIMIT {}) m",
        contains(dialect, "w", &text),
        SEARCH_COUNT_MAX + 1
    )
}

/// The count, stopped one past the most `total` reports, so a common word costs no more than a rare one.
fn count_sql(dialect: Dialect, term: &SearchTerm, params: &mut Params) -> String {
    format!("SELECT COUNT(*) FROM ({} LIMIT {}) m", all_matches(dialect, term, params), SEARCH_COUNT_MAX + 1)
}

/// Where a page's rows come from: the expressions of their id and upvotes.
struct Row {
    id: &'static str,
    upvotes: &'static str,
}

const POST: Row = Row { id: "p.id", upvotes: "p.upvotes" };
const MATCH: Row = Row { id: "m.id", upvotes: "m.upvotes" };
/// SQLite's FTS5 table: its rowid is the post's id (and it has no upvotes: it only serves "newest").
const FTS: Row = Row { id: "rowid", upvotes: "" };

/// `<id>, <sort key> AS sort_key`, the page's columns. Search pages by "newest" go by id.
fn columns(sort: PostSort, row: &Row) -> String {
    match sort {
        PostSort::Newest => format!("{} AS id, {} AS sort_key", row.id, row.id),
        PostSort::Top => format!("{} AS id, {} AS sort_key", row.id, row.upvotes),
    }
}

/// ` AND <after the cursor>` (or nothing) and `ORDER BY … LIMIT … [OFFSET …]` of a search page.
fn position(query: &FeedQuery, row: &Row, params: &mut Params) -> (String, String) {
    let keyset = match &query.after {
        Some(Cursor::Newest { id, .. }) => format!(" AND {} < {}", row.id, params.add(Param::Int(*id))),
        Some(Cursor::Top { upvotes, id }) => {
            let key = params.add(Param::Int(*upvotes));
            format!(" AND ({}, {}) < ({key}, {})", row.upvotes, row.id, params.add(Param::Int(*id)))
        }
        None => String::new(),
    };
    let mut end = match query.sort {
        PostSort::Newest => format!(" ORDER BY {} DESC", row.id),
        PostSort::Top => format!(" ORDER BY {} DESC, {} DESC", row.upvotes, row.id),
    };
    end += &format!(" LIMIT {}", params.add(Param::Int(query.limit + 1)));
    if query.after.is_none() {
        end += &format!(" OFFSET {}", params.add(Param::Int((query.page - 1).saturating_mul(query.limit))));
    }
    (keyset, end)
}

/// The ids and sort keys of one page of matches, by the plan that suits how many there are.
fn page_sql(dialect: Dialect, query: &FeedQuery, term: &SearchTerm, dense: bool, params: &mut Params) -> String {
    if !term.indexed() {
        // The window is small: filter it, then sort what is left.
        let window = all_matches(dialect, term, params);
        let (keyset, end) = position(query, &MATCH, params);
        return format!("SELECT {} FROM ({window}) m WHERE 1 = 1{keyset}{end}", columns(query.sort, &MATCH));
    }
    match (dialect, query.sort, dense) {
        // FTS5 returns matches in rowid order, descending when asked, and stops at the LIMIT: the newest page of
        // a common word reads only as far as its last row.
        (Dialect::Sqlite, PostSort::Newest, _) => {
            let phrase = params.add(Param::Text(term.fts5_phrase()));
            let (keyset, end) = position(query, &FTS, params);
            format!(
                "SELECT {} FROM post_search WHERE post_search MATCH {phrase}{keyset}{end}",
                columns(query.sort, &FTS)
            )
        }
        // Few matches, or old ones: read them all from the index (materialized, so the planner cannot turn it
        // into a walk of the whole table), then sort.
        (_, _, false) => {
            let found = all_matches(dialect, term, params);
            let (keyset, end) = position(query, &POST, params);
            format!(
                "WITH m AS MATERIALIZED ({found}) SELECT {} FROM m CROSS JOIN posts p WHERE p.id = m.id{keyset}{end}",
                columns(query.sort, &POST)
            )
        }
        // A dense word: walk the posts in the page's order (the primary key, or `posts_top`) and keep those that
        // contain the text (`instr`/`strpos` cannot use the trigram index). The walk reads at most `WALK_BUDGET`
        // rows past the cursor: the probe saw the word among the newest posts, not necessarily where this page
        // starts (a late cursor, or the top of the upvotes), and a page the walk cannot fill within its budget is
        // read from the index instead (see `search`).
        (_, _, true) => {
            let text = params.add(Param::Text(term.folded().to_owned()));
            let (keyset, end) = position(query, &POST, params);
            let order = match query.sort {
                PostSort::Newest => "p.id DESC",
                PostSort::Top => "p.upvotes DESC, p.id DESC",
            };
            format!(
                "SELECT {} FROM (SELECT p.id, p.upvotes, p.search_title, p.search_body FROM posts p WHERE 1 = 1{keyset}
                     ORDER BY {order} LIMIT {WALK_BUDGET}) p WHERE {}{end}",
                columns(query.sort, &POST),
                contains(dialect, "p", &text)
            )
        }
    }
}

/// Binds `params` in order to `statement` (a `query_as` or `query_scalar` of either backend).
macro_rules! bind_all {
    ($statement:expr, $params:expr) => {{
        let mut statement = $statement;
        for param in &$params.0 {
            statement = match param {
                $crate::store::posts::Param::Text(text) => statement.bind(text.as_str()),
                $crate::store::posts::Param::Int(number) => statement.bind(*number),
            };
        }
        statement
    }};
}
pub(crate) use bind_all;

/// Runs `$body` with `$conn` a connection of the search lane, once a place in its queue is had.
macro_rules! on_lane {
    ($db:expr, |$conn:ident| $body:expr) => {{
        let lane = $db.lane();
        let _place = lane.enter()?;
        match &lane.pool {
            $crate::store::search_lane::LanePool::Sqlite(pool) => {
                let mut $conn = $crate::store::search_lane::sqlite_with_deadline(pool, lane.time_limit).await?;
                $body
            }
            $crate::store::search_lane::LanePool::Postgres(pool) => {
                let mut $conn = pool.acquire().await?;
                $body
            }
        }
    }};
}
pub(crate) use on_lane;

/// One page of posts matching `term` (plus one extra, to tell whether there is a next page) and how many match.
pub async fn search(db: &Db, viewer: i64, query: &FeedQuery, term: &SearchTerm) -> Result<Found, AppError> {
    let dialect = db.dialect();
    // The probe is needed to choose a plan (an indexed term, on PostgreSQL or sorted by top), and on PostgreSQL it
    // also spares a dense word the index count.
    let probe = term.indexed() && (dialect == Dialect::Postgres || query.sort == PostSort::Top);
    let mut probe_params = Params(Vec::new());
    let probe_sql = probe_sql(dialect, term, &mut probe_params);
    let mut count_params = Params(Vec::new());
    let count = count_sql(dialect, term, &mut count_params);
    Ok(on_lane!(db, |conn| {
        let recent: i64 = if probe {
            bind_all!(sqlx::query_scalar(&probe_sql), probe_params).fetch_one(&mut *conn).await?
        } else {
            0
        };
        let dense = recent > SEARCH_COUNT_MAX;
        let matches: i64 = if dense && dialect == Dialect::Postgres {
            recent
        } else {
            bind_all!(sqlx::query_scalar(&count), count_params).fetch_one(&mut *conn).await?
        };
        // Numbered pages reach as deep as the count does; past it a page is empty (the cursor goes further).
        let numbered_too_deep =
            query.after.is_none() && (query.page - 1).saturating_mul(query.limit) >= SEARCH_COUNT_MAX;
        if matches == 0 || numbered_too_deep {
            return Ok(Found { posts: Vec::new(), matches });
        }
        // One page of matching posts by the plan `dense` chooses, with every column of a `Post`.
        macro_rules! page {
            ($dense:expr) => {{
                let mut params = Params(vec![Param::Int(viewer)]); // $1, the viewer of POST_COLUMNS
                let page = page_sql(dialect, query, term, $dense, &mut params);
                let sql = format!(
                    "SELECT {POST_COLUMNS} FROM ({page}) page JOIN posts p ON p.id = page.id
                     JOIN users u ON u.id = p.user_id ORDER BY page.sort_key DESC, page.id DESC"
                );
                bind_all!(sqlx::query_as::<_, Post>(&sql), params).fetch_all(&mut *conn).await?
            }};
        }
        let posts = page!(dense);
        // A walk that did not fill the page within its budget says nothing about the posts past it: the index,
        // which has them all, gives the page instead.
        let walked = dense && !(dialect == Dialect::Sqlite && query.sort == PostSort::Newest);
        let posts = if walked && (posts.len() as i64) <= query.limit { page!(false) } else { posts };
        Found { posts, matches }
    }))
}

/// Folds what older instances write while they still run beside this one (a rolling upgrade).
pub(super) async fn keep_folding(db: Db) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        if let Err(err) = backfill(&db).await {
            tracing::warn!(error = %err, "folding posts for search failed; trying again later");
        }
    }
}

/// The folded copies a post's search columns hold.
pub fn folded(title: &str, body: &str) -> (String, String) {
    (fold(title), fold(body))
}

/// Folds the posts written without their search columns (before migration 0007, or by an older instance during a
/// rolling upgrade), a batch at a time, through the `posts_unfolded` index. Run before the board serves, then
/// every half minute (`keep_folding`). A post folded or edited meanwhile is left alone.
pub(super) async fn backfill(db: &Db) -> Result<(), sqlx::Error> {
    const BATCH: i64 = 500;
    let mut folded_posts = 0_u64;
    loop {
        let rows: Vec<(i64, String, String)> = super::on_pool!(db, |pool| {
            // The batch is written into the SQL: PostgreSQL plans the main pool's statements once, without their
            // values (see `store::open_postgres`).
            sqlx::query_as(&format!(
                "SELECT id, title, body FROM posts WHERE search_title IS NULL ORDER BY id LIMIT {BATCH}"
            ))
            .fetch_all(pool)
            .await?
        });
        if rows.is_empty() {
            break;
        }
        for (id, title, body) in &rows {
            let (search_title, search_body) = folded(title, body);
            committed_write!(db, |conn| {
                sqlx::query(
                    "UPDATE posts SET search_title = $1, search_body = $2 WHERE id = $3 AND search_title IS NULL",
                )
                .bind(&search_title)
                .bind(&search_body)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map(|done| done.rows_affected())
            })?;
        }
        folded_posts += rows.len() as u64;
    }
    if folded_posts > 0 {
        tracing::info!(posts = folded_posts, "folded the text of older posts for search");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(sort: PostSort, page: i64, after: Option<Cursor>) -> FeedQuery {
        FeedQuery { page, limit: 20, sort, search: Some("x".into()), after }
    }

    #[test]
    fn an_indexed_count_stops_one_past_the_reported_most() {
        let mut params = Params(Vec::new());
        let sql = count_sql(Dialect::Sqlite, &SearchTerm::new("Rust"), &mut params);
        assert_eq!(
            sql,
            "SELECT COUNT(*) FROM (SELECT rowid AS id FROM post_search WHERE post_search MATCH $1 LIMIT 201) m"
        );
        assert_eq!(params.0, [Param::Text("\"rust\"".into())]);
        let mut params = Params(Vec::new());
        let sql = count_sql(Dialect::Postgres, &SearchTerm::new("100%"), &mut params);
        assert!(sql.contains("search_title LIKE $1 ESCAPE '\\'"), "{sql}");
        assert_eq!(params.0, [Param::Text("%100\\%%".into())]);
    }

    #[test]
    fn the_probe_reads_the_newest_posts_only_and_stops_past_the_most_counted() {
        let mut params = Params(Vec::new());
        let sql = probe_sql(Dialect::Postgres, &SearchTerm::new("Word"), &mut params);
        assert!(
            sql.contains("ORDER BY id DESC\n             LIMIT 20000) w WHERE (strpos(w.search_title, $1) > 0"),
            "{sql}"
        );
        assert!(sql.ends_with(&format!(" LIMIT {}) m", SEARCH_COUNT_MAX + 1)), "{sql}");
        assert_eq!(params.0, [Param::Text("word".into())]);
    }

    #[test]
    fn short_text_is_looked_for_in_the_newest_window_only() {
        let mut params = Params(Vec::new());
        let sql =
            page_sql(Dialect::Postgres, &query(PostSort::Newest, 2, None), &SearchTerm::new("C+"), false, &mut params);
        assert!(sql.contains("ORDER BY id DESC LIMIT 10000) w WHERE (strpos(w.search_title, $1) > 0"), "{sql}");
        assert!(sql.starts_with("SELECT m.id AS id, m.id AS sort_key FROM (SELECT w.id, w.upvotes"), "{sql}");
        assert!(sql.ends_with(" ORDER BY m.id DESC LIMIT $2 OFFSET $3"), "{sql}");
        assert_eq!(params.0, [Param::Text("c+".into()), Param::Int(21), Param::Int(20)]);
    }

    #[test]
    fn the_plan_follows_how_dense_the_word_is_among_the_newest_posts() {
        let term = SearchTerm::new("word");
        let newest = query(PostSort::Newest, 1, None);
        let mut params = Params(Vec::new());
        let few = page_sql(Dialect::Postgres, &newest, &term, false, &mut params);
        assert!(few.starts_with("WITH m AS MATERIALIZED (SELECT id FROM posts WHERE search_title LIKE $1"), "{few}");
        let mut params = Params(Vec::new());
        let many = page_sql(Dialect::Postgres, &newest, &term, true, &mut params);
        assert!(many.starts_with("SELECT p.id AS id, p.id AS sort_key FROM (SELECT p.id, p.upvotes"), "{many}");
        assert!(many.contains("ORDER BY p.id DESC LIMIT 20000) p WHERE (strpos(p.search_title, $1) > 0"), "{many}");
        // SQLite's index returns its matches newest first by itself, whatever their number.
        let mut params = Params(Vec::new());
        let after = Some(Cursor::Newest { created_at: "t".into(), id: 99 });
        let sqlite = page_sql(Dialect::Sqlite, &query(PostSort::Newest, 1, after), &term, true, &mut params);
        assert_eq!(
            sqlite,
            "SELECT rowid AS id, rowid AS sort_key FROM post_search WHERE post_search MATCH $1 AND rowid < $2 \
             ORDER BY rowid DESC LIMIT $3"
        );
        let mut params = Params(Vec::new());
        let top = page_sql(Dialect::Sqlite, &query(PostSort::Top, 1, None), &term, true, &mut params);
        assert!(top.contains("(instr(p.search_title, $1) > 0 OR instr(p.search_body, $1) > 0)"), "{top}");
        assert!(top.ends_with("ORDER BY p.upvotes DESC, p.id DESC LIMIT $2 OFFSET $3"), "{top}");
    }
}
