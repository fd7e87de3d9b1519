//! Registration, login, the one way a request proves who it is, and the life of tokens: refresh, "log out
//! everywhere" and password change.
//!
//! Audit events (target `audit`) record who did what; the request's span adds the client address and request id.
//! They never contain a password, a token or a hash.

use super::Board;
use crate::error::{AppError, messages};
use crate::model::auth::{
    CredentialsInput, PasswordChangeInput, USERNAME_LOOKALIKE, validate_login, validate_password_change,
    validate_password_choice, validate_registration,
};
use crate::model::{AuthToken, Member};
use crate::security::token::{LEEWAY_SECONDS, now};
use crate::security::{Claims, Grant, MemberTokens, common_passwords};
use crate::store::users;
use crate::telemetry;
use std::net::IpAddr;

impl Board {
    pub async fn register(&self, client: IpAddr, input: CredentialsInput) -> Result<AuthToken, AppError> {
        self.auth_attempts.attempt(client).await?;
        let credentials = validate_registration(&input)?;
        common_passwords::refuse_common(&credentials.password)?;
        let hash = self.passwords.hash(&credentials.password).await?;
        let stored = users::insert_user(&self.db, &credentials.username, &hash).await.map_err(name_refusal)?;
        tracing::info!(target: "audit", event = "register", user_id = stored.member.user_id, "member registered");
        self.signed_in(stored.member, stored.token_generation)
    }

