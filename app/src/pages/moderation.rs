//! `/moderation`: the open reports, each with one-click Dismiss and Remove, and the moderation log below.
//! Moderators and admins only; anyone else sees why not.

use crate::api::moderation::{moderation_log, reported_posts, resolve_report};
use crate::api::posts::delete_post;
use crate::client::use_auth;
use crate::components::page_states::{ErrorLine, ErrorState, LoadingSkeleton, error_of};
use crate::components::{MembersOnly, RemovalForm, RoleBadge, TimeAgo};
use crate::error::AppError;
use crate::model::moderation::{LogEntry, MODERATORS_ONLY, ReportedPost};
use crate::model::time::exact_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn ModerationPage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Title text="Moderation · Bulletin"/>
        <MembersOnly>
            {move || if auth.role().can_moderate() {
                view! { <ModerationDesk/> }.into_any()
            } else {
                not_allowed()
            }}
        </MembersOnly>
    }
}

fn not_allowed() -> AnyView {
    view! { <section class="card" role="alert"><p>{MODERATORS_ONLY}</p></section> }.into_any()
}

#[component]
fn ModerationDesk() -> impl IntoView {
    // Bumped after every decision made here: the queue and the log are read again.
    let version = RwSignal::new(0_u32);
    let reports = LocalResource::new(move || {
        version.track();
        reported_posts(None)
    });
    let changed = Callback::new(move |()| version.update(|v| *v += 1));
    view! {
        <h1 class="page-title">"Moderation"</h1>
        <section class="moderation-reports" aria-labelledby="reports-title">
            <h2 id="reports-title" class="section-title">"Open reports"</h2>
            {move || match reports.get() {
                None => view! { <LoadingSkeleton lines=3/> }.into_any(),
                Some(Err(AppError::Forbidden(_))) => not_allowed(),
                Some(Err(err)) => view! {
                    <ErrorState message=err.user_message() retry=Callback::new(move |_| reports.refetch())/>
                }.into_any(),
                Some(Ok(queue)) if queue.is_empty() => view! { <p class="muted">"No open reports."</p> }.into_any(),
                Some(Ok(queue)) => view! {
                    <ul class="report-list">
                        {queue.into_iter().map(|reported| view! { <li><ReportCard reported changed/></li> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
        <ModerationLog version/>
    }
}

#[component]
fn ReportCard(reported: ReportedPost, changed: Callback<()>) -> impl IntoView {
    let ReportedPost { id: report_id, post, count, reports } = reported;
    let post_id = post.id;
    let dismiss = Action::new(move |_: &()| resolve_report(report_id, "dismissed".to_owned()));
    let remove = Action::new(move |reason: &Option<String>| delete_post(post_id, reason.clone()));
    let (dismissed, removed) = (dismiss.value(), remove.value());
    Effect::new(move |_| {
        if matches!(dismissed.get(), Some(Ok(_))) || matches!(removed.get(), Some(Ok(()))) {
            changed.run(());
        }
    });
    let times = if count == 1 { "1 report".to_owned() } else { format!("{count} reports") };
    view! {
        <article class="card report-card">
            <h3><A href=format!("/p/{post_id}")>{post.title.clone()}</A></h3>
            <p class="meta">
                "by " <A href=format!("/u/{}", post.user_id)>{post.author_username.clone()}</A>
                <RoleBadge role=post.author_role/> " · " {times}
            </p>
            <ul class="report-reasons">
                {reports.into_iter().map(|report| view! {
                    <li>
                        <A href=format!("/u/{}", report.reporter_id)>{report.reporter_username}</A>
                        ": " {report.reason} " · " <TimeAgo timestamp=report.created_at/>
                    </li>
                }).collect_view()}
            </ul>
            <div class="report-actions">
                <button type="button" class="button secondary" disabled=move || dismiss.pending().get()
                    on:click=move |_| { dismiss.dispatch(()); }>"Dismiss"</button>
                <RemovalForm open_label="Remove post" confirm_label="Remove post"
                    field_id=format!("reason-remove-reported-{post_id}")
                    question="Why remove this post? (optional, kept in the log)"
                    pending=remove.pending() error=error_of(remove)
                    on_send=Callback::new(move |reason: Option<String>| { remove.dispatch(reason); })/>
            </div>
            <ErrorLine message=error_of(dismiss)/>
        </article>
    }
}

#[component]
fn ModerationLog(version: RwSignal<u32>) -> impl IntoView {
    let first = LocalResource::new(move || {
        version.track();
        moderation_log(None)
    });
    // Older pages, appended below the first as they are asked for.
    let older = RwSignal::new(Vec::<LogEntry>::new());
    let next = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(page)) = first.get() {
            older.set(Vec::new());
            next.set(page.next_cursor);
        }
    });
    let more = Action::new(move |cursor: &String| moderation_log(Some(cursor.clone())));
    let more_answer = more.value();
    Effect::new(move |_| {
        if let Some(Ok(page)) = more_answer.get() {
            older.update(|entries| entries.extend(page.entries));
            next.set(page.next_cursor);
        }
    });
    view! {
        <section class="moderation-log" aria-labelledby="log-title">
            <h2 id="log-title" class="section-title">"Moderation log"</h2>
            {move || match first.get() {
                None => view! { <LoadingSkeleton lines=3/> }.into_any(),
                Some(Err(err)) => view! {
                    <ErrorState message=err.user_message() retry=Callback::new(move |_| first.refetch())/>
                }.into_any(),
                Some(Ok(page)) if page.entries.is_empty() => view! { <p class="muted">"Nothing yet."</p> }.into_any(),
                Some(Ok(page)) => view! {
                    <ol class="log-list">
                        {page.entries.into_iter().map(|entry| view! { <LogLine entry/> }).collect_view()}
                        {move || older.get().into_iter().map(|entry| view! { <LogLine entry/> }).collect_view()}
                    </ol>
                }.into_any(),
            }}
            {move || next.get().map(|cursor| view! {
                <button type="button" class="button secondary" disabled=move || more.pending().get()
                    on:click=move |_| { more.dispatch(cursor.clone()); }>"Older entries"</button>
            })}
            <ErrorLine message=error_of(more)/>
        </section>
    }
}

#[component]
fn LogLine(entry: LogEntry) -> impl IntoView {
    let actor = match (entry.actor_id, entry.actor_username) {
        (Some(id), Some(name)) => view! { <A href=format!("/u/{id}")>{name}</A> }.into_any(),
        (None, _) => view! { <span>"The command line"</span> }.into_any(),
        (Some(_), None) => view! { <span>"A former member"</span> }.into_any(),
    };
    let target = match (entry.target_user_id, entry.target_username) {
        (Some(id), Some(name)) => Some(view! { " " <A href=format!("/u/{id}")>{name}</A> }),
        _ => None,
    };
    let post = entry.post_id.map(|id| format!(" · post {id}"));
    view! {
        <li class="log-entry">
            <time datetime=entry.created_at.clone() title=exact_time(&entry.created_at)>
                <TimeAgo timestamp=entry.created_at.clone()/>
            </time>
            " · " {actor} " " {entry.action.verb()} {target}
            {entry.detail.map(|detail| view! { ": " {detail} })}
            {post}
            {entry.reason.map(|reason| view! { <span class="log-reason">" · Reason: " {reason}</span> })}
        </li>
    }
}
