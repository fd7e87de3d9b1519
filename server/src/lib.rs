//! The Bulletin server: configuration, the router that joins both doors, and serving.

pub mod admin;
mod api_docs;
mod audit;
pub mod backup;
mod browser_policy;
pub mod client_addr;
pub mod config;
mod connections;
pub mod layers;
pub mod limits;
pub mod metrics;
pub mod openapi;
mod read_after;
pub mod readiness;
pub mod rest;
mod same_origin;
mod secret;
pub mod seed;
mod serve;
mod server_fn_responses;
pub mod site_files;

use app::security::{
    AttemptLimiter, DeviceKeys, MEMBER_TOKENS_TTL, MemberTokensCache, PasswordHasher, RelyingParty, TokenKeys,
    WriteLimiters,
};
use app::service::Board;
use app::store::Db;
use axum::Router;
use axum::extract::FromRef;
use config::{Config, HttpPolicy};
use leptos::config::{LeptosOptions, get_configuration};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use readiness::Readiness;
use tokio::net::TcpListener;

/// What axum hands to handlers: Leptos' options for rendering, and the service state for the rules (each
/// extractable on its own: `State<Board>`).
#[derive(Clone, FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: Board,
    pub readiness: Readiness,
}

/// Builds the service state from configuration: opens and migrates the database, loads the secret.
pub async fn build_state(config: &Config) -> Result<Board, String> {
    let secret = secret::jwt_secret(config)?;
    let tokens =
        TokenKeys::new(secret.as_bytes(), config.jwt_ttl_seconds).map_err(|e| format!("invalid JWT_SECRET: {e}"))?;
    let db =
        Db::connect(&config.database_url, config.db).await.map_err(|e| format!("cannot open DATABASE_URL: {e}"))?;
    let db = db
        .with_replicas(&config.replicas, config.db.max_connections)
        .map_err(|e| format!("invalid DATABASE_REPLICA_URLS: {e}"))?;
    let passwords = PasswordHasher::new(config.bcrypt_cost);
    if let Some(cost) = app::store::users::highest_password_cost(&db).await.map_err(|e| e.to_string())? {
        passwords.expect_stored_cost(cost);
    }
    let warming = passwords.clone();
    tokio::spawn(async move {
        app::security::common_passwords::warm_up();
        if let Err(err) = warming.warm_up().await {
            tracing::warn!(error = %err, "could not prepare the decoy password hash; the first unknown-name login will");
        }
    });
    Ok(Board {
        passwords,
        tokens,
        auth_attempts: AttemptLimiter::on(&db, "auth", config.auth_rate_limit),
        login_successes: AttemptLimiter::on(&db, "login_successes", config.login_success_limit),
        login_failures: AttemptLimiter::on(&db, "login_failures", config.login_failure_limit),
        passkey_starts: AttemptLimiter::on(&db, "passkey_starts", config.passkey_start_limit),
        devices: DeviceKeys::new(secret.as_bytes()),
        write_limits: WriteLimiters::on(&db, config.write_limits),
        member_tokens: MemberTokensCache::new(MEMBER_TOKENS_TTL),
        session_max_seconds: config.session_max_seconds,
        passkeys: RelyingParty::new(&config.public_url, secret.as_bytes())?,
        db, // last: the limiters above were made on it
    })
}

/// Leptos' settings: from cargo-leptos' environment when it runs us, otherwise the defaults of the repository
/// layout (site in `target/site`), so the binary runs from the repository root with no Leptos variables.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let built_by_cargo_leptos =
        option_env!("LEPTOS_OUTPUT_NAME").is_some() || std::env::var_os("LEPTOS_OUTPUT_NAME").is_some();
    let mut options = built_by_cargo_leptos
        .then(|| get_configuration(None).ok())
        .flatten()
        .map(|conf| conf.leptos_options)
        .unwrap_or_else(|| LeptosOptions::builder().output_name("bulletin").build());
    options.site_addr = config.site_addr;
    options
}

