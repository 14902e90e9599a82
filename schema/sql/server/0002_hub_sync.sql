-- Sync bookkeeping of the hub (the server's database).

CREATE TABLE fb_meta (
  key   TEXT PRIMARY KEY NOT NULL,
  value
) WITHOUT ROWID;

CREATE TABLE fb_origins (
  idx        INTEGER PRIMARY KEY,
  replica_id TEXT NOT NULL UNIQUE
);

-- Every applied push with the answer given, so a retried set id returns the same answer and
-- changes nothing.
CREATE TABLE fb_applied_sets (
  set_id     TEXT PRIMARY KEY NOT NULL,
  replica_id TEXT NOT NULL,
  result     BLOB NOT NULL,
  applied_ms INTEGER NOT NULL
);

-- Customers that look like the same garage (same phone, or same name and city), flagged for
-- review instead of being merged or silently kept twice. customer_a < customer_b.
CREATE TABLE fb_possible_duplicates (
  customer_a  TEXT NOT NULL,
  customer_b  TEXT NOT NULL,
  reason      TEXT NOT NULL,
  detected_ms INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'distinct')),
  PRIMARY KEY (customer_a, customer_b)
) WITHOUT ROWID;

-- Pull order: rows by the hub sequence of their latest change.
CREATE INDEX reps_seq ON reps (_seq);
CREATE INDEX territories_seq ON territories (_seq);
CREATE INDEX customers_seq ON customers (_seq);
CREATE INDEX contacts_seq ON contacts (_seq);
CREATE INDEX visits_seq ON visits (_seq);
CREATE INDEX orders_seq ON orders (_seq);
CREATE INDEX order_lines_seq ON order_lines (_seq);
CREATE INDEX tasks_seq ON tasks (_seq);
CREATE INDEX feedback_seq ON feedback (_seq);
CREATE INDEX customers_phone ON customers (phone);
CREATE INDEX customers_city ON customers (city COLLATE NOCASE);
