-- cfimages schema, version 7: uploads per day and owner, kept by triggers, so the console's stats chart reads a few
-- rows instead of scanning every image. A day is the UTC day of `uploaded_at` (microseconds / 86,400,000,000); an
-- upload counts once, when the image first gets an `uploaded_at`, and stays counted when the image is deleted.

CREATE TABLE image_upload_days (
    owner   TEXT NOT NULL,
    day     INTEGER NOT NULL,
    uploads INTEGER NOT NULL DEFAULT 0 CHECK (uploads >= 0),
    PRIMARY KEY (owner, day)
) WITHOUT ROWID;

CREATE INDEX image_upload_days_day ON image_upload_days (day);

CREATE TRIGGER images_upload_day_insert AFTER INSERT ON images
WHEN NEW.uploaded_at IS NOT NULL
BEGIN
    INSERT INTO image_upload_days (owner, day, uploads) VALUES (NEW.owner, NEW.uploaded_at / 86400000000, 1)
    ON CONFLICT (owner, day) DO UPDATE SET uploads = uploads + 1;
END;

CREATE TRIGGER images_upload_day_update AFTER UPDATE OF uploaded_at ON images
WHEN OLD.uploaded_at IS NULL AND NEW.uploaded_at IS NOT NULL
BEGIN
    INSERT INTO image_upload_days (owner, day, uploads) VALUES (NEW.owner, NEW.uploaded_at / 86400000000, 1)
    ON CONFLICT (owner, day) DO UPDATE SET uploads = uploads + 1;
END;

INSERT INTO image_upload_days (owner, day, uploads)
SELECT owner, uploaded_at / 86400000000, count(*) FROM images WHERE uploaded_at IS NOT NULL GROUP BY 1, 2;
