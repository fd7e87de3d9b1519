//! The accept loop: HTTP/1 and HTTP/2 with a header read timeout, and a graceful drain on shutdown.
//!
//! `axum::serve` gives hyper no timer, which silently disables hyper's header read timeout: a client could open
//! connections and send headers a byte a minute, holding them forever. This loop configures the timer and the
//! timeout, and tells every connection to finish its in-flight requests when shutdown begins.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long shutdown waits, beyond the request deadline, for in-flight requests before giving up on them.
const DRAIN_MARGIN: Duration = Duration::from_secs(5);

/// Serves `router` until `shutdown` resolves, then stops accepting, lets in-flight requests finish (at most the
/// request deadline plus a margin) and returns. Each request carries its peer address as `ConnectInfo`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    request_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(request_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);

    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(err) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::error!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(move |request: axum::http::Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        });
        let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }

    drop(listener);
    tracing::info!("no longer accepting connections; finishing requests in flight");
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all requests finished"),
        () = tokio::time::sleep(request_timeout + DRAIN_MARGIN) => {
            tracing::warn!("requests still in flight after the drain period; closing them");
        }
    }
    Ok(())
}
