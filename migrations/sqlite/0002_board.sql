-- The board: posts, their comments, and who upvoted what.
-- Timestamps are RFC 3339 UTC text with milliseconds ('2026-11-26T15:00:00.123Z'): they sort as text, read the
-- same from SQLite and PostgreSQL, and go to clients unchanged.

CREATE TABLE posts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so a deleted post's URL never shows another
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,  -- a member's posts leave with them
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    -- Kept in step with post_upvotes by the triggers below, so "top" can be sorted by an index instead of a count.
    upvotes    INTEGER NOT NULL DEFAULT 0 CHECK (upvotes >= 0),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The feed, newest first (ties by id), and its keyset continuation (created_at, id) < (?, ?).
CREATE INDEX posts_newest ON posts (created_at DESC, id DESC);
-- The feed sorted by "top": most upvotes, ties newest.
CREATE INDEX posts_top ON posts (upvotes DESC, id DESC);
-- A profile's newest posts and its post count.
CREATE INDEX posts_by_author ON posts (user_id, created_at DESC, id DESC);

CREATE TABLE comments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,  -- comments go with their post
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- A post's comments, oldest first, and its comment count.
CREATE INDEX comments_by_post ON comments (post_id, id);
-- ON DELETE CASCADE from users looks comments up by author.
CREATE INDEX comments_by_author ON comments (user_id);

-- One row per (member, post): the primary key is what makes an upvote count once, however often it is sent.
CREATE TABLE post_upvotes (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, post_id)
);

-- ON DELETE CASCADE from posts looks upvotes up by post.
CREATE INDEX post_upvotes_by_post ON post_upvotes (post_id);

-- The counter moves in the same statement as the upvote row, so the two can never disagree, even under races.
CREATE TRIGGER post_upvotes_count_up AFTER INSERT ON post_upvotes
BEGIN
    UPDATE posts SET upvotes = upvotes + 1 WHERE id = NEW.post_id;
END;

CREATE TRIGGER post_upvotes_count_down AFTER DELETE ON post_upvotes
BEGIN
    UPDATE posts SET upvotes = upvotes - 1 WHERE id = OLD.post_id;
END;
