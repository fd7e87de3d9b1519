//! `bulletin [serve]`: command line and environment → configuration → listener → state → router → serve, with
//! graceful shutdown. `bulletin seed`, `backup`, `restore` and `admin` work on the database instead; `bulletin --help`
//! lists every setting.

use bulletin::config::{Cli, Command, Config, LogFormat};
use bulletin::readiness::{Phase, Readiness};
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    // --help, --version and a bad setting end here: clap prints them (help on stdout, errors on stderr, exit 2).
    let cli = Cli::parse_with(std::env::args_os(), |name| std::env::var(name).ok()).unwrap_or_else(|e| e.exit());
    let config = cli.settings.into_config().unwrap_or_else(|e| e.exit());
    match run(config, cli.command.unwrap_or_default()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("bulletin: {problem}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config, command: Command) -> Result<(), String> {
    let filter = EnvFilter::try_new(&config.log_filter).map_err(|e| format!("invalid RUST_LOG: {e}"))?;
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match config.log_format {
        LogFormat::Text => logs.init(),
        // The event's fields at the top level beside `level`, `target` and `timestamp`; the request's span (its
        // id, client and member) under `span`.
        LogFormat::Json => logs.json().flatten_event(true).with_current_span(true).with_span_list(false).init(),
    }
    match command {
        Command::Serve => serve(&config).await,
        Command::Seed(args) => bulletin::seed::run(&config, &args).await,
        Command::Backup(args) => bulletin::backup::run_backup(&config, &args.file).await,
        Command::Restore(args) => bulletin::backup::run_restore(&config, &args.file).await,
        Command::Admin(command) => bulletin::admin::run(&config, command).await,
    }
}

/// Listens first, answering "starting" (`/readyz` 503) while the database is opened and migrated, then serves
/// the board; on SIGTERM `/readyz` answers 503 for `SHUTDOWN_DELAY_SECONDS` before the listener closes.
async fn serve(config: &Config) -> Result<(), String> {
    let options = bulletin::leptos_options(config);
    bulletin::check_site(&options)?;
    let board = Arc::new(OnceLock::new());
    if let Some(addr) = config.metrics_addr {
        serve_metrics(addr, board.clone()).await?;
    }
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("cannot listen on LEPTOS_SITE_ADDR {}: {e}", config.site_addr))?;
    let readiness = Readiness::starting();
    let (routes, serving_routes) = tokio::sync::watch::channel(axum::Router::new());
    let starting = bulletin::starting_router(readiness.clone(), serving_routes.clone(), config.http.request_timeout);
    let _ = routes.send_replace(starting);
    let (policy, delay, draining) = (config.http.clone(), config.shutdown_delay, readiness.clone());
    let shutdown = async move {
        shutdown_signal().await;
        let was_ready = draining.phase() == Phase::Ready;
        draining.set(Phase::Draining);
        // Nothing to drain before start-up has finished; and a second signal cuts the delay short.
        if was_ready && !delay.is_zero() {
            tracing::info!(seconds = delay.as_secs(), "not ready (/readyz 503); still serving until the delay ends");
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = shutdown_signal() => {}
            }
        }
    };
    let mut serving =
        tokio::spawn(async move { bulletin::serve_routes(listener, serving_routes, &policy, shutdown).await });
    tracing::info!("Bulletin is listening on http://{}; opening the database", config.site_addr);
    tokio::select! {
        state = bulletin::build_state(config) => {
            let state = state?;
            let _ = board.set(state.clone());
            let _ = routes.send(bulletin::router(options, state, readiness.clone(), &config.http));
            readiness.set(Phase::Ready);
            tracing::info!("ready");
        }
        // SIGTERM during the migrations: stop there (each is a transaction, and sqlx's lock goes with the session).
        ended = &mut serving => return finished(ended),
    }
    finished(serving.await)
}

fn finished(ended: Result<std::io::Result<()>, tokio::task::JoinError>) -> Result<(), String> {
    ended.map_err(|e| format!("server task failed: {e}"))?.map_err(|e| format!("server error: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

/// The Prometheus endpoint, on its own listener with the public one's timers and a small connection cap of its own
/// (a scraper or two, never the descriptors the board needs); it runs until the process exits.
async fn serve_metrics(addr: std::net::SocketAddr, board: Arc<OnceLock<app::service::Board>>) -> Result<(), String> {
    let handle = bulletin::metrics::install()?;
    let listener =
        tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on METRICS_ADDR {addr}: {e}"))?;
    let router = bulletin::metrics::router(handle, board);
    tokio::spawn(async move {
        let policy = bulletin::config::HttpPolicy { max_connections: Some(16), ..Default::default() };
        if let Err(err) = bulletin::serve(listener, router, &policy, std::future::pending()).await {
            tracing::error!(error = %err, "the metrics listener stopped");
        }
    });
    tracing::info!("metrics at http://{addr}/metrics");
    Ok(())
}

/// Ctrl-C or SIGTERM (what service managers and `kill` send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
