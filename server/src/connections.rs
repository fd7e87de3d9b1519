//! What every open client connection is doing, so that none can be held open for free.
//!
//! A connection is *busy* while one of its requests is in flight (until the response body has been sent) and
//! *idle* otherwise: before its first request head is complete, and between keep-alive requests. Idle
//! connections cost a file descriptor and some memory and serve nobody, so:
//! - an idle connection is closed after a deadline (the header timeout before its first request, the idle
//!   timeout after one), whatever it does meanwhile: a silent socket, an HTTP/2 connection that sent only its
//!   preface, or one trickling header bytes;
//! - the number of open connections is capped below the file-descriptor limit, and at the cap a new connection
//!   closes the idle connection that has waited longest (never a busy one) instead of being refused. A flood of
//!   silent sockets therefore only ever displaces other idle sockets, while a client that sends a request gets
//!   in and is served; only when every connection is busy is a new one closed at once.

use axum::body::Body;
use hyper::body::{Frame, SizeHint};
use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// The deadlines an idle connection lives by.
#[derive(Clone, Copy, Debug)]
pub struct IdleDeadlines {
    /// From accept to the first complete request head.
    pub first_request: Duration,
    /// From the end of one response to the next request head.
    pub between_requests: Duration,
}

/// One open connection.
pub struct Connection {
    id: u64,
    in_flight: AtomicUsize,
    served_one: AtomicBool,
    /// Milliseconds since `epoch` when the connection last became idle.
    idle_since_ms: AtomicU64,
    epoch: Instant,
    /// Woken when the connection must close now (displaced at the cap).
    close_now: Notify,
    displaced: AtomicBool,
    /// Woken when the last request in flight ends, which may bring the idle deadline forward.
    activity: Notify,
}

impl Connection {
    pub fn is_idle(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) == 0
    }

    fn idle_since(&self) -> Instant {
        self.epoch + Duration::from_millis(self.idle_since_ms.load(Ordering::Acquire))
    }

    fn elapsed_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// A request head has arrived: the connection is busy until the guard (carried by the response body) drops.
    pub fn start_request(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.served_one.store(true, Ordering::Release);
        InFlight(self.clone())
    }

    /// Resolves when the connection should be closed: it has been idle past its deadline, or it was displaced.
    pub async fn closing(&self, deadlines: IdleDeadlines) {
        loop {
            if self.displaced.load(Ordering::Acquire) {
                return;
            }
            let limit = if self.served_one.load(Ordering::Acquire) {
                deadlines.between_requests
            } else {
                deadlines.first_request
            };
            let idle = self.is_idle();
            let idle_since = self.idle_since_ms.load(Ordering::Acquire);
            let idle_for = Duration::from_millis(self.elapsed_ms().saturating_sub(idle_since));
            if idle && idle_for >= limit {
                return;
            }
            // Busy, or not idle long enough yet: look again when the deadline would fall, or when the connection
            // becomes idle. (Read once: a request may end between two reads, and the wait must never underflow.)
            let wait = if idle { limit.saturating_sub(idle_for) } else { limit };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.close_now.notified() => {}
                () = self.activity.notified() => {}
            }
        }
    }

    #[cfg(test)]
    fn was_displaced(&self) -> bool {
        self.displaced.load(Ordering::Acquire)
    }
}

/// Marks a request in flight on its connection; dropped when the response body is finished (or abandoned).
pub struct InFlight(Arc<Connection>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let connection = &self.0;
        connection.idle_since_ms.store(connection.elapsed_ms(), Ordering::Release);
        // Only the end of the last request in flight can bring the deadline forward (the idle timeout may be
        // shorter than the wait for a first request); anything else only moves it later, which the deadline
        // check finds by itself when it wakes.
        if connection.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            connection.activity.notify_one();
        }
    }
}

/// A response body that keeps its request counted as in flight until the last byte is sent: a large download
/// on a slow network is work in progress, not an idle connection.
pub struct TrackedBody {
    inner: Body,
    _in_flight: InFlight,
}

impl TrackedBody {
    pub fn new(inner: Body, in_flight: InFlight) -> Self {
        TrackedBody { inner, _in_flight: in_flight }
    }
}

