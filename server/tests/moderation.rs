//! Moderation through the REST door (and `bulletin admin grant`): roles, removals, suspensions, reports and the
//! log, with the races between them, on whichever backend the suite runs on.

mod common;

use app::model::moderation::{LogPage, Report, ReportResolution, ReportedPost, Suspension};
use app::model::users::Profile;
use app::model::{AuthToken, Member, Post, Role};
use common::{TestServer, assert_error, expect, expect_json};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A board with an admin (`ada`), a moderator (`mia`) and two members (`alice`, `bob`), made with the command.
async fn staffed_board() -> (TestServer, AuthToken, AuthToken, AuthToken, AuthToken) {
    let server = TestServer::start().await;
    let root = server.member("ada").await;
    let moderator = server.member("mia").await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    server.grant("ada", "admin").await;
    server.grant("MIA", "moderator").await;
    (server, root, moderator, alice, bob)
}

async fn log_of(server: &TestServer, who: &AuthToken) -> LogPage {
    expect(server.call("GET", "/moderation/log", Some(who), None).await, 200).await
}

#[tokio::test]
async fn roles_are_granted_on_the_command_line_and_shown_on_me_and_profiles() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    assert_eq!(alice.role, Role::Member, "nobody becomes anything by registering");
    server.grant("alice", "admin").await;
    let me: Member = expect(server.me(Some(&format!("Bearer {}", alice.token))).await, 200).await;
    assert_eq!(me.role, Role::Admin, "decisions read the current role, not the one in the token");
    let profile: Profile =
        expect(server.call("GET", &format!("/users/{}", alice.user_id), Some(&alice), None).await, 200).await;
    assert_eq!(profile.role, Role::Admin);
    let log = log_of(&server, &alice).await;
    let entry = &log.entries[0];
    assert_eq!(
        (entry.action.as_str(), entry.actor_id, entry.target_user_id),
        ("change_role", None, Some(alice.user_id))
    );
    assert_eq!(entry.detail.as_deref(), Some("member → admin"));

    let (ok, printed) =
        common::process::run_command(&server_url(&server), &["admin", "grant", "nobody", "admin"]).await;
    assert!(!ok && printed.contains("User not found"), "{printed}");
    let (ok, printed) = common::process::run_command(&server_url(&server), &["admin", "grant", "alice", "king"]).await;
    assert!(!ok && printed.contains("king"), "{printed}");
}

/// The database URL a test server uses, for the command line.
fn server_url(server: &TestServer) -> String {
    server.database.as_ref().unwrap().url()
}

