//! Register, log in and "who am I" for the SPA: the same service calls as `POST /auth/register`,
//! `POST /auth/login` and `GET /auth/me`.

use crate::client::BearerClient;
use crate::error::AppError;
use crate::model::{AuthSession, Member};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "register", client = BearerClient)]
pub async fn register(username: String, password: String) -> Result<AuthSession, AppError> {
    use super::door::{client_ip, state};
    use crate::model::auth::CredentialsInput;
    let input = CredentialsInput { username: Some(username), password: Some(password) };
    state()?.register(client_ip().await?, input).await
}

#[server(prefix = "/api", endpoint = "login", client = BearerClient)]
pub async fn login(username: String, password: String) -> Result<AuthSession, AppError> {
    use super::door::{client_ip, state};
    use crate::model::auth::CredentialsInput;
    let input = CredentialsInput { username: Some(username), password: Some(password) };
    state()?.login(client_ip().await?, input).await
}

#[server(prefix = "/api", endpoint = "me", client = BearerClient)]
pub async fn me() -> Result<Member, AppError> {
    super::door::caller().await.map(|(_, member)| member)
}
