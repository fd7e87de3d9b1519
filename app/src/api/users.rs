//! Profiles for the SPA: the same service calls as `GET /users/{id}` and `PATCH /auth/me`.

use super::BearerClient;
use crate::error::AppError;
use crate::model::users::Profile;
use leptos::prelude::*;
use server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "get_profile", client = BearerClient, input = Json)]
pub async fn get_profile(id: i64) -> Result<Profile, AppError> {
    let caller = super::request_context::caller().await?;
    caller.board.get_profile(&caller.member, id).await
}

#[server(prefix = "/api", endpoint = "update_bio", client = BearerClient, input = Json)]
pub async fn update_bio(bio: String) -> Result<Profile, AppError> {
    use crate::model::users::BioInput;
    let caller = super::request_context::caller().await?;
    caller.board.update_bio(&caller.member, &BioInput { bio: Some(bio) }).await
}
