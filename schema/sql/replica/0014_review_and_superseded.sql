-- Issue 12, items 4 and 8.

-- The review list keeps, for a reassignment, only the held columns (payload) with their versions
-- (held: {"column": hlc, ...}), so that the device can ask the server what became of them; a
-- manager's resolution marks the item resolved with its outcome.
ALTER TABLE fb_rejections ADD COLUMN held TEXT;
ALTER TABLE fb_rejections ADD COLUMN outcome TEXT;

-- Values a local write replaced while they were still waiting to be pushed, with their versions
-- (the newest unpushed write of that column before the replacing one). The push sends them as
-- older versions of the row before the newest, so that the hub can tell an edit made before a
-- reassignment (it merges) from one made after it (held for review) although no sync happened in
-- between (docs/sync.md, "Pushing"). Kept by a generated BEFORE UPDATE trigger
-- (outbox_history.cc); tied to a push like the outbox (set_id), removed when it is acknowledged.
CREATE TABLE fb_superseded (
  seq     INTEGER PRIMARY KEY,
  tbl     INTEGER NOT NULL,
  row_id  TEXT NOT NULL,
  col     INTEGER NOT NULL,
  value,
  hlc     INTEGER NOT NULL,
  set_id  TEXT
);
CREATE INDEX fb_superseded_row ON fb_superseded (tbl, row_id);
CREATE INDEX fb_superseded_set ON fb_superseded (set_id);
