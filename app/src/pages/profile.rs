//! `/u/{id}`: a member's profile and their newest posts. On your own profile the bio is editable, and the
//! account's security settings (password, log out everywhere) are there; on someone else's, moderators find
//! the suspension controls and admins the role.

use crate::api::users::{get_profile, update_bio};
use crate::client::use_auth;
use crate::components::page_states::{FormOutcome, Outcome, load_by_id, missing_member};
use crate::components::{AccountSecurity, MemberModeration, MembersOnly, PasskeysCard, PostCard, RoleBadge};
use crate::model::time::exact_time;
use crate::model::users::{BIO_MAX, BioInput, Profile, validate_bio};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <MembersOnly>
            {load_by_id(4, get_profile, missing_member, |profile| view! { <ProfileView profile/> })}
        </MembersOnly>
    }
}

#[component]
fn ProfileView(profile: Profile) -> impl IntoView {
    let auth = use_auth();
    let own = auth.member_id_untracked() == Some(profile.id);
    let joined = exact_time(&profile.created_at).get(..10).unwrap_or_default().to_owned();
    let count = match profile.post_count {
        1 => "1 post".to_owned(),
        n => format!("{n} posts"),
    };
    let bio = RwSignal::new(profile.bio.clone());
    let role = RwSignal::new(profile.role);
    let moderation = (!own).then(|| view! { <MemberModeration profile=profile.clone() role/> });
    view! {
        <Title text=format!("{} · Bulletin", profile.username)/>
        <section class="card profile">
            <h1>{profile.username.clone()} {move || view! { <RoleBadge role=role.get()/> }}</h1>
            <p class="meta">"Joined " <time datetime=profile.created_at.clone()>{joined}</time> " · " {count}</p>
            {if own {
                view! { <BioEditor bio/> }.into_any()
            } else {
                view! {
                    <p class="bio">{move || {
                        let text = bio.get();
                        if text.is_empty() { "No bio yet.".to_owned() } else { text }
                    }}</p>
                }
                .into_any()
            }}
        </section>
        {own.then(|| view! { <PasskeysCard/> <AccountSecurity/> })}
        {moderation}
        <h2 class="section-title">"Posts"</h2>
        {if profile.posts.is_empty() {
            view! { <p class="muted">"No posts yet."</p> }.into_any()
        } else {
            view! {
                <ul class="post-list" aria-label="Posts">
                    {profile.posts.into_iter().map(|post| view! { <li><PostCard post/></li> }).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}

#[component]
fn BioEditor(bio: RwSignal<String>) -> impl IntoView {
    let draft = RwSignal::new(bio.get_untracked());
    // A bio the shared rules refuse is answered here, without a request.
    let refused = RwSignal::new(None::<String>);
    let save = Action::new(|text: &String| update_bio(text.clone()));
    let (pending, answer) = (save.pending(), save.value());
    Effect::new(move |_| {
        if let Some(Ok(profile)) = answer.get() {
            bio.set(profile.bio.clone());
            draft.set(profile.bio);
        }
    });
    let outcome = Signal::derive(move || match (refused.get(), answer.get()) {
        (Some(problem), _) => Some(Outcome::Failed(problem)),
        (None, Some(Ok(_))) => Some(Outcome::Done("Bio saved.".to_owned())),
        (None, Some(Err(err))) => Some(Outcome::Failed(err.to_string())),
        (None, None) => None,
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = BioInput { bio: Some(draft.get_untracked()) };
        match validate_bio(&input) {
            Ok(_) => {
                refused.set(None);
                save.dispatch(input.bio.unwrap_or_default());
            }
            Err(err) => refused.set(Some(err.to_string())),
        }
    };
    view! {
        <form class="bio-form" method="post" on:submit=submit novalidate>
            <div class="field">
                <label for="bio">"Your bio"</label>
                <textarea id="bio" rows="3" prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <span class="count">{move || format!("{}/{BIO_MAX}", draft.with(|t| t.trim().chars().count()))}</span>
            </div>
            <FormOutcome outcome/>
            <button type="submit" class="button" disabled=move || pending.get()>"Save bio"</button>
        </form>
    }
}
