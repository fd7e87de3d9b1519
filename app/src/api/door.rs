//! What every server function needs from the request: the shared state, the caller and the client address.
//! (Error statuses are restored from the error itself by the server's `server_fn_responses` middleware.)

use crate::error::AppError;
use crate::model::Member;
use crate::service::AppState;
use axum::extract::ConnectInfo;
use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderValue};
use leptos::prelude::*;
use std::net::{IpAddr, SocketAddr};

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from the server-function context"))
}

/// The peer address; the server is always served with connection info.
pub async fn client_ip() -> Result<IpAddr, AppError> {
    let ConnectInfo(addr) = leptos_axum::extract::<ConnectInfo<SocketAddr>>().await.map_err(AppError::internal)?;
    Ok(addr.ip())
}

/// The shared state and the member behind the request's `Authorization` header (or 401): what every
/// members-only server function starts from.
pub async fn caller() -> Result<(AppState, Member), AppError> {
    let state = state()?;
    let headers = leptos_axum::extract::<HeaderMap>().await.map_err(AppError::internal)?;
    let member = state.authenticate(headers.get(AUTHORIZATION).map(HeaderValue::as_bytes)).await?;
    Ok((state, member))
}
