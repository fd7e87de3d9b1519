//! The token and the member it belongs to, in localStorage (via gloo-storage) so a reload keeps you signed in.
//! On the server there is no storage: reads find nothing and writes do nothing.

use crate::model::{AuthSession, Member};

pub const TOKEN_KEY: &str = "bulletin_token";
pub const USER_KEY: &str = "bulletin_user";

#[cfg(feature = "hydrate")]
mod imp {
    use super::*;
    use gloo_storage::{LocalStorage, Storage};

    pub fn token() -> Option<String> {
        LocalStorage::get::<String>(TOKEN_KEY).ok().filter(|t| !t.is_empty())
    }

    pub fn member() -> Option<Member> {
        token().and_then(|_| LocalStorage::get::<Member>(USER_KEY).ok())
    }

    pub fn save(session: &AuthSession) {
        // Storage can be full or disabled (private mode); the session then lasts until the tab closes.
        let _ = LocalStorage::set(TOKEN_KEY, &session.token);
        let _ = LocalStorage::set(USER_KEY, session.member());
    }

    pub fn clear() {
        LocalStorage::delete(TOKEN_KEY);
        LocalStorage::delete(USER_KEY);
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use super::*;

    pub fn token() -> Option<String> {
        None
    }

    pub fn member() -> Option<Member> {
        None
    }

    pub fn save(_session: &AuthSession) {}

    pub fn clear() {}
}

pub use imp::{clear, member, save, token};
