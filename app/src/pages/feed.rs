//! `/`: the feed. Sort (Newest / Top), a debounced server-side search, and "Load more" by cursor.

use crate::api::posts::list_posts;
use crate::components::{ErrorState, LoadingSkeleton, MembersOnly, PostCard};
use crate::model::feed::FeedQueryInput;
use crate::model::posts::Post;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use std::time::Duration;

/// How long typing must pause before the search runs, so each keystroke does not cost a request.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(300);

#[component]
pub fn FeedPage() -> impl IntoView {
    view! {
        <Title text="Bulletin"/>
        <MembersOnly>
            <Feed/>
        </MembersOnly>
    }
}

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Loaded,
    Failed(String),
}

#[component]
fn Feed() -> impl IntoView {
    let sort = RwSignal::new("newest".to_owned());
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let posts = RwSignal::new(Vec::<Post>::new());
    let total = RwSignal::new(0_i64);
    let next_cursor = RwSignal::new(None::<String>);
    let status = RwSignal::new(Load::Loading);
    let loading_more = RwSignal::new(false);
    // Answers to an outdated query (the sort or search changed meanwhile) are dropped.
    let generation = StoredValue::new(0_u64);

    let fetch = move |cursor: Option<String>| {
        let query = FeedQueryInput {
            sort: Some(sort.get_untracked()),
            q: Some(search.get_untracked()).filter(|q| !q.is_empty()),
            cursor: cursor.clone(),
            ..Default::default()
        };
        let appending = cursor.is_some();
        if !appending {
            generation.update_value(|g| *g += 1);
            status.set(Load::Loading);
        } else {
            loading_more.set(true);
        }
        let mine = generation.get_value();
        spawn_local(async move {
            let answer = list_posts(query).await;
            // The feed may have been left (or the session ended) while the request was out: then there is
            // nothing left to update, hence try_* below.
            if generation.try_get_value() != Some(mine) {
                return;
            }
            match answer {
                Ok(page) => {
                    if appending {
                        posts.try_update(|list| list.extend(page.posts));
                    } else {
                        posts.try_set(page.posts);
                    }
                    total.try_set(page.total);
                    next_cursor.try_set(page.next_cursor);
                    status.try_set(Load::Loaded);
                }
                Err(err) if appending => {
                    status.try_set(Load::Failed(format!("Could not load more posts: {}", err.message())));
                }
                Err(err) => {
                    status.try_set(Load::Failed(err.message()));
                }
            }
            loading_more.try_set(false);
        });
    };

    // Reload from the top whenever the sort or the (debounced) search changes.
    Effect::new(move |_| {
        sort.track();
        search.track();
        fetch(None);
    });
    // Debounce: copy the typed text into `search` once typing pauses.
    let pending_search = StoredValue::new(None::<TimeoutHandle>);
    let on_search_input = move |ev| {
        typed.set(event_target_value(&ev));
        if let Some(handle) = pending_search.get_value() {
            handle.clear();
        }
        // try_*: the timer can fire after the feed was left.
        let run_search = move || {
            if let Some(text) = typed.try_get_untracked() {
                search.try_set(text.trim().to_owned());
            }
        };
        pending_search.set_value(set_timeout_with_handle(run_search, SEARCH_DEBOUNCE).ok());
    };

    let retry = Callback::new(move |_| fetch(None));
    let list = move || match status.get() {
        Load::Loading => view! { <LoadingSkeleton lines=6/> }.into_any(),
        Load::Failed(message) if posts.with(Vec::is_empty) => view! { <ErrorState message retry/> }.into_any(),
        Load::Failed(_) | Load::Loaded if posts.with(Vec::is_empty) => {
            let query = search.get();
            if query.is_empty() {
                view! {
                    <div class="card empty-state">
                        <p>"No posts yet. Be the first!"</p>
                        <A href="/new" attr:class="button">"Write a post"</A>
                    </div>
                }
                .into_any()
            } else {
                view! { <div class="card empty-state"><p>{format!("No posts match “{query}”.")}</p></div> }.into_any()
            }
        }
        Load::Failed(_) | Load::Loaded => view! {
            <ul class="post-list" aria-label="Posts">
                <For each=move || posts.get() key=|post| post.id let:post>
                    <li><PostCard post/></li>
                </For>
            </ul>
        }
        .into_any(),
    };
    let more_error = move || match status.get() {
        Load::Failed(message) if !posts.with(Vec::is_empty) => {
            Some(view! { <p class="inline-error" role="alert">{message}</p> })
        }
        _ => None,
    };

    view! {
        <section class="feed" aria-labelledby="feed-heading">
            <h1 id="feed-heading" class="feed-heading">
                {move || if search.with(String::is_empty) { "The board" } else { "Matching posts" }}
            </h1>
            <div class="feed-controls">
                <div class="field inline">
                    <label for="feed-search">"Search"</label>
                    <input id="feed-search" type="search" placeholder="Search titles and posts"
                        prop:value=move || typed.get() on:input=on_search_input/>
                </div>
                <div class="field inline">
                    <label for="feed-sort">"Sort"</label>
                    <select id="feed-sort" on:change=move |ev| sort.set(event_target_value(&ev)) prop:value=move || sort.get()>
                        <option value="newest">"Newest"</option>
                        <option value="top">"Top"</option>
                    </select>
                </div>
            </div>
            <p class="feed-total" aria-live="polite">
                {move || (status.get() == Load::Loaded).then(|| match total.get() {
                    1 => "1 post".to_owned(),
                    n => format!("{n} posts"),
                })}
            </p>
            {list}
            {more_error}
            <Show when=move || next_cursor.with(Option::is_some) && !posts.with(Vec::is_empty)>
                <button type="button" class="button secondary load-more" disabled=move || loading_more.get()
                    on:click=move |_| fetch(next_cursor.get_untracked())>
                    {move || if loading_more.get() { "Loading…" } else { "Load more" }}
                </button>
            </Show>
        </section>
    }
}
