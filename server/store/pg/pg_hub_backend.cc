#include "store/pg/pg_hub_backend.h"

#include <algorithm>
#include <limits>

namespace fieldbook::pg {

Result<HubCounters> PgHubBackend::Read(std::string_view sql) {
  FB_ASSIGN_OR_RETURN(PgRows rows, db_.Exec(sql));
  if (rows.size() != 1) return Status::Corrupt("postgresql: fb_hub_seq has no row");
  return HubCounters{static_cast<uint64_t>(rows.Int(0, 0)), static_cast<uint64_t>(rows.Int(0, 1))};
}

Result<HubCounters> PgHubBackend::Counters() { return Read("SELECT value, hlc FROM fb_hub_seq"); }

Result<HubCounters> PgHubBackend::LockCounters() {
  if (!db_.InTransaction()) return Status::Internal("LockCounters outside a transaction");
  // An update that changes nothing still takes the row's lock until the transaction ends; a
  // writer waiting here continues on the committed row (READ COMMITTED), so it reads the numbers
  // the one before it stored.
  return Read("UPDATE fb_hub_seq SET value = value RETURNING value, hlc");
}

Status PgHubBackend::StoreCounters(uint64_t seq, std::optional<uint64_t> hlc) {
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (seq > kMax || (hlc && *hlc > kMax)) {
    return Status::InvalidArgument("hub counters out of range");
  }
  if (!hlc) return db_.Exec("UPDATE fb_hub_seq SET value = $1", {seq}).status();
  return db_.Exec("UPDATE fb_hub_seq SET value = $1, hlc = greatest(hlc, $2)", {seq, *hlc})
      .status();
}

Result<std::optional<std::string>> PgHubBackend::ClaimSet(const std::string& set_id,
                                                          const std::string& replica_id) {
  return sets_.Claim(set_id, replica_id);
}

Status PgHubBackend::RecordSet(const std::string& set_id, const std::string& replica_id,
                               const std::string& answer, uint64_t now_ms) {
  (void)replica_id;  // the claim holds it
  (void)now_ms;      // PostgreSQL's clock stamps the answer
  return sets_.Record(set_id, answer);
}

Status PgHubBackend::LogRows(const std::vector<HubLoggedRow>& rows) {
  std::vector<PgLoggedChange> entries;
  entries.reserve(rows.size());
  for (const HubLoggedRow& r : rows) {
    entries.push_back(PgLoggedChange{r.seq, PgChange{r.table, r.row_id, r.customer, {}}});
  }
  return log_.AppendTaken(entries);
}

Result<size_t> PgHubBackend::ForgetLogged(uint64_t up_to, size_t limit) {
  return log_.ForgetUpTo(up_to, std::min(limit, PgChangeLog::kMaxAppend));
}

}  // namespace fieldbook::pg
