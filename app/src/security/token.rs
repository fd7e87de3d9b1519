//! Bearer tokens: HS256 JWTs signed with the server secret. Validation pins the algorithm (so `none` and
//! asymmetric algorithms are refused), requires `exp` and allows only a few seconds of clock skew.
//!
//! Besides who and until when, a token says which of the member's token generations it belongs to (`gen`, checked
//! against the database so every token can be revoked at once) and when the member last typed their password
//! (`auth_time`, carried unchanged through refreshes so a session, stolen or not, cannot be refreshed forever).

use crate::error::AppError;
use crate::model::Member;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

/// jsonwebtoken sets no minimum key length; a short HMAC secret is brute-forceable offline.
pub const MIN_SECRET_BYTES: usize = 32;
pub const LEEWAY_SECONDS: u64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The member's id: JWT's subject, which is text on the wire (`"7"`).
    #[serde(rename = "sub", with = "subject")]
    pub user_id: i64,
    pub iat: u64,
    pub exp: u64,
    /// The member's token generation when this token was signed.
    #[serde(rename = "gen")]
    pub generation: i64,
    /// When the member last proved their password; a refresh keeps it.
    pub auth_time: u64,
    /// The session this token belongs to: new at each login, kept by refreshes, so "Log out" can end exactly
    /// this session, every copy of its token included.
    pub sid: String,
}

/// `sub` as a member id written plainly (`"7"`, not `"07"` or `"+7"`): one id, one spelling.
mod subject {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(user_id: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(user_id)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        let text = String::deserialize(deserializer)?;
        crate::model::posts::parse_id(&text).ok_or_else(|| D::Error::custom("sub is not a member id"))
    }
}

/// What a token is signed for besides the member: their token generation, when they last proved their password,
/// and the session it continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub generation: i64,
    pub auth_time: u64,
    pub session_id: String,
}

impl Grant {
    /// A new session, just proven by a password, in token generation `generation`.
    pub fn new_session(generation: i64) -> Self {
        Grant { generation, auth_time: now(), session_id: format!("{:032x}", rand::random::<u128>()) }
    }
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl_seconds: u64,
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl TokenKeys {
    pub fn new(secret: &[u8], ttl_seconds: u64) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!("must be at least {MIN_SECRET_BYTES} bytes (got {})", secret.len()));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_exp = true;
        validation.set_required_spec_claims(&["exp"]);
        Ok(TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_seconds,
        })
    }

    pub fn ttl_seconds(&self) -> u64 {
        self.ttl_seconds
    }

    /// A token for `member` under `grant`.
    pub fn sign(&self, member: &Member, grant: &Grant) -> Result<String, AppError> {
        let iat = now();
        let claims = Claims {
            user_id: member.user_id,
            iat,
            exp: iat + self.ttl_seconds,
            generation: grant.generation,
            auth_time: grant.auth_time,
            sid: grant.session_id.clone(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(AppError::internal)
    }

    /// Any failure is the same 401 to the caller: which check failed is nobody's business but the log's.
    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(|err| {
            tracing::debug!(error = %err, "rejected bearer token");
            AppError::token_invalid()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn keys() -> TokenKeys {
        TokenKeys::new(SECRET, 3600).unwrap()
    }

    fn alice() -> Member {
        Member { user_id: 7, username: "alice".into(), role: Default::default() }
    }

    /// Signs arbitrary claims with the right key and algorithm, to test the claim checks alone.
    fn forge(claims: serde_json::Value) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(SECRET)).unwrap()
    }

    /// Every claim Bulletin signs, for a token issued at `iat` that expires at `exp`.
    fn all_claims(iat: u64, exp: u64) -> serde_json::Value {
        serde_json::json!({"sub": "7", "iat": iat, "exp": exp, "gen": 0, "auth_time": iat, "sid": "s1"})
    }

    #[test]
    fn forged_claims_pass_when_nothing_is_wrong_with_them() {
        // The claim tests below change one thing each; this shows that one thing is what gets them refused.
        assert_eq!(keys().verify(&forge(all_claims(now(), now() + 600))).unwrap().user_id, 7);
    }

    fn assert_rejected(token: &str) {
        assert_eq!(keys().verify(token), Err(AppError::token_invalid()), "token should be refused: {token}");
    }

    #[test]
    fn a_signed_token_verifies_with_all_claims() {
        let grant = Grant { generation: 3, auth_time: 1_000, session_id: "s1".into() };
        let claims = keys().verify(&keys().sign(&alice(), &grant).unwrap()).unwrap();
        assert_eq!(claims.user_id, 7);
        assert_eq!(claims.exp - claims.iat, 3600);
        assert_eq!((claims.generation, claims.auth_time, claims.sid.as_str()), (3, 1_000, "s1"));
    }

    #[test]
    fn every_new_session_has_its_own_id() {
        let (a, b) = (Grant::new_session(0), Grant::new_session(0));
        assert_ne!(a.session_id, b.session_id);
        assert_eq!(a.session_id.len(), 32);
    }

    #[test]
    fn secrets_shorter_than_32_bytes_are_refused() {
        assert!(TokenKeys::new(&SECRET[..31], 60).is_err());
    }

    #[test]
    fn a_garbled_token_is_rejected() {
        assert_rejected("not.a.jwt");
        assert_rejected("");
    }

    #[test]
    fn a_token_signed_with_another_secret_is_rejected() {
        let other = TokenKeys::new(b"another secret that is long enough!!", 3600).unwrap();
        assert_rejected(&other.sign(&alice(), &Grant::new_session(0)).unwrap());
    }

    #[test]
    fn a_tampered_payload_is_rejected() {
        let token = keys().sign(&alice(), &Grant::new_session(0)).unwrap();
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
        claims["sub"] = "1".into();
        parts[1] = URL_SAFE_NO_PAD.encode(claims.to_string());
        assert_rejected(&parts.join("."));
    }

    #[test]
    fn the_none_algorithm_is_rejected() {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let claims = URL_SAFE_NO_PAD.encode(all_claims(now(), now() + 600).to_string());
        assert_rejected(&format!("{header}.{claims}."));
    }

    #[test]
    fn other_hmac_algorithms_are_rejected() {
        let claims = all_claims(now(), now() + 600);
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS512), &claims, &EncodingKey::from_secret(SECRET)).unwrap();
        assert_rejected(&token);
    }

    #[test]
    fn an_expired_token_is_rejected_beyond_the_small_leeway() {
        let past = now() - 60;
        assert_rejected(&forge(all_claims(past - 60, past)));
    }

    #[test]
    fn a_token_missing_a_claim_is_rejected() {
        for claim in ["sub", "exp", "gen", "auth_time", "sid"] {
            let mut claims = all_claims(now(), now() + 600);
            claims.as_object_mut().unwrap().remove(claim);
            assert_rejected(&forge(claims));
        }
    }

    #[test]
    fn a_token_whose_sub_is_not_a_member_id_written_plainly_is_rejected() {
        for sub in ["07", "+7", "0", "-7", "seven", ""] {
            let mut claims = all_claims(now(), now() + 600);
            claims["sub"] = sub.into();
            assert_rejected(&forge(claims));
        }
        let mut numeric = all_claims(now(), now() + 600);
        numeric["sub"] = 7.into();
        assert_rejected(&forge(numeric));
    }
}
