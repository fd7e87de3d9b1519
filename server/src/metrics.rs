//! Prometheus metrics, served on an address of their own (`METRICS_ADDR`), never on the public listener: request
//! counts, latencies and in-flight requests by route template, the database pools, and the service's own counters
//! (`app::telemetry`). Off by default; with no recorder installed, every metric call in the code does nothing.

use app::service::Board;
use app::telemetry;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{Counter, Gauge, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const HTTP_REQUESTS: &str = "bulletin_http_requests_total";
pub const HTTP_DURATION: &str = "bulletin_http_request_duration_seconds";
pub const HTTP_IN_FLIGHT: &str = "bulletin_http_requests_in_flight";
pub const DB_CONNECTIONS: &str = "bulletin_db_connections";
pub const DB_MAX_CONNECTIONS: &str = "bulletin_db_max_connections";
pub const SQLITE_WAL_BYTES: &str = "bulletin_sqlite_wal_bytes";
pub const REPLICAS_IN_USE: &str = "bulletin_db_replicas_in_use";

/// Latency buckets, in seconds: from a cached page (a millisecond) to the request deadline.
const SECONDS_BUCKETS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// Installs the process's recorder and describes every metric; the handle renders them.
pub fn install() -> Result<PrometheusHandle, String> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &SECONDS_BUCKETS)
        .and_then(|builder| builder.install_recorder())
        .map_err(|e| format!("cannot start the metrics recorder: {e}"))?;
    describe();
    telemetry::start_recording();
    // Histograms keep their samples until this folds them in; a scrape does it too, but nobody may scrape.
    let upkeep = handle.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(HTTP_REQUESTS, "Requests answered, by method, route template and status");
    describe_histogram!(HTTP_DURATION, Unit::Seconds, "Time to the response's head, by method and route template");
    describe_gauge!(HTTP_IN_FLIGHT, "Requests being handled now (until their response head is ready)");
    describe_gauge!(DB_CONNECTIONS, "Database connections open, by pool and state (idle, in_use)");
    describe_gauge!(DB_MAX_CONNECTIONS, "The most connections each pool may open");
    describe_gauge!(telemetry::DB_ACQUIRE_WAITING, "Requests waiting for a database connection, by pool");
    describe_histogram!(telemetry::DB_ACQUIRE_SECONDS, Unit::Seconds, "Time spent waiting for a database connection");
    describe_gauge!(SQLITE_WAL_BYTES, Unit::Bytes, "Size of SQLite's write-ahead log file");
    describe_gauge!(REPLICAS_IN_USE, "Read replicas reads may go to now (answering and within the lag allowed)");
    describe_counter!(telemetry::LOGINS, "Password checks at login, by outcome (success, failure, suspended)");
    describe_counter!(telemetry::LIMIT_REFUSALS, "Requests refused by a rate limit, by limiter");
    describe_gauge!(telemetry::PASSWORD_HASH_QUEUE, "Password hashes and checks waiting for a bcrypt slot");
    describe_counter!(telemetry::TOKEN_REFRESHES, "Tokens refreshed");
    describe_counter!(telemetry::TOKEN_REVOCATIONS, "Sessions or tokens revoked, by reason");
}

/// The route a request matched, filled in by `name_route` (which runs only once routing has matched) and read by
/// `track_requests` (which wraps everything, so it also times the answers of the outer layers: 408, 413, 429).
#[derive(Clone, Default)]
struct RouteName(Arc<OnceLock<MatchedPath>>);

/// The handles of the request series, each found once. Making a metric's key (its labels, as strings) and looking
/// it up in the recorder's registry at every request cost a tenth of the feed's throughput; a handle found here is
/// an atomic add. Bounded as the labels are: route templates × methods × statuses.
type RequestSeries = HashMap<String, HashMap<(&'static str, u16), (Counter, Histogram)>>;
static REQUEST_SERIES: LazyLock<Mutex<RequestSeries>> = LazyLock::new(Mutex::default);
static IN_FLIGHT: LazyLock<Gauge> = LazyLock::new(|| metrics::gauge!(HTTP_IN_FLIGHT));

/// Counts and times every request, labelled by the route's template (`/posts/{id}`, never the id itself, so the
/// number of series stays bounded); requests that matched no route share the label `unmatched`. Installed (with
/// `name_route`) only when metrics are recorded (`enabled`).
pub async fn track_requests(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = RouteName::default();
    request.extensions_mut().insert(route.clone());
    let in_flight = telemetry::Waiting::in_gauge(IN_FLIGHT.clone());
    let response = next.run(request).await;
    drop(in_flight);
    let route = route.0.get().map_or("unmatched", MatchedPath::as_str);
    let status = response.status().as_u16();
    let mut series = REQUEST_SERIES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let by_status = match series.get_mut(route) {
        Some(by_status) => by_status,
        None => series.entry(route.to_owned()).or_default(),
    };
    let (count, duration) = by_status.entry((method, status)).or_insert_with(|| {
        let (method, route, status) = (method.to_owned(), route.to_owned(), status.to_string());
        let count =
            metrics::counter!(HTTP_REQUESTS, "method" => method.clone(), "route" => route.clone(), "status" => status);
        (count, metrics::histogram!(HTTP_DURATION, "method" => method, "route" => route))
    });
    count.increment(1);
    duration.record(started.elapsed().as_secs_f64());
    response
}

/// The standard methods by name, any other as `other`: a client may send any token as a method, and each would
/// otherwise start series of its own, without bound.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Whether the request metrics' layers belong on the router: only with a recorder installed.
pub fn enabled() -> bool {
    telemetry::recording()
}

/// Notes the template of the route the request matched, for `track_requests`.
pub async fn name_route(request: Request, next: Next) -> Response {
    if let (Some(slot), Some(path)) =
        (request.extensions().get::<RouteName>(), request.extensions().get::<MatchedPath>())
    {
        let _ = slot.0.set(path.clone());
    }
    next.run(request).await
}

/// The metrics listener's one route. The board, once open, adds the gauges read at each scrape.
pub fn router(handle: PrometheusHandle, board: Arc<OnceLock<Board>>) -> Router {
    Router::new().route("/metrics", axum::routing::get(scrape)).with_state((handle, board))
}

async fn scrape(State((handle, board)): State<(PrometheusHandle, Arc<OnceLock<Board>>)>) -> impl IntoResponse {
    if let Some(board) = board.get() {
        for pool in board.db.pool_stats() {
            let in_use = pool.open.saturating_sub(pool.idle);
            metrics::gauge!(DB_CONNECTIONS, "pool" => pool.name.clone(), "state" => "idle").set(pool.idle);
            metrics::gauge!(DB_CONNECTIONS, "pool" => pool.name.clone(), "state" => "in_use").set(in_use);
            metrics::gauge!(DB_MAX_CONNECTIONS, "pool" => pool.name).set(pool.max);
        }
        if let Some(bytes) = board.db.sqlite_wal_bytes() {
            metrics::gauge!(SQLITE_WAL_BYTES).set(bytes as f64);
        }
        let replicas = board.db.replicas_in_use();
        if !replicas.is_empty() {
            metrics::gauge!(REPLICAS_IN_USE).set(replicas.iter().filter(|(_, in_use)| *in_use).count() as f64);
        }
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render())
}
