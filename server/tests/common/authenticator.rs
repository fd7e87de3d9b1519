//! A software passkey authenticator, standing in for the browser and its authenticator in the passkey tests: it
//! answers WebAuthn creation and request options (their JSON forms, as the server sends them) with the JSON
//! `PublicKeyCredential.toJSON()` would give, signing with P-256 keys it makes and keeps (ES256, "none"
//! attestation, user verified, a signature counter that goes up by one per use).
//!
//! Cloning it clones its keys and counters: the clone is a copied authenticator, whose counters fall behind the
//! original's once that signs again.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The origin the tests' servers are configured for (PUBLIC_URL's default).
pub const ORIGIN: &str = "http://localhost:3000";

#[derive(Clone)]
pub struct SoftAuthenticator {
    origin: String,
    credentials: Vec<SoftCredential>,
    /// Whether its signature counters go up (a synced passkey keeps none: 0 every time).
    counts: bool,
}

#[derive(Clone)]
pub struct SoftCredential {
    pub id: Vec<u8>,
    key: SigningKey,
    rp_id: String,
    pub user_handle: Vec<u8>,
    pub counter: u32,
}

impl SoftAuthenticator {
    pub fn new() -> Self {
        SoftAuthenticator::at(ORIGIN)
    }

    /// One whose browser is at `origin` (another site, for phishing tests).
    pub fn at(origin: &str) -> Self {
        SoftAuthenticator { origin: origin.to_owned(), credentials: Vec::new(), counts: true }
    }

    /// A copy of this authenticator, keys and all, in a browser at `origin` (a phishing page that got the person
    /// to use their passkey).
    pub fn copied_to(&self, origin: &str) -> Self {
        SoftAuthenticator { origin: origin.to_owned(), ..self.clone() }
    }

    /// One whose counters stay at 0, as synced passkeys' do.
    pub fn without_counter(self) -> Self {
        SoftAuthenticator { counts: false, ..self }
    }

    /// `navigator.credentials.create({publicKey})`: a new discoverable credential, or `None` when the options
    /// exclude one this authenticator holds (the browser's InvalidStateError).
    pub fn create(&mut self, public_key: &Value) -> Option<Value> {
        let excluded = public_key["excludeCredentials"].as_array().cloned().unwrap_or_default();
        if excluded.iter().any(|c| self.credentials.iter().any(|own| encode(&own.id) == c["id"].as_str().unwrap())) {
            return None;
        }
        Some(self.create_with_id(public_key, rand::random::<[u8; 32]>().to_vec()))
    }

    /// `create`, with a credential id chosen by the test (to present one id twice).
    pub fn create_with_id(&mut self, public_key: &Value, id: Vec<u8>) -> Value {
        let rp_id = public_key["rp"]["id"].as_str().expect("rp.id").to_owned();
        let user_handle = decode(public_key["user"]["id"].as_str().expect("user.id"));
        let key = signing_key();
        let point = key.verifying_key().to_encoded_point(false);
        let mut cose = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20];
        cose.extend_from_slice(point.x().unwrap());
        cose.extend_from_slice(&[0x22, 0x58, 0x20]);
        cose.extend_from_slice(point.y().unwrap());

        // User present, user verified, attested credential data included; counter 0.
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(0x01 | 0x04 | 0x40);
        auth_data.extend_from_slice(&0u32.to_be_bytes());
        auth_data.extend_from_slice(&[0; 16]); // AAGUID
        auth_data.extend_from_slice(&(id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&id);
        auth_data.extend_from_slice(&cose);

        let mut attestation = vec![0xa3];
        cbor_text(&mut attestation, "fmt");
        cbor_text(&mut attestation, "none");
        cbor_text(&mut attestation, "attStmt");
        attestation.push(0xa0);
        cbor_text(&mut attestation, "authData");
        cbor_bytes(&mut attestation, &auth_data);

        let client_data = self.client_data("webauthn.create", public_key);
        self.credentials.push(SoftCredential { id: id.clone(), key, rp_id, user_handle, counter: 0 });
        json!({
            "id": encode(&id),
            "rawId": encode(&id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": encode(client_data.as_bytes()),
                "attestationObject": encode(&attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        })
    }

    /// `navigator.credentials.get({publicKey})`: an assertion by the first credential for the options' RP that
    /// they allow (any, when they list none), or `None` when there is none (the browser's NotAllowedError).
    pub fn get(&mut self, public_key: &Value) -> Option<Value> {
        let rp_id = public_key["rpId"].as_str().expect("rpId").to_owned();
        let allowed: Vec<String> = public_key["allowCredentials"]
            .as_array()
            .map(|list| list.iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect())
            .unwrap_or_default();
        let client_data = self.client_data("webauthn.get", public_key);
        let credential = self
            .credentials
            .iter_mut()
            .find(|c| c.rp_id == rp_id && (allowed.is_empty() || allowed.contains(&encode(&c.id))))?;
        if self.counts {
            credential.counter += 1;
        }
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(0x01 | 0x04);
        auth_data.extend_from_slice(&credential.counter.to_be_bytes());
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(client_data.as_bytes()));
        let signature: Signature = credential.key.sign(&signed);
        Some(json!({
            "id": encode(&credential.id),
            "rawId": encode(&credential.id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": encode(client_data.as_bytes()),
                "authenticatorData": encode(&auth_data),
                "signature": encode(signature.to_der().as_bytes()),
                "userHandle": encode(&credential.user_handle),
            },
            "clientExtensionResults": {},
        }))
    }

    pub fn credentials(&self) -> &[SoftCredential] {
        &self.credentials
    }

    fn client_data(&self, kind: &str, public_key: &Value) -> String {
        let challenge = public_key["challenge"].as_str().expect("challenge");
        json!({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false}).to_string()
    }
}

fn signing_key() -> SigningKey {
    loop {
        // Nearly every 32 random bytes are a valid scalar; the rest are tried again.
        if let Ok(key) = SigningKey::from_bytes(&rand::random::<[u8; 32]>().into()) {
            return key;
        }
    }
}

pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).expect("base64url")
}

fn cbor_text(out: &mut Vec<u8>, text: &str) {
    assert!(text.len() < 24);
    out.push(0x60 | text.len() as u8);
    out.extend_from_slice(text.as_bytes());
}

fn cbor_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    match bytes.len() {
        len @ 0..24 => out.push(0x40 | len as u8),
        len @ 24..256 => out.extend_from_slice(&[0x58, len as u8]),
        len => {
            out.push(0x59);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
    }
    out.extend_from_slice(bytes);
}