impl hyper::body::Body for TrackedBody {
    type Data = <Body as hyper::body::Body>::Data;
    type Error = <Body as hyper::body::Body>::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The open connections, oldest first, and how many may be open at once.
pub struct Connections {
    capacity: usize,
    next_id: AtomicU64,
    open: Mutex<BTreeMap<u64, Arc<Connection>>>,
    /// Woken whenever a connection closes, for the shutdown drain.
    closed: Notify,
}

impl Connections {
    pub fn new(capacity: usize) -> Arc<Self> {
        Arc::new(Connections {
            capacity: capacity.max(1),
            next_id: AtomicU64::new(0),
            open: Mutex::new(BTreeMap::new()),
            closed: Notify::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<u64, Arc<Connection>>> {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a newly accepted connection. At the cap, the idle connection that has waited longest is told to
    /// close to make room; if every connection is busy, `None`: the new one must be closed at once. (A scan of
    /// the open connections, only at the cap: microseconds even for ten thousand.)
    pub fn admit(&self) -> Option<Arc<Connection>> {
        let mut open = self.lock();
        if open.len() >= self.capacity {
            let (&victim_id, victim) = open.iter().filter(|(_, c)| c.is_idle()).min_by_key(|(_, c)| c.idle_since())?;
            victim.displaced.store(true, Ordering::Release);
            victim.close_now.notify_one();
            open.remove(&victim_id);
        }
        let connection = Arc::new(Connection {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            in_flight: AtomicUsize::new(0),
            served_one: AtomicBool::new(false),
            idle_since_ms: AtomicU64::new(0),
            epoch: Instant::now(),
            close_now: Notify::new(),
            displaced: AtomicBool::new(false),
            activity: Notify::new(),
        });
        open.insert(connection.id, connection.clone());
        Some(connection)
    }

    /// Forgets a connection that has closed.
    pub fn release(&self, connection: &Connection) {
        self.lock().remove(&connection.id);
        self.closed.notify_waiters();
    }

    pub fn open_count(&self) -> usize {
        self.lock().len()
    }

    /// Resolves once no connection is open.
    pub async fn all_closed(&self) {
        loop {
            let closed = self.closed.notified();
            if self.open_count() == 0 {
                return;
            }
            closed.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEADLINES: IdleDeadlines =
        IdleDeadlines { first_request: Duration::from_secs(2), between_requests: Duration::from_secs(10) };

    #[tokio::test(start_paused = true)]
    async fn a_silent_connection_closes_at_the_first_request_deadline() {
        let connections = Connections::new(10);
        let silent = connections.admit().unwrap();
        let started = Instant::now();
        silent.closing(DEADLINES).await;
        assert_eq!(started.elapsed(), DEADLINES.first_request);
    }

    #[tokio::test(start_paused = true)]
    async fn a_busy_connection_stays_open_and_the_idle_clock_restarts_when_it_is_done() {
        let connections = Connections::new(10);
        let connection = connections.admit().unwrap();
        let request = connection.start_request();
        let closing = tokio::spawn({
            let connection = connection.clone();
            async move { connection.closing(DEADLINES).await }
        });
        tokio::time::sleep(Duration::from_secs(30)).await;
        assert!(!closing.is_finished(), "a request in flight for 30 s keeps its connection");
        let done = Instant::now();
        drop(request);
        closing.await.unwrap();
        let idle = done.elapsed();
        assert!(idle >= DEADLINES.between_requests && idle < DEADLINES.between_requests + Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn the_connection_idle_longest_makes_room_not_the_one_accepted_first() {
        let connections = Connections::new(2);
        let keep_alive = connections.admit().unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let silent = connections.admit().unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        drop(keep_alive.start_request()); // served a request just now: idle for a moment only
        connections.admit().unwrap();
        assert!(silent.was_displaced() && !keep_alive.was_displaced());
    }

    #[tokio::test(start_paused = true)]
    async fn at_the_cap_the_longest_idle_connection_makes_room_and_busy_ones_never_do() {
        let connections = Connections::new(2);
        let busy = connections.admit().unwrap();
        let _request = busy.start_request();
        let idle = connections.admit().unwrap();
        let newcomer = connections.admit().expect("an idle connection makes room");
        assert!(idle.was_displaced() && !busy.was_displaced());
        let started = Instant::now();
        idle.closing(DEADLINES).await;
        assert_eq!(started.elapsed(), Duration::ZERO, "the displaced connection closes at once");
        let _second = newcomer.start_request();
        assert!(connections.admit().is_none(), "with every connection busy, a new one is turned away");
        assert_eq!(connections.open_count(), 2);
    }
}
