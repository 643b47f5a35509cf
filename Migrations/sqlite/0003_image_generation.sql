-- cfimages schema, version 3: a change counter for `images`.

-- One row whose `generation` goes up with every INSERT, UPDATE or DELETE on `images`, in the same transaction, by
-- whichever process or connection writes. A reader that sees the same generation as when it cached something
-- derived from `images` (list page boundaries) knows the rows it derived it from are unchanged.
CREATE TABLE image_generation (
    id         INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    generation INTEGER NOT NULL
);

INSERT INTO image_generation (id, generation) VALUES (1, 0);

CREATE TRIGGER images_generation_insert AFTER INSERT ON images
BEGIN
    UPDATE image_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER images_generation_update AFTER UPDATE ON images
BEGIN
    UPDATE image_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER images_generation_delete AFTER DELETE ON images
BEGIN
    UPDATE image_generation SET generation = generation + 1 WHERE id = 1;
END;
