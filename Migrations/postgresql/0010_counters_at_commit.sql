-- cfimages schema, version 10 (PostgreSQL): the triggers that keep the shared counters (image_counts,
-- image_generation, image_upload_days) run at commit, not at each change. Each of those rows is updated by every
-- writer of its owner (image_generation by every writer), and a row lock is held until commit: taken at the change,
-- it was held across every later statement of the transaction and its round trip (the log row, the event, its
-- deliveries), and all writers queued behind it. Deferred, the lock is taken inside COMMIT and held for that alone.
-- What the counters say after a commit is unchanged; inside a writing transaction they lag its own changes (no
-- writer reads them there).

DROP TRIGGER images_count_insert ON images;
DROP TRIGGER images_count_delete ON images;
DROP TRIGGER images_count_update ON images;
CREATE CONSTRAINT TRIGGER images_count_insert AFTER INSERT ON images DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION images_count();
CREATE CONSTRAINT TRIGGER images_count_delete AFTER DELETE ON images DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION images_count();
CREATE CONSTRAINT TRIGGER images_count_update
    AFTER UPDATE OF owner, status, file_size, require_signed_urls, usage_count ON images DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD.owner IS DISTINCT FROM NEW.owner OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.file_size IS DISTINCT FROM NEW.file_size OR OLD.require_signed_urls IS DISTINCT FROM NEW.require_signed_urls
          OR OLD.usage_count IS DISTINCT FROM NEW.usage_count)
    EXECUTE FUNCTION images_count();

DROP TRIGGER images_generation_insert ON images;
DROP TRIGGER images_generation_update ON images;
DROP TRIGGER images_generation_delete ON images;
CREATE CONSTRAINT TRIGGER images_generation_insert AFTER INSERT ON images DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION images_generation();
CREATE CONSTRAINT TRIGGER images_generation_update AFTER UPDATE ON images DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION images_generation();
CREATE CONSTRAINT TRIGGER images_generation_delete AFTER DELETE ON images DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION images_generation();

DROP TRIGGER images_upload_day_insert ON images;
DROP TRIGGER images_upload_day_update ON images;
CREATE CONSTRAINT TRIGGER images_upload_day_insert AFTER INSERT ON images DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.uploaded_at IS NOT NULL) EXECUTE FUNCTION images_upload_day();
CREATE CONSTRAINT TRIGGER images_upload_day_update AFTER UPDATE OF uploaded_at ON images DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.uploaded_at IS NULL AND NEW.uploaded_at IS NOT NULL) EXECUTE FUNCTION images_upload_day();
