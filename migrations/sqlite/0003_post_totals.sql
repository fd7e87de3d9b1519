-- The feed's `total` without counting: at a million posts, COUNT(*) per feed request would cost more than the
-- page itself. One row holds the exact number of posts, moved by triggers in the same statement as the insert or
-- delete, so it can never disagree with the table. (Searches still count their matches: they scan anyway.)
CREATE TABLE post_totals (
    id    INTEGER PRIMARY KEY CHECK (id = 1),  -- exactly one row
    posts INTEGER NOT NULL CHECK (posts >= 0)
);

INSERT INTO post_totals (id, posts) SELECT 1, COUNT(*) FROM posts;

CREATE TRIGGER post_totals_up AFTER INSERT ON posts
BEGIN
    UPDATE post_totals SET posts = posts + 1 WHERE id = 1;
END;

CREATE TRIGGER post_totals_down AFTER DELETE ON posts
BEGIN
    UPDATE post_totals SET posts = posts - 1 WHERE id = 1;
END;
