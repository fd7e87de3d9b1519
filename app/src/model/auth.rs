//! Registration and login: the wire types and the one set of validation rules both doors and the SPA run.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 30;
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// The body of `POST /auth/register` and `POST /auth/login`. Fields are optional so that a missing field is a
/// validation message naming it, not a JSON decoding error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialsInput {
    pub username: Option<String>,
    pub password: Option<String>,
}

/// Credentials that passed validation.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

// Never print a password, not even in debug logs.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("username", &self.username).finish_non_exhaustive()
    }
}

/// What register and login return: the bearer token and who it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthToken {
    pub token: String,
    /// Seconds from now until the token expires (as OAuth's `expires_in`: a duration, so a client with a wrong
    /// clock still knows when to refresh).
    pub expires_in: u64,
    pub user_id: i64,
    pub username: String,
    /// The member's role when the token was issued (for showing; every decision reads the current one).
    #[serde(default)]
    pub role: super::Role,
    /// After a login or registration: this browser's device token for the member, to send back as
    /// `X-Device-Token` when logging in again (see docs/security.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_token: Option<String>,
}

/// The request header a login carries its device token in.
pub const DEVICE_TOKEN_HEADER: &str = "x-device-token";

/// An authenticated member, as `GET /auth/me` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: i64,
    pub username: String,
    /// The member's current role (read again at least every few seconds: see `security/member_tokens.rs`).
    #[serde(default)]
    pub role: super::Role,
}

impl AuthToken {
    pub fn member(&self) -> Member {
        Member { user_id: self.user_id, username: self.username.clone(), role: self.role }
    }
}

/// Both fields present and non-empty, or a message naming exactly the ones that are not.
fn require_both(input: &CredentialsInput) -> Result<Credentials, AppError> {
    let present = |field: &Option<String>| field.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
    match (present(&input.username), present(&input.password)) {
        (Some(username), Some(password)) => Ok(Credentials { username, password }),
        (username, password) => {
            let missing: Vec<&str> = [("username", username.is_none()), ("password", password.is_none())]
                .into_iter()
                .filter_map(|(name, is_missing)| is_missing.then_some(name))
                .collect();
            Err(AppError::Validation(format!("Missing required fields: {}", missing.join(", "))))
        }
    }
}

pub fn validate_username(username: &str) -> Result<(), AppError> {
    let length_ok = (USERNAME_MIN..=USERNAME_MAX).contains(&username.len());
    let chars_ok = username.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if length_ok && chars_ok {
        Ok(())
    } else {
        Err(AppError::Validation(format!(
            "Username must be {USERNAME_MIN}-{USERNAME_MAX} characters: letters, digits or underscores"
        )))
    }
}

/// Length is counted in characters (what a person types), not bytes.
pub fn validate_password(password: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN {
        Err(AppError::Validation(format!("Password must be at least {PASSWORD_MIN} characters")))
    } else if chars > PASSWORD_MAX {
        Err(AppError::Validation(format!("Password must be at most {PASSWORD_MAX} characters")))
    } else {
        Ok(())
    }
}

pub const USERNAME_RESERVED: &str = "This username is reserved";
pub const USERNAME_LOOKALIKE: &str = "This username looks too much like an existing member's; choose another";
pub const PASSWORD_IS_USERNAME: &str = "Password must not be your username";
pub const PASSWORD_ONE_CHARACTER: &str = "Password must not be one character repeated";
pub const PASSWORD_COMMON: &str =
    "This password is one of the most common passwords, which attackers try first; choose another";

/// Names that would let a member pass for the board itself or its staff. Compared by skeleton, with underscores
/// and digits at either end ignored: `Adm1n`, `admin_` and `root_01` are reserved too.
pub const RESERVED_NAMES: [&str; 22] = [
    "admin",
    "administrator",
    "moderator",
    "mod",
    "root",
    "support",
    "bulletin",
    "system",
    "staff",
    "official",
    "security",
    "help",
    "owner",
    "sysadmin",
    "webmaster",
    "postmaster",
    "superuser",
    "null",
    "undefined",
    "anonymous",
    "everyone",
    "team",
];

/// A username's confusable skeleton: two names with the same skeleton read alike, so only one may exist. Case
/// folds, then `i`/`1` become `l`, `0` becomes `o`, `rn` becomes `m` and `vv` becomes `w` (the ASCII part of
/// Unicode's confusables, UTS #39, coarsened to lower case). migrations/*/0005_username_skeleton.sql computes the
/// same in SQL for members who registered before this rule.
pub fn username_skeleton(username: &str) -> String {
    let folded: String = username
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            'i' | '1' => 'l',
            '0' => 'o',
            other => other,
        })
        .collect();
    folded.replace("rn", "m").replace("vv", "w")
}

