-- Sync bookkeeping of a rep's replica. Capture triggers are generated from the replicated
-- tables' columns by change_capture.cc when the replica opens (docs/sync.md explains why).

-- Key/value state: replica_id, hlc (last issued timestamp), cursor (last applied hub sequence).
CREATE TABLE fb_meta (
  key   TEXT PRIMARY KEY NOT NULL,
  value
) WITHOUT ROWID;

-- Replica ids referenced by the per-column versions in _v, by small integer.
CREATE TABLE fb_origins (
  idx        INTEGER PRIMARY KEY,
  replica_id TEXT NOT NULL UNIQUE
);

-- The outbox: one row per captured local write. cols is a bitmask of the changed columns
-- (bit i = i-th replicated column); set_id is NULL until the write is packed into a push.
CREATE TABLE fb_outbox (
  seq     INTEGER PRIMARY KEY,
  tbl     INTEGER NOT NULL,
  row_id  TEXT NOT NULL,
  cols    INTEGER NOT NULL,
  hlc     INTEGER NOT NULL,
  set_id  TEXT
);

-- Pushes built but not yet acknowledged, byte for byte, so that a retry resends the same set.
CREATE TABLE fb_pending_push (
  set_id     TEXT PRIMARY KEY NOT NULL,
  body       BLOB NOT NULL,
  created_ms INTEGER NOT NULL
);

-- Rows the hub refused, with its reason, for the rep to review. Nothing is dropped silently.
CREATE TABLE fb_rejections (
  id          INTEGER PRIMARY KEY,
  set_id      TEXT NOT NULL,
  tbl         TEXT NOT NULL,
  row_id      TEXT NOT NULL,
  code        TEXT NOT NULL,
  reason      TEXT NOT NULL,
  payload     TEXT NOT NULL,  -- JSON of the refused column values
  created_ms  INTEGER NOT NULL,
  resolved    INTEGER NOT NULL DEFAULT 0
);

-- Customers that left this rep's scope while a local write of theirs was still unpushed. They
-- are purged once those writes are acknowledged, so nothing the rep did offline is lost.
CREATE TABLE fb_deferred_evictions (
  customer_id TEXT PRIMARY KEY NOT NULL,
  since_ms    INTEGER NOT NULL
) WITHOUT ROWID;
