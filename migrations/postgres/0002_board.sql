-- The board: posts, their comments, and who upvoted what (see migrations/sqlite/0002_board.sql; same design).

CREATE TABLE posts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,      -- never reused
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    -- Kept in step with post_upvotes by the trigger below, so "top" can be sorted by an index instead of a count.
    upvotes    BIGINT NOT NULL DEFAULT 0 CHECK (upvotes >= 0),
    -- COLLATE "C": timestamps are ASCII and must sort bytewise, as in SQLite, whatever the database's default.
    created_at TEXT COLLATE "C" NOT NULL DEFAULT bulletin_now(),
    updated_at TEXT COLLATE "C" NOT NULL DEFAULT bulletin_now()
);

-- The feed, newest first (ties by id), and its keyset continuation (created_at, id) < ($1, $2).
CREATE INDEX posts_newest ON posts (created_at DESC, id DESC);
-- The feed sorted by "top": most upvotes, ties newest.
CREATE INDEX posts_top ON posts (upvotes DESC, id DESC);
-- A profile's newest posts and its post count.
CREATE INDEX posts_by_author ON posts (user_id, created_at DESC, id DESC);

CREATE TABLE comments (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id    BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,  -- comments go with their post
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body       TEXT   NOT NULL,
    created_at TEXT   NOT NULL DEFAULT bulletin_now()
);

-- A post's comments, oldest first, and its comment count.
CREATE INDEX comments_by_post ON comments (post_id, id);
-- ON DELETE CASCADE from users looks comments up by author.
CREATE INDEX comments_by_author ON comments (user_id);

-- One row per (member, post): the primary key is what makes an upvote count once, however often it is sent.
CREATE TABLE post_upvotes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, post_id)
);

-- ON DELETE CASCADE from posts looks upvotes up by post.
CREATE INDEX post_upvotes_by_post ON post_upvotes (post_id);

-- The counter moves in the same statement as the upvote row, so the two can never disagree, even under races:
-- concurrent upvotes of one post serialise on the post row's lock.
CREATE FUNCTION post_upvotes_count() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE posts SET upvotes = upvotes + 1 WHERE id = NEW.post_id;
    ELSE
        UPDATE posts SET upvotes = upvotes - 1 WHERE id = OLD.post_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER post_upvotes_count AFTER INSERT OR DELETE ON post_upvotes
    FOR EACH ROW EXECUTE FUNCTION post_upvotes_count();