/// Whether the name is a reserved word, give or take underscores and digits at either end. Every split of those
/// runs is tried, since a digit there may stand for a letter of the word (`0wner`, `nul1`).
pub fn is_reserved_username(username: &str) -> bool {
    let padding = |c: char| c == '_' || c.is_ascii_digit();
    let leading = username.len() - username.trim_start_matches(padding).len();
    let trailing = username.len() - username.trim_end_matches(padding).len();
    let reserved: Vec<String> = RESERVED_NAMES.iter().map(|word| username_skeleton(word)).collect();
    (0..=leading).any(|start| {
        (0..=trailing.min(username.len() - start)).any(|end| {
            let core = &username[start..username.len() - end];
            reserved.contains(&username_skeleton(core))
        })
    })
}

/// The rules for a chosen password beyond its length, which need the member's name: not the name itself (in any
/// case), not one character over and over (`aaaaaaaa`, eight spaces). The list of common passwords is checked by
/// the server (it is too big to ship to the browser).
pub fn validate_password_choice(username: &str, password: &str) -> Result<(), AppError> {
    validate_password(password)?;
    if password.trim().eq_ignore_ascii_case(username) {
        return Err(AppError::Validation(PASSWORD_IS_USERNAME.into()));
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err(AppError::Validation(PASSWORD_ONE_CHARACTER.into()));
    }
    Ok(())
}

/// The full rule set for a new account.
pub fn validate_registration(input: &CredentialsInput) -> Result<Credentials, AppError> {
    let credentials = require_both(input)?;
    validate_username(&credentials.username)?;
    if is_reserved_username(&credentials.username) {
        return Err(AppError::Validation(USERNAME_RESERVED.into()));
    }
    validate_password_choice(&credentials.username, &credentials.password)?;
    Ok(credentials)
}

/// Login requires both fields. A name that no account can have (not ASCII letters, digits and underscores, or
/// longer than 30) fails as "Invalid username or password" before any look-up or counting: it costs no database
/// read and no memory in the failure limiter, and a look-alike such as `Kate_k` with a Kelvin sign, which
/// PostgreSQL's `lower()` would fold into `kate_k`, can never reach a real account under a second name.
pub fn validate_login(input: &CredentialsInput) -> Result<Credentials, AppError> {
    let credentials = require_both(input)?;
    if validate_username(&credentials.username).is_err() {
        return Err(AppError::Unauthorized(crate::error::messages::BAD_CREDENTIALS.into()));
    }
    Ok(credentials)
}

/// The body of `PATCH /auth/password`. The issue's snake_case names, and the API's camelCase as aliases.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChangeInput {
    #[serde(alias = "currentPassword")]
    pub current_password: Option<String>,
    #[serde(alias = "newPassword")]
    pub new_password: Option<String>,
}

// Never print a password, not even in debug logs.
impl std::fmt::Debug for PasswordChangeInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordChangeInput").finish_non_exhaustive()
    }
}

/// A password change that passed validation: `new` follows the password rules and differs from `current`.
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

pub const NEW_PASSWORD_SAME: &str = "The new password must differ from the current one";

