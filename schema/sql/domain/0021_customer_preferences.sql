-- Preferences in a customer's archive (issue #18; docs/sync.md): what a garage prefers, as
-- structured rows a rep can add, remove and filter on — preferred brands (博世, 马勒), payment
-- terms (月结, 现结, 季结), delivery (上午送货, 自提) and anything else. A mutable replicated
-- table scoped to its customer (catalog.cc): it travels with the customer to whichever rep owns
-- it, each column merges on its own (the note edited on one device, the value on another), and a
-- device may only write preferences of its own customers (the push gate).
--
-- kind is one of brand, payment_terms, delivery, other (CHECK: the hub refuses any other value as
-- a constraint rejection); value is the preference itself (1-100 characters), note a free remark.
-- A preference is removed by setting deleted = 1, never by deleting the row. No UNIQUE index (a
-- pulled page stores rows in the order of their latest change): the device's repository refuses
-- a second live row with the same kind and value for a customer.
CREATE TABLE customer_preferences (
  id          TEXT PRIMARY KEY NOT NULL,
  customer_id TEXT,
  kind        TEXT CHECK (kind IS NULL OR kind IN ('brand', 'payment_terms', 'delivery', 'other')),
  value       TEXT,
  note        TEXT,
  created_by  TEXT,  -- the rep who added it
  created_at  TEXT,  -- ISO-8601 UTC
  deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v          BLOB,
  _seq        INTEGER
);
CREATE INDEX customer_preferences_customer ON customer_preferences (customer_id);
CREATE INDEX customer_preferences_kind_value ON customer_preferences (kind, value);
CREATE INDEX customer_preferences_seq ON customer_preferences (_seq);
