//! What every server function needs from the request: the shared state, the caller and the client address.
//! (Error statuses are restored from the error itself by the server's `server_fn_responses` middleware.)

use crate::error::AppError;
use crate::model::Member;
use crate::security::ClientAddr;
use crate::service::AppState;
use axum::Extension;
use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderValue};
use leptos::prelude::*;
use std::net::IpAddr;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from the server-function context"))
}

/// The client's address, as the server's proxy policy decided it for this request.
pub async fn client_ip() -> Result<IpAddr, AppError> {
    let Extension(ClientAddr(ip)) =
        leptos_axum::extract::<Extension<ClientAddr>>().await.map_err(AppError::internal)?;
    Ok(ip)
}

async fn headers() -> Result<HeaderMap, AppError> {
    leptos_axum::extract::<HeaderMap>().await.map_err(AppError::internal)
}

/// The request's `Authorization` header, as the service's authentication takes it.
pub async fn authorization() -> Result<Option<Vec<u8>>, AppError> {
    Ok(headers().await?.get(AUTHORIZATION).map(HeaderValue::as_bytes).map(<[u8]>::to_vec))
}

/// A request header that must be text (absent if it is not).
pub async fn header(name: &str) -> Result<Option<String>, AppError> {
    Ok(headers().await?.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned))
}

/// The shared state and the member behind the request's `Authorization` header (or 401): what every
/// members-only server function starts from.
pub async fn caller() -> Result<(AppState, Member), AppError> {
    let state = state()?;
    let member = state.authenticate(authorization().await?.as_deref()).await?;
    Ok((state, member))
}
