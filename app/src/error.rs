//! The one error type of Bulletin. Every rule violation, from either door, is one of these; it is mapped to an HTTP
//! status and a user-facing message exactly once (here), and it crosses the server-function boundary as JSON so the
//! browser sees the same variant the service produced.
//!
//! The data layer (`store/errors.rs`) decides which of these a database failure becomes: only it knows the
//! drivers' error codes.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "WireError", from = "WireError")]
pub enum AppError {
    /// No credentials, or credentials that do not prove an identity (HTTP 401).
    #[error("{0}")]
    Unauthorized(String),
    /// A known member asking for something that is not theirs (HTTP 403).
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// Input that breaks a shared validation rule (HTTP 400).
    #[error("{0}")]
    Validation(String),
    /// A suspended member (`{"error": "Account suspended", "until": ...}`; `until`: `None` until lifted). At login
    /// with the right password: 403, known but not allowed. With a token the suspension revoked (`signed_out`):
    /// 401, like any revoked token, so clients sign out, but saying why and until when.
    #[error("Account suspended")]
    Suspended { until: Option<String>, signed_out: bool },
    /// Too many attempts from one client; retry after this many seconds (HTTP 429).
    #[error("Too many attempts, try again in {}", wait_text(*.0))]
    RateLimited(u64),
    /// A dependency (the database) cannot serve right now (HTTP 503).
    #[error("Service temporarily unavailable, try again shortly")]
    Unavailable,
    /// Anything unexpected. The details are logged on the server and never sent (HTTP 500).
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

/// How an error travels from a server function to the browser: the same `error` field as the REST body, plus the
/// status so the browser can rebuild the variant without parsing text.
#[derive(Serialize, Deserialize)]
struct WireError {
    error: String,
    status: u16,
    #[serde(default, rename = "retryAfter", skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
    /// Only on a suspension's refusal: its end (`null` until lifted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    suspended: Option<SuspendedWire>,
}

#[derive(Serialize, Deserialize)]
struct SuspendedWire {
    until: Option<String>,
}

impl From<AppError> for WireError {
    fn from(err: AppError) -> Self {
        let retry_after = match err {
            AppError::RateLimited(secs) => Some(secs),
            _ => None,
        };
        let suspended = match &err {
            AppError::Suspended { until, .. } => Some(SuspendedWire { until: until.clone() }),
            _ => None,
        };
        WireError { error: err.to_string(), status: err.status(), retry_after, suspended }
    }
}

impl From<WireError> for AppError {
    fn from(wire: WireError) -> Self {
        if let Some(SuspendedWire { until }) = wire.suspended {
            return AppError::Suspended { until, signed_out: wire.status == 401 };
        }
        match wire.status {
            401 => AppError::Unauthorized(wire.error),
            403 => AppError::Forbidden(wire.error),
            404 => AppError::NotFound(wire.error),
            409 => AppError::Conflict(wire.error),
            429 => AppError::RateLimited(wire.retry_after.unwrap_or(60)),
            503 => AppError::Unavailable,
            400..=499 => AppError::Validation(wire.error),
            _ => AppError::Internal,
        }
    }
}

/// A wait as people say it, rounded up so that trying again after it works: "40 seconds", "1 minute",
/// "4 minutes", "2 hours".
pub fn wait_text(seconds: u64) -> String {
    let (amount, unit) = match seconds {
        0..=59 => (seconds.max(1), "second"),
        60..=3599 => (seconds.div_ceil(60), "minute"),
        _ => (seconds.div_ceil(3600), "hour"),
    };
    format!("{amount} {unit}{}", if amount == 1 { "" } else { "s" })
}

/// "Your account is suspended until 2026-12-01 18:00 UTC." (or "until a moderator lifts it").
pub fn suspension_text(until: Option<&str>) -> String {
    match until {
        Some(until) => format!("Your account is suspended until {}.", crate::model::time::exact_time(until)),
        None => "Your account is suspended until a moderator lifts the suspension.".to_owned(),
    }
}

/// The response header that tells the browser why its token stopped working when a suspension ended it (the
/// browser's transport sees headers before the body is decoded): the suspension's end, or `none`.
pub const SUSPENDED_UNTIL_HEADER: &str = "bulletin-suspended-until";

/// Messages that both doors and the browser agree on.
pub mod messages {
    pub const TOKEN_REQUIRED: &str = "Authorization token required";
    pub const TOKEN_INVALID: &str = "Invalid or expired token";
    pub const BAD_CREDENTIALS: &str = "Invalid username or password";
    pub const USERNAME_TAKEN: &str = "Username already taken";
    pub const CURRENT_PASSWORD_WRONG: &str = "Current password is incorrect";
    pub const PASSWORD_CHANGED_MEANWHILE: &str = "Your password was changed meanwhile. Please try again.";
    pub const SESSION_TOO_OLD: &str = "Your session is too old to renew. Please log in again.";
    pub const SESSION_EXPIRED: &str = "Your session has expired. Please log in again.";
    pub const LOGGED_OUT: &str = "You are logged out. This session no longer works anywhere, copies of it included.";
    pub const LOGGED_OUT_HERE_ONLY: &str = "You are logged out in this browser, but the server could not be reached to \
        end the session: a copy of it keeps working until it expires (within the hour). If that worries you, log in \
        and use \"Log out everywhere\" on your profile.";
    pub const JSON_REQUIRED: &str = "Expected a JSON body (Content-Type: application/json)";
    pub const NETWORK: &str = "Could not reach the server. Check your connection and try again.";
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::Suspended { signed_out: true, .. } => 401,
            AppError::Suspended { signed_out: false, .. } => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::Validation(_) => 400,
            AppError::RateLimited(_) => 429,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
        }
    }

    /// What the app shows people: the message, except that a suspension says until when.
    pub fn user_message(&self) -> String {
        match self {
            AppError::Suspended { until, .. } => suspension_text(until.as_deref()),
            other => other.to_string(),
        }
    }

    pub fn token_required() -> Self {
        AppError::Unauthorized(messages::TOKEN_REQUIRED.into())
    }

    pub fn token_invalid() -> Self {
        AppError::Unauthorized(messages::TOKEN_INVALID.into())
    }
}

