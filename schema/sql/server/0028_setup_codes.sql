-- One-time setup codes for a rep's new device (issue #16; server/store/setup_codes.h): a manager
-- asks the console for a short code (10 characters without look-alikes, shown as ABCDE-FGHJK),
-- the rep types it into `fieldbook-cli init --code` (or the app's setup), and the server exchanges
-- it once, within minutes, for a new device token. Only the code's SHA-256 is kept.
CREATE TABLE srv_setup_codes (
  code_hash  TEXT PRIMARY KEY NOT NULL,
  rep_id     TEXT NOT NULL,
  device     TEXT NOT NULL DEFAULT '',   -- the new device's name ('' = numbered by the server)
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  used_ms    INTEGER,                    -- when it was exchanged; NULL while unused
  device_id  INTEGER                     -- the credential it was exchanged for
) WITHOUT ROWID;
CREATE INDEX srv_setup_codes_expiry ON srv_setup_codes (expires_ms);
