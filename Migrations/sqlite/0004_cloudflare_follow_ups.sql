-- cfimages schema, version 4: work owed to Cloudflare that could not be done when it arose.

-- One row per piece of work, kept until it is done: `apply_settings` (a change of require_signed_urls or metadata
-- made before the upload completed, pushed to Cloudflare once the upload is seen) and `delete_draft` (an expired
-- upload whose draft Cloudflare did not delete, retried by later expiry sweeps). Keyed by Cloudflare id and not tied
-- to the image row, so a draft still owed a delete outlives the row's purge.
CREATE TABLE cloudflare_follow_ups (
    cloudflare_id TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('apply_settings', 'delete_draft')),
    image_id      TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (cloudflare_id, kind)
);

CREATE INDEX cloudflare_follow_ups_kind_updated ON cloudflare_follow_ups (kind, updated_at);
CREATE INDEX cloudflare_follow_ups_image ON cloudflare_follow_ups (image_id);
