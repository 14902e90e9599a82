-- Replica verification (docs/sync.md, "Verification and repair").

-- The hub's digests, per owner and table, kept up to date by triggers that digest_tracker.cc
-- generates from the catalog when the hub opens. `owner` is the row's customer (its id for
-- customers) or, for tables of no customer (reps, territories, grading_rules), the row's own id.
-- `sum` is the sum modulo 2^64 of the row digests of the owner's live rows (tombstones are not
-- counted), as a signed 64-bit integer with the same bits; `rows` counts them. A rep's digest
-- per (table, bucket) is the sum over the owners in its scope that fall in the bucket.
CREATE TABLE fb_owner_digests (
  owner TEXT NOT NULL,
  tbl   INTEGER NOT NULL,
  rows  INTEGER NOT NULL,
  sum   INTEGER NOT NULL,
  PRIMARY KEY (owner, tbl)
) WITHOUT ROWID;

-- Verification asked for a rep's devices (the nightly job, a manager). `request_id` grows with
-- every request; a device whose last completed check answered an older one sends its digests at
-- its next sync. `deep` asks the device to recompute its digests from its rows first.
CREATE TABLE srv_verify_requests (
  rep_id       TEXT PRIMARY KEY NOT NULL,
  request_id   INTEGER NOT NULL,
  requested_ms INTEGER NOT NULL,
  deep         INTEGER NOT NULL DEFAULT 0 CHECK (deep IN (0, 1)),
  reason       TEXT
) WITHOUT ROWID;

-- Per device (replica id): its last completed check (every bucket matched or was re-sent) and the
-- request it answered (0: none, the device asked itself).
CREATE TABLE srv_replica_checks (
  replica_id TEXT PRIMARY KEY NOT NULL,
  rep_id     TEXT NOT NULL,
  request_id INTEGER NOT NULL,
  checked_ms INTEGER NOT NULL,
  outcome    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX srv_replica_checks_rep ON srv_replica_checks (rep_id, request_id);

-- Every comparison the server made, for the nightly report ("replicas verified and repaired").
CREATE TABLE srv_verifications (
  id                 INTEGER PRIMARY KEY,
  rep_id             TEXT NOT NULL,
  replica_id         TEXT NOT NULL,
  checked_ms         INTEGER NOT NULL,
  outcome            TEXT NOT NULL CHECK (outcome IN ('match', 'repaired', 'partial',
                                                      'incompatible')),
  buckets_compared   INTEGER NOT NULL,
  buckets_mismatched INTEGER NOT NULL,
  buckets_resent     INTEGER NOT NULL,
  rows_resent        INTEGER NOT NULL,
  solicited          INTEGER NOT NULL CHECK (solicited IN (0, 1))
);
CREATE INDEX srv_verifications_time ON srv_verifications (checked_ms);