#[tokio::test]
async fn only_admins_change_roles_and_the_last_admin_stays() {
    let (server, root, moderator, alice, bob) = staffed_board().await;
    let path = format!("/users/{}/role", bob.user_id);
    for who in [&alice, &moderator] {
        let refused = server.call("PATCH", &path, Some(who), Some(json!({"role": "admin"}))).await;
        assert_error(refused, 403, "Only admins can change roles").await;
    }
    let promoted: Profile =
        expect(server.call("PATCH", &path, Some(&root), Some(json!({"role": "moderator"}))).await, 200).await;
    assert_eq!((promoted.id, promoted.role), (bob.user_id, Role::Moderator));
    let invalid = server.call("PATCH", &path, Some(&root), Some(json!({"role": "owner"}))).await;
    assert_error(invalid, 400, "role must be one of: member, moderator, admin").await;
    assert_error(
        server.call("PATCH", "/users/999999/role", Some(&root), Some(json!({"role": "admin"}))).await,
        404,
        "User not found",
    )
    .await;

    let own = format!("/users/{}/role", root.user_id);
    let last = server.call("PATCH", &own, Some(&root), Some(json!({"role": "member"}))).await;
    assert_error(last, 409, "This is the last admin: make someone else admin first").await;
    // With a second admin, the first may step down.
    server.call("PATCH", &path, Some(&root), Some(json!({"role": "admin"}))).await;
    let stepped_down: Profile =
        expect(server.call("PATCH", &own, Some(&root), Some(json!({"role": "member"}))).await, 200).await;
    assert_eq!(stepped_down.role, Role::Member);
    let me: Member = expect(server.me(Some(&format!("Bearer {}", root.token))).await, 200).await;
    assert_eq!(me.role, Role::Member, "this instance applies the change at once");
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let (server, root, _moderator, alice, _bob) = staffed_board().await;
    server.grant("alice", "admin").await;
    let (alices, roots) = (format!("/users/{}/role", alice.user_id), format!("/users/{}/role", root.user_id));
    let (first, second) = tokio::join!(
        server.call("PATCH", &alices, Some(&root), Some(json!({"role": "member"}))),
        server.call("PATCH", &roots, Some(&alice), Some(json!({"role": "member"}))),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    // The second is refused as the last admin's demotion (409), or, if its admin was demoted before it was
    // authenticated, as a member's (403).
    assert!(statuses == [200, 409] || statuses == [200, 403], "{statuses:?}");
    let mut admins = 0;
    for who in [&root, &alice] {
        let me: Member = expect(server.me(Some(&format!("Bearer {}", who.token))).await, 200).await;
        admins += usize::from(me.role == Role::Admin);
    }
    assert_eq!(admins, 1);
}

#[tokio::test]
async fn moderators_remove_anyones_posts_and_comments_with_a_reason_but_never_edit_them() {
    let (server, _root, moderator, alice, bob) = staffed_board().await;
    let post = server.post_as(&alice, "Buy cheap watches", "spam spam").await;
    let path = format!("/posts/{}", post.id);
    assert_error(server.call("DELETE", &path, Some(&bob), None).await, 403, "You can only delete your own posts").await;
    let edit = server.call("PATCH", &path, Some(&moderator), Some(json!({"title": "Rewritten"}))).await;
    assert_error(edit, 403, "You can only edit your own posts").await;
    let long = server.call("DELETE", &path, Some(&moderator), Some(json!({"reason": "x".repeat(501)}))).await;
    assert_error(long, 400, "Reason must be 1-500 characters").await;

    let comment: Value = expect_json(
        server.call("POST", &format!("{path}/comments"), Some(&bob), Some(json!({"body": "Rude words"}))).await,
        201,
    )
    .await;
    let comment_path = format!("{path}/comments/{}", comment["id"]);
    assert_error(
        server.call("DELETE", &comment_path, Some(&alice), None).await,
        403,
        "You can only delete your own comments",
    )
    .await;
    let removed = server.call("DELETE", &comment_path, Some(&moderator), Some(json!({"reason": "Insults"}))).await;
    assert_eq!(removed.status(), 204);

    let removed = server.call("DELETE", &path, Some(&moderator), Some(json!({"reason": " Spam "}))).await;
    assert_eq!(removed.status(), 204);
    assert_error(server.call("GET", &path, Some(&alice), None).await, 404, "Post not found").await;
    assert_error(server.call("DELETE", &path, Some(&moderator), None).await, 404, "Post not found").await;

    let log = log_of(&server, &moderator).await;
    let [post_entry, comment_entry, ..] = log.entries.as_slice() else { panic!("{log:?}") };
    assert_eq!(post_entry.action.as_str(), "remove_post");
    assert_eq!(
        (post_entry.actor_id, post_entry.target_user_id, post_entry.post_id),
        (Some(moderator.user_id), Some(alice.user_id), Some(post.id))
    );
    assert_eq!(
        (post_entry.reason.as_deref(), post_entry.detail.as_deref()),
        (Some("Spam"), Some("“Buy cheap watches”"))
    );
    assert_eq!(post_entry.actor_username.as_deref(), Some("mia"));
    assert_eq!(comment_entry.action.as_str(), "remove_comment");
    assert_eq!((comment_entry.reason.as_deref(), comment_entry.target_user_id), (Some("Insults"), Some(bob.user_id)));

    // A moderator deleting their own post is an author's deletion: nothing to log.
    let own = server.post_as(&moderator, "My own post", "mine").await;
    assert_eq!(server.call("DELETE", &format!("/posts/{}", own.id), Some(&moderator), None).await.status(), 204);
    assert_eq!(log_of(&server, &moderator).await.entries.len(), log.entries.len());
}

#[tokio::test]
async fn a_suspension_revokes_tokens_and_refuses_logins_until_lifted() {
    let (server, root, moderator, alice, bob) = staffed_board().await;
    let path = format!("/users/{}/suspension", alice.user_id);
    assert_error(
        server.call("POST", &path, Some(&bob), Some(json!({"reason": "no"}))).await,
        403,
        "Only moderators and admins can do this",
    )
    .await;
    let past = server
        .call("POST", &path, Some(&moderator), Some(json!({"reason": "spam", "until": "2001-01-01T00:00:00Z"})))
        .await;
    assert_error(past, 400, "until must be in the future").await;
    assert_error(
        server.call("POST", &path, Some(&moderator), Some(json!({"until": null}))).await,
        400,
        "Missing required fields: reason",
    )
    .await;

    let suspended: Suspension = expect(
        server
            .call(
                "POST",
                &path,
                Some(&moderator),
                Some(json!({"reason": "Spam", "until": "2099-01-01T02:00:00+02:00"})),
            )
            .await,
        200,
    )
    .await;
    assert_eq!((suspended.user_id, suspended.reason.as_str()), (alice.user_id, "Spam"));
    assert_eq!(
        (suspended.until.as_deref(), suspended.suspended_by),
        (Some("2099-01-01T00:00:00.000Z"), Some(moderator.user_id))
    );

    // Her token stops working at once, saying why and until when.
    let refused = server.call("GET", "/posts", Some(&alice), None).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.headers()["www-authenticate"], "Bearer");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body, json!({"error": "Account suspended", "until": "2099-01-01T00:00:00.000Z"}));
    // The right password: known, not allowed. A wrong one: the usual 401.
    let login = server.post_json("/auth/login", json!({"username": "alice", "password": "long enough"})).await;
    assert_eq!(login.status(), 403);
    assert_eq!(
        login.json::<Value>().await.unwrap(),
        json!({"error": "Account suspended", "until": "2099-01-01T00:00:00.000Z"})
    );
    let wrong = server.post_json("/auth/login", json!({"username": "alice", "password": "not her password"})).await;
    assert_error(wrong, 401, "Invalid username or password").await;

    // Moderators see the suspension on her profile; members do not.
    let profile_path = format!("/users/{}", alice.user_id);
    let seen: Profile = expect(server.call("GET", &profile_path, Some(&moderator), None).await, 200).await;
    assert_eq!(seen.suspension.as_ref().map(|s| s.reason.as_str()), Some("Spam"));
    let seen: Profile = expect(server.call("GET", &profile_path, Some(&bob), None).await, 200).await;
    assert_eq!(seen.suspension, None);

    assert_eq!(server.call("DELETE", &path, Some(&moderator), None).await.status(), 204);
    assert_error(server.call("DELETE", &path, Some(&moderator), None).await, 404, "This member is not suspended").await;
    let login = server.post_json("/auth/login", json!({"username": "alice", "password": "long enough"})).await;
    let again: AuthToken = expect(login, 200).await;
    assert_eq!(server.call("GET", "/posts", Some(&again), None).await.status(), 200);
    assert_eq!(server.call("GET", "/posts", Some(&alice), None).await.status(), 401, "the old token stays revoked");

    let log = log_of(&server, &root).await;
    let actions: Vec<&str> = log.entries.iter().map(|e| e.action.as_str()).take(2).collect();
    assert_eq!(actions, ["lift_suspension", "suspend"]);
    assert_eq!(log.entries[1].reason.as_deref(), Some("Spam"));
    assert_eq!(log.entries[1].detail.as_deref(), Some("until 2099-01-01T00:00:00.000Z"));
}

