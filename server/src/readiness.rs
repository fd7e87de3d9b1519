//! Whether this instance should be sent traffic, as `/readyz` tells a load balancer: not while it starts (the
//! listener is open while migrations run), not once SIGTERM has asked it to stop, and not while its database does
//! not answer. `/healthz` is the liveness probe: a process that is draining is alive.

use app::store::Db;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, watch};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Opening the database and running migrations: requests wait for the board (`starting_router`), probes are
    /// answered 503.
    Starting,
    Ready,
    /// SIGTERM received: requests are still served (for `SHUTDOWN_DELAY_SECONDS`, then those in flight), but the
    /// balancer is told to send no more.
    Draining,
}

impl Phase {
    /// What `/readyz` says in this phase (when ready, unless the database does not answer).
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Starting => "starting",
            Phase::Ready => "ready",
            Phase::Draining => "draining",
        }
    }
}

/// How long one look at the database stands for every `/readyz` asking meanwhile: probes from several balancers
/// (or anyone, it is a public route) cost the database one round trip per period at most.
const CHECK_STANDS_FOR: Duration = Duration::from_millis(500);

/// The instance's phase, shared by the start-up code, the shutdown signal and the probes.
#[derive(Clone, Debug)]
pub struct Readiness {
    phase: Arc<watch::Sender<Phase>>,
    /// When the database was last looked at, and whether it answered.
    last_check: Arc<Mutex<Option<(Instant, bool)>>>,
}

impl Readiness {
    pub fn starting() -> Readiness {
        Readiness { phase: Arc::new(watch::channel(Phase::Starting).0), last_check: Arc::default() }
    }

    /// Already serving (a test server, built whole before it listens).
    pub fn ready() -> Readiness {
        let readiness = Readiness::starting();
        readiness.set(Phase::Ready);
        readiness
    }

    /// Moves on to `phase`; never back from draining (a late "ready" must not undo a SIGTERM).
    pub fn set(&self, phase: Phase) {
        self.phase.send_if_modified(|now| {
            let moves = *now != Phase::Draining && *now != phase;
            if moves {
                *now = phase;
            }
            moves
        });
    }

    pub fn phase(&self) -> Phase {
        *self.phase.borrow()
    }

    /// Waits at most `limit` for start-up to end; the phase then (still `Starting` if it did not).
    pub async fn started(&self, limit: Duration) -> Phase {
        let mut phase = self.phase.subscribe();
        let settled = tokio::time::timeout(limit, phase.wait_for(|now| *now != Phase::Starting)).await;
        match settled {
            Ok(Ok(now)) => *now,
            _ => self.phase(),
        }
    }

    /// Whether `db` answers, looked at no more than once per `CHECK_STANDS_FOR` (callers meanwhile wait for the
    /// look in progress and share its answer).
    pub async fn database_answers(&self, db: &Db) -> bool {
        let mut last = self.last_check.lock().await;
        if let Some((at, answered)) = *last
            && at.elapsed() < CHECK_STANDS_FOR
        {
            return answered;
        }
        let answered = db.answers_now().await;
        *last = Some((Instant::now(), answered));
        answered
    }
}

#[cfg(test)]
mod tests {
    use super::{Phase, Readiness};
    use std::time::Duration;

    #[tokio::test]
    async fn draining_is_final_and_waiters_see_the_end_of_start_up() {
        let readiness = Readiness::starting();
        assert_eq!(readiness.phase(), Phase::Starting);
        assert_eq!(readiness.started(Duration::from_millis(10)).await, Phase::Starting);
        let waiter = tokio::spawn({
            let readiness = readiness.clone();
            async move { readiness.started(Duration::from_secs(5)).await }
        });
        readiness.set(Phase::Ready);
        assert_eq!(waiter.await.unwrap(), Phase::Ready);
        readiness.set(Phase::Draining);
        readiness.set(Phase::Ready);
        assert_eq!(readiness.phase(), Phase::Draining);
    }
}
