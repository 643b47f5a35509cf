-- cfimages schema, version 11: events of the usage registry (image.usage_added, image.usage_removed) carry the usage
-- they report beside the image: the usage row as it was (JSON), null for the image events.

ALTER TABLE events ADD COLUMN usage BLOB;
