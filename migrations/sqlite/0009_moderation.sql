-- Moderation: roles, suspensions, reports and the log of what moderators did (app/src/store/moderation.rs).
-- (0008 is PostgreSQL's shared attempt windows; SQLite counts attempts in memory.)

-- Every decision reads the member's current role; nobody gets one by registering (`bulletin admin grant`).
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'admin'));

-- A suspension lives on the member's row, not in a table of its own: writes that must not happen once a member
-- is suspended (a new post or comment) check it in the same statement, and on PostgreSQL they lock this row
-- while they do, so a suspension is ordered strictly before or after each of them (store/posts.rs).
-- suspended_at NULL: not suspended. suspended_until NULL (with suspended_at set): until lifted; otherwise the
-- suspension ends by itself at that time (RFC 3339 UTC text, compared as text like every timestamp here).
ALTER TABLE users ADD COLUMN suspended_at TEXT;
ALTER TABLE users ADD COLUMN suspended_until TEXT;
ALTER TABLE users ADD COLUMN suspension_reason TEXT;
ALTER TABLE users ADD COLUMN suspended_by INTEGER REFERENCES users (id) ON DELETE SET NULL;

-- Counting admins (the last one cannot be demoted) reads only the few members with a role.
CREATE INDEX users_with_a_role ON users (role) WHERE role <> 'member';

-- A member's report of a post. Once per member and post, ever (the unique constraint is what refuses a repeat,
-- however many are sent at once). A moderator's decision closes every open report of the post together.
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,  -- a removed post leaves the queue
    reporter_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed', 'actioned')),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    resolved_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    resolved_at TEXT,
    UNIQUE (post_id, reporter_id)
);

-- The queue: each status's reports by post, oldest first.
CREATE INDEX reports_by_status ON reports (status, post_id, id);
-- ON DELETE CASCADE from users looks reports up by reporter.
CREATE INDEX reports_by_reporter ON reports (reporter_id);

-- Every moderator's and admin's action, written in the same transaction as the action itself: an action is never
-- done without its entry, nor logged without being done. Entries outlive what they name: post_id and comment_id
-- are plain numbers (the post is often gone; `detail` keeps its title), and a member's id becomes NULL only if the
-- account itself is deleted. actor_id NULL: the command line (`bulletin admin grant`).
CREATE TABLE moderation_log (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,  -- the log's order, and its cursor
    action         TEXT    NOT NULL CHECK (action IN ('remove_post', 'remove_comment', 'suspend', 'lift_suspension',
                                                      'change_role', 'resolve_report')),
    actor_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    target_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    post_id        INTEGER,
    comment_id     INTEGER,
    report_id      INTEGER,
    reason         TEXT,
    detail         TEXT,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
