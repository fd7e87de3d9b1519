//! `bulletin seed` on the suite's backend: the counters it writes agree with the rows it writes, and the schema it
//! leaves is exactly the one the migrations made (on PostgreSQL it sets indexes, foreign keys and the upvote
//! counter trigger aside while it writes).

mod common;

use app::store::seed::{SeedPlan, distinct_upvotes, seed};
use app::store::{Db, DbSettings};
use common::database::TestDatabase;

/// Runs one statement on whichever backend `url` names; its answer, if it has one, is a single text.
async fn scalar(url: &str, sql: &str) -> String {
    let value: Option<Option<String>> = if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_optional(&pool).await.unwrap()
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_optional(&pool).await.unwrap()
    };
    value.flatten().unwrap_or_default()
}

/// Every index, constraint and trigger, as the database describes them.
async fn schema(url: &str) -> String {
    if url.starts_with("postgres") {
        let indexes = scalar(
            url,
            "SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes \
                                   WHERE schemaname = current_schema()",
        )
        .await;
        let constraints = scalar(
            url,
            "SELECT string_agg(conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid), E'\\n' \
             ORDER BY conrelid::regclass::text, conname) FROM pg_constraint WHERE connamespace = current_schema()::regnamespace",
        )
        .await;
        let triggers = scalar(
            url,
            "SELECT string_agg(tgname || ' ' || tgenabled::text, E'\\n' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal",
        )
        .await;
        format!("{indexes}\n{constraints}\n{triggers}")
    } else {
        scalar(
            url,
            "SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), char(10)) \
                     FROM (SELECT * FROM sqlite_master ORDER BY type, name)",
        )
        .await
    }
}

/// Posts whose stored upvote count differs from their upvote rows.
const MISCOUNTED: &str = "SELECT CAST(COUNT(*) AS TEXT) FROM posts p WHERE p.upvotes <> (SELECT COUNT(*) FROM post_upvotes v WHERE v.post_id = p.id)";

fn plan(members: i64, posts: i64, upvotes: i64) -> SeedPlan {
    SeedPlan { members, posts, comments_on_first_post: 3, comments: 7, upvotes, password_hash: "hash".into() }
}

#[tokio::test]
async fn a_seed_counts_upvotes_as_its_rows_do_and_leaves_the_schema_as_migrated() {
    // 4 members and 10 posts make lcm(4, 10) = 20 distinct pairs; 15 upvotes give posts 1-5 two each and posts 6-10
    // one each, so a count that ignored the remainder (or the pattern) would show.
    for (plan, rows) in [(plan(4, 10, 15), 15), (plan(4, 10, 50), 20), (plan(3, 7, 0), 0)] {
        assert_eq!(distinct_upvotes(&plan), rows, "{plan:?}");
        let database = TestDatabase::fresh().await;
        let url = database.url();
        let db = Db::connect(&url, DbSettings::default()).await.unwrap();
        let migrated = schema(&url).await;

        seed(&db, &plan).await.unwrap();

        assert_eq!(scalar(&url, "SELECT CAST(COUNT(*) AS TEXT) FROM post_upvotes").await, rows.to_string());
        assert_eq!(scalar(&url, MISCOUNTED).await, "0", "{plan:?}");
        let counts = if url.starts_with("postgres") {
            "SELECT string_agg(upvotes::text, ',' ORDER BY id) FROM posts"
        } else {
            "SELECT group_concat(upvotes, ',') FROM (SELECT upvotes FROM posts ORDER BY id)"
        };
        let expected = match rows {
            15 => "2,2,2,2,2,1,1,1,1,1",
            20 => "2,2,2,2,2,2,2,2,2,2",
            _ => "0,0,0,0,0,0,0",
        };
        assert_eq!(scalar(&url, counts).await, expected, "{plan:?}");
        assert_eq!(schema(&url).await, migrated, "the seed leaves the migrated schema");
        if rows > 0 {
            // The counter trigger is on again: an upvote withdrawn after the seed is counted.
            scalar(&url, "DELETE FROM post_upvotes WHERE user_id = 1 AND post_id = 1").await;
            assert_eq!(scalar(&url, "SELECT CAST(upvotes AS TEXT) FROM posts WHERE id = 1").await, "1");
            assert_eq!(scalar(&url, MISCOUNTED).await, "0");
        }
        assert!(seed(&db, &plan).await.unwrap_err().contains("refusing to seed"), "a second seed is refused");
    }
}
