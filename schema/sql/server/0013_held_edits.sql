-- Held edits after a reassignment (issue 12, items 5 and 6).
--
-- kind 'row': a new record made after its customer moved away, held whole (column_name '*',
-- value_json an object of its columns), applied whole or not at all. kind 'column': one field edit.
ALTER TABLE srv_conflicts ADD COLUMN kind TEXT NOT NULL DEFAULT 'column'
  CHECK (kind IN ('column', 'row'));

-- An edit is held once: a push applied again (its stored answer purged before a lost
-- acknowledgement was retried) adds nothing. Earlier copies of the same edit are folded first,
-- keeping a resolved copy over an open one, else the first.
DELETE FROM srv_conflicts
WHERE id IN (
  SELECT c.id FROM srv_conflicts c
  WHERE EXISTS (
    SELECT 1 FROM srv_conflicts d
    WHERE d.tbl = c.tbl AND d.row_id = c.row_id AND d.column_name = c.column_name
      AND d.hlc = c.hlc AND d.from_rep = c.from_rep AND d.id <> c.id
      AND ((d.status <> 'open') > (c.status <> 'open')
           OR ((d.status <> 'open') = (c.status <> 'open') AND d.id < c.id))));
CREATE UNIQUE INDEX srv_conflicts_edit ON srv_conflicts (tbl, row_id, column_name, hlc, from_rep);
