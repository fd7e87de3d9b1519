//! What a failed query means for the request. Only the data layer knows its drivers' error codes (PostgreSQL
//! SQLSTATEs, SQLite result codes); everything above it sees an `AppError`.
//!
//! Refusals a store function expects (a unique or foreign key violation) are read where the statement is run and
//! returned as outcomes; this is the classification of everything else.

use crate::error::AppError;

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if database_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            return AppError::Unavailable;
        }
        if let sqlx::Error::Database(db) = &err
            && db.code().as_deref() == Some(PG_UNTRANSLATABLE_CHARACTER)
        {
            // Validation refuses NUL before any query; this is the net under it, should a new field forget.
            return crate::model::nul_refused("Text");
        }
        AppError::internal(err)
    }
}

/// Whether `err` says the connection itself is gone (the server ended it, or the network did), so that the same
/// read on another connection may well succeed: I/O and protocol errors, SQLSTATE class 08 (connection
/// exception), 57P01/57P02 (the session was terminated, or the server is shutting down after a crash) and 57P05
/// (the session was idle too long: `idle_session_timeout`).
pub(crate) fn lost_connection(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            code.starts_with("08") || ["57P01", "57P02", "57P05"].contains(&code.as_ref())
        }
        _ => false,
    }
}

/// PostgreSQL's SQLSTATE for text it cannot store (NUL).
const PG_UNTRANSLATABLE_CHARACTER: &str = "22021";

/// Errors that mean "the database cannot serve right now" (answered 503 with Retry-After), as opposed to a bug:
/// no connection within the acquire timeout, a connection lost mid-query, a database that is shutting down,
/// refusing connections, out of disk or memory, read-only or failing at I/O. A write that meets one of these did
/// not happen (it was rolled back), and the client may try again.
fn database_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some() {
                postgres_cannot_serve(&code)
            } else {
                code.parse::<i32>().is_ok_and(sqlite_cannot_serve)
            }
        }
        _ => false,
    }
}

/// PostgreSQL SQLSTATEs: class 08 (connection), 57P (shutting down, cannot connect now), 53 (insufficient
/// resources: disk full, out of memory, too many connections), 58 (system and I/O errors) and 25006 (a read-only
/// transaction: a standby, or a database set read-only), and 57014: a statement cancelled, which is how the
/// search lane's `statement_timeout` ends a search that ran out of time.
fn postgres_cannot_serve(code: &str) -> bool {
    ["08", "57P", "53", "58"].iter().any(|class| code.starts_with(class)) || code == "25006" || code == "57014"
}

/// SQLite result codes (sqlx reports the extended code; its low byte is the primary one): BUSY after the busy
/// timeout, READONLY, IOERR, CANTOPEN, FULL, and INTERRUPT: the search lane's time limit stopping a search.
fn sqlite_cannot_serve(extended: i32) -> bool {
    const BUSY: i32 = 5;
    const READONLY: i32 = 8;
    const INTERRUPT: i32 = 9;
    const IOERR: i32 = 10;
    const FULL: i32 = 13;
    const CANTOPEN: i32 = 14;
    matches!(extended & 0xff, BUSY | READONLY | INTERRUPT | IOERR | FULL | CANTOPEN)
}

#[cfg(test)]
mod tests {
    use super::{postgres_cannot_serve, sqlite_cannot_serve};

    #[test]
    fn storage_faults_are_unavailable_and_bugs_are_not() {
        for code in ["53100", "53200", "53300", "58030", "25006", "08006", "57P01", "57014"] {
            assert!(postgres_cannot_serve(code), "{code}");
        }
        for code in ["23505", "23503", "42601", "22021", "25001"] {
            assert!(!postgres_cannot_serve(code), "{code}");
        }
        // SQLITE_FULL, SQLITE_IOERR_WRITE (778), SQLITE_READONLY_DBMOVED (1032), SQLITE_BUSY_SNAPSHOT (517)
        for code in [13, 778, 1032, 517, 5, 14, 9] {
            assert!(sqlite_cannot_serve(code), "{code}");
        }
        // SQLITE_CONSTRAINT_UNIQUE (2067), SQLITE_ERROR, SQLITE_CONSTRAINT_FOREIGNKEY (787), SQLITE_MISUSE
        for code in [2067, 1, 787, 21] {
            assert!(!sqlite_cannot_serve(code), "{code}");
        }
    }
}
