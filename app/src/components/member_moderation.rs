//! On a member's profile, for moderators and admins: the member's suspension (with Lift) or a form to suspend
//! them; for admins also their role.

use super::page_states::{FormOutcome, Outcome};
use crate::api::moderation::{change_role, lift_suspension, suspend_member};
use crate::client::clock::local_input_to_utc;
use crate::client::use_auth;
use crate::error::AppError;
use crate::model::moderation::{REASON_MAX, Role, Suspension, validate_reason};
use crate::model::time::exact_time;
use crate::model::users::Profile;
use leptos::prelude::*;

/// What a moderator sees of `profile` (someone else's): nothing for members.
#[component]
pub fn MemberModeration(profile: Profile, role: RwSignal<Role>) -> impl IntoView {
    let auth = use_auth();
    let user_id = profile.id;
    let suspension = RwSignal::new(profile.suspension.clone());
    // Moderators suspend members; admins anyone.
    let may_suspend = move || auth.role().is_admin() || role.get() == Role::Member;
    view! {
        <Show when=move || auth.role().can_moderate() && may_suspend()>
            <section class="card member-moderation" aria-labelledby="moderation-title">
                <h2 id="moderation-title">"Moderation"</h2>
                {move || match suspension.get() {
                    Some(current) => view! { <CurrentSuspension user_id current suspension/> }.into_any(),
                    None => view! { <SuspendForm user_id suspension/> }.into_any(),
                }}
                <Show when=move || auth.role().is_admin()>
                    <RoleForm user_id role/>
                </Show>
            </section>
        </Show>
    }
}

fn until_text(until: Option<&str>) -> String {
    until.map_or_else(|| "until lifted".to_owned(), |until| format!("until {}", exact_time(until)))
}

#[component]
fn CurrentSuspension(user_id: i64, current: Suspension, suspension: RwSignal<Option<Suspension>>) -> impl IntoView {
    let lift = Action::new(move |_: &()| lift_suspension(user_id));
    let (pending, answer) = (lift.pending(), lift.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = answer.get() {
            suspension.set(None);
        }
    });
    let outcome = Signal::derive(move || match answer.get() {
        Some(Err(err)) => Some(Outcome::Failed(err.user_message())),
        _ => None,
    });
    view! {
        <p class="suspension-status" role="status">
            <strong>"Suspended " {until_text(current.until.as_deref())}</strong>
            ": " {current.reason.clone()}
        </p>
        <FormOutcome outcome/>
        <button type="button" class="button secondary" disabled=move || pending.get() on:click=move |_| {
            lift.dispatch(());
        }>"Lift suspension"</button>
    }
}

#[component]
fn SuspendForm(user_id: i64, suspension: RwSignal<Option<Suspension>>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let refused = RwSignal::new(None::<String>);
    let suspend = Action::new(move |(reason, until): &(String, Option<String>)| {
        suspend_member(user_id, reason.clone(), until.clone())
    });
    let (pending, answer) = (suspend.pending(), suspend.value());
    Effect::new(move |_| {
        if let Some(Ok(done)) = answer.get() {
            suspension.set(Some(done));
        }
    });
    let outcome = Signal::derive(move || match (refused.get(), answer.get()) {
        (Some(problem), _) => Some(Outcome::Failed(problem)),
        (None, Some(Err(err))) => Some(Outcome::Failed(err.user_message())),
        _ => None,
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let end = until.get_untracked();
        let end = match end.trim() {
            "" => None,
            local => match local_input_to_utc(local) {
                Some(utc) => Some(utc),
                None => return refused.set(Some("Choose a valid end, or leave it empty".into())),
            },
        };
        match validate_reason(Some(&reason.get_untracked())) {
            Ok(valid) => {
                refused.set(None);
                suspend.dispatch((valid, end));
            }
            Err(err) => refused.set(Some(err.to_string())),
        }
    };
    view! {
        <form class="suspend-form" method="post" on:submit=submit novalidate>
            <div class="field">
                <label for="suspension-reason">"Reason for suspending"</label>
                <textarea id="suspension-reason" rows="2" maxlength=REASON_MAX prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </div>
            <div class="field">
                <label for="suspension-until">"Until (leave empty: until lifted)"</label>
                <input id="suspension-until" type="datetime-local" prop:value=move || until.get()
                    on:input=move |ev| until.set(event_target_value(&ev))/>
            </div>
            <FormOutcome outcome/>
            <button type="submit" class="button danger" disabled=move || pending.get()>
                {move || if pending.get() { "Suspending…" } else { "Suspend" }}
            </button>
        </form>
    }
}

#[component]
fn RoleForm(user_id: i64, role: RwSignal<Role>) -> impl IntoView {
    let chosen = RwSignal::new(role.get_untracked());
    let change = Action::new(move |new: &Role| change_role(user_id, new.as_str().to_owned()));
    let (pending, answer) = (change.pending(), change.value());
    Effect::new(move |_| {
        if let Some(Ok(profile)) = answer.get() {
            role.set(profile.role);
        }
    });
    let outcome = Signal::derive(move || match answer.get() {
        Some(Ok(profile)) => Some(Outcome::Done(format!("{} is now {}.", profile.username, profile.role))),
        Some(Err(err)) => Some(Outcome::Failed(AppError::user_message(&err))),
        None => None,
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        change.dispatch(chosen.get_untracked());
    };
    view! {
        <form class="role-form" method="post" on:submit=submit>
            <div class="field">
                <label for="member-role">"Role"</label>
                <select id="member-role" on:change=move |ev| {
                    if let Ok(picked) = event_target_value(&ev).parse::<Role>() {
                        chosen.set(picked);
                    }
                }>
                    {Role::ALL.into_iter().map(|option| view! {
                        <option value=option.as_str() selected=move || chosen.get() == option>{option.as_str()}</option>
                    }).collect_view()}
                </select>
            </div>
            <FormOutcome outcome/>
            <button type="submit" class="button" disabled=move || pending.get()>"Change role"</button>
        </form>
    }
}
