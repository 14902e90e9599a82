-- The hub's change stream on PostgreSQL (docs/postgres.md, "Cursors that never skip a row").
-- These migrations are the PostgreSQL backend's own sequence (not the SQLite numbers of
-- schema/sql/{domain,replica,server}); fb_pg_migrations records the ones applied.

-- The hub sequence: ONE row. A writer takes its next numbers by updating it as the last step of
-- its transaction, so the row lock orders writers' commits by their numbers: a reader that sees
-- number S also sees every number below S that will ever commit. A rolled-back writer's numbers
-- are handed out again (no gaps).
CREATE TABLE fb_hub_seq (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  value bigint NOT NULL CHECK (value >= 0)
);
INSERT INTO fb_hub_seq (one, value) VALUES (true, 0);

-- One entry per changed row, in hub sequence order: the table's catalog code, the row's id and
-- its customer ('' for a row of no customer). A row changed twice has two entries; a pull reads
-- the row as it is now and skips an entry whose row has changed again since.
CREATE TABLE fb_change_log (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  table_code integer NOT NULL,
  row_id text NOT NULL,
  customer_id text NOT NULL DEFAULT ''
);
