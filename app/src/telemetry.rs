//! The service's own metrics, named once here: what the rules and the store count. They go to whatever recorder
//! the server installed (`server/src/metrics.rs`, which also describes them); with none (METRICS_ADDR unset, the
//! tests) every call here does nothing.

/// Logins, by outcome: `success`, `failure` (wrong name or password) or `suspended` (the right password of a
/// suspended member); those a limit refused are counted in
/// `LIMIT_REFUSALS`.
pub const LOGINS: &str = "bulletin_logins_total";
/// Requests refused by a rate limit, by limiter (`auth`, `login_failures`, `posts`, …).
pub const LIMIT_REFUSALS: &str = "bulletin_rate_limit_refusals_total";
/// Tokens refreshed.
pub const TOKEN_REFRESHES: &str = "bulletin_token_refreshes_total";
/// Revocations, by reason: `logout` (one session), `logout_all`, `password_change`, `suspension`.
pub const TOKEN_REVOCATIONS: &str = "bulletin_token_revocations_total";
/// Password checks and hashes waiting for a bcrypt slot (one per core).
pub const PASSWORD_HASH_QUEUE: &str = "bulletin_password_hash_queue";
/// Requests waiting for a database connection, by pool.
pub const DB_ACQUIRE_WAITING: &str = "bulletin_db_acquire_waiting";
/// How long requests waited for a database connection, by pool.
pub const DB_ACQUIRE_SECONDS: &str = "bulletin_db_acquire_seconds";

pub fn login(outcome: &'static str) {
    metrics::counter!(LOGINS, "outcome" => outcome).increment(1);
}

pub fn limit_refused(limiter: &'static str) {
    metrics::counter!(LIMIT_REFUSALS, "limiter" => limiter).increment(1);
}

pub fn token_refreshed() {
    metrics::counter!(TOKEN_REFRESHES).increment(1);
}

pub fn tokens_revoked(reason: &'static str) {
    metrics::counter!(TOKEN_REVOCATIONS, "reason" => reason).increment(1);
}

/// Counts one waiter in a gauge for as long as it lives: dropped when the wait ends, or when the waiting request
/// is abandoned, so the gauge never drifts.
pub struct Waiting(metrics::Gauge);

impl Waiting {
    pub fn in_gauge(gauge: metrics::Gauge) -> Waiting {
        gauge.increment(1.0);
        Waiting(gauge)
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

/// Waits for a connection of the pool named `pool`, counted in `DB_ACQUIRE_WAITING` meanwhile and timed into
/// `DB_ACQUIRE_SECONDS`: also a wait that ends without a connection (the acquire timeout, or the request given up),
/// which is the wait an operator most needs to see.
pub async fn acquiring<T>(pool: &'static str, acquire: impl std::future::Future<Output = T>) -> T {
    if !recording() {
        return acquire.await;
    }
    let (waiting, waited) = acquire_series(pool);
    let _timer = AcquireTimer { waited, started: std::time::Instant::now(), _waiting: Waiting::in_gauge(waiting) };
    acquire.await
}

/// Each pool's two series, found once (a handle is an atomic add; a lookup by labels is hashing and allocating).
fn acquire_series(pool: &'static str) -> (metrics::Gauge, metrics::Histogram) {
    type Series = std::collections::HashMap<&'static str, (metrics::Gauge, metrics::Histogram)>;
    static SERIES: std::sync::LazyLock<std::sync::Mutex<Series>> = std::sync::LazyLock::new(Default::default);
    let mut series = SERIES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (waiting, waited) = series.entry(pool).or_insert_with(|| {
        (metrics::gauge!(DB_ACQUIRE_WAITING, "pool" => pool), metrics::histogram!(DB_ACQUIRE_SECONDS, "pool" => pool))
    });
    (waiting.clone(), waited.clone())
}

/// Records the wait when dropped, however the wait ended.
struct AcquireTimer {
    waited: metrics::Histogram,
    started: std::time::Instant,
    _waiting: Waiting,
}

impl Drop for AcquireTimer {
    fn drop(&mut self) {
        self.waited.record(self.started.elapsed().as_secs_f64());
    }
}

static RECORDING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Called once a recorder is installed: from then on the work of measuring is done (without one it is skipped,
/// not only its results dropped).
pub fn start_recording() {
    RECORDING.store(true, std::sync::atomic::Ordering::Release);
}

pub fn recording() -> bool {
    RECORDING.load(std::sync::atomic::Ordering::Acquire)
}