    /// Logs a member in. `device_token`: the `X-Device-Token` header, the device token this client was given for
    /// this member at an earlier login, if any.
    ///
    /// Which budget a failure spends: a valid device token for the named member makes it that device's; without
    /// one, the name's (from any address). A login refused because that budget is spent (429) costs the address
    /// nothing, and a successful one gives its address attempt back, counting against the larger allowance for
    /// successes instead: an office behind one address can sign in all day, and nobody can use a member's lock to
    /// exhaust their address.
    pub async fn login(
        &self,
        client: IpAddr,
        device_token: Option<&str>,
        input: CredentialsInput,
    ) -> Result<AuthToken, AppError> {
        self.auth_attempts.check(client).await?;
        self.login_successes.check(client).await?;
        let credentials = validate_login(&input)?;
        let device = device_token.and_then(|token| self.devices.device_for(token.trim(), &credentials.username));
        let trusted_device = device.is_some();
        let budget = match device {
            Some(device) => FailureKey::Device(device),
            None => FailureKey::Name(credentials.username.to_ascii_lowercase()),
        };
        self.login_failures.check(budget.clone()).await?;
        self.auth_attempts.attempt(client).await?;
        let user = users::find_credentials(&self.db, &credentials.username).await?;
        let hash = user.as_ref().map(|u| u.password_hash.as_str());
        let verified = self.verify_counted(budget, &credentials.password, hash).await?;
        match user {
            Some(user) if verified => {
                self.auth_attempts.refund(&client).await;
                // Counting may reach the allowance; this login still succeeds, the next one is refused. A count that
                // could not be made (the database cannot write) refuses this one too, like every limiter.
                if let Err(AppError::Unavailable) = self.login_successes.attempt(client).await {
                    return Err(AppError::Unavailable);
                }
                // The right password from a suspended member: known, and not allowed (403, saying until when).
                if let Some(suspension) = user.suspension() {
                    tracing::warn!(target: "audit", event = "login_suspended", user_id = user.id, "login refused: suspended");
                    telemetry::login("suspended");
                    return Err(AppError::Suspended { until: suspension.until, signed_out: false });
                }
                tracing::info!(target: "audit", event = "login", user_id = user.id, trusted_device, "member logged in");
                telemetry::login("success");
                self.upgrade_hash(&user, &credentials.password).await;
                // The role the token reports is the one this instance now decides by.
                self.apply_change_to(user.id).await;
                let member = Member { user_id: user.id, username: user.username, role: user.role };
                self.signed_in(member, user.token_generation)
            }
            user => {
                let user_id = user.map(|u| u.id);
                tracing::warn!(target: "audit", event = "login_failed", user_id, "login refused: bad credentials");
                telemetry::login("failure");
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
    /// failure budget `budget`, shared by every attempt against it: refused up front while it is spent; every
    /// attempt is counted, and a success clears the count.
    async fn verify_counted(&self, budget: FailureKey, password: &str, hash: Option<&str>) -> Result<bool, AppError> {
        // Counted before the (slow) check, not after: guesses sent in parallel cannot all pass a check that
        // none of them has counted yet. A success then clears the count.
        self.login_failures.attempt(budget.clone()).await?;
        let verified = self.passwords.verify(password, hash).await? && hash.is_some();
        if verified {
            self.login_failures.forget(&budget).await;
        }
        Ok(verified)
    }

    /// The member behind a bearer token (which the doors read from `Authorization: Bearer`, and nowhere else):
    /// a valid, unrevoked token of an existing member. No token: 401 "token required".
    pub async fn authenticate(&self, token: Option<&str>) -> Result<Member, AppError> {
        self.authenticate_claims(token).await.map(|proven| proven.member)
    }

    pub(super) async fn authenticate_claims(&self, token: Option<&str>) -> Result<Authenticated, AppError> {
        let token = token.ok_or_else(AppError::token_required)?;
        let claims = self.tokens.verify(token)?;
        // The signature proves we issued it; the member's current generation and logged-out sessions prove it
        // was not revoked since (and that the member still exists, with their current name).
        let mut tokens = self.member_tokens(claims.user_id).await?.ok_or_else(AppError::token_invalid)?;
        // A token of a newer generation than this instance remembers was issued after a revocation made
        // elsewhere (a password change, a lifted suspension and a new login): what is remembered is stale, so
        // the database is asked again instead of refusing the member's fresh token for a few seconds.
        if claims.generation > tokens.generation {
            tokens = self.read_member_tokens(claims.user_id).await?.ok_or_else(AppError::token_invalid)?;
        }
        // A suspension revokes every token (a new generation): such a token is refused saying why, until when.
        if let Some(suspension) = tokens.suspension.as_ref().filter(|s| s.in_force()) {
            tracing::debug!(user_id = claims.user_id, "refused a token of a suspended member");
            return Err(AppError::Suspended { until: suspension.until.clone(), signed_out: true });
        }
        if !tokens.accepts(claims.generation, &claims.sid) {
            tracing::debug!(user_id = claims.user_id, "refused a revoked token");
            return Err(AppError::token_invalid());
        }
        tracing::Span::current().record("user_id", claims.user_id);
        Ok(Authenticated { member: tokens.member, claims })
    }

    /// What is known of the member's tokens: from the few-second cache, else from the database.
    async fn member_tokens(&self, user_id: i64) -> Result<Option<MemberTokens>, AppError> {
        if let Some(hit) = self.member_tokens.get(user_id) {
            return Ok(Some(hit));
        }
        self.read_member_tokens(user_id).await
    }

    /// What the database says of the member's tokens, role and suspension now, remembered in the cache; what is
    /// in force, which may be newer than the read: one that started before this instance revoked the member's
    /// tokens (or changed their role) may finish after it, and the cache keeps (and answers with) the newer
    /// state, so the revoked token is refused even by this request.
    pub(super) async fn read_member_tokens(&self, user_id: i64) -> Result<Option<MemberTokens>, AppError> {
        let started = std::time::Instant::now();
        let read = users::find_member_tokens(&self.db, user_id).await?;
        Ok(read.map(|tokens| self.member_tokens.put_read(tokens, started)))
    }

    /// A fresh token for a still-valid one: same member, same generation, same `auth_time`, a new `exp`. Refused
    /// once the password was last entered more than the maximum session age ago.
    pub async fn refresh(&self, token: Option<&str>) -> Result<AuthToken, AppError> {
        let Authenticated { member, claims } = self.authenticate_claims(token).await?;
        let auth_time = claims.auth_time;
        if now().saturating_sub(auth_time) >= self.session_max_seconds {
            tracing::info!(target: "audit", event = "refresh_refused", user_id = member.user_id, "session too old");
            return Err(AppError::Unauthorized(messages::SESSION_TOO_OLD.into()));
        }
        tracing::info!(target: "audit", event = "refresh", user_id = member.user_id, "token refreshed");
        telemetry::token_refreshed();
        let grant = Grant { generation: claims.generation, auth_time, session_id: claims.sid };
        self.token_for(member, &grant)
    }

    /// Ends the session of `token` on the server: that token, every copy of it and every
    /// token refreshed from it stop working (on this instance at once, on others within the cache's few
    /// seconds). The member's other sessions carry on.
    pub async fn logout(&self, token: Option<&str>) -> Result<(), AppError> {
        let Authenticated { member, claims } = self.authenticate_claims(token).await?;
        // Listed until no token of the session can be valid any more: the session is refreshable until
        // `auth_time + SESSION_MAX_SECONDS`, and its last token lives one lifetime more. (Listing it for only one
        // lifetime from now would not do: another instance may still refresh it within its cache's few seconds,
        // and that token, refreshed again after the listing lapsed, would revive the session.)
        let expires_at =
            claims.auth_time.max(now()) + self.session_max_seconds + self.tokens.ttl_seconds() + LEEWAY_SECONDS;
        users::revoke_session(&self.db, member.user_id, &claims.sid, expires_at as i64).await?;
        // This instance refuses the session's tokens at once; the others once their cache entry expires.
        self.remember_revocation(member.user_id, None, Some(&claims.sid)).await;
        tracing::info!(target: "audit", event = "logout", user_id = member.user_id, "session ended");
        telemetry::tokens_revoked("logout");
        Ok(())
    }

    /// Revokes every token the member holds, the caller's included.
    pub async fn logout_all(&self, member: &Member) -> Result<(), AppError> {
        let generation = users::revoke_tokens(&self.db, member.user_id).await?.ok_or_else(AppError::token_invalid)?;
        // This instance refuses the old tokens at once; the others once their cache entry expires.
        self.remember_revocation(member.user_id, Some(generation), None).await;
        tracing::info!(target: "audit", event = "logout_all", user_id = member.user_id, "all tokens revoked");
        telemetry::tokens_revoked("logout_all");
        Ok(())
    }

    /// Checks the current password, stores the new one and revokes every older token; returns a token for the
    /// new generation so the member stays signed in where they changed it.
    pub async fn change_password(&self, member: &Member, input: PasswordChangeInput) -> Result<AuthToken, AppError> {
        let change = validate_password_change(&input)?;
        validate_password_choice(&member.username, &change.new)?;
        common_passwords::refuse_common(&change.new)?;
        let user =
            users::find_credentials_by_id(&self.db, member.user_id).await?.ok_or_else(AppError::token_invalid)?;
        // Guessing the current password with a stolen token is limited like logins, but per member and apart from
        // the login lock: someone locking the name from outside cannot stop the member changing their password.
        let budget = FailureKey::PasswordChange(member.user_id);
        if !self.verify_counted(budget, &change.current, Some(&user.password_hash)).await? {
            tracing::warn!(target: "audit", event = "password_change_failed", user_id = member.user_id, "wrong current password");
            // 403, not 401: the token is fine (a 401 would end the session), the proof for this action is not.
            return Err(AppError::Forbidden(messages::CURRENT_PASSWORD_WRONG.into()));
        }
        let new_hash = self.passwords.hash(&change.new).await?;
        let generation = users::replace_password(&self.db, member.user_id, &user.password_hash, &new_hash)
            .await?
            .ok_or_else(|| AppError::Conflict(messages::PASSWORD_CHANGED_MEANWHILE.into()))?;
        self.remember_revocation(member.user_id, Some(generation), None).await;
        tracing::info!(target: "audit", event = "password_change", user_id = member.user_id, "password changed, older tokens revoked");
        telemetry::tokens_revoked("password_change");
        self.token_for(member.clone(), &Grant::new_session(generation))
    }

    /// After this instance revoked tokens (committed): the cached entry learns it at once, and the database is read
    /// again, so that a read which began before the revocation, finishing after it, cannot bring the old state
    /// back (see `MemberTokensCache::put_read`), even when the entry had just expired.
    pub(super) async fn remember_revocation(&self, user_id: i64, generation: Option<i64>, session: Option<&str>) {
        self.member_tokens.revoked(user_id, generation, session);
        self.apply_change_to(user_id).await;
    }

    /// A new session for a member who just proved their password (registration, login), with this client's
    /// device token for them.
    pub(super) fn signed_in(&self, member: Member, generation: i64) -> Result<AuthToken, AppError> {
        let mut signed_in = self.token_for(member, &Grant::new_session(generation))?;
        signed_in.device_token = self.devices.issue(&signed_in.username);
        Ok(signed_in)
    }

    fn token_for(&self, member: Member, grant: &Grant) -> Result<AuthToken, AppError> {
        let token = self.tokens.sign(&member, grant)?;
        Ok(AuthToken {
            token,
            expires_in: self.tokens.ttl_seconds(),
            user_id: member.user_id,
            username: member.username,
            role: member.role,
            device_token: None,
        })
    }
}

/// What a registration whose name the store refused is answered with.
fn name_refusal(refused: users::NameRefused) -> AppError {
    match refused {
        users::NameRefused::Taken => AppError::Conflict(messages::USERNAME_TAKEN.into()),
        users::NameRefused::LookAlike => AppError::Conflict(USERNAME_LOOKALIKE.into()),
        users::NameRefused::Failed(err) => err,
    }
}

/// A request's proven identity: the member, and the claims of the token that proved it.
pub(super) struct Authenticated {
    pub(super) member: Member,
    pub(super) claims: Claims,
}

/// What a failed password check is counted against (`LOGIN_FAILURE_LIMIT` each).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FailureKey {
    /// Logins for a lower-cased username from anywhere without a device token for it.
    Name(String),
    /// Logins from one browser holding a device token for the name (see `security/device.rs`).
    Device(String),
    /// Current-password checks of one member's password change.
    PasswordChange(i64),
}

impl crate::security::LimitKey for FailureKey {
    /// A prefix per kind, so a name, a device and a member id never share a count.
    fn shared_key(&self) -> String {
        match self {
            FailureKey::Name(name) => format!("name:{name}"),
            FailureKey::Device(device) => format!("device:{device}"),
            FailureKey::PasswordChange(user_id) => format!("password:{user_id}"),
        }
    }
}
