-- The public pool (公海, issue #7) on a rep's device: the server's answer to GET /v1/pool as last
-- fetched (the pool in the rep's regions, the policy and caps, and the server's reclaim clocks for
-- the rep's own customers), and the rep's claim and release requests, recorded offline and sent
-- at the next sync, with the server's answers. Client-only: fb_ tables are not in the sync
-- catalog (shared/src/catalog.cc), so nothing here is captured or replicated. ClientStore
-- (client/client_store_pool.cc) is the only writer; docs/assignment.md has the contract.

-- The policy and caps as of the last GET /v1/pool (one row; none before the first fetch).
CREATE TABLE fb_pool_policy (
  id                   INTEGER PRIMARY KEY CHECK (id = 1),
  rep_id               TEXT NOT NULL,     -- whose listing this is (the token's rep)
  as_of                TEXT NOT NULL,     -- the server's time of the answer, ISO-8601 UTC
  server_day           TEXT NOT NULL,     -- the server's day then (UTC), YYYY-MM-DD
  fetched_ms           INTEGER NOT NULL,  -- the device's clock when it arrived
  rules_version        INTEGER NOT NULL,
  default_reclaim_days INTEGER NOT NULL,  -- tiers without their own entry; 0 = never
  warn_days            INTEGER NOT NULL,
  upcoming_days        INTEGER NOT NULL,  -- clocks are listed up to warn_days + this ahead
  max_wait_days        INTEGER NOT NULL,
  daily_claims         INTEGER NOT NULL,
  claims_today         INTEGER NOT NULL,
  holding_cap          INTEGER NOT NULL,
  holding              INTEGER NOT NULL,
  tier_a_cap           INTEGER,           -- NULL = no limit
  tier_a_holding       INTEGER NOT NULL,
  regions              TEXT NOT NULL,     -- comma-separated; '' = every region
  pool_truncated       INTEGER NOT NULL CHECK (pool_truncated IN (0, 1))
);

-- Days without a visit or an order after which a customer of the tier returns to the pool.
CREATE TABLE fb_pool_reclaim_days (
  tier TEXT PRIMARY KEY NOT NULL,
  days INTEGER NOT NULL
) WITHOUT ROWID;

-- The pooled customers the rep may see, in the server's order (most valuable tiers first).
CREATE TABLE fb_pool_customers (
  position      INTEGER PRIMARY KEY,
  customer_id   TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  city          TEXT NOT NULL,
  region        TEXT NOT NULL,
  tier          TEXT NOT NULL,
  customer_type TEXT NOT NULL,
  since         TEXT NOT NULL,  -- in the pool since, ISO-8601 UTC
  kind          TEXT NOT NULL,  -- reclaim or release
  reason        TEXT NOT NULL,  -- why it is in the pool
  claimable     INTEGER NOT NULL CHECK (claimable IN (0, 1)),
  refusal       TEXT NOT NULL   -- why the server would refuse a claim then ('' = it would not)
);

-- The server's reclaim clocks for the rep's own customers with a deadline within
-- warn_days + upcoming_days of server_day (its "warnings" and "upcoming").
CREATE TABLE fb_pool_clocks (
  customer_id      TEXT PRIMARY KEY NOT NULL,
  name             TEXT NOT NULL,
  tier             TEXT NOT NULL,
  reclaim_days     INTEGER NOT NULL,
  counting_from    TEXT NOT NULL,  -- YYYY-MM-DD: latest activity, creation or arrival to the rep
  last_activity    TEXT NOT NULL,  -- YYYY-MM-DD, '' = none on record
  deadline         TEXT NOT NULL,  -- YYYY-MM-DD; reclaimed from the day after
  waiting_for_sync INTEGER NOT NULL CHECK (waiting_for_sync IN (0, 1)),
  reason           TEXT NOT NULL
) WITHOUT ROWID;

-- The rep's requests: made offline, sent at the next sync (POST /v1/pool/claims, one
-- POST /v1/pool/release each), answered by the server. A claim's request_id makes a resent claim
-- get its first answer again.
CREATE TABLE fb_pool_requests (
  request_id    TEXT PRIMARY KEY NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('claim', 'release')),
  customer_id   TEXT NOT NULL,
  customer_name TEXT NOT NULL DEFAULT '',
  note          TEXT NOT NULL DEFAULT '',  -- a release's reason, as the rep wrote it
  requested_at  TEXT NOT NULL,             -- ISO-8601 UTC, device clock
  requested_ms  INTEGER NOT NULL,
  status        TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'granted', 'refused')),
  reason        TEXT NOT NULL DEFAULT '',  -- the server's answer
  answered_at   TEXT                       -- ISO-8601 UTC, the server's decision time
) WITHOUT ROWID;
-- At most one waiting request of a kind per customer.
CREATE UNIQUE INDEX fb_pool_requests_pending ON fb_pool_requests (kind, customer_id)
  WHERE status = 'pending';
CREATE INDEX fb_pool_requests_order ON fb_pool_requests (status, requested_ms);
