//! The REST door: JSON over HTTP for curl, scripts and other SPAs. Handlers are thin: extract, call the service,
//! let `AppError` become the response.

mod auth;
mod extract;
mod health;

use crate::ServerState;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

pub use extract::{ClientIp, CurrentMember, JsonBody};

pub fn router() -> Router<ServerState> {
    let auth = Router::new()
        .route("/auth/register", post(auth::register))
        .route("/auth/login", post(auth::login))
        .route("/auth/me", get(auth::me))
        // Tokens must never sit in a shared or browser cache.
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    Router::new().merge(auth).route("/healthz", get(health::healthz))
}
