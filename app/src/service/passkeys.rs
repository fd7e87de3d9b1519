//! Passkeys: adding, naming and removing them, and signing in with one. A passkey sign-in ends in exactly the
//! token a password login gives (a new session, the member's current generation and role), so nothing after it
//! differs; "log out everywhere" and a password change revoke tokens, never passkeys.
//!
//! Each ceremony's server half (webauthn-rs's state) is stored by `store::passkeys` between its start and its
//! finish, so the two may reach different instances; its finish takes it, so it is used once.

use super::Board;
use super::auth::Authenticated;
use crate::error::AppError;
use crate::model::AuthToken;
use crate::model::Member;
use crate::model::passkeys::*;
use crate::security::passkeys::{RelyingParty, encode_id};
use crate::security::token::now;
use crate::store::passkeys::{self as store, AddRefused, CeremonyKind, Owner};
use crate::store::users;
use crate::telemetry;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::net::IpAddr;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, WebauthnError,
};

/// A sign-in's stored state: webauthn-rs's, and whom it was started for.
#[derive(Serialize, Deserialize)]
struct LoginState {
    /// A name was given: only that member's passkeys may finish it (none, if the name has none or is unknown).
    named: bool,
    auth: DiscoverableAuthentication,
}

impl Board {
    /// Starts adding a passkey: the options for the browser's `navigator.credentials.create()`. Needs a token
    /// whose password (or passkey) proof is at most `RECENT_PROOF_SECONDS` old, at the start and at the finish: a
    /// stolen token cannot plant a passkey that would outlive it.
    pub async fn start_passkey_registration(&self, token: Option<&str>) -> Result<CeremonyOptions, AppError> {
        let member = self.recently_proven(token).await?;
        let held = self.passkeys_of(member.user_id).await?;
        if held.len() >= PASSKEYS_PER_MEMBER_MAX {
            return Err(AppError::Conflict(TOO_MANY_PASSKEYS.into()));
        }
        // The member's passkeys are excluded: an authenticator that holds one already says so instead of making
        // a second.
        let exclude = held.iter().map(|passkey| passkey.cred_id().clone()).collect();
        let (options, state) = self
            .passkeys
            .webauthn()
            .start_passkey_registration(
                RelyingParty::user_handle(member.user_id),
                &member.username,
                &member.username,
                Some(exclude),
            )
            .map_err(|err| AppError::internal(format!("passkey registration options: {err}")))?;
        let mut options = to_json(&options)?;
        // A passkey should be discoverable (a resident key), so that "Sign in with a passkey" needs no name:
        // webauthn-rs asks for none, to spare security keys with little room; "preferred" lets them decline.
        if let Some(selection) = options.pointer_mut("/publicKey/authenticatorSelection") {
            selection["residentKey"] = Value::from("preferred");
        }
        let ceremony = self.begin_ceremony(CeremonyKind::Registration, Some(member.user_id), &state).await?;
        Ok(CeremonyOptions { ceremony, public_key: options["publicKey"].take() })
    }

    /// Finishes adding a passkey with the browser's new credential, under the name given.
    pub async fn finish_passkey_registration(
        &self,
        token: Option<&str>,
        input: PasskeyRegistrationInput,
    ) -> Result<PasskeySummary, AppError> {
        let member = self.recently_proven(token).await?;
        let name = validate_passkey_name(input.name.as_deref())?;
        let (ceremony, credential) = require_ceremony(input.ceremony.as_deref(), input.credential.as_ref())?;
        // The ceremony first: without it nothing else can be judged (404), and it is used up by any answer.
        let ceremony = store::take_ceremony(&self.db, ceremony, CeremonyKind::Registration, Some(member.user_id))
            .await?
            .filter(|taken| !taken.expired(now() as i64))
            .ok_or_else(|| AppError::NotFound(CEREMONY_UNKNOWN.into()))?;
        let credential: RegisterPublicKeyCredential = from_json(credential)?;
        let state: PasskeyRegistration = stored_state(&ceremony.state)?;
        let passkey = self.passkeys.webauthn().finish_passkey_registration(&credential, &state).map_err(|err| {
            tracing::warn!(target: "audit", event = "passkey_add_failed", user_id = member.user_id, error = %err, "passkey registration refused");
            AppError::Validation(PASSKEY_REFUSED.into())
        })?;
        let credential_id = encode_id(passkey.cred_id().as_ref());
        let added = store::add(&self.db, member.user_id, &credential_id, &name, &to_text(&passkey)?).await;
        let summary = added.map_err(|refused| match refused {
            AddRefused::AlreadyAdded => AppError::Conflict(PASSKEY_ALREADY_ADDED.into()),
            AddRefused::TooMany => AppError::Conflict(TOO_MANY_PASSKEYS.into()),
            AddRefused::Failed(err) => err,
        })?;
        tracing::info!(target: "audit", event = "passkey_added", user_id = member.user_id, passkey_id = summary.id, "passkey added");
        Ok(summary)
    }

