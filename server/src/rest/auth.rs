use super::{ClientIp, CurrentMember, JsonBody};
use crate::openapi::ErrorBody;
use crate::openapi::schemas::*;
use app::api::bearer_token;
use app::error::AppError;
use app::model::auth::{CredentialsInput, DEVICE_TOKEN_HEADER, PasswordChangeInput};
use app::model::{AuthToken, Member};
use app::service::Board;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

#[utoipa::path(post, path = "/register", tag = "auth", security(()), summary = "Create an account and sign in",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered; the token signs every later call", body = AuthToken),
        (status = 409, description = "Username already taken (regardless of case)", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn register(
    State(state): State<Board>,
    ClientIp(ip): ClientIp,
    JsonBody(input): JsonBody<CredentialsInput>,
) -> Result<(StatusCode, Json<AuthToken>), AppError> {
    Ok((StatusCode::CREATED, Json(state.register(ip, input).await?)))
}

#[utoipa::path(post, path = "/login", tag = "auth", security(()), summary = "Sign in",
    request_body = LoginRequest,
    params(("X-Device-Token" = Option<String>, Header, description = "The `deviceToken` of an earlier login or \
        registration by this client for this member: failed attempts then count against this device's own limit, \
        not the username's, so nobody can keep the member out by failing on purpose")),
    responses(
        (status = 200, description = "Signed in", body = AuthToken),
        (status = 401, description = "Invalid username or password", body = ErrorBody),
        (status = 403, description = "The right password of a suspended member: `{\"error\": \"Account suspended\", \
            \"until\": <RFC 3339, or null until lifted>}`", body = ErrorBody),
        (status = 429, description = "Too many failed attempts from this address, or for this username (from a \
            browser without a device token for it), or for this device", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn login(
    State(state): State<Board>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    JsonBody(input): JsonBody<CredentialsInput>,
) -> Result<Json<AuthToken>, AppError> {
    let device_token = headers.get(DEVICE_TOKEN_HEADER).and_then(|v| v.to_str().ok());
    Ok(Json(state.login(ip, device_token, input).await?))
}

#[utoipa::path(get, path = "/me", tag = "auth", summary = "Who the token belongs to",
    responses((status = 200, description = "The member", body = Member)))]
pub async fn me(CurrentMember(member): CurrentMember) -> Json<Member> {
    Json(member)
}

/// `POST /auth/refresh`: a fresh token for a still-valid one (the token is read here, not by `CurrentMember`,
/// because the service needs the token's own claims).
#[utoipa::path(post, path = "/refresh", tag = "auth", summary = "Trade a valid token for a fresh one",
    responses((status = 200, description = "A new token with a new expiry (the old one stays valid until it expires)",
        body = AuthToken)))]
pub async fn refresh(State(state): State<Board>, headers: HeaderMap) -> Result<Json<AuthToken>, AppError> {
    Ok(Json(state.refresh(bearer_token(&headers)).await?))
}

/// `POST /auth/logout`: this session ends on the server (the token is read here, not by `CurrentMember`,
/// because the service needs the token's session id).
#[utoipa::path(post, path = "/logout", tag = "auth", summary = "Log out (this session)",
    responses((status = 204, description = "This token, every copy of it and every token refreshed from it no longer \
        work (on every instance within 5 seconds); the member's other sessions are untouched")))]
pub async fn logout(State(state): State<Board>, headers: HeaderMap) -> Result<StatusCode, AppError> {
    state.logout(bearer_token(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /auth/logout-all`: every token of the caller stops working (this one too).
#[utoipa::path(post, path = "/logout-all", tag = "auth", summary = "Log out everywhere",
    responses((status = 204, description = "Every token of the member, this one included, no longer works")))]
pub async fn logout_all(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
) -> Result<StatusCode, AppError> {
    state.logout_all(&member).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PATCH /auth/password`: a new password, every older token revoked, and a fresh token for this client.
#[utoipa::path(patch, path = "/password", tag = "auth", summary = "Change the password",
    request_body = PasswordChangeRequest,
    responses(
        (status = 200, description = "Changed; every older token is revoked, use this new one", body = AuthToken),
        (status = 403, description = "Current password is incorrect", body = ErrorBody),
        (status = 409, description = "The new password equals the current one, or the password was changed by another \
            request meanwhile", body = ErrorBody),
        (status = 429, description = "Too many wrong current passwords for this member", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn change_password(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    JsonBody(input): JsonBody<PasswordChangeInput>,
) -> Result<Json<AuthToken>, AppError> {
    Ok(Json(state.change_password(&member, input).await?))
}
