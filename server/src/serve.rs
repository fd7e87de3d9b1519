//! The accept loop: HTTP/1 and HTTP/2 with connection-level limits, and a graceful drain on shutdown.
//!
//! `axum::serve` gives hyper no timer, which silently disables hyper's header read timeout, and no timeout of any
//! kind covers a connection that never sends a byte: it waits forever for the bytes that tell HTTP/1 from
//! HTTP/2. This loop sets the timers, closes idle connections after a deadline, caps how many are open (see
//! `connections.rs`), and tells every connection to finish its in-flight requests when shutdown begins.

use crate::config::HttpPolicy;
use crate::connections::{Connections, IdleDeadlines, TrackedBody};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

/// How long shutdown waits, beyond the request deadline, for in-flight requests before giving up on them.
const DRAIN_MARGIN: Duration = Duration::from_secs(5);
/// File descriptors kept back from client connections: the database, the log, the listener, static files.
const DESCRIPTORS_KEPT: u64 = 128;
/// The connection cap when neither `MAX_CONNECTIONS` nor the descriptor limit asks for fewer.
const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// HTTP/2 pings on a quiet connection, and how long a ping may go unanswered before the peer counts as gone.
const HTTP2_PING_INTERVAL: Duration = Duration::from_secs(20);
const HTTP2_PING_TIMEOUT: Duration = Duration::from_secs(20);
/// How often a connection being closed is checked for a request that arrived meanwhile.
const IDLE_CHECK: Duration = Duration::from_millis(250);
/// At most one warning per this period about connections turned away at the cap.
const CAP_WARNING_PERIOD: Duration = Duration::from_secs(10);

/// Raises the soft limit on open files to the hard limit (many systems start services at 1,024 while allowing
/// far more) and returns the limit now in force.
fn raise_file_limit() -> u64 {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let raised = rustix::process::Rlimit { current: limit.maximum, maximum: limit.maximum };
    if limit.current != limit.maximum && setrlimit(Resource::Nofile, raised).is_ok() {
        return limit.maximum.unwrap_or(u64::MAX);
    }
    limit.current.unwrap_or(u64::MAX)
}

/// How many client connections may be open: `MAX_CONNECTIONS`, and never so many that the process would run out
/// of file descriptors (then `accept` fails and nobody gets in, not even to displace an idle connection).
fn connection_capacity(configured: Option<usize>, file_limit: u64) -> usize {
    let kept = DESCRIPTORS_KEPT.min(file_limit / 2);
    let by_descriptors = usize::try_from(file_limit - kept).unwrap_or(usize::MAX);
    configured.unwrap_or(DEFAULT_MAX_CONNECTIONS).min(by_descriptors).max(1)
}

/// Serves the router `routes` holds until `shutdown` resolves, then stops accepting, lets in-flight requests finish
/// (at most the request deadline plus a margin) and returns. Each request goes to the router `routes` holds when it
/// arrives (start-up replaces the one that answers "starting" once the board is open), and carries its peer
/// address as `ConnectInfo`.
pub async fn serve(
    listener: TcpListener,
    routes: watch::Receiver<Router>,
    policy: &HttpPolicy,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let file_limit = raise_file_limit();
    let connections = Connections::new(connection_capacity(policy.max_connections, file_limit));
    let deadlines = IdleDeadlines { first_request: policy.request_timeout, between_requests: policy.idle_timeout };
    let mut builder = Builder::new(TokioExecutor::new());
    // hyper's own header timer is off: it also ran on idle keep-alive connections, cutting them at the request
    // deadline whatever IDLE_TIMEOUT_SECONDS said. `Connection::closing` keeps both deadlines instead, and a head
    // that trickles in counts as idle until it is complete.
    builder.http1().timer(TokioTimer::new()).header_read_timeout(None);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(HTTP2_PING_INTERVAL)
        .keep_alive_timeout(HTTP2_PING_TIMEOUT);
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    let mut last_cap_warning: Option<tokio::time::Instant> = None;

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
        let Some(connection) = connections.admit() else {
            if last_cap_warning.is_none_or(|at| at.elapsed() >= CAP_WARNING_PERIOD) {
                last_cap_warning = Some(tokio::time::Instant::now());
                tracing::warn!(client = %peer.ip(), "connections turned away: every connection is busy (MAX_CONNECTIONS)");
            }
            continue; // dropping the stream closes it
        };
        let _ = stream.set_nodelay(true);
        let (routes, tracked) = (routes.clone(), connection.clone());
        let service = tower::service_fn(move |request: axum::http::Request<Incoming>| {
            // Busy from the request head until the response body is sent (or the request is abandoned).
            let in_flight = tracked.start_request();
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            let router = routes.borrow().clone();
            async move {
                let response = router.oneshot(request).await?;
                Ok::<_, Infallible>(response.map(|body| Body::new(TrackedBody::new(body, in_flight))))
            }
        });
        let serving = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)).into_owned();
        let (connections, mut stopping) = (connections.clone(), stopping.clone());
        let request_timeout = policy.request_timeout;
        tokio::spawn(async move {
            tokio::pin!(serving);
            let ended = tokio::select! {
                result = serving.as_mut() => Some(result),
                () = connection.closing(deadlines) => None,
                _ = stopping.changed() => None,
            };
            match ended {
                Some(Err(err)) => tracing::debug!(error = %err, "connection ended with an error"),
                Some(Ok(())) => {}
                // Idle past its deadline, displaced, or shutting down. A request may have arrived at this very
                // moment: a graceful shutdown lets it finish; a connection found idle is closed at once.
                None => {
                    serving.as_mut().graceful_shutdown();
                    let give_up = tokio::time::sleep(request_timeout + DRAIN_MARGIN);
                    tokio::pin!(give_up);
                    loop {
                        tokio::select! {
                            _ = serving.as_mut() => break,
                            () = tokio::time::sleep(IDLE_CHECK) => if connection.is_idle() { break },
                            () = &mut give_up => break,
                        }
                    }
                }
            }
            connections.release(&connection);
        });
    }

    drop(listener);
    tracing::info!("no longer accepting connections; finishing requests in flight");
    let _ = stop.send(true);
    tokio::select! {
        () = connections.all_closed() => tracing::info!("all requests finished"),
        () = tokio::time::sleep(policy.request_timeout + DRAIN_MARGIN) => {
            tracing::warn!("requests still in flight after the drain period; closing them");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::connection_capacity;

    #[test]
    fn the_cap_leaves_descriptors_for_everything_else() {
        assert_eq!(connection_capacity(None, 1_048_576), 10_000);
        assert_eq!(connection_capacity(Some(500), 1_048_576), 500);
        assert_eq!(connection_capacity(None, 1_024), 896);
        assert_eq!(connection_capacity(Some(5_000), 256), 128);
        assert_eq!(connection_capacity(None, 2), 1);
    }
}