    pub async fn list_passkeys(&self, member: &Member) -> Result<Vec<PasskeySummary>, AppError> {
        store::list(&self.db, member.user_id).await
    }

    pub async fn rename_passkey(
        &self,
        member: &Member,
        id: i64,
        input: PasskeyNameInput,
    ) -> Result<PasskeySummary, AppError> {
        let name = validate_passkey_name(input.name.as_deref())?;
        store::rename(&self.db, member.user_id, id, &name).await?.map_err(not_theirs)
    }

    pub async fn remove_passkey(&self, member: &Member, id: i64) -> Result<(), AppError> {
        store::remove(&self.db, member.user_id, id).await?.map_err(not_theirs)?;
        tracing::info!(target: "audit", event = "passkey_removed", user_id = member.user_id, passkey_id = id, "passkey removed");
        Ok(())
    }

    /// Starts a sign-in with a passkey: the options for `navigator.credentials.get()`. With a name, they list
    /// that member's passkeys; a name without passkeys, known or not, gets a decoy that looks the same. Without
    /// one, the browser offers whichever passkeys it holds for this site (and autofill can).
    ///
    /// Refused while the client's address has spent its budget of failed logins (`AUTH_RATE_LIMIT`) or of
    /// sign-ins (`LOGIN_SUCCESS_LIMIT`), the password login's limits; counted against its own
    /// (`PASSKEY_START_LIMIT`), which bounds the ceremonies one address can leave stored, and not as a failure:
    /// the login page starts one for autofill on every visit. 503 while `OPEN_SIGN_INS_MAX` are open.
    pub async fn start_passkey_login(
        &self,
        client: IpAddr,
        input: PasskeyLoginStart,
    ) -> Result<CeremonyOptions, AppError> {
        self.auth_attempts.check(client).await?;
        self.login_successes.check(client).await?;
        self.passkey_starts.attempt(client).await?;
        let (options, auth) = self
            .passkeys
            .webauthn()
            .start_discoverable_authentication()
            .map_err(|err| AppError::internal(format!("passkey sign-in options: {err}")))?;
        let mut options = to_json(&options)?;
        let username = input.username.as_deref().map(str::trim).filter(|name| !name.is_empty());
        let mut member = None;
        if let Some(username) = username {
            // The ids as stored beside each passkey: no passkey's JSON is read to list them.
            let allowed = match store::credential_ids_of_name(&self.db, username).await? {
                Some((user_id, ids)) => {
                    member = Some(user_id);
                    ids
                }
                None => Vec::new(),
            };
            let allowed = if allowed.is_empty() { vec![self.passkeys.decoy_credential_id(username)] } else { allowed };
            options["publicKey"]["allowCredentials"] =
                allowed.into_iter().map(|id| serde_json::json!({"type": "public-key", "id": id})).collect();
        }
        let state = LoginState { named: username.is_some(), auth };
        let ceremony = self.begin_ceremony(CeremonyKind::Login, member, &state).await?;
        Ok(CeremonyOptions { ceremony, public_key: options["publicKey"].take() })
    }

