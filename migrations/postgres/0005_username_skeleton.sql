-- Look-alike names (see also migrations/sqlite): `alice` and `aIice` (capital i) must not both be members, since they read the same.
--
-- A name's skeleton folds the characters that look alike in the board's fonts: case, then i/1 -> l, 0 -> o,
-- rn -> m, vv -> w (the ASCII part of Unicode's confusables, UTS #39). The unique index makes the check and the
-- insert one statement: two look-alike registrations racing each other cannot both succeed. The Rust function
-- `username_skeleton` (app/src/model/auth.rs) computes the same value for new members; a test checks that the
-- two agree.
--
-- Members who already share a skeleton keep their names: only the oldest of each group gets one (NULLs never
-- collide), so the migration cannot fail on an existing board, and every new look-alike of them is refused.
ALTER TABLE users ADD COLUMN username_skeleton TEXT;

UPDATE users SET username_skeleton =
    replace(replace(replace(replace(replace(lower(username), 'i', 'l'), '1', 'l'), '0', 'o'), 'rn', 'm'), 'vv', 'w')
WHERE id IN (
    SELECT min(id) FROM users
    GROUP BY replace(replace(replace(replace(replace(lower(username), 'i', 'l'), '1', 'l'), '0', 'o'), 'rn', 'm'), 'vv', 'w')
);

CREATE UNIQUE INDEX users_username_skeleton ON users (username_skeleton);