#[tokio::test]
async fn who_may_suspend_whom() {
    let (server, root, moderator, _alice, bob) = staffed_board().await;
    let suspend = |target: i64| format!("/users/{target}/suspension");
    let body = json!({"reason": "testing"});
    assert_error(
        server.call("POST", &suspend(root.user_id), Some(&moderator), Some(body.clone())).await,
        403,
        "Moderators cannot suspend moderators or admins",
    )
    .await;
    assert_error(
        server.call("POST", &suspend(moderator.user_id), Some(&moderator), Some(body.clone())).await,
        409,
        "You cannot suspend yourself",
    )
    .await;
    assert_error(
        server.call("POST", &suspend(root.user_id), Some(&root), Some(body.clone())).await,
        409,
        "You cannot suspend yourself",
    )
    .await;
    assert_error(
        server.call("POST", "/users/999999/suspension", Some(&root), Some(body.clone())).await,
        404,
        "User not found",
    )
    .await;
    // An admin may suspend a moderator; only an admin may lift it.
    let done: Suspension =
        expect(server.call("POST", &suspend(moderator.user_id), Some(&root), Some(body.clone())).await, 200).await;
    assert_eq!(done.until, None, "no end: until lifted");
    server.grant("bob", "moderator").await;
    assert_error(
        server.call("DELETE", &suspend(moderator.user_id), Some(&bob), None).await,
        403,
        "Moderators cannot suspend moderators or admins",
    )
    .await;
    assert_eq!(server.call("DELETE", &suspend(moderator.user_id), Some(&root), None).await.status(), 204);
}

