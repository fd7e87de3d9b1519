//! Search (`GET /posts?q=`): one meaning on SQLite and PostgreSQL (these tests run on both, asserting the same
//! answers), Unicode case folding, LIKE's wildcards taken literally, both of the index's plans, the bounds on
//! counting and paging, and the search lane that keeps a flood of searches away from the feed's connections.

mod common;

use app::model::posts::Highlight;
use app::model::{AuthToken, PostPage};
use common::{TestServer, assert_error, expect};
use futures_util::{StreamExt, stream};

async fn search(server: &TestServer, who: &AuthToken, query: &str) -> PostPage {
    expect(server.call("GET", &format!("/posts?{query}"), Some(who), None).await, 200).await
}

fn titles(page: &PostPage) -> Vec<&str> {
    page.posts.iter().map(|p| p.title.as_str()).collect()
}

/// What searching `q` (already URL-encoded) finds, by title, newest first.
async fn found(server: &TestServer, who: &AuthToken, q: &str) -> Vec<String> {
    titles(&search(server, who, &format!("q={q}")).await).into_iter().map(str::to_owned).collect()
}

/// Writes `count` posts as `who`, `body(i)` each, one after another (so that their ids and creation times are
/// in the same order, and the feed and a search list them alike).
async fn write_posts(server: &TestServer, who: &AuthToken, count: usize, body: impl Fn(usize) -> String) {
    for i in 0..count {
        server.post_as(who, &format!("Post {i:04}"), &body(i)).await;
    }
}

#[tokio::test]
async fn case_is_ignored_by_unicode_full_case_folding_on_both_backends() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    for (title, body) in [
        ("Ärger im Büro", "Nichts als Ärger"),
        ("ÉCOLE PRIMAIRE", "Rentrée"),
        ("Die Straße", "Sie wohnt in der Straße"),
        ("Σίσυφος", "ΣΊΣΥΦΟΣ"),
        ("The ﬁle", "a ligature"),
        ("ecole sans accent", "plain"),
    ] {
        server.post_as(&alice, title, body).await;
    }
    assert_eq!(found(&server, &alice, "%C3%A4rger").await, ["Ärger im Büro"], "ärger finds Ärger");
    assert_eq!(found(&server, &alice, "%C3%84RGER").await, ["Ärger im Büro"], "ÄRGER finds Ärger");
    assert_eq!(found(&server, &alice, "%C3%A9cole").await, ["ÉCOLE PRIMAIRE"], "école finds ÉCOLE, not ecole");
    assert_eq!(found(&server, &alice, "ecole").await, ["ecole sans accent"], "accents are not folded away");
    assert_eq!(found(&server, &alice, "STRASSE").await, ["Die Straße"], "STRASSE finds straße (ß folds to ss)");
    assert_eq!(found(&server, &alice, "stra%C3%9Fe").await, ["Die Straße"]);
    assert_eq!(found(&server, &alice, "%CF%83%CE%AF%CF%83%CF%85").await, ["Σίσυφος"], "Greek, final sigma too");
    assert_eq!(found(&server, &alice, "FILE").await, ["The ﬁle"], "the ﬁ ligature folds to fi");
}

#[tokio::test]
async fn like_wildcards_and_quotes_are_taken_literally() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    for title in ["100% sure", "1000 sure", "snake_case", "snakeXcase", "back\\slash", "backXslash", "say \"hi\""] {
        server.post_as(&alice, title, "body").await;
    }
    // Short text (the window) and text the index looks up: both literal.
    assert_eq!(found(&server, &alice, "%25").await, ["100% sure"]);
    assert_eq!(found(&server, &alice, "100%25%20sure").await, ["100% sure"]);
    assert_eq!(found(&server, &alice, "_").await, ["snake_case"]);
    assert_eq!(found(&server, &alice, "snake_case").await, ["snake_case"]);
    assert_eq!(found(&server, &alice, "%5C").await, ["back\\slash"]);
    assert_eq!(found(&server, &alice, "back%5Cslash").await, ["back\\slash"]);
    assert_eq!(found(&server, &alice, "%22hi%22").await, ["say \"hi\""], "FTS5 quotes are escaped");
    assert_eq!(found(&server, &alice, "hi%22%20OR%20%22sure").await, Vec::<String>::new(), "no query syntax");
    assert_eq!(found(&server, &alice, "%25%25%25").await, Vec::<String>::new());
}

