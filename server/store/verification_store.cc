#include "store/verification_store.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <utility>

#include "fieldbook/columns.h"
#include "fieldbook/row_digest.h"
#include "store/store_dialect.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

using SlotKey = std::pair<uint32_t, uint32_t>;  // (table code, bucket)

struct Sums {
  uint64_t rows = 0;
  uint64_t sum = 0;
};

// Appends `from`'s rows to `into`, mapping their origins into `into`'s list.
void AppendRows(ChangeSet& into, ChangeSet&& from) {
  std::unordered_map<std::string, uint32_t> index;
  for (uint32_t i = 0; i < into.origins.size(); ++i) index.emplace(into.origins[i], i);
  std::vector<uint32_t> map(from.origins.size());
  for (uint32_t i = 0; i < from.origins.size(); ++i) {
    auto [it, added] = index.emplace(from.origins[i], static_cast<uint32_t>(into.origins.size()));
    if (added) into.origins.push_back(from.origins[i]);
    map[i] = it->second;
  }
  for (RowChange& row : from.rows) {
    for (ColumnChange& c : row.columns) c.origin = map[c.origin];
    into.rows.push_back(std::move(row));
  }
}

}  // namespace

Result<size_t> VerificationStore::RequestVerification(const std::string& rep_id, bool deep,
                                                      const std::string& reason) {
  SqlDb& db = store_.sql();
  std::vector<std::string> reps;
  if (!rep_id.empty()) {
    if (!store_.RepExists(rep_id)) return Status::NotFound("no rep " + rep_id);
    reps.push_back(rep_id);
  } else {
    FB_ASSIGN_OR_RETURN(SqlStatement * active,
                        db.Prepare("SELECT id FROM reps WHERE deleted = 0 AND active = 1 AND "
                                   "role = 'rep' ORDER BY " +
                                   ByteOrder(db, "id")));
    FB_ASSIGN_OR_RETURN(reps, ReadRows(*active, [](SqlStatement& s) { return s.Text(0); }));
  }
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(SqlStatement * next,
                      db.Prepare("SELECT coalesce(max(request_id), 0) + 1 FROM "
                                 "srv_verify_requests"));
  FB_ASSIGN_OR_RETURN(const int64_t request_id, ReadInt(*next));
  FB_ASSIGN_OR_RETURN(
      SqlStatement * ask,
      db.Prepare("INSERT INTO srv_verify_requests (rep_id, request_id, requested_ms, deep, reason) "
                 "VALUES (?, ?, ?, ?, ?) ON CONFLICT (rep_id) DO UPDATE SET request_id = "
                 "excluded.request_id, requested_ms = excluded.requested_ms, deep = excluded.deep, "
                 "reason = excluded.reason"));
  for (const std::string& rep : reps) {
    ask->Reset();
    BindValues(*ask, {rep, request_id, static_cast<int64_t>(wall_.NowMs()), int64_t{deep ? 1 : 0},
                      reason});
    FB_RETURN_IF_ERROR(ask->Run());
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return reps.size();
}

Result<std::optional<VerificationStore::Request>> VerificationStore::CurrentRequest(
    const std::string& rep_id) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      store_.sql().Prepare("SELECT request_id, deep FROM srv_verify_requests WHERE rep_id = ?"));
  stmt->Bind(1, rep_id);
  return ReadOneRow(*stmt, [](SqlStatement& s) { return Request{s.Int(0), s.Int(1) != 0}; });
}

Result<std::optional<VerificationStore::LastCheck>> VerificationStore::LastCheckOf(
    const std::string& replica_id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      store_.sql().Prepare("SELECT request_id, checked_ms FROM "
                                           "srv_replica_checks WHERE replica_id = ?"));
  stmt->Bind(1, replica_id);
  return ReadOneRow(*stmt, [](SqlStatement& s) { return LastCheck{s.Int(0), s.Int(1)}; });
}

Result<VerifyAsk> VerificationStore::Wanted(const std::string& rep_id,
                                            const std::string& replica_id) {
  FB_ASSIGN_OR_RETURN(std::optional<Request> request, CurrentRequest(rep_id));
  if (!request) return VerifyAsk{};
  FB_ASSIGN_OR_RETURN(std::optional<LastCheck> last, LastCheckOf(replica_id));
  if (last && last->request_id >= request->id) return VerifyAsk{};
  return VerifyAsk{true, request->deep};
}

