-- Packing a push marks outbox rows by (tbl, row_id), acknowledging deletes them by set_id, and
-- evictions look for pending writes by row: without these indexes each of those scans the whole
-- outbox, which made large offline pushes quadratic on the device.
CREATE INDEX fb_outbox_row ON fb_outbox (tbl, row_id);
CREATE INDEX fb_outbox_set ON fb_outbox (set_id);