#[tokio::test]
async fn edits_and_deletes_keep_the_index_in_step() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let post = server.post_as(&alice, "Original wording", "first body").await;
    assert_eq!(found(&server, &alice, "wording").await, ["Original wording"]);
    let patch = serde_json::json!({"title": "Revised phrasing"});
    let _: app::model::Post =
        expect(server.call("PATCH", &format!("/posts/{}", post.id), Some(&alice), Some(patch)).await, 200).await;
    assert_eq!(found(&server, &alice, "wording").await, Vec::<String>::new(), "the old title is forgotten");
    assert_eq!(found(&server, &alice, "phrasing").await, ["Revised phrasing"]);
    assert_eq!(found(&server, &alice, "first%20body").await, ["Revised phrasing"], "an untouched body still matches");
    let deleted = server.call("DELETE", &format!("/posts/{}", post.id), Some(&alice), None).await;
    assert_eq!(deleted.status().as_u16(), 204);
    assert_eq!(found(&server, &alice, "phrasing").await, Vec::<String>::new());
}

#[tokio::test]
async fn matches_are_highlighted_by_character_positions() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let post = server.post_as(&alice, "Die Straße", "STRASSE und strasse <b>").await;
    let page = search(&server, &alice, "q=strasse").await;
    let expected = Highlight { post_id: post.id, title: vec![[4, 10]], body: vec![[0, 7], [12, 19]] };
    assert_eq!(page.highlights, [expected]);
    let page = search(&server, &alice, "").await;
    assert!(page.highlights.is_empty(), "no search, no highlights");
}

#[tokio::test]
async fn both_plans_give_the_same_results_and_counting_stops_at_two_hundred() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    // 305 posts say "common"; every 30th also says "rare". "common" is dense among the newest posts (the walk in
    // order); "rare" is not (read from the index, then sorted).
    write_posts(&server, &alice, 305, |i| {
        if i.is_multiple_of(30) { format!("common and rare {i}") } else { format!("common {i}") }
    })
    .await;

    let common = search(&server, &alice, "q=common&limit=7").await;
    assert_eq!((common.total, common.total_is_lower_bound), (200, true), "200+");
    let rare = search(&server, &alice, "q=RARE&limit=7").await;
    assert_eq!((rare.total, rare.total_is_lower_bound), (11, false));

    // Newest first and top first, by pages and by cursor, each plan agreeing with the posts' own order.
    let everything = search(&server, &alice, "limit=100").await; // the newest 100 posts, no search
    let mut newest_rare: Vec<i64> = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = search(&server, &alice, &format!("q=rare&limit=3&cursor={cursor}")).await;
        newest_rare.extend(page.posts.iter().map(|p| p.id));
        match page.next_cursor {
            Some(next) => cursor = next,
            None => break,
        }
    }
    assert_eq!(newest_rare.len(), 11);
    assert!(newest_rare.windows(2).all(|w| w[0] > w[1]), "newest (by id) first: {newest_rare:?}");
    let newest_common: Vec<i64> =
        search(&server, &alice, "q=common&limit=100").await.posts.iter().map(|p| p.id).collect();
    let newest_all: Vec<i64> = everything.posts.iter().map(|p| p.id).collect();
    assert_eq!(newest_common, newest_all, "every post says common: the same 100 as the feed");
    let second: Vec<i64> =
        search(&server, &alice, "q=common&limit=100&page=2").await.posts.iter().map(|p| p.id).collect();
    assert_eq!(second.len(), 100);
    assert!(second[0] < newest_common[99], "page 2 continues page 1");

    // Top: upvote two rare posts and one common one; each plan puts the upvoted first.
    let bob = server.member("bob").await;
    let only_common = everything.posts.iter().find(|p| !p.body.contains("rare")).unwrap().id;
    for id in [newest_rare[5], newest_rare[9], only_common] {
        let upvoted = server.call("POST", &format!("/posts/{id}/upvote"), Some(&bob), None).await;
        assert_eq!(upvoted.status().as_u16(), 200);
    }
    let top_rare = search(&server, &alice, "q=rare&sort=top&limit=3").await;
    assert_eq!(
        top_rare.posts.iter().map(|p| p.id).collect::<Vec<_>>()[..2],
        [newest_rare[5].max(newest_rare[9]), newest_rare[5].min(newest_rare[9])]
    );
    let top_common = search(&server, &alice, "q=common&sort=top&limit=4").await;
    let top_ids: Vec<i64> = top_common.posts.iter().map(|p| p.id).collect();
    let mut upvoted = [newest_rare[5], newest_rare[9], only_common];
    upvoted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(top_ids[..3], upvoted[..], "ties (one upvote each) newest first");
    let next =
        search(&server, &alice, &format!("q=common&sort=top&limit=4&cursor={}", top_common.next_cursor.unwrap())).await;
    assert!(next.posts.iter().all(|p| p.upvotes == 0 && p.id < top_ids[3]), "the cursor continues the top order");

    // Numbered pages reach 200 deep; past that a page is empty, and the cursor goes on.
    let last_numbered = search(&server, &alice, "q=common&limit=100&page=2").await;
    assert_eq!(last_numbered.posts.len(), 100);
    let too_deep = search(&server, &alice, "q=common&limit=100&page=3").await;
    assert_eq!((too_deep.posts.len(), too_deep.total, too_deep.next_cursor), (0, 200, None));
    let cursor = last_numbered.next_cursor.unwrap();
    let beyond = search(&server, &alice, &format!("q=common&limit=100&cursor={cursor}")).await;
    assert_eq!(beyond.posts.len(), 100, "the cursor continues past the numbered pages");
}