#[tokio::test]
async fn a_suspension_with_an_end_ends_by_itself() {
    let (server, _root, moderator, alice, _bob) = staffed_board().await;
    let until = app::model::time::format_utc_millis(app::client::clock::now_millis() + 1500);
    let path = format!("/users/{}/suspension", alice.user_id);
    expect::<Suspension>(
        server.call("POST", &path, Some(&moderator), Some(json!({"reason": "cool off", "until": until}))).await,
        200,
    )
    .await;
    let login = || server.post_json("/auth/login", json!({"username": "alice", "password": "long enough"}));
    assert_eq!(login().await.status(), 403);
    tokio::time::sleep(Duration::from_millis(1700)).await;
    let back: AuthToken = expect(login().await, 200).await;
    assert_eq!(server.call("GET", "/posts", Some(&back), None).await.status(), 200);
    assert_error(server.call("DELETE", &path, Some(&moderator), None).await, 404, "This member is not suspended").await;
}

#[tokio::test]
async fn members_report_posts_once_and_moderators_work_the_queue() {
    let (server, _root, moderator, alice, bob) = staffed_board().await;
    let carol = server.member("carol").await;
    let post = server.post_as(&alice, "Questionable", "text").await;
    let path = format!("/posts/{}/reports", post.id);
    assert_error(
        server.call("POST", &path, Some(&bob), Some(json!({"reason": "   "}))).await,
        400,
        "Missing required fields: reason",
    )
    .await;
    assert_error(
        server.call("POST", &path, Some(&bob), Some(json!({"reason": "r".repeat(501)}))).await,
        400,
        "Reason must be 1-500 characters",
    )
    .await;
    assert_error(
        server.call("POST", "/posts/999999/reports", Some(&bob), Some(json!({"reason": "spam"}))).await,
        404,
        "Post not found",
    )
    .await;
    let report: Report =
        expect(server.call("POST", &path, Some(&bob), Some(json!({"reason": " Spam "}))).await, 201).await;
    assert_eq!((report.post_id, report.reporter_id, report.reason.as_str()), (post.id, bob.user_id, "Spam"));
    assert_error(
        server.call("POST", &path, Some(&bob), Some(json!({"reason": "again"}))).await,
        409,
        "You have already reported this post",
    )
    .await;
    expect::<Report>(server.call("POST", &path, Some(&carol), Some(json!({"reason": "Rude"}))).await, 201).await;

    assert_error(
        server.call("GET", "/moderation/reports?status=open", Some(&bob), None).await,
        403,
        "Only moderators and admins can do this",
    )
    .await;
    let queue: Vec<ReportedPost> =
        expect(server.call("GET", "/moderation/reports?status=open", Some(&moderator), None).await, 200).await;
    let [entry] = queue.as_slice() else { panic!("{queue:?}") };
    assert_eq!((entry.id, entry.post.id, entry.count), (report.id, post.id, 2));
    let reasons: Vec<(&str, &str)> =
        entry.reports.iter().map(|r| (r.reporter_username.as_str(), r.reason.as_str())).collect();
    assert_eq!(reasons, [("bob", "Spam"), ("carol", "Rude")]);
    assert_error(
        server.call("GET", "/moderation/reports?status=closed", Some(&moderator), None).await,
        400,
        "status must be open, dismissed or actioned",
    )
    .await;

    let resolve = format!("/moderation/reports/{}", report.id);
    assert_error(
        server.call("PATCH", &resolve, Some(&moderator), Some(json!({"status": "open"}))).await,
        400,
        "status must be dismissed or actioned",
    )
    .await;
    let done: ReportResolution =
        expect(server.call("PATCH", &resolve, Some(&moderator), Some(json!({"status": "dismissed"}))).await, 200).await;
    assert_eq!((done.post_id, done.resolved), (post.id, 2), "every open report of the post is resolved together");
    assert_error(
        server.call("PATCH", &resolve, Some(&moderator), Some(json!({"status": "actioned"}))).await,
        409,
        "This report was already resolved",
    )
    .await;
    assert_error(
        server.call("PATCH", "/moderation/reports/999999", Some(&moderator), Some(json!({"status": "actioned"}))).await,
        404,
        "Report not found",
    )
    .await;
    let open: Vec<ReportedPost> =
        expect(server.call("GET", "/moderation/reports", Some(&moderator), None).await, 200).await;
    assert!(open.is_empty(), "{open:?}");
    let dismissed: Vec<ReportedPost> =
        expect(server.call("GET", "/moderation/reports?status=dismissed", Some(&moderator), None).await, 200).await;
    assert_eq!(dismissed.len(), 1);
    // Reported once, ever: a dismissed report still counts.
    assert_error(
        server.call("POST", &path, Some(&bob), Some(json!({"reason": "still"}))).await,
        409,
        "You have already reported this post",
    )
    .await;

    let entry = &log_of(&server, &moderator).await.entries[0];
    assert_eq!(
        (entry.action.as_str(), entry.report_id, entry.post_id),
        ("resolve_report", Some(report.id), Some(post.id))
    );
    assert_eq!((entry.target_user_id, entry.detail.as_deref()), (Some(alice.user_id), Some("dismissed (2 reports)")));
}

