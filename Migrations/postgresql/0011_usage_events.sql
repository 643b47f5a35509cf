-- cfimages schema, version 11 (PostgreSQL): as Migrations/sqlite/0011, the usage an event of the usage registry
-- reports (JSON), null for the image events.

ALTER TABLE events ADD COLUMN usage TEXT;
