-- PostgreSQL schema, kept observably identical to migrations/sqlite: same tables, columns, ids, timestamp text
-- and uniqueness rules, so the same queries give the same answers on both backends.

-- Timestamps are RFC 3339 UTC text with milliseconds ('2026-11-26T15:00:00.123Z'), exactly as SQLite writes
-- them: they sort as text, compare the same on both backends and go to clients unchanged.
CREATE FUNCTION bulletin_now() RETURNS text
    LANGUAGE sql VOLATILE
    AS $$ SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- Members of the board.
CREATE TABLE users (
    -- Identity columns come from a sequence that never hands out a number twice, so (as with SQLite's
    -- AUTOINCREMENT) an old token can never name a different person.
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT   NOT NULL,                  -- kept as typed, for display
    password_hash TEXT   NOT NULL,                  -- bcrypt of base64(sha256(password)); see security/password.rs
    bio           TEXT   NOT NULL DEFAULT '',
    created_at    TEXT   NOT NULL DEFAULT bulletin_now()
);

-- Usernames are unique regardless of case; the database enforces it, so concurrent registrations of one name
-- (on any number of instances) have exactly one winner. Usernames are ASCII by validation, so lower() is exact.
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
