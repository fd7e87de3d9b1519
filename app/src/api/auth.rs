//! Register, log in, "who am I" and the life of tokens for the SPA: the same service calls as
//! `POST /auth/register`, `POST /auth/login`, `GET /auth/me`, `POST /auth/refresh`, `POST /auth/logout`,
//! `POST /auth/logout-all` and `PATCH /auth/password`.

use super::BearerClient;
use crate::error::AppError;
use crate::model::{AuthToken, Member};
use leptos::prelude::*;
use server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "register", client = BearerClient, input = Json)]
pub async fn register(username: String, password: String) -> Result<AuthToken, AppError> {
    use super::request_context::{board, client_ip};
    use crate::model::auth::CredentialsInput;
    let input = CredentialsInput { username: Some(username), password: Some(password) };
    board()?.register(client_ip().await?, input).await
}

#[server(prefix = "/api", endpoint = "login", client = BearerClient, input = Json)]
pub async fn login(username: String, password: String) -> Result<AuthToken, AppError> {
    use super::request_context::{board, client_ip, header};
    use crate::model::auth::{CredentialsInput, DEVICE_TOKEN_HEADER};
    let input = CredentialsInput { username: Some(username), password: Some(password) };
    let device_token = header(DEVICE_TOKEN_HEADER).await?;
    board()?.login(client_ip().await?, device_token.as_deref(), input).await
}

#[server(prefix = "/api", endpoint = "me", client = BearerClient, input = Json)]
pub async fn me() -> Result<Member, AppError> {
    super::request_context::caller().await.map(|caller| caller.member)
}

#[server(prefix = "/api", endpoint = "refresh", client = BearerClient, input = Json)]
pub async fn refresh_session() -> Result<AuthToken, AppError> {
    use super::request_context::{board, token};
    board()?.refresh(token().await?.as_deref()).await
}

#[server(prefix = "/api", endpoint = "logout", client = BearerClient, input = Json)]
pub async fn logout() -> Result<(), AppError> {
    use super::request_context::{board, token};
    board()?.logout(token().await?.as_deref()).await
}

#[server(prefix = "/api", endpoint = "logout_all", client = BearerClient, input = Json)]
pub async fn logout_all() -> Result<(), AppError> {
    let caller = super::request_context::caller().await?;
    caller.board.logout_all(&caller.member).await
}

#[server(prefix = "/api", endpoint = "change_password", client = BearerClient, input = Json)]
pub async fn change_password(current_password: String, new_password: String) -> Result<AuthToken, AppError> {
    use crate::model::auth::PasswordChangeInput;
    let caller = super::request_context::caller().await?;
    let input = PasswordChangeInput { current_password: Some(current_password), new_password: Some(new_password) };
    caller.board.change_password(&caller.member, input).await
}
