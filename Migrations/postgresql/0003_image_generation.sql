-- cfimages schema, version 3 (PostgreSQL): the `images` change counter, as Migrations/sqlite/0003. The row is
-- updated in the transaction of every change to `images`, by whichever instance writes, so every instance sees
-- every other one's changes through it (and concurrent writers queue on the row lock until commit).

CREATE TABLE image_generation (
    id         INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    generation BIGINT NOT NULL
);

INSERT INTO image_generation (id, generation) VALUES (1, 0);

CREATE FUNCTION images_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE image_generation SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER images_generation_insert AFTER INSERT ON images FOR EACH ROW EXECUTE FUNCTION images_generation();
CREATE TRIGGER images_generation_update AFTER UPDATE ON images FOR EACH ROW EXECUTE FUNCTION images_generation();
CREATE TRIGGER images_generation_delete AFTER DELETE ON images FOR EACH ROW EXECUTE FUNCTION images_generation();
