-- Search over everything a rep would look for (issue #19), pinyin, and short queries through an
-- index. Replaces the search index of 0003/0006; the queue and its batching stay.
--
-- Documents (one per source row, rowid = source rowid * 8 + kind):
--   1 customer    title: name, name_latin, pinyin of the name   body: city, province, address,
--                 phone (as written and digits only), primary contact, tags, notes
--   2 contact     title: name, pinyin of the name               body: job title, phone (both
--                 ways), wechat, notes (deleted contacts are not indexed)
--   3 visit       body: purpose, outcome, notes
--   4 feedback    body: the complaint
--   5 order       body: the order's notes
--   6 order line  body: part number, description
-- The pinyin (full spelling and initials, e.g. "xindaqixiu xdqx") is computed by the client with
-- ICU (client/store/search_text.h) through the SQL function fb_pinyin the client registers, so
-- it is written by the client's index update (client/store/search_index.cc), never by a trigger.
--
-- Two FTS5 tables hold the same documents under the same rowids:
--   fb_search        trigram: any substring of three or more characters (Chinese, pinyin,
--                    phone digits, part numbers).
--   fb_search_short  unicode61 over the text with every run of Chinese characters spelled out as
--                    its single characters and adjacent pairs (fb_search_short_text), with prefix
--                    indexes of one and two characters: one- and two-character queries (鑫, 鑫达,
--                    xd) are read from an index instead of scanning every document.
DROP TRIGGER fb_search_queue_customers_insert;
DROP TRIGGER fb_search_queue_customers_update;
DROP TRIGGER fb_search_queue_customers_delete;
DROP TRIGGER fb_search_queue_contacts_insert;
DROP TRIGGER fb_search_queue_contacts_update;
DROP TRIGGER fb_search_queue_contacts_delete;
DROP TRIGGER fb_search_queue_visits_insert;
DROP TRIGGER fb_search_queue_visits_update;
DROP TRIGGER fb_search_queue_visits_delete;
DROP TABLE fb_search;
DELETE FROM fb_search_queue;

CREATE VIRTUAL TABLE fb_search USING fts5(
  customer_id UNINDEXED,
  kind UNINDEXED,
  title,
  body,
  tokenize = 'trigram'
);
INSERT INTO fb_search (fb_search, rank) VALUES ('automerge', 8);

CREATE VIRTUAL TABLE fb_search_short USING fts5(
  customer_id UNINDEXED,
  kind UNINDEXED,
  title,
  body,
  tokenize = 'unicode61',
  prefix = '1 2'
);
INSERT INTO fb_search_short (fb_search_short, rank) VALUES ('automerge', 8);

-- The searched tables and their document kinds. The sync core reads it when it queues the
-- documents of a bulk insert (shared/src/replica_pull.cc), so a new searched table needs a row
-- here and its triggers, nothing else there.
CREATE TABLE fb_search_sources (
  tbl  TEXT PRIMARY KEY NOT NULL,
  kind INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO fb_search_sources (tbl, kind) VALUES
  ('customers', 1), ('contacts', 2), ('visits', 3), ('feedback', 4), ('orders', 5),
  ('order_lines', 6);

-- The triggers only note which document changed (0006); an update notes it only when a column
-- the document is made of changed.
CREATE TRIGGER fb_search_queue_customers_insert AFTER INSERT ON customers BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (NEW.rowid * 8 + 1) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER fb_search_queue_customers_update
AFTER UPDATE OF name, name_latin, city, province, address, phone, primary_contact, tags, notes
ON customers
WHEN OLD.name IS NOT NEW.name OR OLD.name_latin IS NOT NEW.name_latin OR OLD.city IS NOT NEW.city
  OR OLD.province IS NOT NEW.province OR OLD.address IS NOT NEW.address
  OR OLD.phone IS NOT NEW.phone OR OLD.primary_contact IS NOT NEW.primary_contact
  OR OLD.tags IS NOT NEW.tags OR OLD.notes IS NOT NEW.notes BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 8 + 1), (NEW.rowid * 8 + 1)
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER fb_search_queue_customers_delete AFTER DELETE ON customers BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 8 + 1) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_contacts_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (NEW.rowid * 8 + 2) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER fb_search_queue_contacts_update
AFTER UPDATE OF customer_id, name, title, phone, wechat, notes, deleted ON contacts
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.name IS NOT NEW.name
  OR OLD.title IS NOT NEW.title OR OLD.phone IS NOT NEW.phone OR OLD.wechat IS NOT NEW.wechat
  OR OLD.notes IS NOT NEW.notes OR OLD.deleted IS NOT NEW.deleted BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 8 + 2), (NEW.rowid * 8 + 2)
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER fb_search_queue_contacts_delete AFTER DELETE ON contacts BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 8 + 2) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_visits_insert AFTER INSERT ON visits BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (NEW.rowid * 8 + 3) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER fb_search_queue_visits_update
AFTER UPDATE OF customer_id, purpose, outcome, notes ON visits
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.purpose IS NOT NEW.purpose
  OR OLD.outcome IS NOT NEW.outcome OR OLD.notes IS NOT NEW.notes BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 8 + 3), (NEW.rowid * 8 + 3)
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER fb_search_queue_visits_delete AFTER DELETE ON visits BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 8 + 3) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_feedback_insert AFTER INSERT ON feedback BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (NEW.rowid * 8 + 4) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER fb_search_queue_feedback_update AFTER UPDATE OF customer_id, complaint ON feedback
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.complaint IS NOT NEW.complaint BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 8 + 4), (NEW.rowid * 8 + 4)
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER fb_search_queue_feedback_delete AFTER DELETE ON feedback BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 8 + 4) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_orders_insert AFTER INSERT ON orders BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (NEW.rowid * 8 + 5) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER fb_search_queue_orders_update AFTER UPDATE OF customer_id, notes ON orders
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.notes IS NOT NEW.notes BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 8 + 5), (NEW.rowid * 8 + 5)
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER fb_search_queue_orders_delete AFTER DELETE ON orders BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 8 + 5) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER fb_search_queue_order_lines_insert AFTER INSERT ON order_lines BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (NEW.rowid * 8 + 6) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER fb_search_queue_order_lines_update
AFTER UPDATE OF customer_id, part_no, description ON order_lines
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.part_no IS NOT NEW.part_no
  OR OLD.description IS NOT NEW.description BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 8 + 6), (NEW.rowid * 8 + 6)
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER fb_search_queue_order_lines_delete AFTER DELETE ON order_lines BEGIN
  INSERT INTO fb_search_queue (doc) VALUES (OLD.rowid * 8 + 6) ON CONFLICT DO NOTHING;
END;

-- An existing replica is indexed again: every document is queued here, and the client works the
-- queue off in bounded batches (SearchIndex::Update with a budget): a search indexes at most one
-- batch before it runs, and the app keeps indexing between the rep's actions on its worker
-- thread, so an upgraded 50,000-customer replica never blocks a screen for the whole rebuild.
INSERT INTO fb_search_queue (doc) SELECT rowid * 8 + 1 FROM customers;
INSERT INTO fb_search_queue (doc) SELECT rowid * 8 + 2 FROM contacts;
INSERT INTO fb_search_queue (doc) SELECT rowid * 8 + 3 FROM visits;
INSERT INTO fb_search_queue (doc) SELECT rowid * 8 + 4 FROM feedback;
INSERT INTO fb_search_queue (doc) SELECT rowid * 8 + 5 FROM orders;
INSERT INTO fb_search_queue (doc) SELECT rowid * 8 + 6 FROM order_lines;
