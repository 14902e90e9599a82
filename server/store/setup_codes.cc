#include "store/setup_codes.h"

#include <cctype>

#include "auth/auth.h"
#include "fieldbook/columns.h"
#include "fieldbook/refusal_status.h"
#include "store/audit_store.h"
#include "store/console_store.h"
#include "store/not_found.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

// No 0/O, 1/I/L: a code read aloud or off a screen cannot be mistyped into another.
constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
constexpr int64_t kForgetAfterMs = 24 * 3600 * 1000;

std::string HashOf(const std::string& normalized) {
  return HashToken("fieldbook-setup-code:" + normalized);
}

Result<std::string> NewCode() {
  std::string code;
  while (code.size() < SetupCodes::kCodeChars) {
    FB_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(16));
    for (unsigned char b : bytes) {
      // 248 = 31 * 8: bytes above it are dropped, so every character is equally likely.
      if (b >= 248 || code.size() == SetupCodes::kCodeChars) continue;
      code.push_back(kAlphabet[b % kAlphabet.size()]);
    }
  }
  return code;
}

}  // namespace

std::string SetupCodes::Normalize(const std::string& code) {
  std::string out;
  if (code.size() > 64) return "";
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    const char up = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (kAlphabet.find(up) == std::string_view::npos) return "";
    out.push_back(up);
  }
  return out.size() == kCodeChars ? out : "";
}

Result<IssuedSetupCode> SetupCodes::Issue(const std::string& rep_id, const std::string& device,
                                          const std::string& actor, int64_t ttl_ms) {
  ConsoleStore accounts(store_);
  FB_ASSIGN_OR_RETURN(std::optional<ConsoleAccount> account, accounts.Account(rep_id));
  if (!account) {
    return NoRep(rep_id);
  }
  if (account->role != "rep") {
    return RefusalStatus(StatusCode::kRejected, {"http_setup_code_manager", {{"rep", rep_id}}});
  }
  if (!account->active) {
    return RefusalStatus(StatusCode::kRejected, {"http_rep_disabled", {{"rep", rep_id}}});
  }
  SqlDb& db = store_.sql();
  const int64_t now = static_cast<int64_t>(store_.wall().NowMs());
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(SqlStatement * forget,
                      db.Prepare("DELETE FROM srv_setup_codes WHERE expires_ms < ?"));
  forget->Bind(1, now - kForgetAfterMs);
  FB_RETURN_IF_ERROR(forget->Run());
  FB_ASSIGN_OR_RETURN(std::string code, NewCode());
  FB_ASSIGN_OR_RETURN(SqlStatement * add,
                      db.Prepare("INSERT INTO srv_setup_codes (code_hash, rep_id, device, "
                                 "created_by, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?)"));
  add->Bind(1, HashOf(code))
      .Bind(2, rep_id)
      .Bind(3, device)
      .Bind(4, actor)
      .Bind(5, now)
      .Bind(6, now + ttl_ms);
  FB_RETURN_IF_ERROR(add->Run());
  IssuedSetupCode out{code.substr(0, 5) + "-" + code.substr(5), rep_id, device, now + ttl_ms};
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "device.setup_code";
  audit.subject = rep_id;
  audit.after = {{"device", device}, {"expires_ms", out.expires_ms}};
  FB_RETURN_IF_ERROR(store_.Audit(std::move(audit)));
  FB_RETURN_IF_ERROR(txn->Commit());
  return out;
}

Result<ExchangedSetupCode> SetupCodes::Exchange(const std::string& code) {
  const std::string normalized = Normalize(code);
  if (normalized.empty()) {
    return RefusalStatus(StatusCode::kInvalidArgument, {"http_setup_code_form", {}});
  }
  SqlDb& db = store_.sql();
  const int64_t now = static_cast<int64_t>(store_.wall().NowMs());
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(SqlStatement * find,
                      db.Prepare("SELECT rep_id, device, created_by, expires_ms, used_ms FROM "
                                 "srv_setup_codes WHERE code_hash = ?"));
  find->Bind(1, HashOf(normalized));
  struct Code {
    std::string rep_id, device, created_by;
    int64_t expires_ms;
    bool used;
  };
  FB_ASSIGN_OR_RETURN(std::optional<Code> found, ReadOneRow(*find, [](SqlStatement& r) {
                        return Code{r.Text(0), r.Text(1), r.Text(2), r.Int(3), !r.IsNull(4)};
                      }));
  if (!found) {
    return RefusalStatus(StatusCode::kNotFound, {"http_setup_code_unknown", {}});
  }
  const auto& [rep_id, device, created_by, expires_ms, used] = *found;
  if (used) {
    return RefusalStatus(StatusCode::kConflict, {"http_setup_code_used", {}});
  }
  if (now >= expires_ms) {
    return RefusalStatus(StatusCode::kConflict, {"http_setup_code_expired", {}});
  }
  ConsoleStore accounts(store_);
  FB_ASSIGN_OR_RETURN(std::optional<ConsoleAccount> account, accounts.Account(rep_id));
  if (!account || !account->active || account->role != "rep") {
    return RefusalStatus(StatusCode::kRejected, {"http_rep_may_not_sync", {{"rep", rep_id}}});
  }
  FB_ASSIGN_OR_RETURN(auto issued,
                      store_.IssueDeviceToken(rep_id, device, "setup-code:" + created_by));
  FB_ASSIGN_OR_RETURN(SqlStatement * spend,
                      db.Prepare("UPDATE srv_setup_codes SET used_ms = ?, device_id = ? WHERE "
                                 "code_hash = ? AND used_ms IS NULL"));
  spend->Bind(1, now).Bind(2, issued.first.id).Bind(3, HashOf(normalized));
  FB_RETURN_IF_ERROR(spend->Run());
  if (db.LastChanges() != 1) {
    // Spent by another exchange since it was read above: the same refusal.
    return RefusalStatus(StatusCode::kConflict, {"http_setup_code_used", {}});
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return ExchangedSetupCode{std::move(issued.first), std::move(issued.second)};
}

}  // namespace fieldbook::server
