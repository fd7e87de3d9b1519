-- Members of the board.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids of deleted users are never reused,
                                                     -- so an old token can never name a different person.
    username      TEXT    NOT NULL,                  -- kept as typed, for display
    password_hash TEXT    NOT NULL,                  -- bcrypt of base64(sha256(password)); see security/password.rs
    bio           TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) -- RFC 3339, UTC
);

-- Usernames are unique regardless of case ("Board_Fan" blocks "board_fan"). Enforcing it in the database, not
-- with a look-up first, is what makes concurrent registrations of one name safe: exactly one insert wins.
-- lower() is portable to PostgreSQL; usernames are ASCII by validation, so it is exact.
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
