//! `GET /posts`: order, sorting, search, offset pages and keyset cursors.

mod common;

use app::model::{AuthToken, PostPage};
use common::{TestServer, assert_error, expect};

async fn feed(server: &TestServer, who: &AuthToken, query: &str) -> PostPage {
    expect(server.call("GET", &format!("/posts{query}"), Some(who), None).await, 200).await
}

fn titles(page: &PostPage) -> Vec<String> {
    page.posts.iter().map(|p| p.title.clone()).collect()
}

async fn seed(server: &TestServer, who: &AuthToken, count: usize) {
    for i in 0..count {
        server.post_as(who, &format!("Post {i:03}"), "body").await;
    }
}

#[tokio::test]
async fn the_feed_is_newest_first_with_paging_metadata() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    seed(&server, &alice, 3).await;
    let page = feed(&server, &alice, "").await;
    assert_eq!(titles(&page), ["Post 002", "Post 001", "Post 000"]);
    assert_eq!((page.total, page.page, page.limit), (3, 1, 20));
    assert_eq!(page.next_cursor, None, "a single page has no next cursor");
}

#[tokio::test]
async fn offset_pages_and_the_limit_clamp() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    seed(&server, &alice, 5).await;
    let second = feed(&server, &alice, "?page=2&limit=2").await;
    assert_eq!(titles(&second), ["Post 002", "Post 001"]);
    assert_eq!((second.page, second.limit, second.total), (2, 2, 5));
    let last = feed(&server, &alice, "?page=3&limit=2").await;
    assert_eq!((titles(&last), last.next_cursor), (vec!["Post 000".to_owned()], None));
    assert_eq!(feed(&server, &alice, "?limit=1000").await.limit, 100);
}

#[tokio::test]
async fn bad_paging_values_are_400() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    for (query, message) in [
        ("?page=0", "page must be a whole number of at least 1"),
        ("?page=abc", "page must be a whole number of at least 1"),
        ("?limit=0", "limit must be a whole number of at least 1"),
        ("?limit=-5", "limit must be a whole number of at least 1"),
        ("?sort=oldest", "sort must be newest or top"),
        ("?cursor=not-a-cursor", "Invalid cursor"),
    ] {
        assert_error(server.call("GET", &format!("/posts{query}"), Some(&alice), None).await, 400, message).await;
    }
}

#[tokio::test]
async fn top_sorts_by_upvotes_then_newest() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    seed(&server, &alice, 3).await;
    let ids: Vec<i64> = feed(&server, &alice, "").await.posts.iter().map(|p| p.id).collect();
    // ids are newest first: [Post 002, Post 001, Post 000]. Give Post 000 two votes and Post 001 one.
    for (who, id) in [(&alice, ids[2]), (&bob, ids[2]), (&bob, ids[1])] {
        server.call("POST", &format!("/posts/{id}/upvote"), Some(who), None).await;
    }
    assert_eq!(titles(&feed(&server, &alice, "?sort=top").await), ["Post 000", "Post 001", "Post 002"]);
}

#[tokio::test]
async fn search_matches_title_or_body_case_insensitively() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    server.post_as(&alice, "Rust tips", "about ownership").await;
    server.post_as(&alice, "Gardening", "my RUSTY tools").await;
    server.post_as(&alice, "Cooking", "pasta").await;
    server.post_as(&alice, "Percent 100% sure", "wild_card").await;
    let found = feed(&server, &alice, "?q=rust").await;
    assert_eq!((titles(&found), found.total), (vec!["Gardening".to_owned(), "Rust tips".to_owned()], 2));
    assert_eq!(titles(&feed(&server, &alice, "?q=%25").await), ["Percent 100% sure"], "% is literal, not a wildcard");
    assert_eq!(titles(&feed(&server, &alice, "?q=_").await), ["Percent 100% sure"], "_ is literal, not a wildcard");
}

/// Follows next_cursor to the end, returning every title seen.
async fn walk(
    server: &TestServer,
    who: &AuthToken,
    first: &str,
    mut between_pages: impl AsyncFnMut(usize),
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut page = feed(server, who, first).await;
    let mut pages = 0;
    loop {
        seen.extend(titles(&page));
        pages += 1;
        let Some(cursor) = page.next_cursor.clone() else { break };
        between_pages(pages).await;
        let sep = if first.is_empty() { "?" } else { "&" };
        page = feed(server, who, &format!("{first}{sep}cursor={cursor}")).await;
        assert!(pages < 100, "the walk must end");
    }
    seen
}

#[tokio::test]
async fn cursors_continue_without_duplicates_or_gaps_while_posts_arrive() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    seed(&server, &alice, 7).await;
    let mut arrivals = 0;
    let seen = walk(&server, &alice, "?limit=3", async |_| {
        server.post_as(&alice, &format!("Late {arrivals}"), "new").await;
        arrivals += 1;
    })
    .await;
    let expected: Vec<String> = (0..7).rev().map(|i| format!("Post {i:03}")).collect();
    assert_eq!(seen, expected, "exactly the posts that existed, each once, in order");
}

#[tokio::test]
async fn cursors_also_walk_the_top_sort_and_searches() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    seed(&server, &alice, 5).await;
    let top = walk(&server, &alice, "?sort=top&limit=2", async |_| {}).await;
    assert_eq!(top.len(), 5);
    let searched = walk(&server, &alice, "?q=post%200&limit=1", async |_| {}).await;
    assert_eq!(searched, ["Post 004", "Post 003", "Post 002", "Post 001", "Post 000"]);
}

#[tokio::test]
async fn the_total_stays_exact_through_creates_and_deletes_without_counting() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let first = server.post_as(&alice, "Alpha one", "body").await;
    server.post_as(&bob, "Beta two", "body").await;
    server.post_as(&alice, "Alpha three", "body").await;
    assert_eq!(feed(&server, &alice, "").await.total, 3);
    let deleted = server.call("DELETE", &format!("/posts/{}", first.id), Some(&alice), None).await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(feed(&server, &bob, "").await.total, 2);
    assert_eq!(feed(&server, &bob, "?q=alpha").await.total, 1, "a search counts its own matches");
    // A refused delete (not the author) changes nothing.
    let bobs_post = format!("/posts/{}", first.id + 1);
    assert_eq!(server.call("DELETE", &bobs_post, Some(&alice), None).await.status(), 403);
    assert_eq!(feed(&server, &alice, "").await.total, 2);
}

#[tokio::test]
async fn deep_offset_pages_are_the_same_rows_as_walking_the_cursor() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    seed(&server, &alice, 25).await;
    for sort in ["newest", "top"] {
        let mut walked = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = feed(&server, &alice, &format!("?limit=4&sort={sort}&cursor={cursor}")).await;
            walked.extend(titles(&page));
            match page.next_cursor {
                Some(next) => cursor = next,
                None => break,
            }
        }
        let mut paged = Vec::new();
        for page in 1..=7 {
            paged.extend(titles(&feed(&server, &alice, &format!("?limit=4&sort={sort}&page={page}")).await));
        }
        assert_eq!(walked.len(), 25);
        assert_eq!(paged, walked, "sort={sort}");
    }
}
