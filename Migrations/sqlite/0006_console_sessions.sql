-- cfimages schema, version 6: web console sessions. A session is opened with an API token and ends with it: the
-- row references the token, and a session whose token is revoked is never valid (checked on every lookup).

CREATE TABLE console_sessions (
    id_hash      TEXT PRIMARY KEY NOT NULL,                    -- SHA-256 hex of the cookie value; never the value
    token_id     TEXT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,                                -- sent in every state-changing form
    created_at   INTEGER NOT NULL,                             -- microseconds; the absolute expiry counts from here
    last_seen_at INTEGER NOT NULL                              -- the idle expiry counts from here
);

CREATE INDEX console_sessions_token ON console_sessions (token_id);
CREATE INDEX console_sessions_created ON console_sessions (created_at);
