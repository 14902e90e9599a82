-- Per-rep change feeds (issue 12; docs/sync.md, "Steady state: per-rep feeds").
--
-- One entry per hub change of a row, written by the server's write observer in the same
-- transaction as the change: in the feed of the rep who holds the row's customer at that moment
-- (rep_id = that rep), or in the shared feed for rows every rep receives (reps, territories,
-- grading rules: rep_id = ''). Rows of a customer nobody holds (the pool) get no entry: whoever
-- receives the customer later gets its rows with the scope event. A rep's incremental pull reads
-- its own and the shared entries after its cursor instead of every change on the hub, so a pull
-- costs in proportion to the rep's own changes. An entry names its row by the change's sequence
-- number (the row is found by its <table>_seq index): once the row changes again no row has that
-- sequence any more and the entry is passed over (the later change has its own entry, or a scope
-- event brings the row). Compaction forgets entries at or below the history floor.
CREATE TABLE srv_feed (
  rep_id TEXT NOT NULL,
  seq    INTEGER NOT NULL,
  tbl    INTEGER NOT NULL,  -- table code (catalog.cc)
  PRIMARY KEY (rep_id, seq)
) WITHOUT ROWID;

-- Changes made before the feeds existed have no entries: a pull from a cursor below this walks
-- every table's changes after it, as before.
INSERT INTO fb_meta (key, value)
  VALUES ('feed_floor', coalesce((SELECT value FROM fb_meta WHERE key = 'seq'), 0));
