//! Device tokens: OWASP's "device cookie" defence against lockouts.
//!
//! Failed logins are limited per username (from any address), which stops guessing one member's password but lets
//! anyone keep that member out by failing on purpose. So after a successful login the browser receives a device
//! token — a signed statement "this browser signed in as <name>" — and sends it back (header `X-Device-Token`) when
//! it logs in again. A login carrying a valid device token for the name it names is limited per device instead of
//! per name: an attacker who keeps the name locked from elsewhere cannot lock out a browser the member has used
//! before, and a stolen device token only buys the attacker one device's small budget.
//!
//! It is an HS256 JWT like the session token, under a key derived from the same secret for this one purpose, so
//! neither kind of token can ever pass for the other.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How long a browser stays trusted for a name without logging in again.
pub const DEVICE_TOKEN_DAYS: u64 = 365;

#[derive(Serialize, Deserialize)]
struct DeviceClaims {
    /// The device's id: random, new at each successful login.
    dev: String,
    /// The lower-cased username it may sign in as.
    name: String,
    iat: u64,
    exp: u64,
}

#[derive(Clone)]
pub struct DeviceKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl DeviceKeys {
    pub fn new(secret: &[u8]) -> Self {
        let key = Sha256::new().chain_update(b"bulletin device token\0").chain_update(secret).finalize();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp"]);
        DeviceKeys { encoding: EncodingKey::from_secret(&key), decoding: DecodingKey::from_secret(&key), validation }
    }

    /// A device token for this browser and `username` (any case), with a fresh device id.
    pub fn issue(&self, username: &str) -> Option<String> {
        let iat = super::token::now();
        let claims = DeviceClaims {
            dev: format!("{:032x}", rand::random::<u128>()),
            name: username.to_ascii_lowercase(),
            iat,
            exp: iat + DEVICE_TOKEN_DAYS * 86_400,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .inspect_err(|err| tracing::error!(error = %err, "could not sign a device token"))
            .ok()
    }

    /// The device id, if `token` is a valid, unexpired device token for `username`; anything else (forged,
    /// expired, another member's) is treated as no device token at all.
    pub fn device_for(&self, token: &str, username: &str) -> Option<String> {
        let claims = jsonwebtoken::decode::<DeviceClaims>(token, &self.decoding, &self.validation).ok()?.claims;
        claims.name.eq_ignore_ascii_case(username).then_some(claims.dev)
    }
}

#[cfg(test)]
mod tests {
    use super::DeviceKeys;
    use crate::model::Member;
    use crate::security::{Grant, TokenKeys};

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_device_token_vouches_for_its_own_name_only() {
        let keys = DeviceKeys::new(SECRET);
        let token = keys.issue("Alice").unwrap();
        let device = keys.device_for(&token, "ALICE").expect("valid for the name in any case");
        assert_eq!(device.len(), 32);
        assert_eq!(keys.device_for(&token, "bob"), None);
        assert_ne!(keys.device_for(&keys.issue("alice").unwrap(), "alice"), Some(device), "new id each time");
        assert_eq!(DeviceKeys::new(b"another secret that is long enough!!").device_for(&token, "alice"), None);
        assert_eq!(keys.device_for("garbage", "alice"), None);
    }

    #[test]
    fn device_tokens_and_session_tokens_never_pass_for_each_other() {
        let devices = DeviceKeys::new(SECRET);
        let sessions = TokenKeys::new(SECRET, 3600).unwrap();
        let alice = Member { user_id: 7, username: "alice".into(), role: Default::default() };
        let session = sessions.sign(&alice, &Grant::new_session(0)).unwrap();
        assert_eq!(devices.device_for(&session, "alice"), None);
        assert!(sessions.verify(&devices.issue("alice").unwrap()).is_err());
    }
}
