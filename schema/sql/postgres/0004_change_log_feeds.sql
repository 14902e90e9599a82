-- Per-rep feeds in the change stream (docs/postgres.md; the PostgreSQL form of SQLite's
-- srv_feed, schema/sql/server/0017_rep_feeds.sql): the feed an entry belongs to, decided when the
-- change is made: the id of the rep who holds the row's customer, '' for rows every rep receives
-- (the shared feed), NULL for rows in no feed (a customer nobody holds). A rep's pull reads its
-- own and the shared entries after its cursor; they are numbered by the same counter, so the
-- cursor guarantee holds for every feed as for the whole stream.
ALTER TABLE fb_change_log ADD COLUMN feed text;
CREATE INDEX fb_change_log_feed ON fb_change_log (feed, seq) WHERE feed IS NOT NULL;
