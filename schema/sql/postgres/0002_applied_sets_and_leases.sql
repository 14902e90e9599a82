-- Push idempotency and leases on PostgreSQL (docs/postgres.md, "Many instances").

-- Every push set with the answer it got. A push CLAIMS its set id first, in its own transaction
-- (result NULL until it is recorded at the end of that transaction): a second instance applying
-- the same retried set waits on the primary key until the first commits (then answers with the
-- stored result) or rolls back (then applies it itself). Only committed rows have a result.
CREATE TABLE fb_applied_sets (
  set_id     text PRIMARY KEY,
  replica_id text NOT NULL,
  result     bytea,
  applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Named leases ('nightly'): who may run the job now, and until when, by the DATABASE's clock (the
-- instances' clocks may disagree). A holder renews before expires_at; once past it, anyone may
-- take the lease over (a holder killed with SIGKILL simply stops renewing).
CREATE TABLE fb_leases (
  name       text PRIMARY KEY,
  holder     text NOT NULL,
  run_id     bigint,
  expires_at timestamptz NOT NULL
);
