-- The change stream's history floor (docs/postgres.md): compaction forgets the entries at or below
-- it; a pull from a cursor below it cannot be answered from the stream (the device rebuilds from
-- a snapshot), as with SQLite's feed floor.
ALTER TABLE fb_hub_seq ADD COLUMN floor bigint NOT NULL DEFAULT 0 CHECK (floor >= 0);
