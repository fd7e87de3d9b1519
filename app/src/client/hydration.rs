//! Whether the browser has taken over the server-rendered page. Forms stay disabled until it has, so nothing is
//! submitted by the browser's default form handling (which would bypass validation and the token).

use leptos::prelude::*;

pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    // Effects never run on the server, and in the browser only once hydration is done.
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}
