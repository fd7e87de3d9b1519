//! `bulletin`: configuration → state → router → serve, with graceful shutdown.

use bulletin::config::Config;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("bulletin: {problem}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    let filter = EnvFilter::try_new(&config.log_filter).map_err(|e| format!("invalid RUST_LOG: {e}"))?;
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => {}
        Some("seed") => return bulletin::seed::run(&config, &args[1..]).await,
        Some(other) => return Err(format!("unknown command {other:?} (usage: bulletin [seed --help])")),
    }

    let state = bulletin::build_state(&config).await?;
    let router = bulletin::router(bulletin::leptos_options(&config), state, &config.http);
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