#[tokio::test]
async fn members_get_403_on_every_moderation_route_and_strangers_401() {
    let (server, _root, _moderator, alice, bob) = staffed_board().await;
    let routes = [
        ("GET", "/moderation/reports".to_owned(), json!({})),
        ("PATCH", "/moderation/reports/1".to_owned(), json!({"status": "dismissed"})),
        ("GET", "/moderation/log".to_owned(), json!({})),
        ("POST", format!("/users/{}/suspension", bob.user_id), json!({"reason": "x"})),
        ("DELETE", format!("/users/{}/suspension", bob.user_id), json!({})),
        ("PATCH", format!("/users/{}/role", bob.user_id), json!({"role": "admin"})),
    ];
    for (method, path, body) in routes {
        assert_eq!(server.call(method, &path, Some(&alice), Some(body.clone())).await.status(), 403, "{method} {path}");
        assert_eq!(server.call(method, &path, None, Some(body)).await.status(), 401, "{method} {path}");
    }
}

#[tokio::test]
async fn the_log_is_paged_by_cursor_newest_first() {
    let (server, root, _moderator, alice, _bob) = staffed_board().await;
    for role in ["moderator", "admin", "member"] {
        server.call("PATCH", &format!("/users/{}/role", alice.user_id), Some(&root), Some(json!({"role": role}))).await;
    }
    let first: LogPage = expect(server.call("GET", "/moderation/log?limit=2", Some(&root), None).await, 200).await;
    let details: Vec<&str> = first.entries.iter().filter_map(|e| e.detail.as_deref()).collect();
    assert_eq!(details, ["admin → member", "moderator → admin"]);
    let cursor = first.next_cursor.expect("more entries");
    let rest: LogPage =
        expect(server.call("GET", &format!("/moderation/log?limit=2&cursor={cursor}"), Some(&root), None).await, 200)
            .await;
    let details: Vec<&str> = rest.entries.iter().filter_map(|e| e.detail.as_deref()).collect();
    assert_eq!(details, ["member → moderator", "member → moderator"], "then the command line's grants");
    let last: LogPage = expect(
        server
            .call("GET", &format!("/moderation/log?limit=2&cursor={}", rest.next_cursor.unwrap()), Some(&root), None)
            .await,
        200,
    )
    .await;
    assert_eq!((last.entries.len(), last.next_cursor), (1, None));
    assert_error(
        server.call("GET", "/moderation/log?limit=0", Some(&root), None).await,
        400,
        "limit must be between 1 and 100",
    )
    .await;
    assert_error(server.call("GET", "/moderation/log?cursor=abc", Some(&root), None).await, 400, "Invalid cursor")
        .await;
}

