-- cfimages schema, version 5: the usage registry (which content references which image), as the reference
-- package's ImageUsage.

-- One row per (content type, object, field): the reference `cloudflare_id`, resolved to our image when we track one
-- (`image_id`; NULL marks an "unregistered" reference). `source` is 'auto' for rows a client derives from its model
-- fields (pruned by reconcile) and 'manual' for rows it registers by hand (never pruned).
CREATE TABLE image_usages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    content_type  TEXT NOT NULL,                               -- app_label.model
    object_id     TEXT NOT NULL,
    field_name    TEXT NOT NULL,
    source        TEXT NOT NULL DEFAULT 'auto' CHECK (source IN ('auto', 'manual')),
    cloudflare_id TEXT NOT NULL,
    image_id      TEXT REFERENCES images (id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (content_type, object_id, field_name)
);

CREATE INDEX image_usages_cloudflare_id ON image_usages (cloudflare_id);
CREATE INDEX image_usages_image_updated ON image_usages (image_id, updated_at, id);
CREATE INDEX image_usages_updated ON image_usages (updated_at, id);
CREATE INDEX image_usages_content_updated ON image_usages (content_type, updated_at, id);

-- How many usage rows point at the image (maintained by the triggers below), and when it last gained or lost one.
ALTER TABLE images ADD COLUMN usage_count INTEGER NOT NULL DEFAULT 0 CHECK (usage_count >= 0);
ALTER TABLE images ADD COLUMN last_referenced_at INTEGER;

-- Orphans (no usage) in the orders the list offers, without scanning the images in use.
CREATE INDEX images_orphans_owner_created ON images (owner, created_at) WHERE usage_count = 0;
CREATE INDEX images_orphans_created ON images (created_at) WHERE usage_count = 0;
CREATE INDEX images_orphans_referenced ON images (status, last_referenced_at, created_at) WHERE usage_count = 0;

CREATE TRIGGER image_usages_insert AFTER INSERT ON image_usages WHEN NEW.image_id IS NOT NULL
BEGIN
    UPDATE images SET usage_count = usage_count + 1, last_referenced_at = NEW.updated_at WHERE id = NEW.image_id;
END;

CREATE TRIGGER image_usages_delete AFTER DELETE ON image_usages WHEN OLD.image_id IS NOT NULL
BEGIN
    UPDATE images SET usage_count = usage_count - 1 WHERE id = OLD.image_id;
END;

CREATE TRIGGER image_usages_relink AFTER UPDATE OF image_id ON image_usages WHEN OLD.image_id IS NOT NEW.image_id
BEGIN
    UPDATE images SET usage_count = usage_count - 1, last_referenced_at = NEW.updated_at WHERE id = OLD.image_id;
    UPDATE images SET usage_count = usage_count + 1, last_referenced_at = NEW.updated_at WHERE id = NEW.image_id;
END;

-- Per owner and status, also how many images are orphans and how many usages point at them.
ALTER TABLE image_counts ADD COLUMN orphan_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE image_counts ADD COLUMN usage_count INTEGER NOT NULL DEFAULT 0;
UPDATE image_counts SET orphan_count = image_count;

DROP TRIGGER images_count_insert;
DROP TRIGGER images_count_delete;
DROP TRIGGER images_count_update;

CREATE TRIGGER images_count_insert AFTER INSERT ON images
BEGIN
    INSERT INTO image_counts (owner, status, image_count, total_file_size, signed_url_count, orphan_count, usage_count)
    VALUES (NEW.owner, NEW.status, 1, coalesce(NEW.file_size, 0), NEW.require_signed_urls, NEW.usage_count = 0,
            NEW.usage_count)
    ON CONFLICT (owner, status) DO UPDATE SET
        image_count = image_count + 1,
        total_file_size = total_file_size + excluded.total_file_size,
        signed_url_count = signed_url_count + excluded.signed_url_count,
        orphan_count = orphan_count + excluded.orphan_count,
        usage_count = usage_count + excluded.usage_count;
    -- An image tracked after content referenced it takes over those unregistered references (after it is counted,
    -- so the move out of the orphans is counted too).
    UPDATE image_usages SET image_id = NEW.id, updated_at = NEW.updated_at
    WHERE cloudflare_id = NEW.cloudflare_id AND image_id IS NULL;
END;

CREATE TRIGGER images_count_delete AFTER DELETE ON images
BEGIN
    UPDATE image_counts SET
        image_count = image_count - 1,
        total_file_size = total_file_size - coalesce(OLD.file_size, 0),
        signed_url_count = signed_url_count - OLD.require_signed_urls,
        orphan_count = orphan_count - (OLD.usage_count = 0),
        usage_count = usage_count - OLD.usage_count
    WHERE owner = OLD.owner AND status = OLD.status;
END;

CREATE TRIGGER images_count_update AFTER UPDATE OF owner, status, file_size, require_signed_urls, usage_count ON images
WHEN OLD.owner IS NOT NEW.owner OR OLD.status IS NOT NEW.status
    OR OLD.file_size IS NOT NEW.file_size OR OLD.require_signed_urls IS NOT NEW.require_signed_urls
    OR OLD.usage_count IS NOT NEW.usage_count
BEGIN
    UPDATE image_counts SET
        image_count = image_count - 1,
        total_file_size = total_file_size - coalesce(OLD.file_size, 0),
        signed_url_count = signed_url_count - OLD.require_signed_urls,
        orphan_count = orphan_count - (OLD.usage_count = 0),
        usage_count = usage_count - OLD.usage_count
    WHERE owner = OLD.owner AND status = OLD.status;
    INSERT INTO image_counts (owner, status, image_count, total_file_size, signed_url_count, orphan_count, usage_count)
    VALUES (NEW.owner, NEW.status, 1, coalesce(NEW.file_size, 0), NEW.require_signed_urls, NEW.usage_count = 0,
            NEW.usage_count)
    ON CONFLICT (owner, status) DO UPDATE SET
        image_count = image_count + 1,
        total_file_size = total_file_size + excluded.total_file_size,
        signed_url_count = signed_url_count + excluded.signed_url_count,
        orphan_count = orphan_count + excluded.orphan_count,
        usage_count = usage_count + excluded.usage_count;
END;
