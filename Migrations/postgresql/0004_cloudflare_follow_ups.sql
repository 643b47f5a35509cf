-- cfimages schema, version 4 (PostgreSQL): work owed to Cloudflare, as Migrations/sqlite/0004.

CREATE TABLE cloudflare_follow_ups (
    cloudflare_id TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('apply_settings', 'delete_draft')),
    image_id      TEXT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (cloudflare_id, kind)
);

CREATE INDEX cloudflare_follow_ups_kind_updated ON cloudflare_follow_ups (kind, updated_at);
CREATE INDEX cloudflare_follow_ups_image ON cloudflare_follow_ups (image_id);
