-- Moderation: roles, suspensions, reports and the log of what moderators did; see migrations/sqlite (same design).

ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'admin'));

-- On the member's row, so that a new post or comment, which locks this row FOR SHARE while it checks it, is
-- ordered strictly before or after a suspension, which updates the row (store/posts.rs).
ALTER TABLE users ADD COLUMN suspended_at TEXT COLLATE "C";
ALTER TABLE users ADD COLUMN suspended_until TEXT COLLATE "C";
ALTER TABLE users ADD COLUMN suspension_reason TEXT;
ALTER TABLE users ADD COLUMN suspended_by BIGINT REFERENCES users (id) ON DELETE SET NULL;

CREATE INDEX users_with_a_role ON users (role) WHERE role <> 'member';

CREATE TABLE reports (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id     BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT   NOT NULL,
    status      TEXT   NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed', 'actioned')),
    created_at  TEXT   NOT NULL DEFAULT bulletin_now(),
    resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    resolved_at TEXT,
    UNIQUE (post_id, reporter_id)
);

CREATE INDEX reports_by_status ON reports (status, post_id, id);
CREATE INDEX reports_by_reporter ON reports (reporter_id);

CREATE TABLE moderation_log (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action         TEXT   NOT NULL CHECK (action IN ('remove_post', 'remove_comment', 'suspend', 'lift_suspension',
                                                     'change_role', 'resolve_report')),
    actor_id       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    target_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    post_id        BIGINT,
    comment_id     BIGINT,
    report_id      BIGINT,
    reason         TEXT,
    detail         TEXT,
    created_at     TEXT   NOT NULL DEFAULT bulletin_now()
);
