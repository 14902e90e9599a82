-- The hub's replicated tables on PostgreSQL (issue #15; docs/postgres.md, "The hub's rows"):
-- the tables of the shared catalog (fieldbook/catalog.h) as SQLite's domain migrations
-- (schema/sql/domain/0001, 0004, 0012, 0018, 0021, 0023) leave them on the hub, with the hub's
-- own indexes (schema/sql/server/0002, 0019). Same table and column names, same column order
-- (the per-column versions in _v refer to columns by position), same CHECK rules; the types are
-- SQLite's affinities: TEXT -> text, INTEGER -> bigint, REAL -> double precision,
-- BLOB -> bytea. tests/postgres/pg_domain_schema_test.cc checks every catalog column against
-- SQLite's schema, and that both accept and refuse the same values.
--
-- As in SQLite: every id is TEXT made by the writer; no foreign keys (a customer's rows arrive in
-- any order); rows are tombstoned (deleted = 1), never removed by a device; _v holds the column
-- versions, _seq the hub sequence number of the row's latest change (stamped by PgChangeLog's
-- Append numbers). No triggers: SQLite's hub has none on these tables (the capture triggers are
-- replica-only, schema/sql/replica).

CREATE TABLE reps (
  id              text PRIMARY KEY NOT NULL,
  name            text,
  phone           text,
  email           text,
  role            text CHECK (role IN ('rep', 'manager')),
  active          bigint CHECK (active IN (0, 1)),
  regions         text,  -- comma-separated region codes served
  skill           text CHECK (skill IN ('junior', 'senior', 'key_account')),
  capacity        bigint,
  capacity_tier_a bigint,
  deleted         bigint NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v              bytea,
  _seq            bigint
);

CREATE TABLE territories (
  id          text PRIMARY KEY NOT NULL,
  name        text,
  region      text,
  city        text,
  description text,
  rep_id      text,
  deleted     bigint NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v          bytea,
  _seq        bigint
);

CREATE TABLE customers (
  id                  text PRIMARY KEY NOT NULL,
  name                text,
  name_latin          text,
  customer_type       text CHECK (customer_type IN ('garage', 'dealer', 'fleet', 'individual')),
  relationship        text CHECK (relationship IN ('potential', 'existing', 'vip')),
  purchase_stage      text CHECK (purchase_stage IN ('aware', 'interested', 'deciding', 'customer')),
  region_class        text CHECK (region_class IN ('local', 'domestic', 'international')),
  address             text,
  city                text,
  province            text,
  country             text,
  lat                 double precision CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
  lon                 double precision CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
  phone               text,
  primary_contact     text,
  birthday            text,
  tags                text,
  notes               text,
  owner_rep_id        text,
  territory_id        text,
  created_at          text,
  grade_tier          text,
  grade_recency       bigint,
  grade_frequency     bigint,
  grade_monetary      bigint,
  grade_ticket_class  text,
  grade_lifecycle     text,
  grade_churn_risk    double precision,
  grade_reasons       text,
  graded_at           text,
  grade_rules_version bigint,
  deleted             bigint NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v                  bytea,
  _seq                bigint,
  -- domain/0012 added these after _v, _seq (ALTER TABLE ADD COLUMN): the same position here.
  grade_stage         text,
  grade_relationship  text
);
CREATE INDEX customers_owner ON customers (owner_rep_id);
CREATE INDEX customers_territory ON customers (territory_id);
CREATE INDEX customers_phone ON customers (phone);
-- SQLite's index is on city COLLATE NOCASE (ASCII case folding); lower() is its counterpart.
CREATE INDEX customers_city ON customers (lower(city));

CREATE TABLE contacts (
  id          text PRIMARY KEY NOT NULL,
  customer_id text,
  name        text,
  title       text,
  phone       text,
  wechat      text,
  email       text,
  birthday    text,
  is_primary  bigint CHECK (is_primary IN (0, 1)),
  notes       text,
  deleted     bigint NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v          bytea,
  _seq        bigint
);
CREATE INDEX contacts_customer ON contacts (customer_id);

CREATE TABLE visits (
  id             text PRIMARY KEY NOT NULL,
  customer_id    text,
  rep_id         text,
  check_in       text,
  check_out      text,
  lat            double precision CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
  lon            double precision CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
  purpose        text,
  outcome        text,
  notes          text,
  next_follow_up text,
  voids_id       text,
  _v             bytea,
  _seq           bigint,
  -- domain/0023
  distance_m     double precision CHECK (distance_m IS NULL OR distance_m >= 0),
  location_check text CHECK (location_check IS NULL OR location_check IN ('verified', 'unverified'))
);
CREATE INDEX visits_customer ON visits (customer_id);

