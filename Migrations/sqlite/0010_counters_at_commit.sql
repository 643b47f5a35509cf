-- cfimages schema, version 10: on PostgreSQL the shared counters' triggers move to commit time (see
-- Migrations/postgresql/0010). SQLite has one writer at a time, so nothing waits on their rows: nothing changes here.
SELECT 1;
