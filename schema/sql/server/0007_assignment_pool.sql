-- Customer assignment and the public pool (公海), issue #7 (docs/assignment.md). Server-only:
-- none of these tables replicate; devices learn what they need from GET /v1/pool.

-- A rep's profile for the assignment rules. A rep without a row is a junior with no capacity
-- limit, not a closer, serving the regions of reps.regions (any region when that is empty too).
CREATE TABLE srv_rep_profiles (
  rep_id     TEXT PRIMARY KEY NOT NULL,
  regions    TEXT NOT NULL DEFAULT '',  -- comma-separated region codes; '' = any region
  skill      TEXT NOT NULL DEFAULT 'junior' CHECK (skill IN ('junior', 'senior', 'key_account')),
  capacity   INTEGER CHECK (capacity IS NULL OR capacity >= 0),      -- NULL = no limit
  capacity_a INTEGER CHECK (capacity_a IS NULL OR capacity_a >= 0),  -- tier-A customers
  closer     INTEGER NOT NULL DEFAULT 0 CHECK (closer IN (0, 1)),
  updated_by TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- Every version of the assignment rules; the highest version is in force (none: the defaults).
CREATE TABLE srv_assignment_rules (
  version    INTEGER PRIMARY KEY,
  rules_json TEXT NOT NULL,
  set_by     TEXT NOT NULL,
  set_ms     INTEGER NOT NULL
);

-- Moves made by `assign` (the rule and reason of each); the move itself is an ordinary
-- reassignment with its scope events.
CREATE TABLE srv_assignment_log (
  id          INTEGER PRIMARY KEY,
  at_ms       INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  from_rep    TEXT,
  to_rep      TEXT NOT NULL,
  rule        TEXT NOT NULL,
  reason      TEXT NOT NULL
);
CREATE INDEX srv_assignment_log_customer ON srv_assignment_log (customer_id, id);

-- The public pool: customers no rep holds, whatever their owner or territory says.
CREATE TABLE srv_pool (
  customer_id TEXT PRIMARY KEY NOT NULL,
  since_ms    INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('reclaim', 'release')),
  reason      TEXT NOT NULL,
  from_rep    TEXT
) WITHOUT ROWID;

-- Reps' claim requests and the answers given, so that a retried request gets the same answer.
CREATE TABLE srv_pool_claims (
  rep_id          TEXT NOT NULL,
  request_id      TEXT NOT NULL,
  customer_id     TEXT NOT NULL,
  requested_at_ms INTEGER,
  status          TEXT NOT NULL CHECK (status IN ('granted', 'refused')),
  reason          TEXT NOT NULL,
  decided_ms      INTEGER NOT NULL,
  PRIMARY KEY (rep_id, request_id)
) WITHOUT ROWID;
CREATE INDEX srv_pool_claims_day ON srv_pool_claims (rep_id, status, decided_ms);

-- Who put which customer into or out of the pool, when and why; refused claims too.
CREATE TABLE srv_pool_audit (
  id          INTEGER PRIMARY KEY,
  at_ms       INTEGER NOT NULL,
  customer_id TEXT NOT NULL,
  action      TEXT NOT NULL
              CHECK (action IN ('reclaim', 'release', 'claim', 'claim_refused', 'assign')),
  rep_id      TEXT,  -- the rep the customer left (reclaim, release) or went to / asked for it
  actor       TEXT NOT NULL,
  reason      TEXT NOT NULL
);
CREATE INDEX srv_pool_audit_customer ON srv_pool_audit (customer_id, id);

-- When each rep's devices last synced (any device; recorded at every pull, after its push).
CREATE TABLE srv_rep_sync (
  rep_id       TEXT PRIMARY KEY NOT NULL,
  last_sync_ms INTEGER NOT NULL
) WITHOUT ROWID;
