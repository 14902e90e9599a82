-- A leaner outbox (issue #12): capture writes one B-tree per captured write instead of three.
-- The outbox was a rowid table (seq) with an index on (tbl, row_id) and one on set_id, so every
-- captured insert wrote three B-trees. Now the rows are kept in (tbl, row_id, hlc) order, which
-- is what packing a push, the digest triggers and evictions look rows up by, and set_id is
-- indexed only once a push has claimed the row (a partial index: captured rows have none yet).
-- hlc is unique per replica (its clock issues each value once), so it also orders the outbox as
-- seq did; seq remains as a name for it (a virtual column: nothing stored, nothing to write).
CREATE TEMP TABLE fb_outbox_copy AS SELECT tbl, row_id, hlc, cols, set_id FROM fb_outbox;
DROP TABLE fb_outbox;
CREATE TABLE fb_outbox (
  tbl    INTEGER NOT NULL,
  row_id TEXT NOT NULL,
  hlc    INTEGER NOT NULL,
  cols   INTEGER NOT NULL,
  set_id TEXT,
  seq    INTEGER GENERATED ALWAYS AS (hlc) VIRTUAL,
  PRIMARY KEY (tbl, row_id, hlc)
) WITHOUT ROWID;
CREATE INDEX fb_outbox_set ON fb_outbox (set_id) WHERE set_id IS NOT NULL;
INSERT INTO fb_outbox (tbl, row_id, hlc, cols, set_id)
SELECT tbl, row_id, hlc, cols, set_id FROM temp.fb_outbox_copy WHERE true
ON CONFLICT (tbl, row_id, hlc) DO UPDATE SET cols = cols | excluded.cols;
DROP TABLE temp.fb_outbox_copy;
