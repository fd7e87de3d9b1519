-- Passkeys (WebAuthn): a second way to prove who you are, beside the password (app/src/store/passkeys.rs).

-- One row per registered passkey. `credential` is webauthn-rs's `Passkey` as JSON: the public key, the signature
-- counter and the backup flags, which every sign-in checks and then updates. `sign_count` repeats the counter
-- where a statement can compare it: a sign-in stores its counter only if it is still higher than the stored one,
-- so two sign-ins with the same counter (a cloned authenticator) cannot both pass, even on two instances.
-- `credential_id` (base64url) is unique across members: one authenticator's key belongs to one account.
CREATE TABLE passkeys (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    credential    TEXT    NOT NULL,
    sign_count    BIGINT  NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL DEFAULT bulletin_now(),
    last_used_at  TEXT
);

CREATE INDEX passkeys_user ON passkeys (user_id, id);

-- A ceremony in progress: the server's half of a registration or sign-in (webauthn-rs's state, JSON, holding the
-- challenge), kept here and not in memory so that a ceremony begun on one instance can finish on another. Each is
-- taken (deleted) by its finish, so it is used once; `expires_at` (Unix seconds) ends it after 5 minutes, and
-- expired rows are deleted whenever a ceremony begins. A member has at most one registration open at a time.
CREATE TABLE passkey_ceremonies (
    id         TEXT    NOT NULL PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('registration', 'login')),
    user_id    BIGINT  REFERENCES users (id) ON DELETE CASCADE,
    state      TEXT    NOT NULL,
    expires_at BIGINT  NOT NULL
);

CREATE INDEX passkey_ceremonies_expiry ON passkey_ceremonies (expires_at);
CREATE INDEX passkey_ceremonies_user ON passkey_ceremonies (user_id) WHERE user_id IS NOT NULL;
