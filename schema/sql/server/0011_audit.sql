-- The audit log (issue #13 item 16): every manager and system action that changes who holds what
-- or how customers are judged, with who did it, when, the state before and after, and why.
-- Append-only: the triggers below refuse every UPDATE and DELETE, and nothing compacts it
-- (server/audit_store.h).
CREATE TABLE srv_audit (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms       INTEGER NOT NULL,
  actor       TEXT NOT NULL CHECK (actor <> ''),
  action      TEXT NOT NULL CHECK (action <> ''),
  customer_id TEXT,           -- the customer it is about, when it is about one
  subject     TEXT,           -- anything else it is about: a rep, territory, device, rules, conflict
  before_json TEXT NOT NULL,  -- a JSON object
  after_json  TEXT NOT NULL,  -- a JSON object
  reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX srv_audit_customer ON srv_audit (customer_id, id);
CREATE INDEX srv_audit_actor ON srv_audit (actor, id);
CREATE INDEX srv_audit_time ON srv_audit (at_ms, id);

CREATE TRIGGER srv_audit_no_update BEFORE UPDATE ON srv_audit
BEGIN
  SELECT RAISE(ABORT, 'srv_audit is append-only: entries cannot be changed');
END;
CREATE TRIGGER srv_audit_no_delete BEFORE DELETE ON srv_audit
BEGIN
  SELECT RAISE(ABORT, 'srv_audit is append-only: entries cannot be deleted');
END;
-- INSERT OR REPLACE would delete an entry without firing the DELETE trigger (SQLite fires delete
-- triggers for REPLACE only with recursive_triggers on): an id in use is refused outright.
CREATE TRIGGER srv_audit_no_replace BEFORE INSERT ON srv_audit
WHEN EXISTS (SELECT 1 FROM srv_audit WHERE id = NEW.id)
BEGIN
  SELECT RAISE(ABORT, 'srv_audit is append-only: an entry id cannot be reused');
END;
