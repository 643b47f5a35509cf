-- cfimages schema, version 7 (PostgreSQL): uploads per day and owner, as Migrations/sqlite/0007. A day is
-- uploaded_at / 86,400,000,000 (integer division, as SQLite's).

CREATE TABLE image_upload_days (
    owner   TEXT NOT NULL,
    day     BIGINT NOT NULL,
    uploads BIGINT NOT NULL DEFAULT 0 CHECK (uploads >= 0),
    PRIMARY KEY (owner, day)
);

CREATE INDEX image_upload_days_day ON image_upload_days (day);

CREATE FUNCTION images_upload_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO image_upload_days (owner, day, uploads) VALUES (NEW.owner, NEW.uploaded_at / 86400000000, 1)
    ON CONFLICT (owner, day) DO UPDATE SET uploads = image_upload_days.uploads + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER images_upload_day_insert AFTER INSERT ON images FOR EACH ROW
    WHEN (NEW.uploaded_at IS NOT NULL) EXECUTE FUNCTION images_upload_day();
CREATE TRIGGER images_upload_day_update AFTER UPDATE OF uploaded_at ON images FOR EACH ROW
    WHEN (OLD.uploaded_at IS NULL AND NEW.uploaded_at IS NOT NULL) EXECUTE FUNCTION images_upload_day();

INSERT INTO image_upload_days (owner, day, uploads)
SELECT owner, uploaded_at / 86400000000, count(*) FROM images WHERE uploaded_at IS NOT NULL GROUP BY 1, 2;
