//! Bulk demo data for benchmarks and demos (`bulletin seed`): members, posts, comments and upvotes written by a
//! few set-based SQL statements in one transaction, so a million posts take seconds, not the hours a million HTTP
//! requests would. Only ever run on an empty database.

use super::{Backend, Db, Dialect, on_write_pool};
use sqlx::Executor;

/// How much to write. Every seeded member has the same password (its hash is computed once by the caller).
#[derive(Clone, Debug)]
pub struct SeedPlan {
    pub members: i64,
    pub posts: i64,
    /// Comments on the first post (a post page with a realistic thread, for the read benchmark).
    pub comments_on_first_post: i64,
    /// Further comments, spread over the other posts.
    pub comments: i64,
    /// Upvote rows, spread over members and posts (each pair at most once).
    pub upvotes: i64,
    pub password_hash: String,
}

/// The statements of a seed, in order. `$1` is the password hash; counts are inlined (they are numbers).
fn statements(plan: &SeedPlan, dialect: Dialect) -> Vec<String> {
    let SeedPlan { members, posts, comments_on_first_post, comments, upvotes, .. } = *plan;
    // Rows 1..=n of a number series, and a timestamp i seconds after 2020-01-01 in the stored text format.
    let series = |n: i64| match dialect {
        Dialect::Sqlite => format!("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) "),
        Dialect::Postgres => format!("WITH s(i) AS (SELECT generate_series(1, {n})::bigint) "),
    };
    let stamp = match dialect {
        Dialect::Sqlite => "strftime('%Y-%m-%dT%H:%M:%fZ', 1577836800 + s.i, 'unixepoch')",
        Dialect::Postgres => {
            "to_char(to_timestamp(1577836800 + s.i) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
        }
    };
    let mut sql = vec![
        format!(
            // The skeleton as `username_skeleton` computes it for `member_<digits>`: 1 -> l, 0 -> o.
            "{}INSERT INTO users (username, username_skeleton, password_hash, created_at) \
             SELECT 'member_' || s.i, 'member_' || replace(replace(CAST(s.i AS TEXT), '1', 'l'), '0', 'o'), $1, \
             {stamp} FROM s",
            series(members)
        ),
        // Posts by members in turn, one second apart, so "newest" is a total order like real traffic.
        format!(
            "{}INSERT INTO posts (user_id, title, body, created_at, updated_at)
             SELECT 1 + (s.i % {members}), 'Seeded post number ' || s.i,
                    'This is the body of seeded post ' || s.i || '. It is long enough to look like a real post, '
                    || 'with a sentence or two of text that a member might write on a bulletin board.',
                    {stamp}, {stamp}
             FROM s",
            series(posts)
        ),
        format!(
            "{}INSERT INTO comments (post_id, user_id, body, created_at)
             SELECT 1, 1 + (s.i % {members}), 'Comment ' || s.i || ' on the first post', {stamp} FROM s",
            series(comments_on_first_post)
        ),
        format!(
            "{}INSERT INTO comments (post_id, user_id, body, created_at)
             SELECT 1 + ((s.i * 7919) % {posts}), 1 + (s.i % {members}), 'Seeded comment ' || s.i, {stamp} FROM s",
            series(comments)
        ),
    ];
    // Member m upvotes posts m, m + members, m + 2·members, …: distinct pairs, counters kept by the triggers.
    if upvotes > 0 {
        sql.push(format!(
            "{}INSERT INTO post_upvotes (user_id, post_id)
             SELECT 1 + ((s.i - 1) % {members}), 1 + ((s.i - 1) % {posts}) FROM s
             WHERE true ON CONFLICT DO NOTHING", // WHERE true: else SQLite reads ON as a join condition
            series(upvotes.min(members * posts))
        ));
    }
    sql
}

/// Writes the plan into an empty database. Refuses a database that already has members.
pub async fn seed(db: &Db, plan: &SeedPlan) -> Result<(), String> {
    if plan.members < 1 || plan.posts < 1 {
        return Err("a seed needs at least one member and one post".into());
    }
    let fail = |e: sqlx::Error| format!("seeding failed: {e}");
    on_write_pool!(db, |pool| {
        let mut tx = pool.begin().await.map_err(fail)?;
        let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut *tx).await.map_err(fail)?;
        if existing > 0 {
            return Err(format!("refusing to seed: the database already has {existing} members"));
        }
        for statement in statements(plan, db.dialect()) {
            let query = sqlx::query(&statement);
            let query = if statement.contains("$1") { query.bind(&plan.password_hash) } else { query };
            (&mut *tx).execute(query).await.map_err(fail)?;
        }
        tx.commit().await.map_err(fail)?;
    });
    if let Backend::Postgres(pool) = db.backend() {
        // Fresh statistics, so the planner sees a million rows, not an empty table.
        sqlx::query("ANALYZE").execute(pool).await.map_err(fail)?;
    }
    Ok(())
}