#[tokio::test]
async fn a_removal_racing_the_authors_edit_leaves_the_post_removed_and_logged_once() {
    let (server, _root, moderator, alice, _bob) = staffed_board().await;
    for round in 0..10 {
        let post = server.post_as(&alice, &format!("Race {round}"), "before").await;
        let path = format!("/posts/{}", post.id);
        let (edit, removal) = tokio::join!(
            server.call("PATCH", &path, Some(&alice), Some(json!({"body": "after"}))),
            server.call("DELETE", &path, Some(&moderator), Some(json!({"reason": "race"}))),
        );
        assert_eq!(removal.status(), 204);
        assert!([200, 404].contains(&edit.status().as_u16()), "edit answered {}", edit.status());
        assert_eq!(server.call("GET", &path, Some(&alice), None).await.status(), 404);
    }
    let log: LogPage = expect(server.call("GET", "/moderation/log?limit=100", Some(&moderator), None).await, 200).await;
    assert_eq!(log.entries.iter().filter(|e| e.action.as_str() == "remove_post").count(), 10);
}

#[tokio::test]
async fn two_moderators_resolving_one_report_at_once_resolve_it_once() {
    let (server, root, moderator, alice, bob) = staffed_board().await;
    for round in 0..10 {
        let post = server.post_as(&alice, &format!("Reported {round}"), "text").await;
        let report: Report = expect(
            server
                .call("POST", &format!("/posts/{}/reports", post.id), Some(&bob), Some(json!({"reason": "spam"})))
                .await,
            201,
        )
        .await;
        let path = format!("/moderation/reports/{}", report.id);
        let (first, second) = tokio::join!(
            server.call("PATCH", &path, Some(&moderator), Some(json!({"status": "dismissed"}))),
            server.call("PATCH", &path, Some(&root), Some(json!({"status": "actioned"}))),
        );
        let mut statuses = [first.status().as_u16(), second.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 409]);
    }
    let log: LogPage = expect(server.call("GET", "/moderation/log?limit=100", Some(&root), None).await, 200).await;
    assert_eq!(log.entries.iter().filter(|e| e.action.as_str() == "resolve_report").count(), 10);
}

/// Posts sent while a moderator suspends their author, on this instance and on a second one (whose cache still
/// accepts the author's token for a few seconds): none sent after the suspension was answered is stored, and
/// every stored post was answered 201.
#[tokio::test]
async fn no_post_is_created_after_a_suspension_took_effect() {
    let (server, _root, moderator, alice, _bob) = staffed_board().await;
    let second = server.second_instance(&[]).await;
    // Both instances have seen alice's token (and cached it).
    assert_eq!(second.call("GET", "/posts", Some(&alice), None).await.status(), 200);
    let started = Instant::now();
    let writer = |instance: &'static str| {
        let (server, alice) = (if instance == "first" { &server } else { &second }, alice.clone());
        async move {
            let mut sent = Vec::new();
            while started.elapsed() < Duration::from_millis(1500) {
                let at = started.elapsed();
                let response = server
                    .call("POST", "/posts", Some(&alice), Some(json!({"title": "Flood post", "body": "x"})))
                    .await;
                sent.push((at, response.status().as_u16()));
            }
            sent
        }
    };
    let suspend = async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let path = format!("/users/{}/suspension", alice.user_id);
        let answered = server.call("POST", &path, Some(&moderator), Some(json!({"reason": "flood"}))).await;
        assert_eq!(answered.status(), 200);
        started.elapsed()
    };
    let (first, other, third, suspended_at) = tokio::join!(writer("first"), writer("second"), writer("first"), suspend);
    let all: Vec<(Duration, u16)> = first.into_iter().chain(other).chain(third).collect();
    let created = all.iter().filter(|(_, status)| *status == 201).count();
    let late: Vec<_> = all.iter().filter(|(at, status)| *at > suspended_at && *status == 201).collect();
    assert!(late.is_empty(), "{} posts created after the suspension, the first: {:?}", late.len(), late.first());
    assert!(created > 0 && all.iter().any(|(at, _)| *at > suspended_at), "the race happened: {all:?}");
    for (at, status) in &all {
        assert!([201, 401].contains(status), "{status} at {at:?}");
    }
    // Every stored post was acknowledged.
    let stored: Profile =
        expect(server.call("GET", &format!("/users/{}", alice.user_id), Some(&moderator), None).await, 200).await;
    assert_eq!(stored.post_count as usize, created);
}