/// The rules for a password change, run by the change-password form and by both doors.
pub fn validate_password_change(input: &PasswordChangeInput) -> Result<PasswordChange, AppError> {
    let present = |field: &Option<String>| field.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
    let (current, new) = match (present(&input.current_password), present(&input.new_password)) {
        (Some(current), Some(new)) => (current, new),
        (current, new) => {
            let missing: Vec<&str> = [("current_password", current.is_none()), ("new_password", new.is_none())]
                .into_iter()
                .filter_map(|(name, is_missing)| is_missing.then_some(name))
                .collect();
            return Err(AppError::Validation(format!("Missing required fields: {}", missing.join(", "))));
        }
    };
    validate_password(&new)?;
    // Well-formed, but at odds with the account's current state: a conflict rather than a malformed request.
    if new == current {
        return Err(AppError::Conflict(NEW_PASSWORD_SAME.into()));
    }
    Ok(PasswordChange { current, new })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_change_needs_both_fields_a_valid_new_password_and_a_change() {
        let change = |current: Option<&str>, new: Option<&str>| {
            validate_password_change(&PasswordChangeInput {
                current_password: current.map(Into::into),
                new_password: new.map(Into::into),
            })
            .map(|c| (c.current, c.new))
        };
        assert_eq!(
            change(None, Some("")),
            Err(AppError::Validation("Missing required fields: current_password, new_password".into()))
        );
        assert!(matches!(change(Some("old password"), Some("short")), Err(AppError::Validation(_))));
        assert_eq!(
            change(Some("same password"), Some("same password")),
            Err(AppError::Conflict(NEW_PASSWORD_SAME.into()))
        );
        assert_eq!(change(Some("x"), Some("a new password")), Ok(("x".into(), "a new password".into())));
    }

    #[test]
    fn password_change_input_accepts_both_spellings_and_hides_passwords() {
        let snake: PasswordChangeInput =
            serde_json::from_str(r#"{"current_password":"old secret","new_password":"new secret"}"#).unwrap();
        let camel: PasswordChangeInput =
            serde_json::from_str(r#"{"currentPassword":"old secret","newPassword":"new secret"}"#).unwrap();
        assert_eq!(snake, camel);
        assert!(!format!("{snake:?}").contains("secret"));
    }

    fn input(username: Option<&str>, password: Option<&str>) -> CredentialsInput {
        CredentialsInput { username: username.map(Into::into), password: password.map(Into::into) }
    }

    fn message(result: Result<Credentials, AppError>) -> String {
        match result {
            Err(AppError::Validation(msg)) => msg,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn missing_fields_are_named_and_only_those() {
        assert_eq!(message(validate_registration(&input(None, None))), "Missing required fields: username, password");
        assert_eq!(message(validate_registration(&input(Some("alice"), None))), "Missing required fields: password");
        assert_eq!(message(validate_login(&input(Some(""), Some("secret123")))), "Missing required fields: username");
    }

    #[test]
    fn usernames_follow_the_pattern() {
        for ok in ["abc", "Board_Fan", "a_1", &"x".repeat(30)] {
            assert!(validate_username(ok).is_ok(), "{ok} should be accepted");
        }
        for bad in ["ab", &"x".repeat(31), "with space", "dash-name", "émile", "semi;colon", " abc"] {
            assert!(validate_username(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn password_length_counts_characters_not_bytes() {
        assert!(validate_password("1234567").is_err());
        assert!(validate_password("12345678").is_ok());
        assert!(validate_password(&"é".repeat(128)).is_ok(), "128 two-byte characters are 128 characters");
        assert!(validate_password(&"a".repeat(129)).is_err());
    }

    #[test]
    fn look_alike_names_share_a_skeleton_and_different_names_do_not() {
        for (a, b) in [
            ("alice", "aIice"),
            ("alice", "ALlCE"),
            ("bob0", "BOBO"),
            ("modern", "modem"),
            ("vvv", "wv"),
            ("l33t", "I33T"),
        ] {
            assert_eq!(username_skeleton(a), username_skeleton(b), "{a} / {b}");
        }
        for (a, b) in [("alice", "alicia"), ("bob", "rob"), ("a_b", "ab")] {
            assert_ne!(username_skeleton(a), username_skeleton(b), "{a} / {b}");
        }
    }

    #[test]
    fn reserved_names_are_refused_in_any_disguise_and_ordinary_names_are_not() {
        for name in [
            "admin",
            "Admin",
            "ADM1N",
            "admin_",
            "_root_01",
            "Moderator",
            "bulletin",
            "SUPPORT",
            "rnod",
            "0wner",
            "nul1",
            "0_owner",
        ] {
            assert_eq!(message(validate_registration(&input(Some(name), Some("long enough")))), USERNAME_RESERVED);
        }
        for name in ["badminton", "admiral", "alice", "the_admin_fan", "rooted", "helper"] {
            assert!(validate_registration(&input(Some(name), Some("long enough"))).is_ok(), "{name}");
        }
        assert!(validate_login(&input(Some("admin"), Some("whatever1"))).is_ok(), "login looks nothing up by rule");
    }

    #[test]
    fn a_password_may_not_be_the_name_or_one_character_repeated() {
        assert_eq!(message(validate_registration(&input(Some("Board_Fan"), Some("board_fan")))), PASSWORD_IS_USERNAME);
        assert_eq!(message(validate_registration(&input(Some("alice"), Some("        ")))), PASSWORD_ONE_CHARACTER);
        assert_eq!(message(validate_registration(&input(Some("alice"), Some("aaaaaaaaa")))), PASSWORD_ONE_CHARACTER);
        assert!(validate_password_choice("alice", "alice and bob").is_ok());
        assert!(validate_password_choice("alice", "aaaaaaab").is_ok());
    }

    #[test]
    fn login_does_not_apply_the_password_rules() {
        assert!(validate_login(&input(Some("abc"), Some("y"))).is_ok());
    }

    #[test]
    fn login_names_no_account_can_have_are_refused_as_bad_credentials() {
        let kelvin = "Kate_\u{212A}";
        for name in ["x", kelvin, "İsmail", "ab cd", &"a".repeat(31), &"a".repeat(60_000)] {
            assert_eq!(
                validate_login(&input(Some(name), Some("whatever1"))),
                Err(AppError::Unauthorized(crate::error::messages::BAD_CREDENTIALS.into())),
                "{name:.40}"
            );
        }
    }

    #[test]
    fn credentials_debug_hides_the_password() {
        let creds = validate_login(&input(Some("alice"), Some("hunter2hunter2"))).unwrap();
        assert!(!format!("{creds:?}").contains("hunter2"));
    }
}
