//! Registration, login and the one way a request proves who it is.

use super::AppState;
use crate::error::{AppError, messages};
use crate::model::auth::{CredentialsInput, validate_login, validate_registration};
use crate::model::{AuthSession, Member};
use crate::store::users;
use std::net::IpAddr;

impl AppState {
    pub async fn register(&self, client: IpAddr, input: CredentialsInput) -> Result<AuthSession, AppError> {
        self.auth_attempts.attempt(client)?;
        let credentials = validate_registration(&input)?;
        let hash = self.passwords.hash(&credentials.password).await?;
        let member = users::insert_user(&self.db, &credentials.username, &hash).await?;
        tracing::info!(user_id = member.user_id, "member registered");
        self.session_for(member)
    }

    pub async fn login(&self, client: IpAddr, input: CredentialsInput) -> Result<AuthSession, AppError> {
        self.auth_attempts.attempt(client)?;
        let credentials = validate_login(&input)?;
        let user = users::find_credentials(&self.db, &credentials.username).await?;
        // Verify even when the user is unknown (against a decoy) so both failures take the same time.
        let verified =
            self.passwords.verify(&credentials.password, user.as_ref().map(|u| u.password_hash.as_str())).await?;
        match user {
            Some(user) if verified => self.session_for(Member { user_id: user.id, username: user.username }),
            _ => Err(AppError::Unauthorized(messages::BAD_CREDENTIALS.into())),
        }
    }

    /// The member behind an `Authorization` header value: `Bearer <token>` with a valid token of an existing
    /// user. Tokens anywhere else (query string, cookies) are deliberately never looked at.
    pub async fn authenticate(&self, authorization: Option<&[u8]>) -> Result<Member, AppError> {
        let token = authorization.and_then(bearer_token).ok_or_else(AppError::token_required)?;
        let claims = self.tokens.verify(token)?;
        // The signature proves we issued it; the look-up proves the member still exists (and has their current name).
        users::find_member(&self.db, claims.user_id).await?.ok_or_else(AppError::token_invalid)
    }

    fn session_for(&self, member: Member) -> Result<AuthSession, AppError> {
        let token = self.tokens.sign(&member)?;
        Ok(AuthSession { token, user_id: member.user_id, username: member.username })
    }
}

/// The token of a `Bearer` authorization header (scheme case-insensitive, per RFC 7235), if there is one.
fn bearer_token(header: &[u8]) -> Option<&str> {
    let value = std::str::from_utf8(header).ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn bearer_tokens_are_read_from_the_bearer_scheme_only() {
        assert_eq!(bearer_token(b"Bearer abc.def.ghi"), Some("abc.def.ghi"));
        assert_eq!(bearer_token(b"bearer  abc"), Some("abc"));
        assert_eq!(bearer_token(b"Basic dXNlcjpwYXNz"), None);
        assert_eq!(bearer_token(b"Bearer "), None);
        assert_eq!(bearer_token(b"Bearer"), None);
        assert_eq!(bearer_token(b"abc.def.ghi"), None);
    }
}
