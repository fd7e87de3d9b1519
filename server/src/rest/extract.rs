//! Extractors of the REST door. Each turns a request part into what a handler needs, or into the same JSON error
//! the rest of the API gives (axum's defaults answer in plain text).

use app::error::AppError;
use app::model::Member;
use app::security::ClientAddr;
use app::service::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use std::net::IpAddr;

/// The authenticated member: `Authorization: Bearer <token>` or 401.
pub struct CurrentMember(pub Member);

impl<S> FromRequestParts<S> for CurrentMember
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(header::AUTHORIZATION).map(|v| v.as_bytes());
        AppState::from_ref(state).authenticate(header).await.map(CurrentMember)
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
