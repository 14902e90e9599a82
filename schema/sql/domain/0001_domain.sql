-- Fieldbook domain schema, shared by every replica and the hub.
--
-- Conventions (docs/sync.md):
--  * Every replicated row has a globally unique TEXT id made by the writer (row_id.h), never an
--    autoincrement, so replicas can create rows offline.
--  * Columns are only ever added by later migrations, never dropped, renamed or reordered: the
--    per-column versions in _v refer to columns by position.
--  * Columns starting with "_" are sync bookkeeping, not user data: _v holds the per-column
--    versions (column_versions.h), _seq the hub sequence number of the row's latest change.
--  * Mutable records (reps, territories, customers, contacts, tasks) merge per column and are
--    deleted by setting deleted = 1 (a tombstone). Facts (visits, orders, order_lines, feedback)
--    are insert-only: a correction is a new row whose voids_id names the row it replaces.
--  * No foreign keys are enforced: rows of one customer may arrive in any order. Enumerations are
--    CHECKed so that a bad value is refused at the edge that wrote it.

CREATE TABLE reps (
  id        TEXT PRIMARY KEY NOT NULL,
  name      TEXT,
  phone     TEXT,
  email     TEXT,
  role      TEXT CHECK (role IN ('rep', 'manager')),
  active    INTEGER CHECK (active IN (0, 1)),
  regions   TEXT,  -- comma-separated region codes served
  skill     TEXT CHECK (skill IN ('junior', 'senior', 'key_account')),
  capacity  INTEGER,
  capacity_tier_a INTEGER,
  deleted   INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v        BLOB,
  _seq      INTEGER
);

CREATE TABLE territories (
  id          TEXT PRIMARY KEY NOT NULL,
  name        TEXT,
  region      TEXT,
  city        TEXT,
  description TEXT,
  rep_id      TEXT,  -- the rep serving the territory's customers that have no owner of their own
  deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v          BLOB,
  _seq        INTEGER
);

CREATE TABLE customers (
  id              TEXT PRIMARY KEY NOT NULL,
  name            TEXT,  -- Chinese or Latin, as the garage writes it
  name_latin      TEXT,  -- pinyin or transliteration, for search and sorting
  customer_type   TEXT CHECK (customer_type IN ('garage', 'dealer', 'fleet', 'individual')),
  relationship    TEXT CHECK (relationship IN ('potential', 'existing', 'vip')),
  purchase_stage  TEXT CHECK (purchase_stage IN ('aware', 'interested', 'deciding', 'customer')),
  region_class    TEXT CHECK (region_class IN ('local', 'domestic', 'international')),
  address         TEXT,
  city            TEXT,
  province        TEXT,
  country         TEXT,
  lat             REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
  lon             REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
  phone           TEXT,
  primary_contact TEXT,
  birthday        TEXT,  -- YYYY-MM-DD (individuals; the owner's for garages)
  tags            TEXT,  -- comma-separated
  notes           TEXT,
  owner_rep_id    TEXT,  -- NULL while in the public pool
  territory_id    TEXT,
  created_at      TEXT,  -- ISO-8601 UTC
  -- Computed by the grading engine (issue #6); written by the hub, read-only on devices.
  grade_tier          TEXT,
  grade_recency       INTEGER,
  grade_frequency     INTEGER,
  grade_monetary      INTEGER,
  grade_ticket_class  TEXT,
  grade_lifecycle     TEXT,
  grade_churn_risk    REAL,
  grade_reasons       TEXT,  -- JSON explanation
  graded_at           TEXT,
  grade_rules_version INTEGER,
  deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v              BLOB,
  _seq            INTEGER
);
CREATE INDEX customers_owner ON customers (owner_rep_id);
CREATE INDEX customers_territory ON customers (territory_id);

CREATE TABLE contacts (
  id          TEXT PRIMARY KEY NOT NULL,
  customer_id TEXT,
  name        TEXT,
  title       TEXT,  -- owner, workshop manager, buyer...
  phone       TEXT,
  wechat      TEXT,
  email       TEXT,
  birthday    TEXT,
  is_primary  INTEGER CHECK (is_primary IN (0, 1)),
  notes       TEXT,
  deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v          BLOB,
  _seq        INTEGER
);
CREATE INDEX contacts_customer ON contacts (customer_id);

CREATE TABLE visits (
  id             TEXT PRIMARY KEY NOT NULL,
  customer_id    TEXT,
  rep_id         TEXT,
  check_in       TEXT,  -- ISO-8601 UTC
  check_out      TEXT,
  lat            REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
  lon            REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
  purpose        TEXT,
  outcome        TEXT,
  notes          TEXT,
  next_follow_up TEXT,  -- YYYY-MM-DD
  voids_id       TEXT,
  _v             BLOB,
  _seq           INTEGER
);
CREATE INDEX visits_customer ON visits (customer_id);

CREATE TABLE orders (
  id           TEXT PRIMARY KEY NOT NULL,
  customer_id  TEXT,
  rep_id       TEXT,
  order_date   TEXT,  -- YYYY-MM-DD
  amount_cents INTEGER,
  currency     TEXT,
  notes        TEXT,
  voids_id     TEXT,
  _v           BLOB,
  _seq         INTEGER
);
CREATE INDEX orders_customer ON orders (customer_id);

CREATE TABLE order_lines (
  id               TEXT PRIMARY KEY NOT NULL,
  order_id         TEXT,
  customer_id      TEXT,  -- denormalised so scopes never need a join
  part_no          TEXT,
  description      TEXT,
  quantity         INTEGER,
  unit_price_cents INTEGER,
  voids_id         TEXT,
  _v               BLOB,
  _seq             INTEGER
);
CREATE INDEX order_lines_order ON order_lines (order_id);

CREATE TABLE tasks (
  id          TEXT PRIMARY KEY NOT NULL,
  customer_id TEXT,
  rep_id      TEXT,
  due_date    TEXT,  -- YYYY-MM-DD
  kind        TEXT CHECK (kind IN ('call', 'visit', 'care', 'birthday')),
  status      TEXT CHECK (status IN ('open', 'done', 'cancelled')),
  title       TEXT,
  notes       TEXT,
  done_at     TEXT,
  deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v          BLOB,
  _seq        INTEGER
);
CREATE INDEX tasks_customer ON tasks (customer_id);

CREATE TABLE feedback (
  id           TEXT PRIMARY KEY NOT NULL,
  customer_id  TEXT,
  rep_id       TEXT,
  created_at   TEXT,
  satisfaction INTEGER CHECK (satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5),
  complaint    TEXT,
  voids_id     TEXT,
  _v           BLOB,
  _seq         INTEGER
);
CREATE INDEX feedback_customer ON feedback (customer_id);