Result<DigestCheck> VerificationStore::Check(const DigestReport& report) {
  Hub& hub = store_.hub();
  SqlDb& db = store_.sql();
  const Catalog& catalog = hub.catalog();
  DigestCheck out;

  FB_ASSIGN_OR_RETURN(std::optional<Request> request, CurrentRequest(report.rep_id));
  FB_ASSIGN_OR_RETURN(std::optional<LastCheck> last, LastCheckOf(report.replica_id));
  const bool solicited = request && (!last || last->request_id < request->id);
  const int64_t request_id = request ? request->id : 0;
  if (!solicited && last &&
      static_cast<int64_t>(wall_.NowMs()) - last->checked_ms < options_.unsolicited_interval_ms) {
    out.outcome = "declined";
    return out;
  }
  if (report.buckets == 0 || report.buckets > kMaxDigestBuckets) {
    return Status::InvalidArgument("digest bucket count " + std::to_string(report.buckets) +
                                   " not in 1.." + std::to_string(kMaxDigestBuckets));
  }
  if (report.schema != DigestSchemaFingerprint(catalog)) {
    // Another version's tables or columns: every row would differ, and no repair could help.
    out.outcome = "incompatible";
    FB_RETURN_IF_ERROR(Record(report, out, solicited, request_id));
    return out;
  }

  {
    FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> snapshot, db.BeginRead());

    // The hub's digests of the rep's scope, per (table, bucket).
    std::map<SlotKey, Sums> hub_sums;
    auto add = [&](uint32_t table, const std::string& owner, int64_t rows, int64_t sum) {
      Sums& s = hub_sums[{table, DigestBucket(owner, report.buckets)}];
      s.rows += static_cast<uint64_t>(rows);
      s.sum += static_cast<uint64_t>(sum);
    };
    std::vector<bool> of_customer;
    for (const TableInfo& t : catalog.tables()) {
      if (t.customer_column.empty() || t.code < 0) continue;
      if (of_customer.size() <= static_cast<size_t>(t.code)) of_customer.resize(t.code + 1);
      of_customer[static_cast<size_t>(t.code)] = true;
    }
    FB_ASSIGN_OR_RETURN(SqlStatement * scoped,
                        db.Prepare("SELECT d.tbl, d.owner, d.rows, d.sum FROM srv_scope s JOIN "
                                   "fb_owner_digests d ON d.owner = s.customer_id "
                                   "WHERE s.rep_id = ?"));
    scoped->Bind(1, report.rep_id);
    FB_RETURN_IF_ERROR(VisitRows(*scoped, [&](SqlStatement& s) {
      const int64_t code = s.Int(0);
      // A row id of a table of no customer can equal a customer id: only customers' tables here.
      if (code < 0 || static_cast<size_t>(code) >= of_customer.size() ||
          !of_customer[static_cast<size_t>(code)]) {
        return;
      }
      add(static_cast<uint32_t>(code), s.Text(1), s.Int(2), s.Int(3));
    }));
    FB_ASSIGN_OR_RETURN(SqlStatement * shared,
                        db.Prepare("SELECT owner, rows, sum FROM fb_owner_digests WHERE tbl = ?"));
    for (const TableInfo& t : catalog.tables()) {
      if (!t.customer_column.empty()) continue;
      shared->Reset();
      shared->Bind(1, static_cast<int64_t>(t.code));
      FB_RETURN_IF_ERROR(VisitRows(*shared, [&](SqlStatement& s) {
        add(static_cast<uint32_t>(t.code), s.Text(0), s.Int(1), s.Int(2));
      }));
    }

    // Compare: every (table, bucket) that is non-empty on either side.
    std::map<SlotKey, Sums> device;
    for (const BucketDigest& d : report.digests) device[{d.table, d.bucket}] = Sums{d.rows, d.sum};
    std::vector<SlotKey> mismatched;
    auto differs = [](const Sums& a, const Sums& b) { return a.rows != b.rows || a.sum != b.sum; };
    for (const auto& [key, sums] : hub_sums) {
      if (sums.rows == 0 && sums.sum == 0 && device.count(key) == 0) continue;
      ++out.buckets_compared;
      auto it = device.find(key);
      if (it == device.end() ? true : differs(it->second, sums)) mismatched.push_back(key);
    }
    for (const auto& [key, sums] : device) {
      if (hub_sums.count(key) != 0) continue;
      ++out.buckets_compared;
      if (sums.rows != 0 || sums.sum != 0) mismatched.push_back(key);
    }
    std::sort(mismatched.begin(), mismatched.end());
    out.buckets_mismatched = mismatched.size();

    // Repair: all of the scope's rows of each differing bucket, whole buckets within the budget.
    std::map<uint32_t, std::vector<std::string>> customers_by_bucket;
    if (!mismatched.empty()) {
      FB_ASSIGN_OR_RETURN(auto scope, store_.ScopeOf(report.rep_id));
      std::vector<std::string> sorted(scope.begin(), scope.end());
      std::sort(sorted.begin(), sorted.end());
      for (std::string& c : sorted) {
        const uint32_t bucket = DigestBucket(c, report.buckets);
        customers_by_bucket[bucket].push_back(std::move(c));
      }
    }
    size_t rows_sent = 0;
    for (const SlotKey& key : mismatched) {
      const TableInfo* t = catalog.ByCode(static_cast<int>(key.first));
      if (t == nullptr) continue;  // not a table here; the same fingerprint makes this moot
      std::vector<std::string> keys;
      if (!t->customer_column.empty()) {
        auto it = customers_by_bucket.find(key.second);
        if (it != customers_by_bucket.end()) keys = it->second;
      } else {
        // Catalog identifiers only.
        FB_ASSIGN_OR_RETURN(SqlStatement * ids, db.Prepare("SELECT id FROM \"" + t->name +
                                                           "\" ORDER BY " + ByteOrder(db, "id")));
        FB_RETURN_IF_ERROR(VisitRows(*ids, [&](SqlStatement& s) {
          std::string id = s.Text(0);
          if (DigestBucket(id, report.buckets) == key.second) keys.push_back(std::move(id));
        }));
      }
      FB_ASSIGN_OR_RETURN(ChangeSet rows, hub.ReadRowsByKey(*t, keys));
      if (!out.repair_buckets.empty() && rows_sent + rows.rows.size() > options_.max_repair_rows) {
        out.more = true;
        break;
      }
      rows_sent += rows.rows.size();
      AppendRows(out.repair, std::move(rows));
      auto hub_it = hub_sums.find(key);
      const Sums sums = hub_it == hub_sums.end() ? Sums{} : hub_it->second;
      out.repair_buckets.push_back(BucketDigest{key.first, key.second, sums.rows, sums.sum});
    }
  }
  out.repair.replica_id = hub.hub_id();
  out.repair.set_id = "repair";
  out.compared = true;
  out.outcome = out.buckets_mismatched == 0 ? "match" : out.more ? "partial" : "repaired";
  FB_RETURN_IF_ERROR(Record(report, out, solicited, request_id));
  return out;
}

