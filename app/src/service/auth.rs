//! Registration, login, the one way a request proves who it is, and the life of tokens: refresh, "log out
//! everywhere" and password change.
//!
//! Audit events (target `audit`) record who did what; the request's span adds the client address and request id.
//! They never contain a password, a token or a hash.

use super::AppState;
use crate::error::{AppError, messages};
use crate::model::auth::{
    CredentialsInput, PasswordChangeInput, validate_login, validate_password_change, validate_registration,
};
use crate::model::{AuthSession, Member};
use crate::security::Claims;
use crate::security::token::now;
use crate::store::users;
use std::net::IpAddr;

impl AppState {
    pub async fn register(&self, client: IpAddr, input: CredentialsInput) -> Result<AuthSession, AppError> {
        self.auth_attempts.attempt(client)?;
        let credentials = validate_registration(&input)?;
        let hash = self.passwords.hash(&credentials.password).await?;
        let (member, generation) = users::insert_user(&self.db, &credentials.username, &hash).await?;
        tracing::info!(target: "audit", event = "register", user_id = member.user_id, "member registered");
        self.session_for(member, generation, now())
    }

    pub async fn login(&self, client: IpAddr, input: CredentialsInput) -> Result<AuthSession, AppError> {
        self.auth_attempts.attempt(client)?;
        let credentials = validate_login(&input)?;
        let user = users::find_credentials(&self.db, &credentials.username).await?;
        let hash = user.as_ref().map(|u| u.password_hash.as_str());
        let verified = self.verify_counted(&credentials.username, &credentials.password, hash).await?;
        match user {
            Some(user) if verified => {
                tracing::info!(target: "audit", event = "login", user_id = user.id, "member logged in");
                self.upgrade_hash(&user, &credentials.password).await;
                let member = Member { user_id: user.id, username: user.username };
                self.session_for(member, user.token_generation, now())
            }
            user => {
                let user_id = user.map(|u| u.id);
                tracing::warn!(target: "audit", event = "login_failed", user_id, "login refused: bad credentials");
                Err(AppError::Unauthorized(messages::BAD_CREDENTIALS.into()))
            }
        }
    }

    /// Re-hashes a just-proven password whose stored hash is cheaper than `BCRYPT_COST`, so raising the cost
    /// reaches every member who logs in. The login does not depend on it: a failure is logged, and the next
    /// login tries again.
    async fn upgrade_hash(&self, user: &users::UserCredentials, password: &str) {
        if !self.passwords.needs_rehash(&user.password_hash) {
            return;
        }
        let upgraded = match self.passwords.hash(password).await {
            Ok(new_hash) => users::upgrade_password_hash(&self.db, user.id, &user.password_hash, &new_hash).await,
            Err(err) => Err(err),
        };
        match upgraded {
            Ok(_) => tracing::debug!(user_id = user.id, "password re-hashed at the configured cost"),
            Err(err) => tracing::warn!(user_id = user.id, error = %err, "password re-hash failed; kept the old hash"),
        }
    }

    /// Checks `password` against `hash` (a decoy when there is none, so an unknown name takes as long) under the
    /// per-name failure limit shared by logins and password changes: refused up front while the name is locked;
    /// a failure is counted, a success clears the count. Names are case-insensitive, and so is the count; it
    /// stops guessing one member's password from many addresses.
    async fn verify_counted(&self, username: &str, password: &str, hash: Option<&str>) -> Result<bool, AppError> {
        let name = username.to_ascii_lowercase();
        self.login_failures.check(name.clone())?;
        let verified = self.passwords.verify(password, hash).await? && hash.is_some();
        if verified {
            self.login_failures.forget(&name);
        } else {
            // Counting may itself reach the limit; this attempt still gets the ordinary answer.
            let _ = self.login_failures.attempt(name);
        }
        Ok(verified)
    }

    /// The member behind an `Authorization` header value: `Bearer <token>` with a valid, unrevoked token of an
    /// existing user. Tokens anywhere else (query string, cookies) are deliberately never looked at.
    pub async fn authenticate(&self, authorization: Option<&[u8]>) -> Result<Member, AppError> {
        self.authenticate_claims(authorization).await.map(|(member, _)| member)
    }

