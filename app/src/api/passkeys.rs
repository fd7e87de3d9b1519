//! Passkeys for the SPA: the same service calls as `/auth/passkeys/*`.

use super::BearerClient;
use crate::error::AppError;
use crate::model::AuthToken;
use crate::model::passkeys::{CeremonyOptions, PasskeySummary};
use leptos::prelude::*;
use server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "start_passkey_registration", client = BearerClient, input = Json)]
pub async fn start_passkey_registration() -> Result<CeremonyOptions, AppError> {
    use super::request_context::{board, token};
    board()?.start_passkey_registration(token().await?.as_deref()).await
}

/// `credential`: the browser's new credential (`PublicKeyCredential.toJSON()`).
#[server(prefix = "/api", endpoint = "finish_passkey_registration", client = BearerClient, input = Json)]
pub async fn finish_passkey_registration(
    ceremony: String,
    name: String,
    credential: serde_json::Value,
) -> Result<PasskeySummary, AppError> {
    use super::request_context::{board, token};
    use crate::model::passkeys::PasskeyRegistrationInput;
    let input = PasskeyRegistrationInput { ceremony: Some(ceremony), name: Some(name), credential: Some(credential) };
    board()?.finish_passkey_registration(token().await?.as_deref(), input).await
}

#[server(prefix = "/api", endpoint = "list_passkeys", client = BearerClient, input = Json)]
pub async fn list_passkeys() -> Result<Vec<PasskeySummary>, AppError> {
    let caller = super::request_context::caller().await?;
    caller.board.list_passkeys(&caller.member).await
}

#[server(prefix = "/api", endpoint = "rename_passkey", client = BearerClient, input = Json)]
pub async fn rename_passkey(id: i64, name: String) -> Result<PasskeySummary, AppError> {
    use crate::model::passkeys::PasskeyNameInput;
    let caller = super::request_context::caller().await?;
    caller.board.rename_passkey(&caller.member, id, PasskeyNameInput { name: Some(name) }).await
}

#[server(prefix = "/api", endpoint = "remove_passkey", client = BearerClient, input = Json)]
pub async fn remove_passkey(id: i64) -> Result<(), AppError> {
    let caller = super::request_context::caller().await?;
    caller.board.remove_passkey(&caller.member, id).await
}

#[server(prefix = "/api", endpoint = "start_passkey_login", client = BearerClient, input = Json)]
pub async fn start_passkey_login(username: Option<String>) -> Result<CeremonyOptions, AppError> {
    use super::request_context::{board, client_ip};
    use crate::model::passkeys::PasskeyLoginStart;
    board()?.start_passkey_login(client_ip().await?, PasskeyLoginStart { username }).await
}

/// `credential`: the browser's assertion (`PublicKeyCredential.toJSON()`).
#[server(prefix = "/api", endpoint = "finish_passkey_login", client = BearerClient, input = Json)]
pub async fn finish_passkey_login(ceremony: String, credential: serde_json::Value) -> Result<AuthToken, AppError> {
    use super::request_context::{board, client_ip};
    use crate::model::passkeys::PasskeyLoginInput;
    let input = PasskeyLoginInput { ceremony: Some(ceremony), credential: Some(credential) };
    board()?.finish_passkey_login(client_ip().await?, input).await
}
