-- The grading rules in force (issue #6), replicated to every device as read-only configuration so
-- that a device can grade provisionally offline with the same rules as the server. One row,
-- id 'current'; reps cannot write it (the server refuses tables that belong to no customer).
CREATE TABLE grading_rules (
  id          TEXT PRIMARY KEY NOT NULL,
  version     INTEGER,
  rules_json  TEXT,
  updated_at  TEXT,
  updated_by  TEXT,
  deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  _v          BLOB,
  _seq        INTEGER
);
