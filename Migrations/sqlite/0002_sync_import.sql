-- cfimages schema, version 2: state of `cfimages sync` and `cfimages import`.

-- Where a sync run is: one row per scope ('account' for real runs, 'dry-run' for dry runs), kept after each page so
-- an interrupted run resumes, deleted when a run completes.
CREATE TABLE sync_checkpoints (
    scope              TEXT PRIMARY KEY NOT NULL,
    continuation_token TEXT,                                   -- the next page to list; NULL: the first page
    listing_complete   INTEGER NOT NULL DEFAULT 0 CHECK (listing_complete IN (0, 1)),
    pages              INTEGER NOT NULL DEFAULT 0,
    images_seen        INTEGER NOT NULL DEFAULT 0,
    started_at         INTEGER NOT NULL,                       -- rows changed after this are never called missing
    updated_at         INTEGER NOT NULL
) WITHOUT ROWID;

-- Cloudflare IDs listed so far by the run of a scope, to find local rows Cloudflare no longer has.
CREATE TABLE sync_seen (
    scope         TEXT NOT NULL REFERENCES sync_checkpoints (scope) ON DELETE CASCADE,
    cloudflare_id TEXT NOT NULL,
    PRIMARY KEY (scope, cloudflare_id)
) WITHOUT ROWID;

-- Lines of import files already imported, keyed by the SHA-256 of the line's text, so a re-run skips them.
-- A ledger row goes with its image: deleting the image makes the line importable again.
CREATE TABLE import_ledger (
    line_hash     TEXT PRIMARY KEY NOT NULL,
    image_id      TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    cloudflare_id TEXT NOT NULL,
    source        TEXT NOT NULL DEFAULT '',                    -- the file the line came from
    line_number   INTEGER NOT NULL,
    imported_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX import_ledger_image ON import_ledger (image_id);
