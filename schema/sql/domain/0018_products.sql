-- The product catalogue and price list (issues #18 and #17; docs/server.md, "Products"): one
-- row per part, managed on the server (`fieldbook-server product ...`, the admin API, `import
-- products`) and carried to every rep's device through the shared feed, like reps and
-- territories. Devices never write it: the server refuses a pushed product row
-- (`read_only_table`, as for every table of no customer) and the device's capture triggers refuse
-- a local insert, update or delete (catalog.cc: the table is declared `server_managed`).
--
-- part_number is unique among products on the server (the product store checks it in the write's
-- transaction; a hub-only unique index, server migration 0019, backs it). Replicas deliberately
-- have no UNIQUE index: a pull stores rows whole, in the order of their latest change, so two
-- parts that swapped numbers could collide on a device in the middle of a page and a row would be
-- refused there.
--
-- Prices are integer cents (CNY). tier_prices is optional: a JSON object from a customer's grade
-- tier (grading rules' tier names: "VIP", "A", "B", ...) to a price in cents, e.g.
-- {"VIP": 9800, "A": 10500}; a tier not listed pays list_price_cents.
CREATE TABLE products (
  id               TEXT PRIMARY KEY NOT NULL,
  part_number      TEXT,  -- 配件号, unique on the server
  name             TEXT,  -- 名称, in Chinese as the catalogue writes it
  brand            TEXT,  -- 品牌
  category         TEXT,  -- 类别
  unit             TEXT,  -- 单位: 个, 套, 箱 ...
  list_price_cents INTEGER CHECK (list_price_cents IS NULL OR list_price_cents >= 0),
  tier_prices      TEXT,
  active           INTEGER CHECK (active IN (0, 1)),
  updated_at       TEXT,  -- ISO-8601 UTC, by the server
  deleted          INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v               BLOB,
  _seq             INTEGER
);
CREATE INDEX products_part_number ON products (part_number);
-- The hub's pull order (every hub table has one, server/0002); unused on devices.
CREATE INDEX products_seq ON products (_seq);
