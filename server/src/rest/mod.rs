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
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use extract::{ClientIp, CurrentMember, JsonBody, QueryParams};

/// The REST routes and their OpenAPI document, built from the same handler list (`routes!` registers a
/// handler with the router and its `#[utoipa::path]` with the document). `cors_origins`: browser origins
/// allowed to call them (FRONTEND_URL); see `browser_policy`.
pub fn router(cors_origins: &[String]) -> (Router<ServerState>, utoipa::openapi::OpenApi) {
    let auth = OpenApiRouter::new()
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::me, users::update_bio))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout_all))
        .routes(routes!(auth::change_password))
        // Tokens must never sit in a shared or browser cache.
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    let posts = OpenApiRouter::new()
        .routes(routes!(posts::list, posts::create))
        .routes(routes!(posts::show, posts::update, posts::delete))
        .routes(routes!(posts::upvote, posts::remove_upvote))
        .routes(routes!(posts::list_comments, posts::add_comment))
        .routes(routes!(posts::delete_comment));
    let users = OpenApiRouter::new().routes(routes!(users::show));
    let (health, health_doc) = OpenApiRouter::new().routes(routes!(health::healthz)).split_for_parts();

    let cors = crate::browser_policy::cors(cors_origins);
    let mut router = health;
    let mut document = health_doc;
    for (prefix, group) in [("/auth", auth), ("/posts", posts), ("/users", users)] {
        let (group, group_doc) = group.split_for_parts();
        let group = api_errors(group);
        let group = match &cors {
            Some(cors) => group.layer(cors.clone()),
            None => group,
        };
        router = router.nest(prefix, group);
        // axum serves a nested "/" at the prefix itself ("/posts"), and so does the document.
        document = document.nest_with_path_composer(prefix, group_doc, |base, path| match path {
            "/" => base.to_owned(),
            path => format!("{base}{path}"),
        });
    }
    (router, crate::openapi::document(document))
}

/// Under the API's paths, an unknown route or a wrong method is answered in the API's JSON, not as a web page.
fn api_errors(router: Router<ServerState>) -> Router<ServerState> {
    router
        .fallback(|| async { (StatusCode::NOT_FOUND, axum::Json(error_body("Not found"))).into_response() })
        .method_not_allowed_fallback(|| async {
            (StatusCode::METHOD_NOT_ALLOWED, axum::Json(error_body("Method not allowed"))).into_response()
        })
}
