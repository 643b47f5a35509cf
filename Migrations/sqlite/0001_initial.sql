-- cfimages schema, version 1.
-- Timestamps are INTEGER microseconds since the Unix epoch, UTC (sortable, index-friendly, exact).
-- JSON columns hold compact JSON text written by the application (objects for metadata, arrays for variants).

CREATE TABLE images (
    id                  TEXT PRIMARY KEY NOT NULL,             -- UUID, lower-case
    cloudflare_id       TEXT NOT NULL UNIQUE,
    owner               TEXT NOT NULL,                         -- user name of the owning API user
    filename            TEXT NOT NULL DEFAULT '',
    original_filename   TEXT NOT NULL DEFAULT '',
    content_type        TEXT NOT NULL DEFAULT '',
    file_size           INTEGER CHECK (file_size IS NULL OR file_size >= 0),
    upload_url          TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'draft', 'uploaded', 'failed', 'expired')),
    require_signed_urls INTEGER NOT NULL DEFAULT 1 CHECK (require_signed_urls IN (0, 1)),
    metadata            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    creator             TEXT NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    uploaded_at         INTEGER,
    expires_at          INTEGER NOT NULL,
    width               INTEGER,
    height              INTEGER,
    format              TEXT NOT NULL DEFAULT '',
    variants            TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(variants)),
    cloudflare_metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(cloudflare_metadata))
);

CREATE INDEX images_owner_created ON images (owner, created_at);
CREATE INDEX images_owner_status_created ON images (owner, status, created_at);
CREATE INDEX images_owner_uploaded ON images (owner, uploaded_at);
CREATE INDEX images_created ON images (created_at);
CREATE INDEX images_status_created ON images (status, created_at);
CREATE INDEX images_status_updated ON images (status, updated_at);
CREATE INDEX images_uploaded ON images (uploaded_at);
CREATE INDEX images_creator ON images (creator);
-- The expiry sweep looks only at rows still waiting for bytes.
CREATE INDEX images_expiring ON images (expires_at) WHERE status IN ('pending', 'draft');

CREATE TABLE image_upload_logs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    image_id   TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    message    TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
    timestamp  INTEGER NOT NULL
);

CREATE INDEX image_upload_logs_image_ts ON image_upload_logs (image_id, timestamp);
CREATE INDEX image_upload_logs_event_ts ON image_upload_logs (event_type, timestamp);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY NOT NULL,                    -- UUID
    token_hash   TEXT NOT NULL UNIQUE,                         -- hash of the key; the key itself is never stored
    user_name    TEXT NOT NULL,
    is_admin     INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    label        TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

CREATE INDEX api_tokens_user ON api_tokens (user_name, created_at);

-- Webhook deliveries already processed, so a redelivery changes nothing.
CREATE TABLE webhook_events (
    event_key   TEXT PRIMARY KEY NOT NULL,
    received_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX webhook_events_received ON webhook_events (received_at);

-- Per owner and status: how many images, their total file size and how many require signed URLs.
-- Maintained by the triggers below so statistics never scan `images`.
CREATE TABLE image_counts (
    owner               TEXT NOT NULL,
    status              TEXT NOT NULL,
    image_count         INTEGER NOT NULL DEFAULT 0,
    total_file_size     INTEGER NOT NULL DEFAULT 0,
    signed_url_count    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (owner, status)
) WITHOUT ROWID;

CREATE TRIGGER images_count_insert AFTER INSERT ON images
BEGIN
    INSERT INTO image_counts (owner, status, image_count, total_file_size, signed_url_count)
    VALUES (NEW.owner, NEW.status, 1, coalesce(NEW.file_size, 0), NEW.require_signed_urls)
    ON CONFLICT (owner, status) DO UPDATE SET
        image_count = image_count + 1,
        total_file_size = total_file_size + excluded.total_file_size,
        signed_url_count = signed_url_count + excluded.signed_url_count;
END;

CREATE TRIGGER images_count_delete AFTER DELETE ON images
BEGIN
    UPDATE image_counts SET
        image_count = image_count - 1,
        total_file_size = total_file_size - coalesce(OLD.file_size, 0),
        signed_url_count = signed_url_count - OLD.require_signed_urls
    WHERE owner = OLD.owner AND status = OLD.status;
END;

CREATE TRIGGER images_count_update AFTER UPDATE OF owner, status, file_size, require_signed_urls ON images
WHEN OLD.owner IS NOT NEW.owner OR OLD.status IS NOT NEW.status
    OR OLD.file_size IS NOT NEW.file_size OR OLD.require_signed_urls IS NOT NEW.require_signed_urls
BEGIN
    UPDATE image_counts SET
        image_count = image_count - 1,
        total_file_size = total_file_size - coalesce(OLD.file_size, 0),
        signed_url_count = signed_url_count - OLD.require_signed_urls
    WHERE owner = OLD.owner AND status = OLD.status;
    INSERT INTO image_counts (owner, status, image_count, total_file_size, signed_url_count)
    VALUES (NEW.owner, NEW.status, 1, coalesce(NEW.file_size, 0), NEW.require_signed_urls)
    ON CONFLICT (owner, status) DO UPDATE SET
        image_count = image_count + 1,
        total_file_size = total_file_size + excluded.total_file_size,
        signed_url_count = signed_url_count + excluded.signed_url_count;
END;
