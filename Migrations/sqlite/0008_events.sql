-- cfimages schema, version 8: events for the host app (an outbox). An `events` row is written in the same
-- transaction as the image change it reports, with one `event_deliveries` row per enabled endpoint that takes its
-- type; the delivery worker sends them (at least once, in order per endpoint and image) and logs each attempt.
-- Times are microseconds since 1970.

CREATE TABLE event_endpoints (
    id                         TEXT PRIMARY KEY NOT NULL,      -- "ep_" + 24 hex
    url                        TEXT NOT NULL,
    description                TEXT NOT NULL DEFAULT '',
    events                     TEXT NOT NULL DEFAULT '[]',     -- JSON array of event types; empty: every type
    enabled                    INTEGER NOT NULL DEFAULT 1,
    secret                     TEXT NOT NULL,                  -- signs deliveries (HMAC-SHA256); shown once
    previous_secret            TEXT,                           -- signs beside `secret` until the grace ends
    previous_secret_expires_at INTEGER,
    failing_since              INTEGER,                        -- first failed attempt since the last success
    disabled_reason            TEXT,                           -- set when the worker disabled it
    created_at                 INTEGER NOT NULL,
    updated_at                 INTEGER NOT NULL
);

CREATE TABLE events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,              -- commit order
    id         TEXT NOT NULL UNIQUE,                           -- "evt_" + 24 hex
    type       TEXT NOT NULL,
    image_id   TEXT NOT NULL,                                  -- no foreign key: image.deleted outlives the image
    image      BLOB NOT NULL,                                  -- the image record as it was (JSON)
    created_at INTEGER NOT NULL
);

CREATE INDEX events_created ON events (created_at);

CREATE TABLE event_deliveries (
    event_seq       INTEGER NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
    endpoint_id     TEXT NOT NULL REFERENCES event_endpoints (id) ON DELETE CASCADE,
    image_id        TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',           -- pending, delivered, failed (gave up)
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,
    last_status     INTEGER,
    last_error      TEXT,
    PRIMARY KEY (event_seq, endpoint_id)
);

CREATE INDEX event_deliveries_due ON event_deliveries (state, next_attempt_at);
CREATE INDEX event_deliveries_order ON event_deliveries (endpoint_id, image_id, state, event_seq);

CREATE TABLE event_attempts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    event_seq        INTEGER NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
    endpoint_id      TEXT NOT NULL REFERENCES event_endpoints (id) ON DELETE CASCADE,
    attempted_at     INTEGER NOT NULL,
    status           INTEGER,                                  -- HTTP status; null when no answer
    duration_us      INTEGER NOT NULL,
    response_excerpt TEXT NOT NULL DEFAULT '',                 -- the first bytes of the answer
    error            TEXT
);

CREATE INDEX event_attempts_event ON event_attempts (event_seq, endpoint_id);
