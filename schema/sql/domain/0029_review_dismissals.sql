-- The rep's dismissals of review-list entries (issue #19; docs/sync.md "The review list"). When
-- the rep dismisses a change the server refused or holds for review, the device records it here:
-- an insert-only fact in the rep's name (the push gate checks rep_id like every fact's, and the
-- customer like every row's: the rep's own garage, or one the rep held before it moved), pushed
-- like any row, so the manager sees on the console's Review page what the rep let go and why.
--
-- tbl and row_id name the refused record, code the hub's code(s) (comma-separated), refused the
-- values that did not reach the hub ({"column": value, ...}, JSON), note the rep's words.
CREATE TABLE review_dismissals (
  id           TEXT PRIMARY KEY NOT NULL,
  customer_id  TEXT,
  rep_id       TEXT,
  tbl          TEXT,
  row_id       TEXT,
  code         TEXT,
  refused      TEXT,
  dismissed_at TEXT,  -- ISO-8601 UTC
  note         TEXT CHECK (note IS NULL OR length(note) <= 500),
  _v           BLOB,
  _seq         INTEGER
);
CREATE INDEX review_dismissals_customer ON review_dismissals (customer_id);
CREATE INDEX review_dismissals_seq ON review_dismissals (_seq);
