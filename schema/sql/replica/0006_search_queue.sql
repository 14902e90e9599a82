-- The search index (fb_search, 0003_client.sql) is no longer written row by row. FTS5 flushes its
-- pending terms at every statement that writes it, so one index write per replicated row made a
-- first sync more than twice as slow. The triggers now only note which document changed; the
-- client (ClientStore) rewrites the noted documents in a few set-based statements after each
-- pulled page and before every search, so a search always sees every stored row.
--
-- A queued document is named by its fb_search rowid (source rowid * 4 + kind: 1 customer,
-- 2 contact, 3 visit). Noting it twice keeps one entry: ON CONFLICT DO NOTHING, because an OR
-- IGNORE inside a trigger is overridden by the conflict policy of the statement that fired it
-- (the merge engine's upsert). Like the rest of fb_*, nothing here is replicated, and these
-- triggers never write a replicated table, so capture never sees them.
--
-- An update notes a document only when a column it is made of really changed: the merge engine
-- writes every column of a row it updates (UPDATE OF alone would match), and the nightly grades
-- reach every customer every day without touching what search reads.
CREATE TABLE fb_search_queue (
  doc INTEGER PRIMARY KEY
);

DROP TRIGGER fb_search_customers_insert;
DROP TRIGGER fb_search_customers_update;
DROP TRIGGER fb_search_customers_delete;
DROP TRIGGER fb_search_contacts_insert;
DROP TRIGGER fb_search_contacts_update;
DROP TRIGGER fb_search_contacts_delete;
DROP TRIGGER fb_search_visits_insert;
DROP TRIGGER fb_search_visits_update;
DROP TRIGGER fb_search_visits_delete;

CREATE TRIGGER fb_search_queue_customers_insert AFTER INSERT ON customers BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (NEW.rowid * 4 + 1)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_customers_update
AFTER UPDATE OF name, name_latin, city, phone, primary_contact ON customers
WHEN OLD.name IS NOT NEW.name OR OLD.name_latin IS NOT NEW.name_latin OR OLD.city IS NOT NEW.city
  OR OLD.phone IS NOT NEW.phone OR OLD.primary_contact IS NOT NEW.primary_contact BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 4 + 1), (NEW.rowid * 4 + 1)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_customers_delete AFTER DELETE ON customers BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 4 + 1)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_contacts_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (NEW.rowid * 4 + 2)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_contacts_update
AFTER UPDATE OF customer_id, name, phone, deleted ON contacts
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.name IS NOT NEW.name
  OR OLD.phone IS NOT NEW.phone OR OLD.deleted IS NOT NEW.deleted BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 4 + 2), (NEW.rowid * 4 + 2)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_contacts_delete AFTER DELETE ON contacts BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 4 + 2)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_visits_insert AFTER INSERT ON visits BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (NEW.rowid * 4 + 3)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_visits_update
AFTER UPDATE OF customer_id, purpose, outcome, notes ON visits
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.purpose IS NOT NEW.purpose
  OR OLD.outcome IS NOT NEW.outcome OR OLD.notes IS NOT NEW.notes BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 4 + 3), (NEW.rowid * 4 + 3)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_visits_delete AFTER DELETE ON visits BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 4 + 3)
    ON CONFLICT DO NOTHING;
END;

-- Each flush writes a small segment; merging them eight at a time rather than four halves the
-- merge work of a long pull, and searches still read few segments.
INSERT INTO fb_search (fb_search, rank) VALUES ('automerge', 8);
