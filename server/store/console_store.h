// ConsoleStore: managers' passwords and console sessions in the server database (issue #16;
// tables srv_passwords and srv_console_sessions, server migration 0016).
//
//  * A password is kept only as its argon2id encoded hash (password_hash.h). Only a manager may
//    have one; setting it ends the manager's open sessions.
//  * A session is a random 256-bit token sent to the browser in a cookie; the database keeps its
//    SHA-256 (a token is as random as a key, so a plain digest cannot be reversed), the manager,
//    and an absolute expiry. A session counts only while its manager is still an active,
//    undeleted manager: disabling a manager (or making them a rep) ends their console at once.
//  * The CSRF token of a session is derived from its token (CsrfTokenFor): nothing more to store,
//    and it cannot be turned back into the session token.
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore whose database it
// uses (SyncService's store mutex), or from a command's single thread.
#ifndef FIELDBOOK_SERVER_CONSOLE_STORE_H_
#define FIELDBOOK_SERVER_CONSOLE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "fieldbook/sql_db.h"
#include "fieldbook/status.h"
#include "store/server_store.h"

namespace fieldbook::server {

// What a login needs to know about an account.
struct ConsoleAccount {
  std::string rep_id;
  std::string name;
  std::string role;
  bool active = false;
  std::string password_hash;  // "" when no password was ever set
};

struct ConsoleSession {
  std::string token;  // the cookie's value (only ever returned by Create)
  int64_t expires_ms = 0;
};

class ConsoleStore {
 public:
  explicit ConsoleStore(SqlDb& db) : db_(db) {}
  // The console's accounts and sessions in the server's database.
  explicit ConsoleStore(ServerStore& store) : db_(store.sql()) {}

  // Stores `encoded` (an argon2id hash) as `rep_id`'s password and ends their sessions.
  // kNotFound for an unknown rep; kRejected for a rep who is not a manager.
  Status SetPassword(const std::string& rep_id, const std::string& encoded, int64_t now_ms);
  // nullopt for an unknown (or deleted) rep.
  Result<std::optional<ConsoleAccount>> Account(const std::string& rep_id);
  // A new session for `rep_id` until now + ttl. Also forgets sessions that expired.
  Result<ConsoleSession> CreateSession(const std::string& rep_id, int64_t now_ms, int64_t ttl_ms,
                                       const std::string& address);
  // The manager a session token belongs to, while it has not expired and they are an active
  // manager; nullopt otherwise. `expires_ms` (when given) gets the session's expiry.
  Result<std::optional<Principal>> Lookup(const std::string& token, int64_t now_ms,
                                          int64_t* expires_ms = nullptr);
  // Ends the session (nothing when there is none).
  Status End(const std::string& token);
  Result<int64_t> CountSessionsForTesting(const std::string& rep_id);

 private:
  SqlDb& db_;
};

// A new session token: 64 lowercase hex digits (256 random bits).
Result<std::string> NewSessionToken();
// The CSRF token of a session token (64 hex digits).
std::string CsrfTokenFor(const std::string& session_token);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_CONSOLE_STORE_H_
