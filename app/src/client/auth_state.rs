//! Who the app believes is signed in.
//!
//! `Unknown` is what the server renders and what the browser holds until hydration has finished: only then can
//! localStorage be read. Rendering the same `Unknown` on both sides keeps hydration consistent, and guards wait
//! for a definite answer instead of redirecting a signed-in member on a hard refresh.
//!
//! Redirects to the login page happen in one place, the `MembersOnly` guard, reacting to this state: logging out
//! or a session expiring only changes the state, so two navigations can never race each other.

use super::session_expiry::{self, Ended};
use super::token_store;
use crate::model::AuthToken;
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthState {
    Unknown,
    Anonymous,
    Member(crate::model::Member),
}

impl AuthState {
    fn member_id(&self) -> Option<i64> {
        match self {
            AuthState::Member(member) => Some(member.user_id),
            AuthState::Unknown | AuthState::Anonymous => None,
        }
    }
}

/// The shared auth state and the transitions the app may make.
#[derive(Clone, Copy)]
pub struct Auth {
    pub state: RwSignal<AuthState>,
    /// Whether the last member became anonymous because the server refused their token (shown on the login page).
    pub expired: RwSignal<bool>,
    /// What the login page tells someone who just logged out (whether the server ended the session).
    pub farewell: RwSignal<Option<&'static str>>,
    /// What the login page tells a member whose session a suspension ended: until when.
    pub suspended: RwSignal<Option<String>>,
}

impl Auth {
    /// The signed-in member's id, `None` unless signed in (tracked: a view reading it follows sign-in and out).
    pub fn member_id(&self) -> Option<i64> {
        self.state.with(AuthState::member_id)
    }

    /// The same, read once (for values fixed when a component is created).
    pub fn member_id_untracked(&self) -> Option<i64> {
        self.state.with_untracked(AuthState::member_id)
    }

    pub fn sign_in(&self, signed_in: &AuthToken) {
        token_store::save(signed_in);
        self.expired.set(false);
        self.farewell.set(None);
        self.suspended.set(None);
        self.state.set(AuthState::Member(signed_in.member()));
    }

    /// A fresh token for the same member (refresh, password change): stored, and the state left untouched when
    /// it already names this member, so nothing that depends on it reloads.
    pub fn renew(&self, signed_in: &AuthToken) {
        token_store::save(signed_in);
        let member = AuthState::Member(signed_in.member());
        if self.state.get_untracked() != member {
            self.state.set(member);
        }
    }

    pub fn sign_out(&self) {
        token_store::clear();
        self.state.set(AuthState::Anonymous);
    }

    /// Forgets the session after a log-out, with what the login page should say about it.
    pub fn logged_out(&self, farewell: &'static str) {
        self.farewell.set(Some(farewell));
        self.sign_out();
    }

    fn expire(&self, why: Ended) {
        token_store::clear();
        if let Ended::Suspended(until) = why {
            self.suspended.set(Some(crate::error::suspension_text(until.as_deref())));
        }
        self.expired.set(true);
        self.state.set(AuthState::Anonymous);
    }

    /// The signed-in member's role as the last sign-in or token refresh reported it (`Member` unless signed in).
    /// It only chooses what the app offers: the server decides every action by the member's current role.
    pub fn role(&self) -> crate::model::Role {
        self.state.with(|state| match state {
            AuthState::Member(member) => member.role,
            AuthState::Unknown | AuthState::Anonymous => crate::model::Role::Member,
        })
    }
}

/// Creates the auth state (Unknown) and, once the page is hydrated in the browser, settles it from storage.
pub fn provide_auth() -> Auth {
    let auth = Auth {
        state: RwSignal::new(AuthState::Unknown),
        expired: RwSignal::new(false),
        farewell: RwSignal::new(None),
        suspended: RwSignal::new(None),
    };
    // Once hydration has finished (in the browser only): then the stored session may change what is shown.
    let hydrated = super::hydration::use_hydrated();
    Effect::new(move |_| {
        if hydrated.get() {
            session_expiry::on_session_expired(move |why| auth.expire(why));
            auth.state.set(stored_state());
        }
    });
    follow_other_tabs(auth);
    provide_context(auth);
    auth
}

fn stored_state() -> AuthState {
    token_store::member().map_or(AuthState::Anonymous, AuthState::Member)
}

/// Logging in or out in one tab does the same in every other tab: the `storage` event fires in the others
/// whenever localStorage changes.
fn follow_other_tabs(auth: Auth) {
    #[cfg(feature = "hydrate")]
    {
        let listener = window_event_listener(leptos::ev::storage, move |ev| {
            if ev.key().is_none_or(|key| key == token_store::TOKEN_KEY || key == token_store::USER_KEY) {
                let now = stored_state();
                if auth.state.get_untracked() != now {
                    auth.state.set(now);
                }
            }
        });
        on_cleanup(move || listener.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = auth;
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
