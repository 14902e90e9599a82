-- The hub's epoch on PostgreSQL (SQLite keeps it in fb_meta 'epoch'): a random number made when
-- the hub is created and replaced by every restore, so a device can tell that the history it saw
-- is gone (docs/sync.md). 0: none yet. `fieldbook-server migrate` copies it from the SQLite hub.
ALTER TABLE fb_hub_seq ADD COLUMN epoch bigint NOT NULL DEFAULT 0 CHECK (epoch >= 0);
