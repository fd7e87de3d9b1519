//! `/auth/passkeys`: adding, listing, renaming and removing passkeys, and signing in with one.

use super::{ClientIp, CurrentMember, JsonBody, OptionalJsonBody, PasskeyId};
use crate::openapi::ErrorBody;
use crate::openapi::passkeys::*;
use app::api::bearer_token;
use app::error::AppError;
use app::model::AuthToken;
use app::model::passkeys::{
    CeremonyOptions, PasskeyLoginInput, PasskeyLoginStart, PasskeyNameInput, PasskeyRegistrationInput, PasskeySummary,
};
use app::service::Board;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

/// `POST /auth/passkeys/registration` (the token is read here, not by `CurrentMember`: the service needs its
/// `auth_time`).
#[utoipa::path(post, path = "/passkeys/registration", tag = "auth", summary = "Start adding a passkey",
    description = "Options for the browser's `navigator.credentials.create()`. Needs a token whose password or \
                   passkey proof is at most 10 minutes old (`auth_time`): a stolen token cannot add a passkey.",
    responses(
        (status = 200, description = "The creation options and the ceremony's id", body = CeremonyOptionsBody),
        (status = 403, description = "The sign-in behind this token is older than 10 minutes: sign in again",
            body = ErrorBody),
        (status = 409, description = "The member has the most passkeys allowed (20)", body = ErrorBody),
    ))]
pub async fn start_registration(
    State(state): State<Board>,
    headers: HeaderMap,
) -> Result<Json<CeremonyOptions>, AppError> {
    Ok(Json(state.start_passkey_registration(bearer_token(&headers)).await?))
}

#[utoipa::path(put, path = "/passkeys/registration", tag = "auth", summary = "Finish adding a passkey",
    request_body = PasskeyRegistrationRequest,
    responses(
        (status = 201, description = "Added", body = PasskeySummary),
        (status = 403, description = "The sign-in behind this token is older than 10 minutes: sign in again",
            body = ErrorBody),
        (status = 400, description = "A credential that does not verify; a bad name", body = ErrorBody),
        (status = 404, description = "No such registration in progress: unknown, expired (5 minutes) or finished \
            already", body = ErrorBody),
        (status = 409, description = "This passkey is registered already, or the member has the most allowed",
            body = ErrorBody),
    ))]
pub async fn finish_registration(
    State(state): State<Board>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<PasskeyRegistrationInput>,
) -> Result<(StatusCode, Json<PasskeySummary>), AppError> {
    Ok((StatusCode::CREATED, Json(state.finish_passkey_registration(bearer_token(&headers), input).await?)))
}

#[utoipa::path(get, path = "/passkeys", tag = "auth", summary = "Your passkeys",
    responses((status = 200, description = "The caller's passkeys, oldest first", body = Vec<PasskeySummary>)))]
pub async fn list(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
) -> Result<Json<Vec<PasskeySummary>>, AppError> {
    Ok(Json(state.list_passkeys(&member).await?))
}

#[utoipa::path(patch, path = "/passkeys/{id}", tag = "auth", summary = "Rename a passkey",
    params(PasskeyId), request_body = PasskeyNameRequest,
    responses(
        (status = 200, description = "Renamed", body = PasskeySummary),
        (status = 403, description = "Another member's passkey", body = ErrorBody),
        (status = 404, description = "Passkey not found", body = ErrorBody),
    ))]
pub async fn rename(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    PasskeyId { id }: PasskeyId,
    JsonBody(input): JsonBody<PasskeyNameInput>,
) -> Result<Json<PasskeySummary>, AppError> {
    Ok(Json(state.rename_passkey(&member, id, input).await?))
}

#[utoipa::path(delete, path = "/passkeys/{id}", tag = "auth", summary = "Remove a passkey",
    params(PasskeyId),
    responses(
        (status = 204, description = "Removed: it no longer signs anyone in"),
        (status = 403, description = "Another member's passkey", body = ErrorBody),
        (status = 404, description = "Passkey not found", body = ErrorBody),
    ))]
pub async fn remove(
    State(state): State<Board>,
    CurrentMember(member): CurrentMember,
    PasskeyId { id }: PasskeyId,
) -> Result<StatusCode, AppError> {
    state.remove_passkey(&member, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/passkeys/login", tag = "auth", security(()), summary = "Start signing in with a passkey",
    description = "Options for the browser's `navigator.credentials.get()`. With a username they list that member's \
                   passkeys (a name without any, known or not, gets options that look the same); without one, the \
                   browser offers the passkeys it holds for this site. Counted against the address like a login.",
    request_body(content = Option<PasskeyLoginStartRequest>, description = "May be left out"),
    responses(
        (status = 200, description = "The request options and the ceremony's id", body = CeremonyOptionsBody),
        (status = 429, description = "Too many passkey sign-ins started, failed logins or sign-ins from this address",
            body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "The database cannot serve, or the most passkey sign-ins allowed (20,000) are \
            open at once", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn start_login(
    State(state): State<Board>,
    ClientIp(ip): ClientIp,
    OptionalJsonBody(input): OptionalJsonBody<PasskeyLoginStart>,
) -> Result<Json<CeremonyOptions>, AppError> {
    Ok(Json(state.start_passkey_login(ip, input).await?))
}

#[utoipa::path(put, path = "/passkeys/login", tag = "auth", security(()), summary = "Sign in with a passkey",
    request_body = PasskeyLoginRequest,
    responses(
        (status = 200, description = "Signed in: the same token a password login gives", body = AuthToken),
        (status = 401, description = "Unknown, expired or used ceremony; a passkey that is not registered, not the \
            named member's, or does not verify (a signature counter that went back: a cloned authenticator)",
            body = ErrorBody),
        (status = 403, description = "A suspended member: `{\"error\": \"Account suspended\", \"until\": …}`",
            body = ErrorBody),
        (status = 429, description = "Too many sign-ins from this address", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn finish_login(
    State(state): State<Board>,
    ClientIp(ip): ClientIp,
    JsonBody(input): JsonBody<PasskeyLoginInput>,
) -> Result<Json<AuthToken>, AppError> {
    Ok(Json(state.finish_passkey_login(ip, input).await?))
}
