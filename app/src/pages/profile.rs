//! `/u/{id}`: a member's profile and their newest posts. On your own profile the bio is editable, and the
//! account's security settings (password, log out everywhere) are there.

use crate::api::users::{get_profile, update_bio};
use crate::client::{AuthState, use_auth};
use crate::components::{AccountSecurity, ErrorState, FormOutcome, LoadingSkeleton, MembersOnly, PostCard};
use crate::error::AppError;
use crate::model::time::exact_time;
use crate::model::users::{BIO_MAX, BioInput, Profile, validate_bio};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <MembersOnly>
            <ProfileLoader/>
        </MembersOnly>
    }
}

#[component]
fn ProfileLoader() -> impl IntoView {
    let id = super::use_id_param();
    let profile = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => get_profile(id).await,
                None => Err(AppError::NotFound("User not found".into())),
            }
        }
    });
    move || match profile.get() {
        None => view! { <LoadingSkeleton lines=4/> }.into_any(),
        Some(Err(AppError::NotFound(_))) => view! {
            <Title text="Member not found · Bulletin"/>
            <section class="card">
                <h1>"This member does not exist."</h1>
                <p><A href="/">"Back to the feed"</A></p>
            </section>
        }
        .into_any(),
        Some(Err(err)) => {
            view! { <ErrorState message=err.message() retry=Callback::new(move |_| profile.refetch())/> }.into_any()
        }
        Some(Ok(profile)) => view! { <ProfileView profile/> }.into_any(),
    }
}

#[component]
fn ProfileView(profile: Profile) -> impl IntoView {
    let auth = use_auth();
    let own = matches!(auth.state.get_untracked(), AuthState::Member(m) if m.user_id == profile.id);
    let joined = exact_time(&profile.created_at).get(..10).unwrap_or_default().to_owned();
    let count = match profile.post_count {
        1 => "1 post".to_owned(),
        n => format!("{n} posts"),
    };
    let bio = RwSignal::new(profile.bio.clone());
    view! {
        <Title text=format!("{} · Bulletin", profile.username)/>
        <section class="card profile">
            <h1>{profile.username.clone()}</h1>
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
        {own.then(|| view! { <AccountSecurity/> })}
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
    let pending = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = BioInput { bio: Some(draft.get_untracked()) };
        if let Err(err) = validate_bio(&input) {
            message.set(Some((false, err.message())));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match update_bio(input.bio.unwrap_or_default()).await {
                Ok(profile) => {
                    bio.try_set(profile.bio.clone());
                    draft.try_set(profile.bio);
                    message.try_set(Some((true, "Bio saved.".to_owned())));
                }
                Err(err) => {
                    message.try_set(Some((false, err.message())));
                }
            }
            pending.try_set(false);
        });
    };
    view! {
        <form class="bio-form" method="post" on:submit=save novalidate>
            <div class="field">
                <label for="bio">"Your bio"</label>
                <textarea id="bio" rows="3" prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <span class="count">{move || format!("{}/{BIO_MAX}", draft.with(|t| t.trim().chars().count()))}</span>
            </div>
            <FormOutcome outcome=message/>
            <button type="submit" class="button" disabled=move || pending.get()>"Save bio"</button>
        </form>
    }
}
