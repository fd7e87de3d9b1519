//! The token and the member it belongs to, in localStorage (via gloo-storage) so a reload keeps you signed in.
//! On the server there is no storage: reads find nothing and writes do nothing.

use crate::model::{AuthSession, Member};

pub const TOKEN_KEY: &str = "bulletin_token";
pub const USER_KEY: &str = "bulletin_user";
/// When this browser received the token, by its own clock (seconds): refreshes are timed from it.
pub const RECEIVED_KEY: &str = "bulletin_token_received";
/// Device tokens, one per member who signed in here (`bulletin_device:<lower-case name>`): they outlive log-outs,
/// since what they prove is that the member used this browser before (see security/device.rs).
#[cfg(feature = "hydrate")]
const DEVICE_PREFIX: &str = "bulletin_device:";

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
        let _ = LocalStorage::set(RECEIVED_KEY, crate::client::clock::now_millis() / 1000);
        if let Some(device_token) = &session.device_token {
            let _ =
                LocalStorage::set(format!("{DEVICE_PREFIX}{}", session.username.to_ascii_lowercase()), device_token);
        }
    }

    thread_local! {
        /// The device token for the login being sent now (see `logging_in_as`).
        static LOGIN_DEVICE_TOKEN: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    }

    /// Picks this browser's device token for `username` (if it has one) for the login request about to be sent:
    /// only that member's token goes to the server, never those of others who used this browser.
    pub fn logging_in_as(username: &str) {
        let token = LocalStorage::get::<String>(format!("{DEVICE_PREFIX}{}", username.to_ascii_lowercase())).ok();
        LOGIN_DEVICE_TOKEN.with(|slot| *slot.borrow_mut() = token);
    }

    /// The device token picked by `logging_in_as`, once.
    pub fn take_login_device_token() -> Option<String> {
        LOGIN_DEVICE_TOKEN.with(|slot| slot.borrow_mut().take())
    }

    pub fn received_at() -> Option<u64> {
        LocalStorage::get::<u64>(RECEIVED_KEY).ok()
    }

    pub fn clear() {
        LocalStorage::delete(TOKEN_KEY);
        LocalStorage::delete(USER_KEY);
        LocalStorage::delete(RECEIVED_KEY);
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

    pub fn received_at() -> Option<u64> {
        None
    }

    pub fn logging_in_as(_username: &str) {}

    pub fn take_login_device_token() -> Option<String> {
        None
    }

    pub fn clear() {}
}

pub use imp::{clear, logging_in_as, member, received_at, save, take_login_device_token, token};