/// The JSON shape of every REST error: `{"error": "<message>"}`.
pub fn error_body(message: &str) -> serde_json::Value {
    serde_json::json!({ "error": message })
}

/// The server-function shape of an error the server answered before (or instead of) a server function — a
/// 413, 408, 404 or 405 — with its own status: the REST body plus `status` (and `retryAfter`), which is what
/// the browser decodes into an `AppError`.
pub fn wire_body(status: u16, message: &str, retry_after: Option<u64>) -> serde_json::Value {
    serde_json::to_value(WireError { error: message.to_owned(), status, retry_after, suspended: None })
        .unwrap_or_else(|_| error_body(message))
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Transport-level failures: a request that never reached the server is a network problem for the user;
    /// anything else (a body the server could not decode, a missing function) is a bad request.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::Validation(messages::NETWORK.into()),
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) => {
                AppError::Validation(format!("Invalid request: {msg}"))
            }
            ServerFnErrorErr::MissingArg(arg) => AppError::Validation(format!("Missing required fields: {arg}")),
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
mod http_mapping {
    use super::AppError;
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::{IntoResponse, Response};

    impl AppError {
        /// Logs the real cause of an unexpected failure and returns the opaque `Internal` error that is sent.
        pub fn internal(cause: impl std::fmt::Display) -> Self {
            tracing::error!(%cause, "internal error");
            AppError::Internal
        }

        pub fn status_code(&self) -> StatusCode {
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        }

        /// Headers that belong to the status: the auth challenge on 401, the wait on 429 and 503.
        pub fn headers(&self) -> Vec<(header::HeaderName, HeaderValue)> {
            match self {
                AppError::Unauthorized(_) => vec![(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
                AppError::Suspended { until, signed_out: true } => {
                    let until = until.as_deref().and_then(|u| HeaderValue::from_str(u).ok());
                    vec![
                        (header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")),
                        (
                            header::HeaderName::from_static(super::SUSPENDED_UNTIL_HEADER),
                            until.unwrap_or(HeaderValue::from_static("none")),
                        ),
                    ]
                }
                AppError::RateLimited(secs) => vec![(header::RETRY_AFTER, HeaderValue::from(*secs))],
                AppError::Unavailable => vec![(header::RETRY_AFTER, HeaderValue::from_static("5"))],
                _ => Vec::new(),
            }
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let mut body = super::error_body(&self.to_string());
            if let AppError::Suspended { until, .. } = &self {
                body["until"] = serde_json::json!(until);
            }
            let mut response = (self.status_code(), axum::Json(body)).into_response();
            response.headers_mut().extend(self.headers());
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{AppError, wait_text};

    #[test]
    fn waits_are_said_in_the_largest_unit_rounded_up() {
        let said: Vec<String> = [0, 1, 40, 60, 61, 240, 3599, 3600, 3601].into_iter().map(wait_text).collect();
        let expected = [
            "1 second",
            "1 second",
            "40 seconds",
            "1 minute",
            "2 minutes",
            "4 minutes",
            "60 minutes",
            "1 hour",
            "2 hours",
        ];
        assert_eq!(said, expected);
        assert_eq!(AppError::RateLimited(240).to_string(), "Too many attempts, try again in 4 minutes");
    }

    #[test]
    fn a_suspension_crosses_the_wire_with_its_end_and_its_status() {
        for signed_out in [false, true] {
            let err = AppError::Suspended { until: Some("2026-12-01T00:00:00.000Z".into()), signed_out };
            let wire = serde_json::to_value(&err).unwrap();
            assert_eq!(wire["status"], if signed_out { 401 } else { 403 });
            assert_eq!(serde_json::from_value::<AppError>(wire).unwrap(), err);
        }
        let forever = AppError::Suspended { until: None, signed_out: false };
        assert_eq!(serde_json::from_value::<AppError>(serde_json::to_value(&forever).unwrap()).unwrap(), forever);
    }
}
