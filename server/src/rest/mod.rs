//! The REST door: JSON over HTTP for curl, scripts and other SPAs. Handlers are thin: extract, call the service,
//! let `AppError` become the response.

mod auth;
mod extract;
mod health;
mod posts;
mod users;

use crate::ServerState;
use app::error::error_body;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

pub use extract::{ClientIp, CurrentMember, JsonBody, QueryParams};

/// The REST routes. `cors_origins`: browser origins allowed to call them (FRONTEND_URL); see `browser_policy`.
pub fn router(cors_origins: &[String]) -> Router<ServerState> {
    let auth = Router::new()
        .route("/register", post(auth::register))
        .route("/login", post(auth::login))
        .route("/me", get(auth::me).patch(users::update_bio))
        .route("/refresh", post(auth::refresh))
        .route("/logout-all", post(auth::logout_all))
        .route("/password", axum::routing::patch(auth::change_password))
        // Tokens must never sit in a shared or browser cache.
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    let posts = Router::new()
        .route("/", get(posts::list).post(posts::create))
        .route("/{id}", get(posts::show).patch(posts::update).delete(posts::delete))
        .route("/{id}/upvote", post(posts::upvote).delete(posts::remove_upvote))
        .route("/{id}/comments", get(posts::list_comments).post(posts::add_comment))
        .route("/{id}/comments/{comment_id}", axum::routing::delete(posts::delete_comment));
    let users = Router::new().route("/{id}", get(users::show));
    let cors = crate::browser_policy::cors(cors_origins);
    let api = |router: Router<ServerState>| {
        let router = api_errors(router);
        match &cors {
            Some(cors) => router.layer(cors.clone()),
            None => router,
        }
    };
    Router::new()
        .nest("/auth", api(auth))
        .nest("/posts", api(posts))
        .nest("/users", api(users))
        .route("/healthz", get(health::healthz))
}

/// Under the API's paths, an unknown route or a wrong method is answered in the API's JSON, not as a web page.
fn api_errors(router: Router<ServerState>) -> Router<ServerState> {
    router
        .fallback(|| async { (StatusCode::NOT_FOUND, axum::Json(error_body("Not found"))).into_response() })
        .method_not_allowed_fallback(|| async {
            (StatusCode::METHOD_NOT_ALLOWED, axum::Json(error_body("Method not allowed"))).into_response()
        })
}
