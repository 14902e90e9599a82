-- The review list names the garage of each refused record (issue #19): its customer and the
-- customer's name as the device knew them when the refusal arrived, since a customer that moved
-- to another rep leaves the device soon after.
ALTER TABLE fb_rejections ADD COLUMN customer_id TEXT;
ALTER TABLE fb_rejections ADD COLUMN customer_name TEXT;
CREATE INDEX fb_rejections_record ON fb_rejections (tbl, row_id);
