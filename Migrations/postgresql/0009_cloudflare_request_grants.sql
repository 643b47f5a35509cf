-- cfimages schema, version 9 (PostgreSQL): the Cloudflare request budget every instance shares, as
-- Migrations/sqlite/0009. Bookings are serialised by a transaction advisory lock.

CREATE TABLE cloudflare_request_grants (
    id         BIGSERIAL PRIMARY KEY,
    granted_at BIGINT NOT NULL,
    count      INTEGER NOT NULL CHECK (count > 0)
);

CREATE INDEX cloudflare_request_grants_granted_at ON cloudflare_request_grants (granted_at);
