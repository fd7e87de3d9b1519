//! Bulk demo data for benchmarks and demos (`bulletin seed`): members, posts, comments and upvotes written by a
//! few set-based SQL statements in one transaction, so a million posts take a minute or two (most of it spent
//! by the search index), not the hours a million HTTP requests would. Only ever run on an empty database.

use super::{Backend, Db, Dialect, on_write_pool};
use sqlx::Executor;

/// The words seeded posts are written with, one a line: 1,000 distinct lowercase English words, none inside
/// another nor inside "post" (the one word every title repeats), so a search for one finds exactly the posts
/// that contain it, about 1.7% of them (`make bench`'s search scenarios pick from the same file).
const WORDS: &str = include_str!("../../../bench/words.txt");
/// How many words a post draws: 3 for its title, 14 for its body (about 100 characters: every character costs
/// the seed its share of the search index). With 1,000 words, each word is in ~1.7% of posts.
const TITLE_WORDS: i64 = 3;
const BODY_WORDS: i64 = 14;
/// Each word's slot in the lookup string: one more than the longest word, so every word ends in a space.
const WORD_WIDTH: usize = 11;

fn words() -> Vec<&'static str> {
    WORDS.lines().filter(|line| !line.is_empty()).collect()
}

/// SQL for the text of word draws `draws` of post `s.i`: the words, separated by single spaces.
///
/// The words sit in one literal, each padded to `WORD_WIDTH`, and a draw is the slice at word `k`: a little
/// arithmetic and one `substr` per word instead of a join, so a million posts' text costs seconds. The literal is
/// a BLOB (`bytea`) because both databases slice those by byte offset, while `substr` of TEXT counts characters
/// from the start of the string (measured: over a minute per million posts on SQLite, ten on PostgreSQL). It is
/// repeated in each draw rather than read from a CTE column, which SQLite would copy for every use. The padded
/// words are joined as they are, then each run of spaces (8 at most) squeezed to one: a pass halves a run, so
/// three suffice, and they cost less than trimming every word.
///
/// `k` is a hash of (post, draw): `h = (i·7919 + d·104729) mod p` with p = 2³¹ − 1, then `h² mod p mod 1000`.
/// Squaring makes it nonlinear, so neighbouring posts share no pattern; every value stays below 2⁶² (i is at
/// most a few million), so it neither overflows 64 bits nor goes negative on either backend.
fn words_sql(draws: std::ops::Range<i64>, lookup: &str, dialect: Dialect) -> String {
    let count = words().len();
    let word = |draw: i64| {
        let h = format!("((s.i * 7919 + {}) % 2147483647)", draw * 104729);
        format!(
            "substr({lookup}, CAST(1 + {WORD_WIDTH} * ({h} * {h} % 2147483647 % {count}) AS INTEGER), {WORD_WIDTH})"
        )
    };
    let joined = draws.map(word).collect::<Vec<_>>().join(" || ");
    // SQLite's || reads BLOBs as text; PostgreSQL's joins bytea to bytea, made text (all ASCII) once.
    let joined = match dialect {
        Dialect::Sqlite => joined,
        Dialect::Postgres => format!("convert_from({joined}, 'UTF8')"),
    };
    format!("rtrim(replace(replace(replace({joined}, '  ', ' '), '  ', ' '), '  ', ' '))")
}

/// The words padded to `WORD_WIDTH` each, as a BLOB literal of `dialect`.
fn word_lookup(dialect: Dialect) -> String {
    let mut hex = String::new();
    for word in words() {
        // The literal is SQL text made from this file: only letters may reach it.
        assert!(
            !word.is_empty() && word.len() < WORD_WIDTH && word.bytes().all(|b| b.is_ascii_lowercase()),
            "bench/words.txt: {word:?} is not 1 to {} letters a-z",
            WORD_WIDTH - 1
        );
        let padded = format!("{word}{}", " ".repeat(WORD_WIDTH - word.len()));
        hex.extend(padded.bytes().map(|b| format!("{b:02x}")));
    }
    match dialect {
        Dialect::Sqlite => format!("X'{hex}'"),
        Dialect::Postgres => format!("decode('{hex}', 'hex')"),
    }
}

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

/// How many upvote rows a plan makes: as many as asked, but no more than the distinct (member, post) pairs the
/// seed's pattern reaches, lcm(members, posts) of them (see `statements`).
pub fn distinct_upvotes(plan: &SeedPlan) -> i64 {
    fn gcd(a: i64, b: i64) -> i64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let (members, posts) = (plan.members.max(1), plan.posts.max(1));
    plan.upvotes.max(0).min(members / gcd(members, posts) * posts)
}

