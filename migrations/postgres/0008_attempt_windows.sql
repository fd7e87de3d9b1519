-- Attempt limits shared by every instance on this database: registrations and logins per client address, failed
-- logins per name or device, writes and searches per member (app/src/store/attempt_windows.rs). Each instance
-- counting on its own would let a client behind a balancer over N instances make N times the attempts.
--
-- One row per limiter and key for the fixed window that ends at `ends_at`, read and counted by one atomic
-- statement per attempt. `refused` says whether the latest attempt was over the limit (PostgreSQL's RETURNING
-- cannot see the row as it was before the update). Rows whose window has ended mean nothing; each instance deletes
-- them every minute.
--
-- UNLOGGED: counting an attempt writes no WAL and waits for no disk flush (every search and write counts one). The
-- price is that a database crash empties the table, giving every client a fresh window, minutes early at most;
-- and a standby has no copy, which does not matter since every limit is counted on the primary.
--
-- SQLite has no such table: a SQLite board is one instance, which counts in its memory.
CREATE UNLOGGED TABLE attempt_windows (
    limiter  TEXT        NOT NULL,
    key      TEXT        NOT NULL,
    ends_at  TIMESTAMPTZ NOT NULL,
    attempts INTEGER     NOT NULL CHECK (attempts >= 0),
    refused  BOOLEAN     NOT NULL DEFAULT false,
    PRIMARY KEY (limiter, key)
);

CREATE INDEX attempt_windows_ends ON attempt_windows (ends_at);