CREATE TABLE orders (
  id           text PRIMARY KEY NOT NULL,
  customer_id  text,
  rep_id       text,
  order_date   text,
  amount_cents bigint,
  currency     text,
  notes        text,
  voids_id     text,
  _v           bytea,
  _seq         bigint
);
CREATE INDEX orders_customer ON orders (customer_id);

CREATE TABLE order_lines (
  id               text PRIMARY KEY NOT NULL,
  order_id         text,
  customer_id      text,
  part_no          text,
  description      text,
  quantity         bigint,
  unit_price_cents bigint,
  voids_id         text,
  _v               bytea,
  _seq             bigint
);
CREATE INDEX order_lines_order ON order_lines (order_id);

CREATE TABLE tasks (
  id          text PRIMARY KEY NOT NULL,
  customer_id text,
  rep_id      text,
  due_date    text,
  kind        text CHECK (kind IN ('call', 'visit', 'care', 'birthday')),
  status      text CHECK (status IN ('open', 'done', 'cancelled')),
  title       text,
  notes       text,
  done_at     text,
  deleted     bigint NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v          bytea,
  _seq        bigint
);
CREATE INDEX tasks_customer ON tasks (customer_id);

CREATE TABLE feedback (
  id           text PRIMARY KEY NOT NULL,
  customer_id  text,
  rep_id       text,
  created_at   text,
  satisfaction bigint CHECK (satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5),
  complaint    text,
  voids_id     text,
  _v           bytea,
  _seq         bigint
);
CREATE INDEX feedback_customer ON feedback (customer_id);

CREATE TABLE grading_rules (
  id         text PRIMARY KEY NOT NULL,
  version    bigint,
  rules_json text,
  updated_at text,
  updated_by text,
  deleted    bigint NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v         bytea,
  _seq       bigint
);

CREATE TABLE products (
  id               text PRIMARY KEY NOT NULL,
  part_number      text,
  name             text,
  brand            text,
  category         text,
  unit             text,
  list_price_cents bigint CHECK (list_price_cents IS NULL OR list_price_cents >= 0),
  tier_prices      text,
  active           bigint CHECK (active IN (0, 1)),
  updated_at       text,
  deleted          bigint NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v               bytea,
  _seq             bigint
);
-- The hub's backstop for unique part numbers (server/0019; replicas have no such index).
CREATE UNIQUE INDEX products_part_number_unique ON products (part_number);

CREATE TABLE customer_preferences (
  id          text PRIMARY KEY NOT NULL,
  customer_id text,
  kind        text CHECK (kind IS NULL OR kind IN ('brand', 'payment_terms', 'delivery', 'other')),
  value       text,
  note        text,
  created_by  text,
  created_at  text,
  deleted     bigint NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v          bytea,
  _seq        bigint
);
CREATE INDEX customer_preferences_customer ON customer_preferences (customer_id);
CREATE INDEX customer_preferences_kind_value ON customer_preferences (kind, value);

CREATE TABLE visit_checkins (
  id          text PRIMARY KEY NOT NULL,
  customer_id text,
  rep_id      text,
  check_in    text,
  lat         double precision CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
  lon         double precision CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
  visit_id    text,
  deleted     bigint NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v          bytea,
  _seq        bigint
);
CREATE INDEX visit_checkins_customer ON visit_checkins (customer_id);

-- Pull order: every replicated table's rows by the sequence number of their latest change.
CREATE INDEX reps_seq ON reps (_seq);
CREATE INDEX territories_seq ON territories (_seq);
CREATE INDEX customers_seq ON customers (_seq);
CREATE INDEX contacts_seq ON contacts (_seq);
CREATE INDEX visits_seq ON visits (_seq);
CREATE INDEX orders_seq ON orders (_seq);
CREATE INDEX order_lines_seq ON order_lines (_seq);
CREATE INDEX tasks_seq ON tasks (_seq);
CREATE INDEX feedback_seq ON feedback (_seq);
CREATE INDEX grading_rules_seq ON grading_rules (_seq);
CREATE INDEX products_seq ON products (_seq);
CREATE INDEX customer_preferences_seq ON customer_preferences (_seq);
CREATE INDEX visit_checkins_seq ON visit_checkins (_seq);
