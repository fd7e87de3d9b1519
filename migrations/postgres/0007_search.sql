-- Search that answers from an index instead of reading every post (see migrations/sqlite/0007_search.sql).
--
-- The app stores each post's title and body folded by Unicode full case folding (app/src/search_text.rs), so
-- matching is exact and does not depend on the server's locale. COLLATE "C": LIKE compares characters, never a
-- locale's idea of equality. NULL: a post written before this migration, folded when the app next starts.
ALTER TABLE posts ADD COLUMN search_title TEXT COLLATE "C", ADD COLUMN search_body TEXT COLLATE "C";
-- The posts still to fold (written before this migration, or by an older instance during a rolling upgrade),
-- found without reading the others; empty once they are folded.
CREATE INDEX posts_unfolded ON posts (id) WHERE search_title IS NULL;

-- pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- GIN trigram indexes answer `LIKE '%text%'` for text with three letters or digits in a row; the rows they
-- find are rechecked against the pattern, so a match is always exact.
CREATE INDEX posts_search_title ON posts USING gin (search_title gin_trgm_ops);
CREATE INDEX posts_search_body ON posts USING gin (search_body gin_trgm_ops);
