-- The hub clock's floor on PostgreSQL (SQLite keeps it in fb_meta 'hlc'): the highest hybrid
-- logical clock value (Hlc::packed) a write stored, so that an instance that starts, or one whose
-- wall clock is behind, never stamps a change below one already stored. Written with the sequence
-- number by every hub write (Hub on the storage seam, server/store/pg/pg_hub_backend.h), under the
-- counter row's lock; it only grows. `fieldbook-server migrate` copies it from the SQLite hub.
ALTER TABLE fb_hub_seq ADD COLUMN hlc bigint NOT NULL DEFAULT 0 CHECK (hlc >= 0);
