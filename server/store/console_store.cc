#include "store/console_store.h"

#include "auth/auth.h"
#include "fieldbook/columns.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {
constexpr size_t kSessionTokenHexDigits = 64;
}  // namespace

Result<std::string> NewSessionToken() {
  FB_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(kSessionTokenHexDigits / 2));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

std::string CsrfTokenFor(const std::string& session_token) {
  return HashToken("fieldbook-console-csrf:" + session_token);
}

Status ConsoleStore::SetPassword(const std::string& rep_id, const std::string& encoded,
                                 int64_t now_ms) {
  FB_ASSIGN_OR_RETURN(std::optional<ConsoleAccount> account, Account(rep_id));
  if (!account) return Status::NotFound("no rep " + rep_id);
  if (account->role != "manager") {
    return Status::Rejected(rep_id + " is a rep, not a manager: only managers use the console");
  }
  FB_ASSIGN_OR_RETURN(auto txn, db_.Begin());
  FB_ASSIGN_OR_RETURN(
      SqlStatement * save,
      db_.Prepare("INSERT INTO srv_passwords (rep_id, hash, set_ms) VALUES (?, ?, ?) "
                  "ON CONFLICT (rep_id) DO UPDATE SET hash = excluded.hash, "
                  "set_ms = excluded.set_ms"));
  save->Bind(1, rep_id).Bind(2, encoded).Bind(3, now_ms);
  FB_RETURN_IF_ERROR(save->Run());
  FB_ASSIGN_OR_RETURN(SqlStatement * end,
                      db_.Prepare("DELETE FROM srv_console_sessions WHERE rep_id = ?"));
  end->Bind(1, rep_id);
  FB_RETURN_IF_ERROR(end->Run());
  return txn->Commit();
}

Result<std::optional<ConsoleAccount>> ConsoleStore::Account(const std::string& rep_id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * find,
                      db_.Prepare("SELECT r.id, coalesce(r.name, ''), coalesce(r.role, ''), "
                                  "coalesce(r.active, 0), coalesce(p.hash, '') FROM reps r "
                                  "LEFT JOIN srv_passwords p ON p.rep_id = r.id "
                                  "WHERE r.id = ? AND r.deleted = 0"));
  find->Bind(1, rep_id);
  return ReadOneRow(*find, [](SqlStatement& s) {
    return ConsoleAccount{s.Text(0), s.Text(1), s.Text(2), s.Int(3) != 0, s.Text(4)};
  });
}

Result<ConsoleSession> ConsoleStore::CreateSession(const std::string& rep_id, int64_t now_ms,
                                                   int64_t ttl_ms, const std::string& address) {
  FB_ASSIGN_OR_RETURN(std::string token, NewSessionToken());
  FB_ASSIGN_OR_RETURN(auto txn, db_.Begin());
  FB_ASSIGN_OR_RETURN(SqlStatement * purge,
                      db_.Prepare("DELETE FROM srv_console_sessions WHERE expires_ms <= ?"));
  purge->Bind(1, now_ms);
  FB_RETURN_IF_ERROR(purge->Run());
  FB_ASSIGN_OR_RETURN(SqlStatement * add,
                      db_.Prepare("INSERT INTO srv_console_sessions (token_hash, rep_id, "
                                  "created_ms, expires_ms, address) VALUES (?, ?, ?, ?, ?)"));
  const int64_t expires = now_ms + ttl_ms;
  add->Bind(1, HashToken(token)).Bind(2, rep_id).Bind(3, now_ms).Bind(4, expires).Bind(5, address);
  FB_RETURN_IF_ERROR(add->Run());
  FB_RETURN_IF_ERROR(txn->Commit());
  return ConsoleSession{std::move(token), expires};
}

Result<std::optional<Principal>> ConsoleStore::Lookup(const std::string& token, int64_t now_ms,
                                                      int64_t* expires_ms) {
  if (token.size() != kSessionTokenHexDigits) return std::optional<Principal>();
  FB_ASSIGN_OR_RETURN(SqlStatement * find,
                      db_.Prepare("SELECT r.id, coalesce(r.name, ''), s.expires_ms FROM "
                                  "srv_console_sessions s JOIN reps r ON r.id = s.rep_id WHERE "
                                  "s.token_hash = ? AND s.expires_ms > ? AND r.role = 'manager' "
                                  "AND r.active = 1 AND r.deleted = 0"));
  find->Bind(1, HashToken(token)).Bind(2, now_ms);
  return ReadOneRow(*find, [&](SqlStatement& s) {
    if (expires_ms) *expires_ms = s.Int(2);
    return Principal{s.Text(0), s.Text(1), "manager", 0, "console"};
  });
}

Status ConsoleStore::End(const std::string& token) {
  FB_ASSIGN_OR_RETURN(SqlStatement * end,
                      db_.Prepare("DELETE FROM srv_console_sessions WHERE token_hash = ?"));
  end->Bind(1, HashToken(token));
  return end->Run();
}

Result<int64_t> ConsoleStore::CountSessionsForTesting(const std::string& rep_id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * count,
                      db_.Prepare("SELECT count(*) FROM srv_console_sessions WHERE rep_id = ?"));
  count->Bind(1, rep_id);
  return ReadInt(*count);
}

}  // namespace fieldbook::server
