-- Client-only state of a rep's device (fieldbook-cli, the desktop app): settings and a local
-- full-text index. Every table here starts with fb_, so none of it is ever replicated; the
-- triggers below write nothing but the search index, so they never touch capture.

-- Key/value settings: server_url, device_token, rep_id, rep_name, last_sync_ms,
-- last_sync_skew_ms. The replica file is kept at mode 0600 because it holds the token.
CREATE TABLE fb_settings (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT
) WITHOUT ROWID;

-- Local search over customers (name, name_latin, city, phone, primary contact), their contacts
-- (name, phone) and visits (purpose, outcome, notes). The trigram tokenizer matches any substring
-- of three or more characters, so Chinese names (鑫达 in 鑫达汽修厂) and phone digits match
-- without word segmentation; shorter queries fall back to LIKE.
--
-- One document per source row. Its rowid is the source row's rowid * 4 + kind (1 customer,
-- 2 contact, 3 visit), so a trigger finds its document without a lookup table. Phones are indexed
-- as written and as digits only. Deleted customers stay indexed and are filtered at query time.
CREATE VIRTUAL TABLE fb_search USING fts5(
  customer_id UNINDEXED,
  kind UNINDEXED,
  title,
  body,
  tokenize = 'trigram'
);

CREATE TRIGGER fb_search_customers_insert AFTER INSERT ON customers BEGIN
  INSERT INTO fb_search (rowid, customer_id, kind, title, body) VALUES (
    NEW.rowid * 4 + 1, NEW.id, 'customer',
    coalesce(NEW.name, '') || ' ' || coalesce(NEW.name_latin, ''),
    coalesce(NEW.city, '') || ' ' || coalesce(NEW.phone, '') || ' ' ||
      replace(replace(replace(replace(replace(replace(coalesce(NEW.phone, ''),
        ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '') || ' ' ||
      coalesce(NEW.primary_contact, ''));
END;

CREATE TRIGGER fb_search_customers_update
AFTER UPDATE OF name, name_latin, city, phone, primary_contact ON customers BEGIN
  DELETE FROM fb_search WHERE rowid = OLD.rowid * 4 + 1;
  INSERT INTO fb_search (rowid, customer_id, kind, title, body) VALUES (
    NEW.rowid * 4 + 1, NEW.id, 'customer',
    coalesce(NEW.name, '') || ' ' || coalesce(NEW.name_latin, ''),
    coalesce(NEW.city, '') || ' ' || coalesce(NEW.phone, '') || ' ' ||
      replace(replace(replace(replace(replace(replace(coalesce(NEW.phone, ''),
        ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '') || ' ' ||
      coalesce(NEW.primary_contact, ''));
END;

CREATE TRIGGER fb_search_customers_delete AFTER DELETE ON customers BEGIN
  DELETE FROM fb_search WHERE rowid = OLD.rowid * 4 + 1;
END;

-- Deleted contacts (tombstones) are not indexed.
CREATE TRIGGER fb_search_contacts_insert AFTER INSERT ON contacts WHEN NEW.deleted = 0 BEGIN
  INSERT INTO fb_search (rowid, customer_id, kind, title, body) VALUES (
    NEW.rowid * 4 + 2, NEW.customer_id, 'contact', coalesce(NEW.name, ''),
    coalesce(NEW.phone, '') || ' ' ||
      replace(replace(replace(replace(replace(replace(coalesce(NEW.phone, ''),
        ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', ''));
END;

CREATE TRIGGER fb_search_contacts_update
AFTER UPDATE OF customer_id, name, phone, deleted ON contacts BEGIN
  DELETE FROM fb_search WHERE rowid = OLD.rowid * 4 + 2;
  INSERT INTO fb_search (rowid, customer_id, kind, title, body)
  SELECT NEW.rowid * 4 + 2, NEW.customer_id, 'contact', coalesce(NEW.name, ''),
    coalesce(NEW.phone, '') || ' ' ||
      replace(replace(replace(replace(replace(replace(coalesce(NEW.phone, ''),
        ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '')
  WHERE NEW.deleted = 0;
END;

CREATE TRIGGER fb_search_contacts_delete AFTER DELETE ON contacts BEGIN
  DELETE FROM fb_search WHERE rowid = OLD.rowid * 4 + 2;
END;

CREATE TRIGGER fb_search_visits_insert AFTER INSERT ON visits BEGIN
  INSERT INTO fb_search (rowid, customer_id, kind, title, body) VALUES (
    NEW.rowid * 4 + 3, NEW.customer_id, 'visit', '',
    coalesce(NEW.purpose, '') || ' ' || coalesce(NEW.outcome, '') || ' ' ||
      coalesce(NEW.notes, ''));
END;

-- Visits are facts; only the sync engine rewrites one (the same values arriving again).
CREATE TRIGGER fb_search_visits_update
AFTER UPDATE OF customer_id, purpose, outcome, notes ON visits BEGIN
  DELETE FROM fb_search WHERE rowid = OLD.rowid * 4 + 3;
  INSERT INTO fb_search (rowid, customer_id, kind, title, body) VALUES (
    NEW.rowid * 4 + 3, NEW.customer_id, 'visit', '',
    coalesce(NEW.purpose, '') || ' ' || coalesce(NEW.outcome, '') || ' ' ||
      coalesce(NEW.notes, ''));
END;

CREATE TRIGGER fb_search_visits_delete AFTER DELETE ON visits BEGIN
  DELETE FROM fb_search WHERE rowid = OLD.rowid * 4 + 3;
END;

-- A replica that already holds data when it reaches this version gets its index now.
INSERT INTO fb_search (rowid, customer_id, kind, title, body)
SELECT rowid * 4 + 1, id, 'customer',
  coalesce(name, '') || ' ' || coalesce(name_latin, ''),
  coalesce(city, '') || ' ' || coalesce(phone, '') || ' ' ||
    replace(replace(replace(replace(replace(replace(coalesce(phone, ''),
      ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '') || ' ' ||
    coalesce(primary_contact, '')
FROM customers;
INSERT INTO fb_search (rowid, customer_id, kind, title, body)
SELECT rowid * 4 + 2, customer_id, 'contact', coalesce(name, ''),
  coalesce(phone, '') || ' ' ||
    replace(replace(replace(replace(replace(replace(coalesce(phone, ''),
      ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '')
FROM contacts WHERE deleted = 0;
INSERT INTO fb_search (rowid, customer_id, kind, title, body)
SELECT rowid * 4 + 3, customer_id, 'visit', '',
  coalesce(purpose, '') || ' ' || coalesce(outcome, '') || ' ' || coalesce(notes, '')
FROM visits;
