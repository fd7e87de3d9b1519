//! The token and the member it belongs to, in localStorage (via gloo-storage) so a reload keeps you signed in.
//! On the server there is no storage: reads find nothing and writes do nothing.

use crate::model::{AuthToken, Member};

pub const TOKEN_KEY: &str = "bulletin_token";
pub const USER_KEY: &str = "bulletin_user";
/// When the token is half-way through its life, by this browser's own clock (seconds since the epoch): the time
/// to trade it for a fresh one. Counted from when it arrived and the lifetime the server gave with it, never from
/// the token's own times (the server's clock, which this browser's may not agree with).
pub const REFRESH_AT_KEY: &str = "bulletin_token_refresh_at";
/// What earlier versions timed refreshes from; removed whenever the token is stored or cleared.
#[cfg(feature = "hydrate")]
const OLD_RECEIVED_KEY: &str = "bulletin_token_received";
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

    pub fn save(signed_in: &AuthToken) {
        // Storage can be full or disabled (private mode); the session then lasts until the tab closes.
        let _ = LocalStorage::set(TOKEN_KEY, &signed_in.token);
        let _ = LocalStorage::set(USER_KEY, signed_in.member());
        let _ = LocalStorage::set(REFRESH_AT_KEY, crate::client::clock::now_seconds() + signed_in.expires_in / 2);
        LocalStorage::delete(OLD_RECEIVED_KEY);
        if let Some(device_token) = &signed_in.device_token {
            let _ =
                LocalStorage::set(format!("{DEVICE_PREFIX}{}", signed_in.username.to_ascii_lowercase()), device_token);
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

    pub fn refresh_at() -> Option<u64> {
        LocalStorage::get::<u64>(REFRESH_AT_KEY).ok()
    }

    pub fn clear() {
        LocalStorage::delete(TOKEN_KEY);
        LocalStorage::delete(USER_KEY);
        LocalStorage::delete(REFRESH_AT_KEY);
        LocalStorage::delete(OLD_RECEIVED_KEY);
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

    pub fn save(_signed_in: &AuthToken) {}

    pub fn refresh_at() -> Option<u64> {
        None
    }

    pub fn logging_in_as(_username: &str) {}

    pub fn take_login_device_token() -> Option<String> {
        None
    }

    pub fn clear() {}
}

pub use imp::{clear, logging_in_as, member, refresh_at, save, take_login_device_token, token};
