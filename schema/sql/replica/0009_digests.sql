-- Replica verification (docs/sync.md, "Verification and repair"): an additive digest of the
-- replicated rows the device holds, per table and bucket, kept up to date by triggers that
-- digest_tracker.cc generates from the catalog when the replica opens (like the capture triggers).
--
-- A row lands in bucket hash(key) mod the bucket count, where key is the row's customer (its id
-- for customers) or, for tables of no customer, its own id. `sum` is the sum modulo 2^64 of the
-- row digests (row_digest.h) of the bucket's live rows, stored as the signed 64-bit integer with
-- the same bits; `rows` counts them. Tombstones (deleted = 1) are not counted: compaction removes
-- them on the server only. Every (table, bucket) slot exists, so that a trigger only updates.
CREATE TABLE fb_digests (
  tbl    INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  rows   INTEGER NOT NULL DEFAULT 0,
  sum    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tbl, bucket)
) WITHOUT ROWID;
