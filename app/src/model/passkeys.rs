//! Passkeys (WebAuthn): what a member sees of theirs, and the messages of the two ceremonies, registration and
//! sign-in. The ceremonies' WebAuthn content (options, the browser's credential) travels as JSON the browser
//! builds and reads with its own `PublicKeyCredential` JSON methods; only the server looks inside it.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

pub const PASSKEY_NAME_MAX: usize = 64;
/// How many passkeys one member may keep (a bound on their rows, and on the options every sign-in sends).
pub const PASSKEYS_PER_MEMBER_MAX: usize = 20;
/// How long a registration or sign-in may take, from its options to the browser's answer.
pub const CEREMONY_SECONDS: i64 = 300;
/// How long ago the password (or a passkey) must have been proven for a new passkey to be added.
pub const RECENT_PROOF_SECONDS: u64 = 600;

pub const PASSKEY_NOT_FOUND: &str = "Passkey not found";
pub const NOT_YOUR_PASSKEY: &str = "This passkey belongs to another member";
pub const PROOF_TOO_OLD: &str =
    "For your security, sign in again (with your password or a passkey) before adding a passkey";
pub const CEREMONY_UNKNOWN: &str = "This passkey request has expired or was already used. Please try again.";
pub const PASSKEY_REFUSED: &str = "This passkey could not be verified";
pub const PASSKEY_UNKNOWN: &str = "This passkey is not registered here";
pub const PASSKEY_ALREADY_ADDED: &str = "This passkey is already registered";
pub const TOO_MANY_PASSKEYS: &str = "You have the most passkeys allowed (20): remove one first";

/// One of the member's passkeys (`GET /auth/passkeys`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct PasskeySummary {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    /// `null` until it is first used to sign in.
    pub last_used_at: Option<String>,
}

/// What starts a ceremony answers: the options to hand to `navigator.credentials.create()` or `.get()` (after
/// `PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON`), and the ceremony's id,
/// which its finish sends back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CeremonyOptions {
    pub ceremony: String,
    pub public_key: serde_json::Value,
}

/// `PUT /auth/passkeys/registration`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PasskeyRegistrationInput {
    pub ceremony: Option<String>,
    pub name: Option<String>,
    /// The browser's `PublicKeyCredential`, as its `toJSON()` gives it.
    pub credential: Option<serde_json::Value>,
}

/// `PATCH /auth/passkeys/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyNameInput {
    pub name: Option<String>,
}

/// `POST /auth/passkeys/login`: with a name, the options list that member's passkeys; without, the browser offers
/// whichever passkeys it holds for this site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyLoginStart {
    pub username: Option<String>,
}

/// `PUT /auth/passkeys/login`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PasskeyLoginInput {
    pub ceremony: Option<String>,
    pub credential: Option<serde_json::Value>,
}

/// A passkey's name: trimmed, 1–64 characters, visible, no control or direction-control characters (it is shown
/// in lists where a reordered name could pass for another).
pub fn validate_passkey_name(name: Option<&str>) -> Result<String, AppError> {
    let name = name.unwrap_or_default();
    // Checked before trimming: a line break at an end is refused too, not quietly dropped.
    if name.chars().any(|c| c.is_control() || super::text::is_bidi_control(c)) {
        return Err(AppError::Validation("A passkey's name must not contain control characters".into()));
    }
    let name = name.trim();
    if name.is_empty() || !super::text::has_visible(name) {
        return Err(AppError::Validation("Give the passkey a name".into()));
    }
    if name.chars().count() > PASSKEY_NAME_MAX {
        return Err(AppError::Validation(format!("A passkey's name must be at most {PASSKEY_NAME_MAX} characters")));
    }
    Ok(name.to_owned())
}

/// The finish of a ceremony needs both its id and the browser's credential.
pub fn require_ceremony<'a>(
    ceremony: Option<&'a str>,
    credential: Option<&'a serde_json::Value>,
) -> Result<(&'a str, &'a serde_json::Value), AppError> {
    match (ceremony.map(str::trim).filter(|id| !id.is_empty()), credential) {
        (Some(ceremony), Some(credential)) => Ok((ceremony, credential)),
        (None, Some(_)) => Err(AppError::Validation("Missing required fields: ceremony".into())),
        (Some(_), None) => Err(AppError::Validation("Missing required fields: credential".into())),
        (None, None) => Err(AppError::Validation("Missing required fields: ceremony, credential".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passkey_names_are_trimmed_visible_and_bounded() {
        assert_eq!(validate_passkey_name(Some("  Laptop  ")).unwrap(), "Laptop");
        assert_eq!(validate_passkey_name(Some(&"k".repeat(64))).unwrap().len(), 64);
        for bad in
            [None, Some(""), Some("   "), Some("\u{200B}\u{200B}"), Some("a\nb"), Some("a\u{202E}b"), Some("Laptop\n")]
        {
            assert!(matches!(validate_passkey_name(bad), Err(AppError::Validation(_))), "{bad:?}");
        }
        assert!(validate_passkey_name(Some(&"k".repeat(65))).is_err());
    }

    #[test]
    fn a_finish_needs_its_ceremony_and_credential() {
        let credential = serde_json::json!({});
        assert!(require_ceremony(Some("abc"), Some(&credential)).is_ok());
        assert!(require_ceremony(Some("  "), Some(&credential)).is_err());
        assert!(require_ceremony(Some("abc"), None).is_err());
    }
}