/// A release build names the app's files by content hash (listed in `hash.txt` beside the binary). If the files
/// those names point to are not in the site directory, every page would load no app while the server looked
/// healthy; it refuses to start instead. Builds without hashes (tests, `cargo build`) are not checked.
pub fn check_site(options: &LeptosOptions) -> Result<(), String> {
    use app::hydration_scripts::AssetNames;
    if !AssetNames::built_with_hashes() {
        return Ok(());
    }
    let names = AssetNames::of_this_build(options);
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let missing: Vec<&str> = [&names.js, &names.wasm, &names.css]
        .into_iter()
        .filter(|name| !dir.join(name).is_file())
        .map(|n| n.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the browser app's files are missing from {}: {} (build them with `make build`, start from the repository \
         root, and keep target/release/hash.txt beside the binary)",
        dir.display(),
        missing.join(", ")
    ))
}

/// The whole application: pages, server functions, the REST API and static assets, behind the HTTP layers.
pub fn router(leptos_options: LeptosOptions, app: Board, readiness: Readiness, policy: &HttpPolicy) -> Router {
    let state = ServerState { leptos_options, app, readiness };
    let routes = generate_route_list(app::App);
    let context_state = state.app.clone();
    // Every rendered page (the 404 page too): the service state for server functions run during rendering, and
    // the page's Content-Security-Policy with the nonce Leptos put on its scripts.
    let page_context = move || {
        provide_context(context_state.clone());
        browser_policy::set_page_policy();
    };
    let shell_options = state.leptos_options.clone();
    let (rest, document) = rest::router(&policy.cors_origins);
    let site_files =
        site_files::router(std::path::Path::new(&*state.leptos_options.site_root), &state.leptos_options.site_pkg_dir);
    let router = Router::new()
        .merge(rest)
        .merge(site_files)
        .merge(api_docs::router(document))
        .leptos_routes_with_context(&state, routes, page_context.clone(), move || app::shell(shell_options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(page_context, app::shell))
        .with_state(state)
        .layer(axum::middleware::from_fn(rest::json_errors));
    // Only on requests that matched a route: it names the route's template for the request metrics.
    let router =
        if metrics::enabled() { router.route_layer(axum::middleware::from_fn(metrics::name_route)) } else { router };
    layers::with_layers(router, policy)
}

/// What answers while the database is opened and migrated. The probes are answered at once (`/readyz`: 503
/// `starting`; `/healthz`: 503, nothing is healthy before the database answers). Any other request waits for the
/// board, at most `wait`, and is then handed to it: a request that arrives during a restart is late, not refused.
/// One that outwaits start-up, or arrives once shutdown has begun, is answered 503 (`AppError::Unavailable`).
pub fn starting_router(
    readiness: Readiness,
    routes: tokio::sync::watch::Receiver<Router>,
    wait: std::time::Duration,
) -> Router {
    use app::error::AppError;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use readiness::Phase;
    use tower::ServiceExt;
    let probe_readiness = readiness.clone();
    let readyz = move || {
        let status = probe_readiness.phase().as_str();
        async move { (StatusCode::SERVICE_UNAVAILABLE, axum::Json(openapi::schemas::Ready { status })) }
    };
    // The board's own 503 (with Retry-After), as every other "not now" of Bulletin is answered.
    let healthz = || async { AppError::Unavailable.into_response() };
    let held = move |request: axum::extract::Request| {
        let (readiness, routes) = (readiness.clone(), routes.clone());
        async move {
            match readiness.started(wait).await {
                Phase::Ready => {
                    let board = routes.borrow().clone();
                    board.oneshot(request).await.unwrap_or_else(|never| match never {})
                }
                Phase::Starting | Phase::Draining => AppError::Unavailable.into_response(),
            }
        }
    };
    Router::new()
        .route("/readyz", axum::routing::get(readyz))
        .route("/healthz", axum::routing::get(healthz))
        .fallback(held)
}

/// Serves `router` until `shutdown` resolves, then finishes requests in flight (see `serve.rs`).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    policy: &HttpPolicy,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve::serve(listener, tokio::sync::watch::channel(router).1, policy, shutdown).await
}

/// Serves whichever router `routes` holds at each request (see `starting_router`), until `shutdown` resolves.
pub async fn serve_routes(
    listener: TcpListener,
    routes: tokio::sync::watch::Receiver<Router>,
    policy: &HttpPolicy,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve::serve(listener, routes, policy, shutdown).await
}