    async fn authenticate_claims(&self, authorization: Option<&[u8]>) -> Result<(Member, Claims), AppError> {
        let token = authorization.and_then(bearer_token).ok_or_else(AppError::token_required)?;
        let claims = self.tokens.verify(token)?;
        // The signature proves we issued it; the member's current generation proves it was not revoked since
        // (and that the member still exists, with their current name).
        let (member, generation) = self.current_session(claims.user_id).await?.ok_or_else(AppError::token_invalid)?;
        if generation != claims.generation {
            tracing::debug!(user_id = member.user_id, "refused a revoked token");
            return Err(AppError::token_invalid());
        }
        tracing::Span::current().record("user_id", member.user_id);
        Ok((member, claims))
    }

    /// The member and their token generation: from the few-second cache, else from the database.
    async fn current_session(&self, user_id: i64) -> Result<Option<(Member, i64)>, AppError> {
        if let Some(hit) = self.sessions.get(user_id) {
            return Ok(Some(hit));
        }
        // A read that started before this instance revoked the member's tokens may finish after it: the cache
        // keeps (and answers with) the newer generation, so the revoked token is refused even by this request.
        let found = users::find_session(&self.db, user_id).await?;
        Ok(found.map(|(member, generation)| {
            let generation = self.sessions.put(member.clone(), generation);
            (member, generation)
        }))
    }

    /// A fresh token for a still-valid one: same member, same generation, same `auth_time`, a new `exp`. Refused
    /// once the password was last entered more than the maximum session age ago.
    pub async fn refresh(&self, authorization: Option<&[u8]>) -> Result<AuthSession, AppError> {
        let (member, claims) = self.authenticate_claims(authorization).await?;
        let auth_time = if claims.auth_time == 0 { claims.iat } else { claims.auth_time };
        if now().saturating_sub(auth_time) >= self.session_max_seconds {
            tracing::info!(target: "audit", event = "refresh_refused", user_id = member.user_id, "session too old");
            return Err(AppError::Unauthorized(messages::SESSION_TOO_OLD.into()));
        }
        tracing::info!(target: "audit", event = "refresh", user_id = member.user_id, "token refreshed");
        self.session_for(member, claims.generation, auth_time)
    }

    /// Revokes every token the member holds, the caller's included.
    pub async fn logout_all(&self, member: &Member) -> Result<(), AppError> {
        let generation = users::revoke_tokens(&self.db, member.user_id).await?.ok_or_else(AppError::token_invalid)?;
        // This instance refuses the old tokens at once; the others once their cache entry expires.
        self.sessions.put(member.clone(), generation);
        tracing::info!(target: "audit", event = "logout_all", user_id = member.user_id, "all tokens revoked");
        Ok(())
    }

    /// Checks the current password, stores the new one and revokes every older token; returns a token for the
    /// new generation so the member stays signed in where they changed it.
    pub async fn change_password(&self, member: &Member, input: PasswordChangeInput) -> Result<AuthSession, AppError> {
        let change = validate_password_change(&input)?;
        let user =
            users::find_credentials_by_id(&self.db, member.user_id).await?.ok_or_else(AppError::token_invalid)?;
        // Guessing the current password with a stolen token counts against the same per-name limit as logins.
        if !self.verify_counted(&member.username, &change.current, Some(&user.password_hash)).await? {
            tracing::warn!(target: "audit", event = "password_change_failed", user_id = member.user_id, "wrong current password");
            // 403, not 401: the token is fine (a 401 would end the session), the proof for this action is not.
            return Err(AppError::Forbidden(messages::CURRENT_PASSWORD_WRONG.into()));
        }
        let new_hash = self.passwords.hash(&change.new).await?;
        let generation = users::replace_password(&self.db, member.user_id, &user.password_hash, &new_hash)
            .await?
            .ok_or_else(|| AppError::Conflict(messages::PASSWORD_CHANGED_MEANWHILE.into()))?;
        self.sessions.put(member.clone(), generation);
        tracing::info!(target: "audit", event = "password_change", user_id = member.user_id, "password changed, older tokens revoked");
        self.session_for(member.clone(), generation, now())
    }

    fn session_for(&self, member: Member, generation: i64, auth_time: u64) -> Result<AuthSession, AppError> {
        let token = self.tokens.sign(&member, generation, auth_time)?;
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
