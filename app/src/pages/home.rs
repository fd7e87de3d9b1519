//! `/`: members only. Until the board arrives it greets the member, confirming the token with the server
//! (which is also how a dead token is noticed on arrival).

use crate::api::me;
use crate::components::MembersOnly;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Bulletin"/>
        <MembersOnly>
            <Welcome/>
        </MembersOnly>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    // Token-dependent data loads in the browser only: during SSR there is no token to send.
    let member = LocalResource::new(me);
    view! {
        <section class="card">
            <h1>"Welcome to Bulletin"</h1>
            <Suspense fallback=|| view! { <div class="skeleton-line" aria-busy="true"></div> }>
                {move || member.get().map(|result| match result {
                    Ok(member) => view! {
                        <p class="welcome">"You are signed in as " <strong>{member.username}</strong> "."</p>
                        <p>"The board opens here soon."</p>
                    }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message()}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
