-- cfimages schema, version 9: the Cloudflare request budget shared by every process on this database. Each row is
-- a grant of `count` requests booked at `granted_at` (microseconds); a grant counts against the account's limit
-- until a window (and the time it may be spent in) has passed, then it is deleted.

CREATE TABLE cloudflare_request_grants (
    id         INTEGER PRIMARY KEY,
    granted_at INTEGER NOT NULL,
    count      INTEGER NOT NULL CHECK (count > 0)
);

CREATE INDEX cloudflare_request_grants_granted_at ON cloudflare_request_grants (granted_at);
