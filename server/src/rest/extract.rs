//! Extractors of the REST door. Each turns a request part into what a handler needs, or into the same JSON error
//! the rest of the API gives (axum's defaults answer in plain text).

use app::error::AppError;
use app::model::Member;
use app::model::moderation::REPORT_NOT_FOUND;
use app::model::passkeys::PASSKEY_NOT_FOUND;
use app::model::posts::{COMMENT_NOT_FOUND, POST_NOT_FOUND, parse_id};
use app::model::users::USER_NOT_FOUND;
use app::security::ClientAddr;
use app::service::Board;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use std::net::IpAddr;
use utoipa::IntoParams;

/// The authenticated member: `Authorization: Bearer <token>` or 401.
pub struct CurrentMember(pub Member);

impl<S> FromRequestParts<S> for CurrentMember
where
    Board: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Board::from_ref(state).authenticate(app::api::bearer_token(&parts.headers)).await.map(CurrentMember)
    }
}

/// The client's address for per-client limits, as the server's proxy policy decided it (`client_addr.rs`).
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ClientAddr>()
            .map(|ClientAddr(ip)| ClientIp(*ip))
            .ok_or_else(|| AppError::internal("client address layer missing"))
    }
}

/// A JSON body, with every way it can be wrong answered as `{"error": ...}`.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// A JSON body that may be left out: an empty body (whatever the headers say), or the body `null`, gives
/// `T::default()`; any other body is read as `JsonBody` reads it (so without `application/json` it is a 415). For
/// `DELETE`s with an optional reason. Decided by the body itself, not by headers: a client may send
/// `Content-Type: application/json` with nothing, or (over HTTP/2) a body with neither type nor length.
pub struct OptionalJsonBody<T>(pub T);

impl<S, T> FromRequest<S> for OptionalJsonBody<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        // The body alone, with the request's extensions (its size limit); `parts` stay for the JSON reading.
        let mut body_only = Request::new(body);
        *body_only.extensions_mut() = parts.extensions.clone();
        let bytes = match Bytes::from_request(body_only, state).await {
            Ok(bytes) => bytes,
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                let message = app::error::error_body(crate::limits::PAYLOAD_TOO_LARGE);
                return Err((StatusCode::PAYLOAD_TOO_LARGE, axum::Json(message)).into_response());
            }
            Err(rejection) => {
                let message = app::error::error_body("Could not read the request body");
                return Err((rejection.status(), axum::Json(message)).into_response());
            }
        };
        if bytes.is_empty() {
            return Ok(OptionalJsonBody(T::default()));
        }
        let JsonBody(value) =
            JsonBody::<Option<T>>::from_request(Request::from_parts(parts, bytes.into()), state).await?;
        Ok(OptionalJsonBody(value.unwrap_or_default()))
    }
}

fn json_rejection(rejection: JsonRejection) -> Response {
    let (status, message) = match &rejection {
        JsonRejection::MissingJsonContentType(_) => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, app::error::messages::JSON_REQUIRED.to_owned())
        }
        JsonRejection::JsonSyntaxError(_) => (StatusCode::BAD_REQUEST, "Malformed JSON body".to_owned()),
        // axum says 422 for well-formed JSON of the wrong shape; to a client it is just a bad request.
        JsonRejection::JsonDataError(err) => {
            (StatusCode::BAD_REQUEST, format!("Invalid request body: {}", data_error_detail(&err.body_text())))
        }
        _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            (StatusCode::PAYLOAD_TOO_LARGE, crate::limits::PAYLOAD_TOO_LARGE.to_owned())
        }
        _ => (rejection.status(), "Could not read the request body".to_owned()),
    };
    (status, axum::Json(app::error::error_body(&message))).into_response()
}

/// serde's explanation without axum's preamble, e.g. "username: invalid type: integer `5`, expected a string".
fn data_error_detail(body_text: &str) -> &str {
    body_text.strip_prefix("Failed to deserialize the JSON body into the target type: ").unwrap_or(body_text)
}

/// Query-string parameters, with a malformed query answered as `{"error": ...}` (400).
pub struct QueryParams<T>(pub T);

impl<S, T> FromRequestParts<S> for QueryParams<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(QueryParams(value)),
            Err(rejection) => Err((
                StatusCode::BAD_REQUEST,
                axum::Json(app::error::error_body(&format!("Invalid query string: {}", rejection.body_text()))),
            )
                .into_response()),
        }
    }
}

/// The path parameter `name` as an id. An id not written as a positive integer (`0`, `+1`, `01`, `x`) names
/// nothing: 404 with `not_found`, exactly as for an id that does not exist.
async fn path_id<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
    name: &str,
    not_found: &'static str,
) -> Result<i64, AppError> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| AppError::internal("path id extractor used on a route without path parameters"))?;
    params
        .iter()
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| parse_id(value))
        .ok_or_else(|| AppError::NotFound(not_found.into()))
}

/// `{id}` in `/posts/{id}/…`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PostId {
    /// The post's id
    #[param(minimum = 1)]
    pub id: i64,
}

/// `{comment_id}` in `/posts/{id}/comments/{comment_id}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CommentId {
    /// The comment's id
    #[param(minimum = 1)]
    pub comment_id: i64,
}

/// `{id}` in `/moderation/reports/{id}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReportId {
    /// The report's id
    #[param(minimum = 1)]
    pub id: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for ReportId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(ReportId { id: path_id(parts, state, "id", REPORT_NOT_FOUND).await? })
    }
}

/// `{id}` in `/auth/passkeys/{id}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PasskeyId {
    /// The passkey's id
    #[param(minimum = 1)]
    pub id: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for PasskeyId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(PasskeyId { id: path_id(parts, state, "id", PASSKEY_NOT_FOUND).await? })
    }
}

/// `{id}` in `/users/{id}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UserId {
    /// The member's id
    #[param(minimum = 1)]
    pub id: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for PostId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(PostId { id: path_id(parts, state, "id", POST_NOT_FOUND).await? })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CommentId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(CommentId { comment_id: path_id(parts, state, "comment_id", COMMENT_NOT_FOUND).await? })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for UserId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(UserId { id: path_id(parts, state, "id", USER_NOT_FOUND).await? })
    }
}
