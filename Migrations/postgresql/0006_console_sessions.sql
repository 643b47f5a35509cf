-- cfimages schema, version 6 (PostgreSQL): web console sessions, as Migrations/sqlite/0006.

CREATE TABLE console_sessions (
    id_hash      TEXT PRIMARY KEY NOT NULL,
    token_id     TEXT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);

CREATE INDEX console_sessions_token ON console_sessions (token_id);
CREATE INDEX console_sessions_created ON console_sessions (created_at);