/// The statements of a seed, in order. `$1` is the password hash; counts are inlined (they are numbers).
fn statements(plan: &SeedPlan, dialect: Dialect) -> Vec<String> {
    let SeedPlan { members, posts, comments_on_first_post, comments, .. } = *plan;
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
    let lookup = word_lookup(dialect);
    let fence = match dialect {
        Dialect::Sqlite => "LIMIT -1 OFFSET 0", // SQLite takes an OFFSET only after a LIMIT; -1 is none
        Dialect::Postgres => "OFFSET 0",
    };
    let distinct_upvotes = distinct_upvotes(plan);
    // PostgreSQL: each post is written with the number of upvotes it is about to get, which is known in advance:
    // of upvotes 0..distinct_upvotes, post s.i gets those with i mod posts = s.i - 1.
    let (upvotes_column, upvotes_value) = match dialect {
        Dialect::Sqlite => (String::new(), String::new()),
        Dialect::Postgres => (
            ", upvotes".to_owned(),
            format!(", {} + CASE WHEN p.n <= {} THEN 1 ELSE 0 END", distinct_upvotes / posts, distinct_upvotes % posts),
        ),
    };
    let mut sql = vec![
        format!(
            // The skeleton as `username_skeleton` computes it for `member_<digits>`: 1 -> l, 0 -> o.
            "{}INSERT INTO users (username, username_skeleton, password_hash, created_at) \
             SELECT 'member_' || s.i, 'member_' || replace(replace(CAST(s.i AS TEXT), '1', 'l'), '0', 'o'), $1, \
             {stamp} FROM s",
            series(members)
        ),
        // Posts by members in turn, one second apart, so "newest" is a total order like real traffic. Their words
        // vary (see `words_sql`), so a search finds some posts, not all or none. The search columns hold the
        // app's case folding of title and body (search_text::fold): for ASCII text, which is all a seed writes,
        // that is lower(), and the triggers (SQLite) or indexes (PostgreSQL) take it from there. The subquery
        // computes each text once: its OFFSET keeps either database from merging it into the outer SELECT, which
        // would build the text twice, once for each column that names it.
        format!(
            "{}INSERT INTO posts (user_id, title, body, search_title, search_body, created_at, updated_at{upvotes_column})
             SELECT p.user_id, p.title, p.body, lower(p.title), lower(p.body), p.created_at, p.created_at{upvotes_value}
             FROM (SELECT s.i AS n, 1 + (s.i % {members}) AS user_id, 'Post ' || s.i || ': ' || {title} AS title,
                          {body} || '.' AS body, {stamp} AS created_at
                   FROM s {fence}) AS p",
            series(posts),
            title = words_sql(0..TITLE_WORDS, &lookup, dialect),
            body = words_sql(TITLE_WORDS..TITLE_WORDS + BODY_WORDS, &lookup, dialect),
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
    // Upvote i (from 0) is member 1 + i mod members's vote for post 1 + i mod posts. Two upvotes are the same pair
    // exactly when their i differ by a multiple of lcm(members, posts), so the first `distinct_upvotes` are every
    // pair the seed can make, each once, and no insert has to look for a conflict.
    if distinct_upvotes > 0 {
        let insert = format!(
            "{}INSERT INTO post_upvotes (user_id, post_id) SELECT 1 + ((s.i - 1) % {members}), 1 + ((s.i - 1) % {posts}) FROM s",
            series(distinct_upvotes)
        );
        match dialect {
            Dialect::Sqlite => sql.push(insert),
            // PostgreSQL's counter trigger is a function call and a rewrite of the post per upvote (25 s of a
            // million-post seed). The posts were written with their counts instead (`upvotes_value`), so the
            // trigger is off for these rows: inside the seed's transaction, so it is back before anyone else can
            // write.
            Dialect::Postgres => sql.extend([
                "ALTER TABLE post_upvotes DISABLE TRIGGER post_upvotes_count".to_owned(),
                insert,
                "ALTER TABLE post_upvotes ENABLE TRIGGER post_upvotes_count".to_owned(),
            ]),
        }
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
        // PostgreSQL updates an index entry by entry, and checks each row's foreign keys with a query of its own
        // (locking the row it points to). With the indexes and foreign keys of the seeded tables set aside and
        // made again over the finished rows instead, each is one pass: a sort per index, one join per foreign
        // key. All in this transaction, so a failed seed leaves the schema as it was; the GIN indexes also come
        // out without a pending list for the first searches to read. What is set aside is exactly what the
        // migrations made, except the indexes behind a primary key or unique constraint, which the inserts rely
        // on; foreign keys are made again last, as their check reads the finished tables.
        let set_aside: Vec<(String, String)> = if db.dialect() == Dialect::Postgres {
            sqlx::query_as(
                "SELECT format('DROP INDEX %I.%I', schemaname, indexname), indexdef, 1 AS step FROM pg_indexes
                 WHERE schemaname = current_schema() AND tablename IN ('posts', 'comments', 'post_upvotes')
                   AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))
                 UNION ALL
                 SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),
                        format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname,
                               pg_get_constraintdef(oid)), 2 FROM pg_constraint
                 WHERE contype = 'f' AND conrelid IN ('posts'::regclass, 'comments'::regclass,
                                                      'post_upvotes'::regclass)
                 ORDER BY step",
            )
            .fetch_all(&mut *tx)
            .await
            .map_err(fail)?
            .into_iter()
            .map(|(drop, create, _): (String, String, i32)| (drop, create))
            .collect()
        } else {
            Vec::new()
        };
        for (set_aside, _) in &set_aside {
            (&mut *tx).execute(set_aside.as_str()).await.map_err(fail)?;
        }
        for statement in statements(plan, db.dialect()) {
            let query = sqlx::query(&statement);
            let query = if statement.contains("$1") { query.bind(&plan.password_hash) } else { query };
            (&mut *tx).execute(query).await.map_err(fail)?;
        }
        for (_, restore) in &set_aside {
            (&mut *tx).execute(restore.as_str()).await.map_err(fail)?;
        }
        tx.commit().await.map_err(fail)?;
    });
    if let Backend::Postgres(pool) = db.backend() {
        // Fresh statistics, so the planner sees a million rows, not an empty table.
        sqlx::query("ANALYZE").execute(pool).await.map_err(fail)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn plan() -> SeedPlan {
        SeedPlan {
            members: 10,
            posts: 1000,
            comments_on_first_post: 5,
            comments: 20,
            upvotes: 50,
            password_hash: "hash".into(),
        }
    }

    #[test]
    fn the_vocabulary_is_1000_distinct_words_none_inside_another() {
        let words = words();
        assert_eq!(words.len(), 1000);
        assert_eq!(words.iter().collect::<HashSet<_>>().len(), 1000, "bench/words.txt repeats a word");
        for word in &words {
            assert!((3..=10).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_lowercase()), "{word:?}");
            // A search for a word inside another, or inside the title's "post", would find more than its posts.
            assert!(!"post".contains(word), "{word:?} is inside \"post\"");
            for other in &words {
                assert!(word == other || !other.contains(word), "{word:?} is inside {other:?}");
            }
        }
    }

    #[test]
    fn seeded_posts_get_their_search_text() {
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            let statements = statements(&plan(), dialect);
            let posts = statements.iter().find(|s| s.contains("INSERT INTO posts")).expect("a posts statement");
            assert!(posts.contains("search_title, search_body"), "{dialect:?}");
            assert!(posts.contains("lower(p.title), lower(p.body)"), "{dialect:?}");
            // One slice of the word literal per word drawn: 3 for the title, 14 for the body.
            assert_eq!(posts.matches("substr(").count(), (TITLE_WORDS + BODY_WORDS) as usize, "{dialect:?}");
            assert!(!posts.contains("$1"), "the password's placeholder is only for the members' statement");
        }
    }

    #[test]
    fn the_word_literal_is_each_word_padded_to_its_slot() {
        let sqlite = word_lookup(Dialect::Sqlite);
        let hex = sqlite.strip_prefix("X'").and_then(|s| s.strip_suffix('\'')).expect("a BLOB literal");
        let bytes: Vec<u8> =
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text.len(), 1000 * WORD_WIDTH);
        let first = words()[0];
        assert_eq!(&text[..WORD_WIDTH], format!("{first}{}", " ".repeat(WORD_WIDTH - first.len())));
        assert_eq!(text.split_whitespace().collect::<Vec<_>>(), words());
        assert_eq!(word_lookup(Dialect::Postgres), format!("decode('{hex}', 'hex')"));
    }
}
