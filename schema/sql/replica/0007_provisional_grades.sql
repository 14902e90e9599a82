-- Provisional grades (issue #6): when the rep records an order, a visit or feedback on the
-- device, ClientStore grades that customer again on the device with the shared grading engine
-- and the replicated grading_rules, and keeps the result here until the server's next grade for
-- the customer arrives. customers.grade_* stay the server's (read-only on devices, never written
-- here). The fb_ prefix keeps this table out of the catalog: it is never captured or replicated.
CREATE TABLE fb_provisional_grades (
  customer_id        TEXT PRIMARY KEY NOT NULL,
  tier               TEXT NOT NULL,
  recency            INTEGER NOT NULL,  -- 1..5; 0 = no order in the window
  frequency          INTEGER NOT NULL,
  monetary           INTEGER NOT NULL,
  ticket_class       TEXT,              -- high / low; NULL without orders in the window
  lifecycle          TEXT NOT NULL,
  churn_risk         REAL NOT NULL,
  visits_per_30_days REAL NOT NULL,
  purchase_stage     TEXT,
  relationship       TEXT,
  reasons            TEXT NOT NULL,     -- JSON, as customers.grade_reasons
  rules_version      INTEGER NOT NULL,
  computed_at        TEXT NOT NULL,     -- ISO-8601 UTC
  computed_day       TEXT NOT NULL,     -- the rep's local date, YYYY-MM-DD
  based_on_graded_at TEXT,              -- customers.graded_at when computed; NULL: never graded
  local_facts        TEXT NOT NULL      -- JSON [["orders", id], ...]: recorded here since then
) WITHOUT ROWID;

-- The server's next grade replaces the provisional one: a pulled graded_at for a later day than
-- both the grade it was based on and the day it was computed (a grade from the same day may
-- predate the rep's order reaching the server, so it does not count). Only a graded_at that
-- changed is looked at: the merge engine rewrites every column of a customer it updates, and an
-- unchanged graded_at decides nothing it did not already decide when it arrived.
CREATE TRIGGER fb_provisional_grades_superseded AFTER UPDATE OF graded_at ON customers
WHEN NEW.graded_at IS NOT OLD.graded_at AND NEW.graded_at IS NOT NULL AND NEW.graded_at <> ''
BEGIN
  DELETE FROM fb_provisional_grades
  WHERE customer_id = NEW.id
    AND substr(NEW.graded_at, 1, 10) > computed_day
    AND (based_on_graded_at IS NULL OR substr(NEW.graded_at, 1, 10) >
                                       substr(based_on_graded_at, 1, 10));
END;

-- A customer purged from the device (moved to another rep, or a rebuild) takes its grade along.
CREATE TRIGGER fb_provisional_grades_purged AFTER DELETE ON customers BEGIN
  DELETE FROM fb_provisional_grades WHERE customer_id = OLD.id;
END;
