-- Merged-away customers (issue #16; server/store/duplicate_store.h): every duplicate merge
-- records loser -> survivor, so a row a device pushes later for the merged-away garage (a visit,
-- order, task, contact, feedback or preference logged offline meanwhile) is stored under the
-- survivor instead of the tombstone. A chain (A merged into B, later B into C) is followed at
-- lookup time. Merges made before this table existed are taken from the audit log.
CREATE TABLE srv_merges (
  loser     TEXT PRIMARY KEY NOT NULL,
  survivor  TEXT NOT NULL CHECK (survivor <> loser),
  merged_ms INTEGER NOT NULL,
  actor     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX srv_merges_survivor ON srv_merges (survivor);

INSERT OR IGNORE INTO srv_merges (loser, survivor, merged_ms, actor)
  SELECT subject, customer_id, at_ms, actor FROM srv_audit
  WHERE action = 'customer.merge' AND subject IS NOT NULL AND customer_id IS NOT NULL
    AND subject <> customer_id
  ORDER BY id;
