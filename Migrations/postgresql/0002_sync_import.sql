-- cfimages schema, version 2 (PostgreSQL): state of `cfimages sync` and `cfimages import`, as
-- Migrations/sqlite/0002_sync_import.sql.

CREATE TABLE sync_checkpoints (
    scope              TEXT PRIMARY KEY NOT NULL,
    continuation_token TEXT,
    listing_complete   INTEGER NOT NULL DEFAULT 0 CHECK (listing_complete IN (0, 1)),
    pages              BIGINT NOT NULL DEFAULT 0,
    images_seen        BIGINT NOT NULL DEFAULT 0,
    started_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);

CREATE TABLE sync_seen (
    scope         TEXT NOT NULL REFERENCES sync_checkpoints (scope) ON DELETE CASCADE,
    cloudflare_id TEXT NOT NULL,
    PRIMARY KEY (scope, cloudflare_id)
);

CREATE TABLE import_ledger (
    line_hash     TEXT PRIMARY KEY NOT NULL,
    image_id      TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    cloudflare_id TEXT NOT NULL,
    source        TEXT NOT NULL DEFAULT '',
    line_number   BIGINT NOT NULL,
    imported_at   BIGINT NOT NULL
);

CREATE INDEX import_ledger_image ON import_ledger (image_id);
