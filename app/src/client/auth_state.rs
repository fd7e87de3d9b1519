//! Who the app believes is signed in.
//!
//! `Unknown` is what the server renders and what the browser holds until hydration has finished: only then can
//! localStorage be read. Rendering the same `Unknown` on both sides keeps hydration consistent, and guards wait
//! for a definite answer instead of redirecting a signed-in member on a hard refresh.

use super::token_store;
use crate::model::{AuthSession, Member};
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthState {
    Unknown,
    Anonymous,
    Member(Member),
}

/// The shared auth state and the transitions the app may make.
#[derive(Clone, Copy)]
pub struct Auth {
    pub state: RwSignal<AuthState>,
}

impl Auth {
    pub fn sign_in(&self, session: &AuthSession) {
        token_store::save(session);
        self.state.set(AuthState::Member(session.member()));
    }

    pub fn sign_out(&self) {
        token_store::clear();
        self.state.set(AuthState::Anonymous);
    }
}

/// Creates the auth state (Unknown) and, once hydrated in the browser, settles it from storage.
pub fn provide_auth() -> Auth {
    let auth = Auth { state: RwSignal::new(AuthState::Unknown) };
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| {
        let stored = token_store::member().map_or(AuthState::Anonymous, AuthState::Member);
        auth.state.set(stored);
    });
    provide_context(auth);
    auth
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