Status VerificationStore::Record(const DigestReport& report, const DigestCheck& check,
                                 bool solicited, int64_t request_id) {
  SqlDb& db = store_.sql();
  const auto now = static_cast<int64_t>(wall_.NowMs());
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(
      SqlStatement * log,
      db.Prepare("INSERT INTO srv_verifications (rep_id, replica_id, checked_ms, outcome, "
                 "buckets_compared, buckets_mismatched, buckets_resent, rows_resent, solicited) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  BindValues(*log, {report.rep_id, report.replica_id, now, check.outcome,
                    static_cast<int64_t>(check.buckets_compared),
                    static_cast<int64_t>(check.buckets_mismatched),
                    static_cast<int64_t>(check.repair_buckets.size()),
                    static_cast<int64_t>(check.repair.rows.size()), int64_t{solicited ? 1 : 0}});
  FB_RETURN_IF_ERROR(log->Run());
  if (!check.more) {
    // Complete: this device has answered the rep's request.
    // The larger of two values: SQLite's max(a, b) is PostgreSQL's greatest(a, b).
    FB_ASSIGN_OR_RETURN(
        SqlStatement * done,
        db.Prepare("INSERT INTO srv_replica_checks (replica_id, rep_id, request_id, checked_ms, "
                   "outcome) VALUES (?, ?, ?, ?, ?) ON CONFLICT (replica_id) DO UPDATE SET "
                   "rep_id = excluded.rep_id, request_id = " +
                   std::string(SqlFor(db, "max", "greatest")) +
                   "(srv_replica_checks.request_id, excluded.request_id), "
                   "checked_ms = excluded.checked_ms, outcome = excluded.outcome"));
    BindValues(*done, {report.replica_id, report.rep_id, request_id, now, check.outcome});
    FB_RETURN_IF_ERROR(done->Run());
  }
  return txn->Commit();
}

Result<VerificationSummary> VerificationStore::Summary(int64_t since_ms) {
  SqlDb& db = store_.sql();
  VerificationSummary out;
  FB_ASSIGN_OR_RETURN(
      SqlStatement * checks,
      db.Prepare("SELECT count(*), count(DISTINCT CASE WHEN outcome <> 'incompatible' THEN "
                 "replica_id END), count(DISTINCT CASE WHEN buckets_resent > 0 THEN replica_id "
                 "END), coalesce(sum(buckets_resent), 0), coalesce(sum(rows_resent), 0), "
                 "count(DISTINCT CASE WHEN outcome = 'incompatible' THEN replica_id END) "
                 "FROM srv_verifications WHERE checked_ms >= ?"));
  checks->Bind(1, since_ms);
  int64_t* const figures[] = {
      &out.checks,           &out.replicas_verified, &out.replicas_repaired,
      &out.buckets_repaired, &out.rows_resent,       &out.replicas_incompatible};
  FB_RETURN_IF_ERROR(VisitRows(*checks, [&](SqlStatement& c) {
    for (int i = 0; i < 6; ++i) *figures[i] = c.Int(i);
  }));
  FB_ASSIGN_OR_RETURN(
      SqlStatement * pending,
      db.Prepare("SELECT count(*) FROM srv_verify_requests r WHERE NOT EXISTS (SELECT 1 FROM "
                 "srv_replica_checks c WHERE c.rep_id = r.rep_id AND c.request_id >= "
                 "r.request_id)"));
  FB_ASSIGN_OR_RETURN(out.reps_pending, ReadInt(*pending));
  return out;
}

}  // namespace fieldbook::server
