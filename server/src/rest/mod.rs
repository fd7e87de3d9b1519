//! The REST door: JSON over HTTP for curl, scripts and other SPAs. Handlers are thin: extract, call the service,
//! let `AppError` become the response.

mod auth;
mod extract;
mod health;
mod moderation;
mod passkeys;
mod posts;
mod users;

use crate::ServerState;
use app::error::error_body;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use extract::{
    ClientIp, CommentId, CurrentMember, JsonBody, OptionalJsonBody, PasskeyId, PostId, QueryParams, ReportId, UserId,
};

/// The REST routes and their OpenAPI document, built from the same handler list (`routes!` registers a
/// handler with the router and its `#[utoipa::path]` with the document). `cors_origins`: browser origins
/// allowed to call them (FRONTEND_URL); see `browser_policy`.
pub fn router(cors_origins: &[String]) -> (Router<ServerState>, utoipa::openapi::OpenApi) {
    let auth = OpenApiRouter::new()
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::me, users::update_bio))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::logout_all))
        .routes(routes!(auth::change_password))
        .routes(routes!(passkeys::start_registration, passkeys::finish_registration))
        .routes(routes!(passkeys::list))
        .routes(routes!(passkeys::rename, passkeys::remove))
        .routes(routes!(passkeys::start_login, passkeys::finish_login));
    let posts = OpenApiRouter::new()
        .routes(routes!(posts::list, posts::create))
        .routes(routes!(posts::show, posts::update, posts::delete))
        .routes(routes!(posts::upvote, posts::remove_upvote))
        .routes(routes!(posts::list_comments, posts::add_comment))
        .routes(routes!(posts::delete_comment))
        .routes(routes!(posts::report));
    let users = OpenApiRouter::new()
        .routes(routes!(users::show))
        .routes(routes!(users::change_role))
        .routes(routes!(users::suspend, users::lift_suspension));
    let moderation = OpenApiRouter::new()
        .routes(routes!(moderation::reports))
        .routes(routes!(moderation::resolve))
        .routes(routes!(moderation::log));
    let (health, health_doc) =
        OpenApiRouter::new().routes(routes!(health::healthz)).routes(routes!(health::readyz)).split_for_parts();

    let cors = crate::browser_policy::cors(cors_origins);
    let mut router = health;
    let mut document = health_doc;
    for (prefix, group) in [("/auth", auth), ("/posts", posts), ("/users", users), ("/moderation", moderation)] {
        let (group, group_doc) = group.split_for_parts();
        // Tokens and members' data must never sit in a shared or browser cache.
        let group = group
            .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
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

/// The REST door's path prefixes (besides `/healthz`, a route of its own).
const PREFIXES: [&str; 4] = ["/auth", "/posts", "/users", "/moderation"];

/// Under the API's paths, every error is answered in the API's JSON, not as a web page or an empty body: an
/// unknown route (`/auth/`, `/posts/1/x`, which would otherwise reach the SPA's HTML 404 page) or a wrong method
/// (axum's empty 405). Errors a handler produced are JSON already and pass untouched.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let on_api_path = PREFIXES
        .iter()
        .any(|prefix| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')));
    let response = next.run(request).await;
    let is_error = response.status().is_client_error() || response.status().is_server_error();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !on_api_path || !is_error || is_json {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let message = match parts.status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::METHOD_NOT_ALLOWED => "Method not allowed",
        other => other.canonical_reason().unwrap_or("Request failed"),
    };
    let mut answer = (parts.status, axum::Json(error_body(message))).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    // The page's own headers (its Content-Security-Policy) do not belong on JSON; `Allow` on a 405 does.
    parts.headers.remove(header::CONTENT_SECURITY_POLICY);
    answer.headers_mut().extend(parts.headers);
    answer
}
