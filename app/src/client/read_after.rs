//! The highest read-after position this browser has been given (see `model/read_after.rs`): kept in localStorage,
//! so a reload or another tab still reads the member's own writes on a board with read replicas, and sent back
//! with every server-function call (`api/bearer_client.rs`) and the early feed request (`early_feed.rs`).
//!
//! A position matters only until every replica in use has replayed it, which is at most the board's lag limit
//! (`DATABASE_REPLICA_MAX_LAG_MS`, an hour at most): so it is kept for an hour after the last write, then
//! dropped. A position from a database that has since been replaced (restored from a dump, say) then stops
//! sending this browser's reads to the primary.

use serde::{Deserialize, Serialize};

pub const READ_AFTER_KEY: &str = "bulletin_read_after";
/// How long a position is sent after it was given (seconds).
pub const KEEP_SECONDS: u64 = 3600;

/// What is stored: the position as text (a JavaScript number would round a large one; the early feed script
/// reads it too) and until when it is sent (seconds since the epoch, this browser's clock).
#[derive(Debug, Serialize, Deserialize)]
pub struct Kept {
    pub position: String,
    pub until: u64,
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::{KEEP_SECONDS, Kept, READ_AFTER_KEY};
    use crate::client::clock::now_seconds;
    use crate::model::read_after::parse_position;
    use gloo_storage::{LocalStorage, Storage};

    fn kept() -> Option<(u64, u64)> {
        let kept = LocalStorage::get::<Kept>(READ_AFTER_KEY).ok()?;
        Some((parse_position(&kept.position)?, kept.until))
    }

    /// The position to send, if this browser has one still worth sending.
    pub fn position() -> Option<u64> {
        kept().filter(|(_, until)| *until > now_seconds()).map(|(position, _)| position)
    }

    /// Keeps `header` (a response's `Bulletin-Read-After`), for another hour, unless a further one is kept.
    pub fn saw(header: &str) {
        let Some(seen) = parse_position(header) else { return };
        let position = position().map_or(seen, |kept| kept.max(seen));
        let kept = Kept { position: position.to_string(), until: now_seconds() + KEEP_SECONDS };
        // Storage can be full or disabled (private mode): then reads may trail the member's writes briefly.
        let _ = LocalStorage::set(READ_AFTER_KEY, &kept);
    }
}

/// On the server there is no storage: no position is kept or sent.
#[cfg(not(feature = "hydrate"))]
mod imp {
    pub fn position() -> Option<u64> {
        None
    }

    pub fn saw(_header: &str) {}
}

pub use imp::*;
