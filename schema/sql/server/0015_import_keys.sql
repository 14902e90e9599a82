-- Spreadsheet imports (issue #17): which Fieldbook row each imported record became, so that
-- importing the same file again changes nothing and an import killed halfway resumes without
-- duplicates (a batch's rows and their keys are committed together). Server-only: not replicated.
CREATE TABLE srv_import_keys (
  kind   TEXT NOT NULL CHECK (kind IN ('customer', 'contact', 'order', 'order_line', 'visit')),
  key    TEXT NOT NULL,  -- 'x:' || the sheet's external id, or 'h:' || a digest of the row's values
  row_id TEXT NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX srv_import_keys_row ON srv_import_keys (row_id, kind);
