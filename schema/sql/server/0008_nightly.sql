-- The nightly job (issue #8, docs/nightly.md): one row per run, one per step of a run, and the
-- lease that keeps two runs from overlapping, even from two processes.

-- `seq_at_start` is the hub sequence when the run began: the compaction step of a later run uses
-- it to turn "older than the retention horizon" into a sequence number (devices whose cursor is
-- below it rebuild from a snapshot). A run killed halfway stays 'running' (one stopped gracefully
-- becomes 'interrupted') until the next run takes over the lease and resumes it, or, when it is
-- too old to resume, marks it 'abandoned' and starts afresh.
CREATE TABLE srv_nightly_runs (
  id           INTEGER PRIMARY KEY,
  trigger      TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  started_ms   INTEGER NOT NULL,
  finished_ms  INTEGER,
  status       TEXT NOT NULL
               CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted', 'abandoned')),
  day          TEXT NOT NULL,  -- the local day the run grades for, YYYY-MM-DD
  seq_at_start INTEGER NOT NULL,
  holder       TEXT NOT NULL,  -- the process that ran it last (host:pid:nonce)
  resumed      INTEGER NOT NULL DEFAULT 0  -- how many times it was taken over after a crash
);
CREATE INDEX srv_nightly_runs_started ON srv_nightly_runs (started_ms);

-- A step's JSON report is written in the same transaction as the work it reports on (a step that
-- works in batches rewrites it, with status 'running', after each batch), so a resumed run knows
-- exactly what was done.
CREATE TABLE srv_nightly_steps (
  run_id      INTEGER NOT NULL,
  step        TEXT NOT NULL,
  position    INTEGER NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'skipped')),
  started_ms  INTEGER NOT NULL,
  finished_ms INTEGER,
  attempts    INTEGER NOT NULL DEFAULT 1,
  report      TEXT NOT NULL DEFAULT '{}',
  error       TEXT,
  PRIMARY KEY (run_id, step)
) WITHOUT ROWID;

-- At most one row ('nightly'): who may run now, and until when. A holder renews it between steps
-- and batches; once expired, anyone may take it over.
CREATE TABLE srv_nightly_lease (
  name       TEXT PRIMARY KEY NOT NULL,
  holder     TEXT NOT NULL,
  run_id     INTEGER,
  expires_ms INTEGER NOT NULL
) WITHOUT ROWID;
