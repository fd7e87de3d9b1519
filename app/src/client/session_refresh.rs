//! Keeps an active member signed in without keeping stolen tokens alive for long: tokens are short-lived, and
//! once the stored token is past half its life the app trades it for a fresh one (`POST /api/refresh`). A member
//! with the app open is never logged out mid-work; a token copied elsewhere still dies on schedule (or at once,
//! with "log out everywhere").

use serde::Deserialize;

/// How often the browser looks at the token's age. Small against the one-hour default lifetime.
pub const CHECK_EVERY_SECONDS: u64 = 30;

#[derive(Deserialize)]
struct Times {
    iat: u64,
    exp: u64,
}

/// `iat` and `exp` of a JWT, read without verifying: the server verifies; the browser only needs the timing.
pub fn token_times(token: &str) -> Option<(u64, u64)> {
    let payload = token.split('.').nth(1)?;
    let times: Times = serde_json::from_slice(&base64url_decode(payload)?).ok()?;
    (times.exp > times.iat).then_some((times.iat, times.exp))
}

/// Whether a token is past half its life at `now` (seconds since the epoch, by this browser's clock). Its age is
/// counted from `received` (when this browser got it, by the same clock), not from its `iat` (the server's
/// clock): a browser whose clock is half an hour slow would otherwise never see the token as old, and its member
/// would be logged out when it expired. Only without a receipt time is `iat` used. Unreadable tokens are left
/// alone: the server's 401 will say what to do with them.
pub fn needs_refresh(token: &str, received: Option<u64>, now: u64) -> bool {
    token_times(token).is_some_and(|(iat, exp)| now >= received.unwrap_or(iat) + (exp - iat) / 2)
}

/// Unpadded base64url (RFC 4648 §5), as JWT segments are written.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    };
    let bytes = text.trim_end_matches('=').as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * i);
        }
        let produced = chunk.len() - 1;
        out.extend_from_slice(&acc.to_be_bytes()[1..=produced]);
    }
    Some(out)
}

/// Starts the periodic check (in the browser only; a no-op during server rendering).
pub fn keep_fresh(auth: super::Auth) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::*;
        use std::cell::Cell;
        use std::rc::Rc;
        let in_flight = Rc::new(Cell::new(false));
        let check = move || {
            let due = matches!(auth.state.get_untracked(), super::AuthState::Member(_))
                && super::token_store::token().is_some_and(|token| {
                    let received = super::token_store::received_at();
                    needs_refresh(&token, received, (super::clock::now_millis() / 1000) as u64)
                });
            if !due || in_flight.get() {
                return;
            }
            in_flight.set(true);
            let in_flight = in_flight.clone();
            leptos::task::spawn_local(async move {
                // A 401 (revoked, or the session is too old to renew) ends the session through `BearerClient`;
                // anything else (offline) is simply tried again at the next check.
                if let Ok(session) = crate::api::refresh_session().await {
                    auth.renew(&session);
                }
                in_flight.set(false);
            });
        };
        // Once right after start-up (the stored token may already be old), then periodically.
        set_timeout(check.clone(), std::time::Duration::ZERO);
        if let Ok(handle) = set_interval_with_handle(check, std::time::Duration::from_secs(CHECK_EVERY_SECONDS)) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = auth;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token with this payload (header and signature do not matter to the browser).
    fn token(payload: &str) -> String {
        format!("eyJhbGciOiJIUzI1NiJ9.{}.sig", encode(payload.as_bytes()))
    }

    fn encode(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let mut acc = 0u32;
            for (i, &b) in chunk.iter().enumerate() {
                acc |= u32::from(b) << (16 - 8 * i);
            }
            for i in 0..=chunk.len() {
                out.push(ALPHABET[((acc >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn base64url_round_trips_every_length() {
        for text in ["", "a", "ab", "abc", "abcd", "{\"iat\":1,\"exp\":2}", "\u{ff}\u{fe}?>"] {
            assert_eq!(base64url_decode(&encode(text.as_bytes())).as_deref(), Some(text.as_bytes()), "{text}");
        }
        assert_eq!(base64url_decode("a"), None);
        assert_eq!(base64url_decode("ab+/"), None, "standard base64 characters are not base64url");
    }

    #[test]
    fn a_token_is_refreshed_from_half_its_life() {
        let t = token(r#"{"sub":"7","iat":1000,"exp":4600}"#);
        assert_eq!(token_times(&t), Some((1000, 4600)));
        assert!(!needs_refresh(&t, None, 2799));
        assert!(needs_refresh(&t, None, 2800));
        assert!(needs_refresh(&t, None, 5000));
    }

    #[test]
    fn a_token_ages_by_the_browsers_clock_from_when_it_arrived() {
        let t = token(r#"{"sub":"7","iat":10000,"exp":13600}"#);
        // This browser's clock is 45 minutes slow: the token arrived at 7300 by it.
        assert!(!needs_refresh(&t, Some(7300), 9099));
        assert!(needs_refresh(&t, Some(7300), 9100), "half an hour after it arrived, whatever iat says");
        // A fast clock: the token is not refreshed at once.
        assert!(!needs_refresh(&t, Some(20000), 20100));
    }

    #[test]
    fn unreadable_tokens_are_left_to_the_server() {
        assert!(!needs_refresh("garbage", None, 10_000));
        assert!(!needs_refresh(&token("not json"), None, 10_000));
        assert!(!needs_refresh(&token(r#"{"iat":5,"exp":5}"#), None, 10_000));
    }
}
