-- The managers' console (issue #16): managers' passwords and their browser sessions.
-- server/console_store.h has the rules.

-- One password per manager: an argon2id encoded string ($argon2id$v=19$m=..,t=..,p=..$salt$hash),
-- never the password.
CREATE TABLE srv_passwords (
  rep_id TEXT PRIMARY KEY NOT NULL,
  hash   TEXT NOT NULL,
  set_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- Console sessions: the SHA-256 of the cookie's random token, never the token itself.
CREATE TABLE srv_console_sessions (
  token_hash TEXT PRIMARY KEY NOT NULL,
  rep_id     TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  address    TEXT
) WITHOUT ROWID;
CREATE INDEX srv_console_sessions_rep ON srv_console_sessions (rep_id);
CREATE INDEX srv_console_sessions_expiry ON srv_console_sessions (expires_ms);
