//! The request and response bodies of passkeys, as the document describes them. The WebAuthn parts (options,
//! credentials) are the JSON forms the WebAuthn specification defines, which browsers produce and read with
//! `PublicKeyCredential.parseCreationOptionsFromJSON`, `parseRequestOptionsFromJSON` and `toJSON()`.

use super::schemas::passkey_name;
use utoipa::ToSchema;

/// A ceremony's options: hand `publicKey` to the browser, send `ceremony` back with its answer (within 5 minutes,
/// once).
#[derive(ToSchema)]
#[schema(example = json!({"ceremony": "3f2a…", "publicKey": {"challenge": "…", "rpId": "localhost"}}))]
#[schema(rename_all = "camelCase")]
pub struct CeremonyOptionsBody {
    /// Names this ceremony when it is finished.
    pub ceremony: String,
    /// `PublicKeyCredentialCreationOptionsJSON` (registration) or `PublicKeyCredentialRequestOptionsJSON`
    /// (sign-in).
    #[schema(value_type = Object)]
    pub public_key: serde_json::Value,
}

/// `PUT /auth/passkeys/registration`.
#[derive(ToSchema)]
#[schema(example = json!({"ceremony": "9c1d…", "name": "Work laptop", "credential": {
    "id": "…", "rawId": "…", "type": "public-key",
    "response": {"clientDataJSON": "…", "attestationObject": "…", "transports": ["internal"]},
    "clientExtensionResults": {}}}))]
pub struct PasskeyRegistrationRequest {
    /// `ceremony` from `POST /auth/passkeys/registration`.
    #[schema(min_length = 1)]
    pub ceremony: String,
    #[schema(schema_with = passkey_name)]
    pub name: String,
    /// The new credential: `RegistrationResponseJSON`, as the browser's `PublicKeyCredential.toJSON()` gives it.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
}

/// `PATCH /auth/passkeys/{id}`.
#[derive(ToSchema)]
#[schema(example = json!({"name": "Work laptop"}))]
pub struct PasskeyNameRequest {
    #[schema(schema_with = passkey_name)]
    pub name: String,
}

/// `POST /auth/passkeys/login`; the body may be left out.
#[derive(ToSchema)]
#[schema(example = json!({"username": "alice"}))]
pub struct PasskeyLoginStartRequest {
    /// Sign in as this member: the options list their passkeys. Left out, empty or null: any passkey this
    /// browser holds for the site (discoverable credentials).
    pub username: Option<String>,
}

/// `PUT /auth/passkeys/login`.
#[derive(ToSchema)]
#[schema(example = json!({"ceremony": "5ab0…", "credential": {
    "id": "…", "rawId": "…", "type": "public-key",
    "response": {"clientDataJSON": "…", "authenticatorData": "…", "signature": "…", "userHandle": "…"},
    "clientExtensionResults": {}}}))]
pub struct PasskeyLoginRequest {
    /// `ceremony` from `POST /auth/passkeys/login`.
    #[schema(min_length = 1)]
    pub ceremony: String,
    /// The assertion: `AuthenticationResponseJSON`, as the browser's `PublicKeyCredential.toJSON()` gives it.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
}