/// A moderator demoted on one instance loses the power on another within the 5 seconds the member's data is
/// remembered there.
#[tokio::test]
async fn a_demotion_reaches_every_instance_within_five_seconds() {
    let (server, root, moderator, _alice, _bob) = staffed_board().await;
    let second = server.second_instance(&[]).await;
    assert_eq!(second.call("GET", "/moderation/reports", Some(&moderator), None).await.status(), 200);
    let demoted = Instant::now();
    let path = format!("/users/{}/role", moderator.user_id);
    expect::<Profile>(server.call("PATCH", &path, Some(&root), Some(json!({"role": "member"}))).await, 200).await;
    assert_eq!(
        server.call("GET", "/moderation/reports", Some(&moderator), None).await.status(),
        403,
        "at once where it was made"
    );
    loop {
        let status = second.call("GET", "/moderation/reports", Some(&moderator), None).await.status().as_u16();
        if status == 403 {
            break;
        }
        assert_eq!(status, 200);
        assert!(demoted.elapsed() < Duration::from_millis(5500), "still a moderator after {:?}", demoted.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_removed_post_leaves_the_queue_and_its_authors_profile() {
    let (server, _root, moderator, alice, bob) = staffed_board().await;
    let post: Post = server.post_as(&alice, "Reported then removed", "text").await;
    expect::<Report>(
        server.call("POST", &format!("/posts/{}/reports", post.id), Some(&bob), Some(json!({"reason": "spam"}))).await,
        201,
    )
    .await;
    assert_eq!(server.call("DELETE", &format!("/posts/{}", post.id), Some(&moderator), None).await.status(), 204);
    let open: Vec<ReportedPost> =
        expect(server.call("GET", "/moderation/reports", Some(&moderator), None).await, 200).await;
    assert!(open.is_empty());
    let entry = &log_of(&server, &moderator).await.entries[0];
    assert_eq!(
        (entry.reason.as_deref(), entry.detail.as_deref()),
        (None, Some("“Reported then removed” (1 open report)"))
    );
    let profile: Profile =
        expect(server.call("GET", &format!("/users/{}", alice.user_id), Some(&alice), None).await, 200).await;
    assert_eq!(profile.post_count, 0);
}

#[tokio::test]
async fn a_removals_body_may_be_absent_null_or_an_object_but_nothing_else() {
    let (server, _root, moderator, alice, _bob) = staffed_board().await;
    for body in [None, Some(Value::Null), Some(json!({})), Some(json!({"reason": null}))] {
        let post = server.post_as(&alice, "Removed", "text").await;
        let removed = server.call("DELETE", &format!("/posts/{}", post.id), Some(&moderator), body.clone()).await;
        assert_eq!(removed.status(), 204, "{body:?}");
    }
    let post = server.post_as(&alice, "Kept", "text").await;
    let wrong =
        server.call("DELETE", &format!("/posts/{}", post.id), Some(&moderator), Some(json!({"reason": 5}))).await;
    assert_eq!(wrong.status(), 400);
    let text = server
        .http
        .delete(server.url(&format!("/posts/{}", post.id)))
        .bearer_auth(&moderator.token)
        .header("content-type", "text/plain")
        .body("spam")
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
    // An empty body is no body, whatever the headers say: the author's own deletion with a JSON content type.
    let own = server.post_as(&alice, "Mine", "text").await;
    let empty = server
        .http
        .delete(server.url(&format!("/posts/{}", own.id)))
        .bearer_auth(&alice.token)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 204);
}

/// Another instance that remembers a member as suspended (or as holding an older generation) does not refuse the
/// token they got after the suspension was lifted: a token newer than what it remembers makes it read again.
#[tokio::test]
async fn a_token_issued_after_a_lifted_suspension_works_at_once_on_another_instance() {
    let (server, _root, moderator, alice, _bob) = staffed_board().await;
    let second = server.second_instance(&[]).await;
    let path = format!("/users/{}/suspension", alice.user_id);
    expect::<Suspension>(server.call("POST", &path, Some(&moderator), Some(json!({"reason": "brief"}))).await, 200)
        .await;
    // The second instance now remembers her as suspended.
    assert_eq!(second.call("GET", "/posts", Some(&alice), None).await.status(), 401);
    assert_eq!(server.call("DELETE", &path, Some(&moderator), None).await.status(), 204);
    let again: AuthToken =
        expect(server.post_json("/auth/login", json!({"username": "alice", "password": "long enough"})).await, 200)
            .await;
    assert_eq!(second.call("GET", "/posts", Some(&again), None).await.status(), 200);
}
