-- Per-rep feeds as SQLite keeps them (lead's decision, issue #15; schema/sql/server/0017): a feed
-- table keyed by rep and sequence number, so one change can be in several reps' feeds (a customer
-- two reps hold) and `fieldbook-server migrate` copies any hub's srv_feed as it is. It replaces
-- 0004's one feed per change-log entry. A rep's feed is its rows ('' for the shared feed every
-- rep reads); an entry names the change's sequence number, whose fb_change_log entry names the
-- row. Entries are numbered by the same counter as the stream, so the cursor guarantee holds for
-- every feed. feed_floor: changes at or below it predate the feeds (SQLite's fb_meta feed_floor);
-- a pull from a cursor below it walks the whole stream.
CREATE TABLE srv_feed (
  rep_id text NOT NULL,
  seq    bigint NOT NULL,
  tbl    bigint NOT NULL,
  PRIMARY KEY (rep_id, seq)
);
CREATE INDEX srv_feed_seq ON srv_feed (seq);
INSERT INTO srv_feed (rep_id, seq, tbl)
  SELECT feed, seq, table_code FROM fb_change_log WHERE feed IS NOT NULL;
DROP INDEX fb_change_log_feed;
ALTER TABLE fb_change_log DROP COLUMN feed;
ALTER TABLE fb_hub_seq ADD COLUMN feed_floor bigint NOT NULL DEFAULT 0 CHECK (feed_floor >= 0);
