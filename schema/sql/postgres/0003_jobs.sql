-- Scheduled jobs on PostgreSQL (docs/postgres.md, "Scheduled jobs"): any instance takes a due job
-- with SELECT ... FOR UPDATE SKIP LOCKED, so instances polling at once take different jobs and
-- never wait for each other. A taken job is leased: a job whose instance died (its lease ran out
-- unfinished) is due again.
CREATE TABLE fb_jobs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind         text NOT NULL,
  payload      text NOT NULL DEFAULT '',
  due_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  state        text NOT NULL DEFAULT 'due' CHECK (state IN ('due', 'running', 'done')),
  holder       text,
  lease_until  timestamptz,
  attempts     integer NOT NULL DEFAULT 0,
  finished_at  timestamptz
);
-- The queue's order: the jobs not done, soonest first.
CREATE INDEX fb_jobs_pending ON fb_jobs (due_at, id) WHERE state <> 'done';
