-- Search that answers from an index instead of reading every post.
--
-- A search matches its text anywhere in a title or body, ignoring case by Unicode full case folding (see
-- app/src/search_text.rs). SQLite cannot fold beyond ASCII, so the app stores each post's folded title and body
-- beside the original, written in the same statement as the post, and every comparison is exact.
-- NULL: a post written before this migration, folded by the app when it next starts (store::search::backfill);
-- until then it is not found by searches.
ALTER TABLE posts ADD COLUMN search_title TEXT;
ALTER TABLE posts ADD COLUMN search_body TEXT;
-- The posts still to fold (written before this migration, or by an older instance during a rolling upgrade),
-- found without reading the others; empty once they are folded.
CREATE INDEX posts_unfolded ON posts (id) WHERE search_title IS NULL;

-- FTS5 with the trigram tokenizer indexes every three-character sequence, so a quoted phrase finds any
-- substring of three or more characters. case_sensitive 1: the text is folded already (the tokenizer's own
-- folding is ASCII and Unicode 6.1 "simple" folding, which would not agree with the app's). External content:
-- the index only, the text stays in `posts` (rowid = posts.id, so matches come back in post order).
CREATE VIRTUAL TABLE post_search USING fts5 (
    search_title, search_body,
    content = 'posts', content_rowid = 'id',
    tokenize = 'trigram case_sensitive 1'
);

-- Kept in step with posts by triggers, in the same statement as the write, like the counters.
CREATE TRIGGER post_search_insert AFTER INSERT ON posts WHEN NEW.search_title IS NOT NULL
BEGIN
    INSERT INTO post_search (rowid, search_title, search_body) VALUES (NEW.id, NEW.search_title, NEW.search_body);
END;

-- An external-content index forgets a row by being told exactly what it indexed for it.
CREATE TRIGGER post_search_delete AFTER DELETE ON posts WHEN OLD.search_title IS NOT NULL
BEGIN
    INSERT INTO post_search (post_search, rowid, search_title, search_body)
    VALUES ('delete', OLD.id, OLD.search_title, OLD.search_body);
END;

CREATE TRIGGER post_search_update AFTER UPDATE OF search_title, search_body ON posts
BEGIN
    INSERT INTO post_search (post_search, rowid, search_title, search_body)
    SELECT 'delete', OLD.id, OLD.search_title, OLD.search_body WHERE OLD.search_title IS NOT NULL;
    INSERT INTO post_search (rowid, search_title, search_body)
    SELECT NEW.id, NEW.search_title, NEW.search_body WHERE NEW.search_title IS NOT NULL;
END;
