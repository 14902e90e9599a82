-- Grading on the server (issue #6): every version of the rules, every grading run, and each
-- customer's grade history — a row only when a customer's grade changes, kept for as long as the
-- customer exists, so reports can show movement between any two runs.
CREATE INDEX grading_rules_seq ON grading_rules (_seq);

CREATE TABLE srv_grading_rules_history (
  version    INTEGER PRIMARY KEY,
  rules_json TEXT NOT NULL,
  set_by     TEXT NOT NULL,
  set_ms     INTEGER NOT NULL
);

CREATE TABLE srv_grade_runs (
  id            INTEGER PRIMARY KEY,
  today         TEXT NOT NULL,
  rules_version INTEGER NOT NULL,
  started_ms    INTEGER NOT NULL,
  finished_ms   INTEGER,
  customers     INTEGER,
  changed       INTEGER
);

CREATE TABLE srv_grade_history (
  customer_id  TEXT NOT NULL,
  run_id       INTEGER NOT NULL,
  tier         TEXT,
  recency      INTEGER,
  frequency    INTEGER,
  monetary     INTEGER,
  ticket_class TEXT,
  lifecycle    TEXT,
  churn_risk   REAL,
  PRIMARY KEY (customer_id, run_id)
) WITHOUT ROWID;
CREATE INDEX srv_grade_history_run ON srv_grade_history (run_id);
