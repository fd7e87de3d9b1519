//! Whether the browser has taken over the server-rendered page. Forms stay disabled until it has, so nothing is
//! submitted by the browser's default form handling (which would bypass validation and the token), and the auth
//! state is read from storage only then, so the first render in the browser matches the server's.
//!
//! "An effect has run" used to mean "hydrated": synchronous hydration holds effects back until it is done. The
//! app now hydrates asynchronously (a page on a lazy route waits for its chunk, see pages/lazy_routes.rs), and
//! effects may run during that wait; re-rendering part of a page that is still being hydrated breaks hydration.
//! So the entry point says when hydration has finished, and everything that waited for it watches this signal.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
thread_local! {
    static FINISHED: ArcRwSignal<bool> = ArcRwSignal::new(false);
}

/// Called by the browser entry point (the `frontend` crate) once the whole page is hydrated.
pub fn mark_finished() {
    #[cfg(feature = "hydrate")]
    FINISHED.with(|finished| finished.set(true));
}

/// Whether hydration has finished: never on the server; in the browser from `mark_finished` on.
pub fn use_hydrated() -> Signal<bool> {
    #[cfg(feature = "hydrate")]
    {
        let finished = FINISHED.with(Clone::clone);
        Signal::derive(move || finished.get())
    }
    #[cfg(not(feature = "hydrate"))]
    Signal::stored(false)
}
