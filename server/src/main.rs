//! `bulletin [serve]`: command line and environment → configuration → state → router → serve, with graceful
//! shutdown. `bulletin seed` fills a database with demo data instead; `bulletin --help` lists every setting.

use bulletin::config::{Cli, Command, Config};
use std::process::ExitCode;
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
    tracing_subscriber::fmt().with_env_filter(filter).init();
    match command {
        Command::Serve => serve(&config).await,
        Command::Seed(args) => bulletin::seed::run(&config, &args).await,
    }
}

async fn serve(config: &Config) -> Result<(), String> {
    let options = bulletin::leptos_options(config);
    bulletin::check_site(&options)?;
    let state = bulletin::build_state(config).await?;
    let router = bulletin::router(options, state, &config.http);
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("cannot listen on LEPTOS_SITE_ADDR {}: {e}", config.site_addr))?;
    tracing::info!("Bulletin is listening on http://{}", config.site_addr);
    bulletin::serve(listener, router, &config.http, shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))?;
    tracing::info!("stopped");
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
