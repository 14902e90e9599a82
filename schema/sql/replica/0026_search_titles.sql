-- Names only, for search's first two passes (issue #19). Those passes look for the query in the
-- documents' titles (customer and contact names with their pinyin). Read from fb_search and
-- fb_search_short with a column filter, a word found only in notes or part numbers made them walk
-- every document holding it before the third pass (117 ms for 下周再来, 66 ms for BKR6E on
-- 50,000 customers, tests/perf/search_bench.cc); these two small indexes hold the titles of
-- the title documents alone (kinds 1 customer and 2 contact, the same rowids), so a title pass
-- reads names only. The client writes them with the other two (client/store/search_index.cc).
CREATE VIRTUAL TABLE fb_search_title USING fts5(
  customer_id UNINDEXED,
  kind UNINDEXED,
  title,
  tokenize = 'trigram'
);
INSERT INTO fb_search_title (fb_search_title, rank) VALUES ('automerge', 8);

CREATE VIRTUAL TABLE fb_search_title_short USING fts5(
  customer_id UNINDEXED,
  kind UNINDEXED,
  title,
  tokenize = 'unicode61',
  prefix = '1 2'
);
INSERT INTO fb_search_title_short (fb_search_title_short, rank) VALUES ('automerge', 8);

-- An existing replica's names are indexed again: their documents are queued, and the client
-- works the queue off in bounded batches (as 0022).
INSERT OR IGNORE INTO fb_search_queue (doc) SELECT rowid * 8 + 1 FROM customers;
INSERT OR IGNORE INTO fb_search_queue (doc) SELECT rowid * 8 + 2 FROM contacts;
