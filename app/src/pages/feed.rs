//! `/`: the feed. Sort (Newest / Top), a debounced server-side search, and "Load more" by cursor.

use crate::api::posts::list_posts;
use crate::client::{early_feed, token_store};
use crate::components::page_states::{ErrorLine, ErrorState, LoadingSkeleton};
use crate::components::{MembersOnly, PostCard};
use crate::error::AppError;
use crate::model::feed::{FeedQueryInput, PostSort};
use crate::model::posts::{Highlight, Post, PostPage};
use leptos::prelude::*;
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

/// What the feed lists: the sort and the search. The default is the first listing a member sees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Listing {
    sort: PostSort,
    search: String,
}

impl Listing {
    fn query(&self, cursor: Option<String>) -> FeedQueryInput {
        FeedQueryInput {
            sort: Some(self.sort.as_str().to_owned()),
            q: Some(self.search.clone()).filter(|q| !q.is_empty()),
            cursor,
            ..Default::default()
        }
    }

    /// The first listing adopts the answer the page's first script asked for while the app loaded, if it has one.
    async fn fetch(self, cursor: Option<String>) -> Result<PostPage, AppError> {
        let query = self.query(cursor);
        if let Some(page) = early_feed::take(&query, token_store::token().as_deref()).await {
            return Ok(page);
        }
        list_posts(query).await
    }
}

#[component]
fn Feed() -> impl IntoView {
    let sort = RwSignal::new(PostSort::Newest);
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    // Each listing the member asks for (a sort, a search, "Try again") gets a new number, and every answer carries
    // the number it was asked under: an answer to an earlier request (the sort or search changed while it was on
    // its way) is never shown as this one's, and the pages "Load more" added to it never come back.
    let request = RwSignal::new(0_u64);
    let relist = move || request.update(|n| *n += 1);
    let listing = move || Listing { sort: sort.get_untracked(), search: search.get_untracked() };

    // The first page: `None` until the current request's answer is here (a skeleton meanwhile).
    let first_page = LocalResource::new(move || {
        let (number, listing) = (request.get(), listing());
        async move { (number, listing.fetch(None).await) }
    });
    let first = move || first_page.get().filter(|(number, _)| *number == request.get()).map(|(_, page)| page);
    // "Load more": the pages it added to the current request's listing.
    let more = Action::new(|(number, listing, cursor): &(u64, Listing, String)| {
        let (number, listing, cursor) = (*number, listing.clone(), cursor.clone());
        async move { (number, listing.fetch(Some(cursor)).await) }
    });
    let (more_pending, more_asked, more_answer) = (more.pending(), more.input(), more.value());
    let added = RwSignal::new(Vec::<(u64, PostPage)>::new());
    Effect::new(move |_| {
        if let Some((number, Ok(page))) = more_answer.get() {
            added.update(|pages| {
                pages.retain(|(kept, _)| *kept == number);
                pages.push((number, page));
            });
        }
    });
    let more_pages = move || {
        let current = request.get();
        added
            .with(|pages| pages.iter().filter(|(n, _)| *n == current).map(|(_, page)| page.clone()).collect::<Vec<_>>())
    };
    let loading_more = move || more_asked.with(|asked| matches!(asked, Some((n, ..)) if *n == request.get()));
    let more_error = Signal::derive(move || match more_answer.get() {
        Some((number, Err(err))) if number == request.get() && !more_pending.get() => {
            Some(format!("Could not load more posts: {err}"))
        }
        _ => None,
    });

    // The listed posts, each with where it matched the search (its page's highlight for it, if any).
    let posts = move || {
        let pages = first().and_then(Result::ok).into_iter().chain(more_pages());
        pages.flat_map(with_highlights).collect::<Vec<_>>()
    };
    // The newest answer speaks for the listing: how many posts match, and where to continue.
    let latest = move |read: fn(&PostPage) -> Option<String>| {
        more_pages().last().map(read).or_else(|| first()?.ok().as_ref().map(read)).flatten()
    };
    let next_cursor = move || latest(|page| page.next_cursor.clone());
    let total = move || {
        latest(|page| {
            Some(match (page.total, page.total_is_lower_bound) {
                (n, true) => format!("{n}+ posts"),
                (1, false) => "1 post".to_owned(),
                (n, false) => format!("{n} posts"),
            })
        })
    };

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
                request.try_update(|n| *n += 1);
            }
        };
        pending_search.set_value(set_timeout_with_handle(run_search, SEARCH_DEBOUNCE).ok());
    };
    let on_sort_change = move |ev| {
        sort.set(PostSort::from_name(&event_target_value(&ev)).unwrap_or_default());
        relist();
    };

    let list = move || match first() {
        None => view! { <LoadingSkeleton lines=6/> }.into_any(),
        Some(Err(err)) => {
            view! { <ErrorState message=err.to_string() retry=Callback::new(move |_| relist())/> }.into_any()
        }
        Some(Ok(page)) if page.posts.is_empty() => {
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
        Some(Ok(_)) => view! {
            <ul class="post-list" aria-label="Posts">
                <For each=posts key=|(post, _)| post.id children=|(post, highlight)| {
                    view! { <li><PostCard highlight post/></li> }
                }/>
            </ul>
        }
        .into_any(),
    };
    let load_more = move |_| {
        if let Some(cursor) = next_cursor() {
            more.dispatch((request.get_untracked(), listing(), cursor));
        }
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
                    <select id="feed-sort" prop:value=move || sort.get().as_str() on:change=on_sort_change>
                        <option value="newest">"Newest"</option>
                        <option value="top">"Top"</option>
                    </select>
                </div>
            </div>
            <p class="feed-total" aria-live="polite">{total}</p>
            {list}
            <ErrorLine message=more_error class="inline-error"/>
            <Show when=move || next_cursor().is_some()>
                <button type="button" class="button secondary load-more" disabled=loading_more
                    on:click=load_more>
                    {move || if loading_more() { "Loading…" } else { "Load more" }}
                </button>
            </Show>
        </section>
    }
}

/// The posts of `page`, each paired with its highlight.
fn with_highlights(page: PostPage) -> impl Iterator<Item = (Post, Option<Highlight>)> {
    let PostPage { posts, highlights, .. } = page;
    posts.into_iter().map(move |post| {
        let highlight = highlights.iter().find(|h| h.post_id == post.id).cloned();
        (post, highlight)
    })
}

#[cfg(test)]
mod tests {
    use super::Listing;
    use crate::client::early_feed;

    #[test]
    fn the_first_listing_is_the_one_the_early_request_asks_for() {
        assert_eq!(Listing::default().query(None), early_feed::first_listing());
        let searched = Listing { search: "rust".into(), ..Listing::default() };
        assert_ne!(searched.query(None), early_feed::first_listing());
    }
}
