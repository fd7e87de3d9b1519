//! The test as one reader, on a board with a read replica: every request that names no read-after position is
//! sent with the latest one any answer gave, as the SPA does for its member (`client/read_after.rs`).
//!
//! The suite's tests read what they wrote a moment before, often as another member (Alice posts, Bob lists). On a
//! replica that is causal consistency across members, which the board promises only to a client that carries its
//! position; this layer carries it for the whole test, so the suite checks the board's rules while reads still go
//! to the replica whenever it has what the test wrote. Tests about replicas themselves name their replica (and any
//! position) explicitly and get no observer.

use app::model::read_after::{READ_AFTER_HEADER, parse_position};
use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub type Seen = Arc<AtomicU64>;

pub fn reading_after(router: Router, seen: Seen) -> Router {
    router.layer(middleware::from_fn(move |mut request: Request, next: Next| {
        let seen = seen.clone();
        async move {
            let position = seen.load(Ordering::SeqCst);
            if position > 0 && !request.headers().contains_key(READ_AFTER_HEADER) {
                request.headers_mut().insert(READ_AFTER_HEADER, HeaderValue::from(position));
            }
            let response = next.run(request).await;
            let given =
                response.headers().get(READ_AFTER_HEADER).and_then(|v| v.to_str().ok()).and_then(parse_position);
            if let Some(given) = given {
                seen.fetch_max(given, Ordering::SeqCst);
            }
            response
        }
    }))
}
