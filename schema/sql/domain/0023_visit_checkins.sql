-- Visits as two moments (issue #18; docs/client.md "Visits: check in, check out"). A rep checks in
-- on arrival and checks out later; the visit in progress is a row of visit_checkins, a mutable
-- replicated table scoped to its customer (catalog.cc): it survives a restart of the app or the
-- CLI, reaches the rep's other devices, and each column merges on its own (the location corrected
-- on one device, the check-out recorded on another). Check-out records the visit as a fact (the
-- visits table, insert-only as ever) and sets visit_id to it; a check-in given up is deleted = 1.
--
-- Location: NULL is unknown (never 0,0). The rep may enter or correct it while the visit is in
-- progress and at check-out. When both the garage's stored location (customers.lat, lon) and the
-- visit's are known, the device computes the distance (haversine, metres) and marks the visit
-- verified (within the device's radius, a setting; 300 m unless changed) or unverified; with either
-- unknown both columns stay NULL.
CREATE TABLE visit_checkins (
  id          TEXT PRIMARY KEY NOT NULL,
  customer_id TEXT,
  rep_id      TEXT,
  check_in    TEXT,  -- ISO-8601 UTC
  lat         REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
  lon         REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
  visit_id    TEXT,  -- the visit recorded at check-out; NULL while in progress
  deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v          BLOB,
  _seq        INTEGER
);
CREATE INDEX visit_checkins_customer ON visit_checkins (customer_id);
CREATE INDEX visit_checkins_seq ON visit_checkins (_seq);

ALTER TABLE visits ADD COLUMN distance_m REAL CHECK (distance_m IS NULL OR distance_m >= 0);
ALTER TABLE visits ADD COLUMN location_check TEXT
  CHECK (location_check IS NULL OR location_check IN ('verified', 'unverified'));
