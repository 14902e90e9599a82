-- The twin of schema/sql/domain/0029_review_dismissals.sql: the rep's dismissals of review-list
-- entries, an insert-only fact in the rep's name (issue #19; docs/sync.md "The review list").
CREATE TABLE review_dismissals (
  id           text PRIMARY KEY NOT NULL,
  customer_id  text,
  rep_id       text,
  tbl          text,
  row_id       text,
  code         text,
  refused      text,
  dismissed_at text,
  note         text CHECK (note IS NULL OR length(note) <= 500),
  _v           bytea,
  _seq         bigint
);
CREATE INDEX review_dismissals_customer ON review_dismissals (customer_id);
CREATE INDEX review_dismissals_seq ON review_dismissals (_seq);
