//! What every server function needs from the request: the shared state, the caller and the client address.
//! (Error statuses are restored from the error itself by the server's `server_fn_responses` middleware.)

use crate::error::AppError;
use crate::model::Member;
use crate::security::ClientAddr;
use crate::service::Board;
use axum::Extension;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use leptos::prelude::*;
use std::net::IpAddr;

pub fn board() -> Result<Board, AppError> {
    use_context::<Board>().ok_or_else(|| AppError::internal("Board missing from the server-function context"))
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

/// The request's bearer token (see `bearer_token`).
pub async fn token() -> Result<Option<String>, AppError> {
    Ok(bearer_token(&headers().await?).map(str::to_owned))
}

/// The token of the request's `Authorization: Bearer <token>` header (the scheme in any case, per RFC 7235), if
/// there is one. Both doors read it here; tokens anywhere else (query string, cookies) are never looked at.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A request header that must be text (absent if it is not).
pub async fn header(name: &str) -> Result<Option<String>, AppError> {
    Ok(headers().await?.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned))
}

/// What every members-only server function starts from: the board and who is asking.
pub struct Caller {
    pub board: Board,
    pub member: Member,
}

/// The board and the member behind the request's bearer token (or 401).
pub async fn caller() -> Result<Caller, AppError> {
    let board = board()?;
    let member = board.authenticate(token().await?.as_deref()).await?;
    Ok(Caller { board, member })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_from_the_bearer_scheme_only() {
        let token = |value: &'static str| {
            let headers = HeaderMap::from_iter([(AUTHORIZATION, http::HeaderValue::from_static(value))]);
            bearer_token(&headers).map(str::to_owned)
        };
        assert_eq!(token("Bearer abc.def.ghi").as_deref(), Some("abc.def.ghi"));
        assert_eq!(token("bearer  abc").as_deref(), Some("abc"));
        assert_eq!(token("Basic dXNlcjpwYXNz"), None);
        assert_eq!(token("Bearer "), None);
        assert_eq!(token("Bearer"), None);
        assert_eq!(token("abc.def.ghi"), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }
}
