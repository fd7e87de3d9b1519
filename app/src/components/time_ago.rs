use crate::client::clock::now_millis;
use crate::model::time::{exact_time, relative_time};
use leptos::prelude::*;

/// "5 minutes ago", with the exact time on hover and for assistive technology.
#[component]
pub fn TimeAgo(timestamp: String) -> impl IntoView {
    let relative = relative_time(&timestamp, now_millis());
    let exact = exact_time(&timestamp);
    view! { <time datetime=timestamp title=exact>{relative}</time> }
}
