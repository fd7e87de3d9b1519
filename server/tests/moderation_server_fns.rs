//! Moderation through the SPA's door: the same rules, statuses and log as REST, through the server functions.

mod common;

use app::error::AppError;
use app::model::moderation::{LogPage, Report, ReportResolution, ReportedPost, Suspension};
use app::model::users::Profile;
use app::model::{AuthToken, Role};
use common::{TestServer, assert_error, expect};
use serde_json::json;

async fn call<T: serde::de::DeserializeOwned + serde::Serialize>(
    server: &TestServer,
    name: &str,
    args: serde_json::Value,
    who: &AuthToken,
) -> T {
    expect(server.server_fn(name, args, Some(&who.token)).await, 200).await
}

#[tokio::test]
async fn report_review_and_remove_through_the_spas_door() {
    let server = TestServer::start().await;
    let moderator = server.member("mia").await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    server.grant("mia", "moderator").await;
    let post = server.post_as(&alice, "Spammy", "buy now").await;

    let filed = server.server_fn("report_post", json!({"post_id": post.id, "reason": "Spam"}), Some(&bob.token)).await;
    assert_eq!(filed.status(), 200);
    let again = server.server_fn("report_post", json!({"post_id": post.id, "reason": "Spam"}), Some(&bob.token)).await;
    assert_error(again, 409, "You have already reported this post").await;
    let refused = server.server_fn("reported_posts", json!({}), Some(&bob.token)).await;
    assert_error(refused, 403, "Only moderators and admins can do this").await;

    let queue: Vec<ReportedPost> = call(&server, "reported_posts", json!({}), &moderator).await;
    assert_eq!((queue.len(), queue[0].post.id, queue[0].count), (1, post.id, 1));
    let removed =
        server.server_fn("delete_post", json!({"id": post.id, "reason": "Spam"}), Some(&moderator.token)).await;
    assert_eq!(removed.status(), 200);
    let queue: Vec<ReportedPost> = call(&server, "reported_posts", json!({"status": "open"}), &moderator).await;
    assert!(queue.is_empty());

    let log: LogPage = call(&server, "moderation_log", json!({}), &moderator).await;
    let entry = &log.entries[0];
    assert_eq!(
        (entry.action.as_str(), entry.post_id, entry.reason.as_deref()),
        ("remove_post", Some(post.id), Some("Spam"))
    );
}

#[tokio::test]
async fn resolving_and_roles_through_the_spas_door() {
    let server = TestServer::start().await;
    let root = server.member("ada").await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    server.grant("ada", "admin").await;
    let post = server.post_as(&alice, "Reported", "text").await;
    let report: Report = expect(
        server
            .call("POST", &format!("/posts/{}/reports", post.id), Some(&bob), Some(json!({"reason": "Off topic"})))
            .await,
        201,
    )
    .await;
    let resolved: ReportResolution =
        call(&server, "resolve_report", json!({"report_id": report.id, "status": "actioned"}), &root).await;
    assert_eq!(resolved.resolved, 1);
    let again = server
        .server_fn("resolve_report", json!({"report_id": report.id, "status": "dismissed"}), Some(&root.token))
        .await;
    assert_error(again, 409, "This report was already resolved").await;

    let profile: Profile =
        call(&server, "change_role", json!({"user_id": bob.user_id, "role": "moderator"}), &root).await;
    assert_eq!(profile.role, Role::Moderator);
    let refused =
        server.server_fn("change_role", json!({"user_id": alice.user_id, "role": "admin"}), Some(&alice.token)).await;
    assert_error(refused, 403, "Only admins can change roles").await;
}

#[tokio::test]
async fn a_suspended_member_is_signed_out_with_the_end_of_the_suspension() {
    let server = TestServer::start().await;
    let moderator = server.member("mia").await;
    let alice = server.member("alice").await;
    server.grant("mia", "moderator").await;
    let until = "2099-06-01T12:00:00.000Z";
    let suspended: Suspension = call(
        &server,
        "suspend_member",
        json!({"user_id": alice.user_id, "reason": "Flooding", "until": until}),
        &moderator,
    )
    .await;
    assert_eq!(suspended.until.as_deref(), Some(until));

    // The next request of her signed-in browser: 401 (signed out), with the end in a header the SPA reads first.
    let response = server.server_fn("list_posts", json!({"query": {}}), Some(&alice.token)).await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["bulletin-suspended-until"], until);
    let error: AppError = response.json().await.unwrap();
    assert_eq!(error, AppError::Suspended { until: Some(until.into()), signed_out: true });
    assert_eq!(error.user_message(), "Your account is suspended until 2099-06-01 12:00 UTC.");

    // Signing back in: 403 with the same end, until the suspension is lifted.
    let login = server.server_fn("login", json!({"username": "alice", "password": "long enough"}), None).await;
    assert_eq!(login.status(), 403);
    let error: AppError = login.json().await.unwrap();
    assert_eq!(error, AppError::Suspended { until: Some(until.into()), signed_out: false });
    let lifted = server.server_fn("lift_suspension", json!({"user_id": alice.user_id}), Some(&moderator.token)).await;
    assert_eq!(lifted.status(), 200);
    let login = server.server_fn("login", json!({"username": "alice", "password": "long enough"}), None).await;
    let back: AuthToken = expect(login, 200).await;
    assert_eq!(back.user_id, alice.user_id);
}