    /// Finishes a sign-in with the browser's assertion: the token a password login gives, counted as one of the
    /// address's sign-ins. Every refusal of the passkey itself is a 401, counted against the address as a failed
    /// login is (a ceremony that merely expired is not); a suspended member's passkey gets the 403 their password
    /// would.
    pub async fn finish_passkey_login(&self, client: IpAddr, input: PasskeyLoginInput) -> Result<AuthToken, AppError> {
        self.auth_attempts.check(client).await?;
        self.login_successes.check(client).await?;
        let (ceremony, credential) = require_ceremony(input.ceremony.as_deref(), input.credential.as_ref())?;
        // The ceremony first: without it nothing else can be judged, and it is used up by any answer.
        let Some(ceremony) = store::take_ceremony(&self.db, ceremony, CeremonyKind::Login, None).await? else {
            return Err(self.passkey_refused(client, None, "unknown or used ceremony", CEREMONY_UNKNOWN).await);
        };
        if ceremony.expired(now() as i64) {
            return Err(AppError::Unauthorized(CEREMONY_UNKNOWN.into()));
        }
        let credential: PublicKeyCredential = from_json(credential)?;
        let state: LoginState = stored_state(&ceremony.state)?;
        let Some(stored) = store::find_by_credential_id(&self.db, &encode_id(credential.get_credential_id())).await?
        else {
            return Err(self.passkey_refused(client, None, "unknown passkey", PASSKEY_UNKNOWN).await);
        };
        let user_id = Some(stored.user_id);
        if state.named && ceremony.user_id != user_id {
            return Err(self.passkey_refused(client, user_id, "another member's passkey", PASSKEY_REFUSED).await);
        }
        // The handle the authenticator keeps with the passkey must be its member's. Without a name it is what says
        // whose passkey this is, so it must be there; with one, a passkey that is not discoverable may leave it out.
        let handle = RelyingParty::user_handle(stored.user_id);
        let sent = credential.get_user_unique_id().filter(|sent| !sent.is_empty());
        if sent.is_some_and(|sent| sent != handle.as_bytes()) || (sent.is_none() && !state.named) {
            return Err(self.passkey_refused(client, user_id, "not its member's user handle", PASSKEY_REFUSED).await);
        }
        let mut passkey: Passkey = stored_state(&stored.credential)?;
        let verified = self.passkeys.webauthn().finish_discoverable_authentication(
            &credential,
            state.auth,
            &[DiscoverableKey::from(&passkey)],
        );
        let result = match verified {
            Ok(result) => result,
            Err(WebauthnError::CredentialPossibleCompromise) => {
                cloned_passkey(stored.user_id, stored.id);
                return Err(self
                    .passkey_refused(client, user_id, "signature counter went back", PASSKEY_REFUSED)
                    .await);
            }
            Err(err) => return Err(self.passkey_refused(client, user_id, &err.to_string(), PASSKEY_REFUSED).await),
        };
        let Some(user) = users::find_credentials_by_id(&self.db, stored.user_id).await? else {
            return Err(self.passkey_refused(client, None, "member gone", PASSKEY_UNKNOWN).await);
        };
        if let Some(suspension) = user.suspension() {
            tracing::warn!(target: "audit", event = "login_suspended", user_id = user.id, method = "passkey", "login refused: suspended");
            telemetry::login("suspended");
            return Err(AppError::Suspended { until: suspension.until, signed_out: false });
        }
        passkey.update_credential(&result);
        let now_text = crate::store::moderation::now_text();
        // The counter is compared again as it is stored: of two sign-ins with one counter, one is refused.
        if !store::record_use(&self.db, stored.id, &to_text(&passkey)?, result.counter(), &now_text).await? {
            if store::find_by_credential_id(&self.db, &stored.credential_id).await?.is_none() {
                return Err(self.passkey_refused(client, None, "passkey removed meanwhile", PASSKEY_UNKNOWN).await);
            }
            cloned_passkey(stored.user_id, stored.id);
            return Err(self.passkey_refused(client, user_id, "signature counter went back", PASSKEY_REFUSED).await);
        }
        // Counted like a password login's success; a count that cannot be made refuses it, as there.
        if let Err(AppError::Unavailable) = self.login_successes.attempt(client).await {
            return Err(AppError::Unavailable);
        }
        tracing::info!(target: "audit", event = "login", user_id = user.id, method = "passkey", passkey_id = stored.id, "member logged in");
        telemetry::login("success");
        self.apply_change_to(user.id).await;
        self.signed_in(Member { user_id: user.id, username: user.username, role: user.role }, user.token_generation)
    }