#[tokio::test]
async fn short_text_is_looked_for_among_the_newest_posts() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    server.post_as(&alice, "C++ tips", "x").await;
    server.post_as(&alice, "Go tips", "y").await;
    assert_eq!(found(&server, &alice, "c%2B%2B").await, ["C++ tips"]);
    assert_eq!(found(&server, &alice, "GO").await, ["Go tips"]);
    let page = search(&server, &alice, "q=s").await;
    assert_eq!((titles(&page), page.total), (vec!["Go tips", "C++ tips"], 2));
}

#[tokio::test]
async fn too_long_search_text_is_refused_with_the_limit() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    assert_eq!(found(&server, &alice, &"x".repeat(200)).await, Vec::<String>::new());
    let refused = server.call("GET", &format!("/posts?q={}", "x".repeat(201)), Some(&alice), None).await;
    assert_error(refused, 400, "q must be at most 200 characters").await;
}

#[tokio::test]
async fn searches_per_member_are_limited() {
    let server = TestServer::start_with(&[("SEARCH_RATE_LIMIT", "3/60")]).await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    for _ in 0..3 {
        search(&server, &alice, "q=anything").await;
    }
    common::assert_limited(server.call("GET", "/posts?q=anything", Some(&alice), None).await).await;
    // A numbered page past the first thousand posts costs what a search does, and is counted with them.
    common::assert_limited(server.call("GET", "/posts?page=12&limit=100", Some(&alice), None).await).await;
    search(&server, &alice, "page=10&limit=100").await; // shallower pages of the feed are not counted
    search(&server, &bob, "q=anything").await; // nor is anyone else held back
}

/// The bulkhead: searches beyond the lane's room are refused at once (503, Retry-After), and however many arrive
/// the feed keeps its own connections. The main pool here has one connection and a one-second wait: were the
/// searches on it, sixty-four searchers would queue in front of every feed request.
#[tokio::test]
async fn a_flood_of_searches_cannot_take_the_connections_the_feed_needs() {
    let server = TestServer::start_with(&[
        ("DATABASE_MAX_CONNECTIONS", "1"),
        ("DATABASE_ACQUIRE_TIMEOUT_SECONDS", "1"),
        ("SEARCH_CONNECTIONS", "1"),
        ("SEARCH_QUEUE", "0"),
    ])
    .await;
    let alice = server.member("alice").await;
    write_posts(&server, &alice, 300, |i| format!("{} words to look through, number {i}", "many ".repeat(40))).await;

    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
    let searcher = |n: usize| {
        let server = &server;
        let alice = &alice;
        async move {
            let (mut answered, mut refused) = (0, 0);
            while tokio::time::Instant::now() < deadline {
                let q = if n.is_multiple_of(2) { "q=e" } else { "q=words%20to&sort=top" };
                let response = server.call("GET", &format!("/posts?{q}"), Some(alice), None).await;
                match response.status().as_u16() {
                    200 => answered += 1,
                    503 => {
                        assert!(response.headers().contains_key("retry-after"), "a refused search says when to retry");
                        refused += 1;
                    }
                    other => panic!("a search answered {other}"),
                }
            }
            (answered, refused)
        }
    };
    let feed_reader = async {
        let mut statuses = Vec::new();
        while tokio::time::Instant::now() < deadline {
            statuses.push(server.call("GET", "/posts?limit=20", Some(&alice), None).await.status().as_u16());
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        statuses
    };
    let (searches, feed) =
        tokio::join!(stream::iter(0..64).map(searcher).buffer_unordered(64).collect::<Vec<_>>(), feed_reader);
    let answered: usize = searches.iter().map(|s| s.0).sum();
    let refused: usize = searches.iter().map(|s| s.1).sum();
    assert!(feed.len() > 10, "the feed was read throughout");
    assert!(feed.iter().all(|s| *s == 200), "every feed request was answered: {feed:?}");
    assert!(answered > 0, "some searches were answered");
    assert!(refused > 0, "the lane was full: searches past its room were refused ({answered} answered)");
}
