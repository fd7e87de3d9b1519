-- The feed's `total` without counting (see migrations/sqlite/0003_post_totals.sql): one row with the exact number
-- of posts, moved in the same statement as the insert or delete.
CREATE TABLE post_totals (
    id    INTEGER PRIMARY KEY CHECK (id = 1),  -- exactly one row
    posts BIGINT  NOT NULL CHECK (posts >= 0)
);

INSERT INTO post_totals (id, posts) SELECT 1, COUNT(*) FROM posts;

-- Statement-level triggers with transition tables: one update per statement however many rows it touched (a bulk
-- insert of a million posts updates the row once, not a million times), and concurrent single-post inserts only
-- hold the row's lock for the rest of their own short transaction.
CREATE FUNCTION post_totals_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE post_totals SET posts = posts + (SELECT COUNT(*) FROM inserted) WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE FUNCTION post_totals_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE post_totals SET posts = posts - (SELECT COUNT(*) FROM deleted) WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER post_totals_up AFTER INSERT ON posts
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION post_totals_inserted();
CREATE TRIGGER post_totals_down AFTER DELETE ON posts
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION post_totals_deleted();
