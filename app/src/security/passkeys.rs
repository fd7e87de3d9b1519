//! The relying party of Bulletin's passkeys: webauthn-rs configured from `PUBLIC_URL`, and what the service needs
//! around it (member handles, decoy credential ids, the base64url form of credential ids).
//!
//! A passkey is bound to a domain name (the RP ID), which the browser checks against the page's address before it
//! lets the authenticator sign: a phishing site on another name cannot get a signature that works here. That is
//! also why `PUBLIC_URL` must name a host, not an IP address, and be `https://` unless it is `localhost`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::sync::Arc;
pub use webauthn_rs::prelude::Url;
use webauthn_rs::prelude::{Uuid, Webauthn, WebauthnBuilder};

/// `PUBLIC_URL`'s default: the address `make run` serves on, by name.
pub const DEFAULT_PUBLIC_URL: &str = "http://localhost:3000";

/// Checks `PUBLIC_URL` and gives it as an origin (`scheme://host[:port]`). One line says what is wrong.
pub fn public_origin(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|err| format!("{text:?} is not a URL ({err})"))?;
    let host = match url.domain() {
        Some(host) => host.to_owned(),
        None if url.host().is_some() => {
            return Err(format!(
                "{text:?} names an IP address; passkeys are bound to a host name (use http://localhost:PORT locally)"
            ));
        }
        None => return Err(format!("{text:?} names no host")),
    };
    match url.scheme() {
        "https" => {}
        "http" if host == "localhost" => {}
        "http" => {
            return Err(format!("{text:?} must be https:// (browsers offer passkeys over http only on localhost)"));
        }
        other => return Err(format!("{text:?} must be an http(s) address, not {other}:")),
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(format!("{text:?} must be an origin only, such as https://board.example.com"));
    }
    Ok(url)
}

/// The relying party (cheap to clone).
#[derive(Clone)]
pub struct RelyingParty {
    webauthn: Arc<Webauthn>,
    origin: Url,
    /// Keys the decoy credential ids of names without passkeys, so the same name always gets the same decoy.
    decoy_key: [u8; 32],
}

impl std::fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelyingParty").field("origin", &self.origin.as_str()).finish_non_exhaustive()
    }
}

impl RelyingParty {
    /// `origin`: checked by `public_origin`. `secret`: the JWT secret, from which the decoy key is derived.
    pub fn new(origin: &Url, secret: &[u8]) -> Result<Self, String> {
        let rp_id = origin.host_str().ok_or("PUBLIC_URL names no host")?;
        let webauthn = WebauthnBuilder::new(rp_id, origin)
            .and_then(|builder| builder.rp_name("Bulletin").build())
            .map_err(|err| format!("PUBLIC_URL {origin} cannot be a passkey relying party: {err}"))?;
        let decoy_key = Sha256::new().chain_update(b"bulletin passkey decoy\0").chain_update(secret).finalize().into();
        Ok(RelyingParty { webauthn: Arc::new(webauthn), origin: origin.clone(), decoy_key })
    }

    pub fn webauthn(&self) -> &Webauthn {
        &self.webauthn
    }

    /// The origin passkeys are made for, e.g. `http://localhost:3000`.
    pub fn origin(&self) -> &str {
        self.origin.as_str().trim_end_matches('/')
    }

    /// The id a member's passkeys carry for them (WebAuthn's user handle): a number, not their name, which may
    /// change. Their member id, which is public anyway (`/users/{id}`), in a UUID's 16 bytes.
    pub fn user_handle(user_id: i64) -> Uuid {
        Uuid::from_u128(user_id as u128)
    }

    /// What a sign-in for `username` lists when the name has no passkeys (or no member): one credential id, the
    /// same each time for the same name and 32 bytes long as many authenticators' are, so the answer alone does
    /// not tell whether the name exists (docs/security.md says where it still may).
    pub fn decoy_credential_id(&self, username: &str) -> String {
        let id = Sha256::new()
            .chain_update(self.decoy_key)
            .chain_update(username.trim().to_lowercase().as_bytes())
            .finalize();
        encode_id(&id)
    }
}

/// A credential id as it is stored and sent: unpadded base64url.
pub fn encode_id(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_must_be_named_hosts_over_https_or_localhost() {
        assert_eq!(public_origin("http://localhost:3000").unwrap().as_str(), "http://localhost:3000/");
        assert!(public_origin("https://board.example.com").is_ok());
        assert!(public_origin("https://board.example.com/").is_ok());
        for bad in [
            "http://127.0.0.1:3000",
            "https://[::1]:3000",
            "http://board.example.com",
            "ftp://localhost",
            "https://board.example.com/forum",
            "https://board.example.com/?x=1",
            "localhost:3000",
            "",
        ] {
            let refused = public_origin(bad).unwrap_err();
            assert!(!refused.contains('\n'), "{refused}");
        }
    }

    #[test]
    fn the_relying_party_is_the_public_host() {
        let rp = RelyingParty::new(&public_origin("http://localhost:3000").unwrap(), b"secret").unwrap();
        assert_eq!(rp.origin(), "http://localhost:3000");
    }

    #[test]
    fn decoys_are_stable_per_name_and_differ_between_names_and_secrets() {
        let origin = public_origin("http://localhost:3000").unwrap();
        let rp = RelyingParty::new(&origin, b"secret").unwrap();
        assert_eq!(rp.decoy_credential_id("Alice"), rp.decoy_credential_id("alice "));
        assert_ne!(rp.decoy_credential_id("alice"), rp.decoy_credential_id("bob"));
        let other = RelyingParty::new(&origin, b"another secret").unwrap();
        assert_ne!(rp.decoy_credential_id("alice"), other.decoy_credential_id("alice"));
        assert_eq!(rp.decoy_credential_id("alice").len(), 43, "32 bytes of base64url");
    }
}
