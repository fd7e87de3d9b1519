-- "Log out" ends this session on the server, not only in the browser (see migrations/sqlite for the why).
--
-- Every token carries the id of the session it belongs to (`sid`: fresh at each login, kept by refreshes). Logging
-- out lists the session here until its last token can have expired: a listed session cannot be refreshed, so
-- that is at most one token lifetime (JWT_TTL_SECONDS) after the log-out. Rows past `expires_at` (Unix seconds)
-- mean nothing and are deleted at the next log-out. The list is read with the member's token generation (one
-- query, cached for the same few seconds), so a log-out reaches every instance within the same bound as "log out
-- everywhere".
CREATE TABLE revoked_sessions (
    session_id TEXT    NOT NULL PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT  NOT NULL
);

CREATE INDEX revoked_sessions_user ON revoked_sessions (user_id, expires_at);
CREATE INDEX revoked_sessions_expiry ON revoked_sessions (expires_at);
