//! Keeps an active member signed in without keeping stolen tokens alive for long: tokens are short-lived, and
//! once the stored token is past half its life the app trades it for a fresh one (`POST /api/refresh`). A member
//! with the app open is never logged out mid-work; a token copied elsewhere still dies on schedule (or at once,
//! with "log out everywhere").

#[cfg(feature = "hydrate")]
use crate::{
    api::refresh_session,
    client::{clock, token_store, use_auth},
};
use leptos::prelude::*;

/// How often the browser looks at the token's age. Small against the one-hour default lifetime.
pub const CHECK_EVERY_SECONDS: u64 = 30;

/// Whether a token is due for a refresh at `now`, by this browser's clock. `refresh_at` was set by the same
/// clock when the token arrived (see `token_store::REFRESH_AT_KEY`). A token stored without it (by an older
/// version of the app) is refreshed at once rather than left to expire.
pub fn refresh_due(refresh_at: Option<u64>, now: u64) -> bool {
    refresh_at.is_none_or(|at| now >= at)
}

/// Renders nothing; while it is mounted (the whole app), it looks at the stored token right after start-up and
/// then every `CHECK_EVERY_SECONDS`, and refreshes it when due.
#[component]
pub fn KeepSessionFresh() -> impl IntoView {
    // In the browser only: the server has no token to refresh.
    #[cfg(feature = "hydrate")]
    {
        let auth = use_auth();
        let refresh = Action::new(move |_: &()| async move {
            // A 401 (revoked, or the session is too old to renew) ends the session through `BearerClient`;
            // anything else (offline) is simply tried again at the next check.
            if let Ok(token) = refresh_session().await {
                auth.renew(&token);
            }
        });
        let pending = refresh.pending();
        let check = move || {
            let due = auth.member_id_untracked().is_some()
                && token_store::token().is_some()
                && refresh_due(token_store::refresh_at(), clock::now_seconds());
            if due && !pending.get_untracked() {
                refresh.dispatch(());
            }
        };
        // Right after start-up: once hydration has finished, when the auth state has been read from storage (a
        // page on a lazy route finishes later than the first tick).
        let hydrated = crate::client::hydration::use_hydrated();
        Effect::new(move |_| {
            if hydrated.get() {
                check();
            }
        });
        if let Ok(handle) = set_interval_with_handle(check, std::time::Duration::from_secs(CHECK_EVERY_SECONDS)) {
            on_cleanup(move || handle.clear());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_refreshed_from_the_time_set_when_it_arrived() {
        assert!(!refresh_due(Some(2800), 2799));
        assert!(refresh_due(Some(2800), 2800));
        assert!(refresh_due(Some(2800), 5000));
    }

    #[test]
    fn a_token_stored_without_a_refresh_time_is_refreshed_at_once() {
        assert!(refresh_due(None, 0));
    }
}