    /// A passkey sign-in refused (401 `message`): audited, and counted against the address like a failed login.
    async fn passkey_refused(&self, client: IpAddr, user_id: Option<i64>, why: &str, message: &str) -> AppError {
        tracing::warn!(target: "audit", event = "login_failed", user_id, method = "passkey", why, "login refused: passkey");
        telemetry::login("failure");
        // The refusal stands whatever the count says; a count that fails is logged by the limiter's store.
        let _ = self.auth_attempts.attempt(client).await;
        AppError::Unauthorized(message.into())
    }

    async fn passkeys_of(&self, user_id: i64) -> Result<Vec<Passkey>, AppError> {
        store::credentials_of(&self.db, user_id).await?.iter().map(|text| stored_state(text)).collect()
    }

    /// The member behind `token`, if its password or passkey proof is at most `RECENT_PROOF_SECONDS` old.
    async fn recently_proven(&self, token: Option<&str>) -> Result<Member, AppError> {
        let Authenticated { member, claims } = self.authenticate_claims(token).await?;
        if now().saturating_sub(claims.auth_time) > RECENT_PROOF_SECONDS {
            return Err(AppError::Forbidden(PROOF_TOO_OLD.into()));
        }
        Ok(member)
    }

    /// Stores a ceremony's state for `CEREMONY_SECONDS` under a new random id, which it returns; 503 while the
    /// most sign-ins allowed are open.
    async fn begin_ceremony(
        &self,
        kind: CeremonyKind,
        user_id: Option<i64>,
        state: &impl Serialize,
    ) -> Result<String, AppError> {
        let id = format!("{:032x}", rand::random::<u128>());
        let now = now() as i64;
        if !store::begin_ceremony(&self.db, &id, kind, user_id, &to_text(state)?, now, now + CEREMONY_SECONDS).await? {
            tracing::warn!(open = store::OPEN_SIGN_INS_MAX, "passkey sign-in refused: the most allowed are open");
            return Err(AppError::Unavailable);
        }
        Ok(id)
    }
}

fn not_theirs(owner: Owner) -> AppError {
    match owner {
        Owner::Other => AppError::Forbidden(NOT_YOUR_PASSKEY.into()),
        // Gone meanwhile (removed by another request) reads as never there.
        Owner::Caller | Owner::Nobody => AppError::NotFound(PASSKEY_NOT_FOUND.into()),
    }
}

/// A signature counter that did not move forward: the passkey's key may have been copied.
fn cloned_passkey(user_id: i64, passkey_id: i64) {
    tracing::error!(target: "audit", event = "passkey_clone_suspected", user_id, passkey_id,
        "passkey refused: its signature counter did not increase (a cloned authenticator?)");
}

/// The browser's credential in webauthn-rs's type; anything else is the client's mistake (400).
fn from_json<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, AppError> {
    T::deserialize(value).map_err(|err| AppError::Validation(format!("credential is not a WebAuthn credential: {err}")))
}

/// State this server stored itself: unreadable means a bug or a changed format, never the client's fault.
fn stored_state<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, AppError> {
    serde_json::from_str(text).map_err(|err| AppError::internal(format!("stored passkey state: {err}")))
}

fn to_text(value: &impl Serialize) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|err| AppError::internal(format!("passkey state: {err}")))
}

fn to_json(value: &impl Serialize) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|err| AppError::internal(format!("passkey options: {err}")))
}
