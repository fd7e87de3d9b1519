//! The REST API's OpenAPI 3.1 document, generated from the code: every handler carries its own
//! `#[utoipa::path]` annotation, and the REST router is built from those same handlers through
//! `utoipa_axum::routes!` (see `rest/mod.rs`), so a route cannot be served without being documented.
//!
//! Error answers are the same `{"error": "..."}` everywhere; which statuses an operation can give follows from
//! what it does, and `StandardErrors` adds the ones every operation of a kind shares, in one place.

pub mod moderation;
pub mod passkeys;
pub mod schemas;

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, OpenApi, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi as _, PartialSchema, ToSchema};

/// Every error body.
#[derive(serde::Serialize, ToSchema)]
#[schema(example = json!({"error": "Post not found"}))]
pub struct ErrorBody {
    /// What went wrong, in words meant for people.
    pub error: String,
}

/// The document's fixed parts; `rest::router` adds the paths.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Bulletin",
        description = "A members' bulletin board. Register or log in to get a bearer token, then send it as \
                       `Authorization: Bearer <token>` with every other call. Tokens live one hour; \
                       `POST /auth/refresh` trades a valid one for a fresh one.",
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(ErrorBody)),
    tags(
        (name = "auth", description = "Accounts, tokens and sessions"),
        (name = "posts", description = "The feed, posts, upvotes and comments"),
        (name = "users", description = "Member profiles, roles and suspensions"),
        (name = "moderation", description = "The report queue and the moderation log (moderators and admins)"),
        (name = "health", description = "Liveness of the service and its database"),
    ),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = Http::builder().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build();
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

fn error(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(ErrorBody::schema())).build())
        .build()
        .into()
}

fn error_with_retry_after(description: &str) -> RefOr<Response> {
    let retry_after = HeaderBuilder::new()
        .schema(Some(<u64 as PartialSchema>::schema()))
        .description(Some("Seconds to wait before trying again"))
        .build();
    ResponseBuilder::new()
        .description(description)
        .header("Retry-After", retry_after)
        .content("application/json", ContentBuilder::new().schema(Some(ErrorBody::schema())).build())
        .build()
        .into()
}

fn add(operation: &mut Operation, status: &str, response: RefOr<Response>) {
    operation.responses.responses.entry(status.to_owned()).or_insert(response);
}

/// The error answers every operation of a kind can give, whatever its handler does.
pub struct StandardErrors;

impl Modify for StandardErrors {
    fn modify(&self, openapi: &mut OpenApi) {
        let global_security = openapi.security.clone().unwrap_or_default();
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
            for operation in operations.into_iter().flatten() {
                let security = operation.security.as_ref().unwrap_or(&global_security);
                let needs_token = security.iter().any(|requirement| requirement != &Default::default());
                if needs_token {
                    add(operation, "401", error("No token, or an invalid, expired or revoked one"));
                }
                if operation.request_body.is_some() {
                    add(operation, "400", error("The body breaks a validation rule, or is not the JSON expected"));
                    add(operation, "413", error("The body is larger than 64 KiB"));
                    add(operation, "415", error("The body is not sent as application/json"));
                }
                add(operation, "408", error("The request took longer than the server's deadline"));
                add(
                    operation,
                    "503",
                    error_with_retry_after(
                        "The database cannot serve right now; for a search, also: every search connection and queue place is taken",
                    ),
                );
            }
        }
    }
}

/// The finished document for the given paths.
pub fn document(paths: OpenApi) -> OpenApi {
    let mut openapi = ApiDoc::openapi().merge_from(paths);
    openapi.info.version = env!("CARGO_PKG_VERSION").to_owned();
    StandardErrors.modify(&mut openapi);
    openapi
}
