-- Revocation of every token a member holds ("log out everywhere", password change).
--
-- Each token carries the member's token generation at signing time; a token is accepted only while it still
-- equals this column. Bumping the number revokes every older token at once, on every instance, with no list of
-- revoked tokens to keep. A counter rather than a "valid after" timestamp: it needs no agreement between the
-- clocks of several instances, and a token signed in the same second as the revocation is still told apart.
ALTER TABLE users ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;
