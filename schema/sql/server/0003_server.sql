-- The server's own tables, beside the hub's (sync) and the domain's.

-- Device tokens. Only a SHA-256 hash of each token is stored; the token is shown once.
CREATE TABLE srv_credentials (
  token_hash TEXT PRIMARY KEY NOT NULL,
  rep_id     TEXT NOT NULL,
  label      TEXT,
  created_ms INTEGER NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) WITHOUT ROWID;
CREATE INDEX srv_credentials_rep ON srv_credentials (rep_id);

-- Which customers each rep's devices hold now. A customer belongs to its owner_rep_id, or, when it
-- has none, to the rep of its territory (docs/server.md).
CREATE TABLE srv_scope (
  rep_id      TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  PRIMARY KEY (rep_id, customer_id)
) WITHOUT ROWID;
CREATE INDEX srv_scope_customer ON srv_scope (customer_id);

-- Every change of scope, numbered in step with the hub's changes, so that a pull can bring a
-- newly assigned customer's history and purge a customer that moved away. `hlc` is the hub
-- clock at the move: edits stamped before it merge normally, later ones go to srv_conflicts.
CREATE TABLE srv_scope_events (
  seq         INTEGER PRIMARY KEY,
  rep_id      TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('added', 'removed')),
  hlc         INTEGER NOT NULL,
  reason      TEXT
);
CREATE INDEX srv_scope_events_rep ON srv_scope_events (rep_id, seq);
CREATE INDEX srv_scope_events_customer ON srv_scope_events (customer_id, rep_id, seq);

-- Field edits a rep made to a customer after it was reassigned away from them: not applied,
-- kept for the new owner and managers to review (apply or dismiss).
CREATE TABLE srv_conflicts (
  id          INTEGER PRIMARY KEY,
  customer_id TEXT NOT NULL,
  tbl         TEXT NOT NULL,
  row_id      TEXT NOT NULL,
  column_name TEXT NOT NULL,
  value_json  TEXT NOT NULL,
  hlc         INTEGER NOT NULL,
  from_rep    TEXT NOT NULL,
  owner_rep   TEXT,
  created_ms  INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'applied', 'dismissed')),
  resolved_by TEXT,
  resolved_ms INTEGER
);
CREATE INDEX srv_conflicts_customer ON srv_conflicts (customer_id);

CREATE INDEX order_lines_customer ON order_lines (customer_id);
