// Hub::WriteBulk (hub.h): hub-authored rows in bulk, as an import writes them (issue #17).
#include <algorithm>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "fieldbook/hub.h"
#include "hub_internals.h"

namespace fieldbook {

Result<PushResult> Hub::WriteBulk(const std::vector<RowWrite>& rows, const std::vector<bool>& fresh,
                                  const ApplyObserver* observer, bool in_callers_transaction) {
  if (!fresh.empty() && fresh.size() != rows.size()) {
    return Status::InvalidArgument("WriteBulk: one fresh flag per row");
  }
  // Without a savepoint of its own, a failure leaves the caller to roll back (RollBack below
  // still makes the hub forget what it cached).
  std::unique_ptr<SqlTransaction> txn;
  if (!in_callers_transaction) {
    FB_ASSIGN_OR_RETURN(txn, sql_->Begin());
  } else if (!sql_->InTransaction()) {
    return Status::InvalidArgument("WriteBulk: no caller's transaction is open");
  }
  WritingScope writing(*in_);
  if (dialect() == SqlDialect::kSqlite) FB_RETURN_IF_ERROR(TakeCounters());
  const ChangeSet set = HubChangeSet(rows);

  PushResult result;
  std::vector<std::string> duplicate_candidates;
  in_->digest_listener->Clear();
  auto fail = [&](Status s) { return RollBack(txn, *this, std::move(s)); };

  // The rows Write would refuse before merging are refused the same way; the others are applied
  // in segments that name each row once (within one, writing every row before observing any is
  // the same as one after the other).
  std::vector<BatchRow> segment;
  std::vector<size_t> segment_rows;  // index into set.rows of each segment entry
  std::vector<RowOutcome> outcomes;
  std::vector<std::unordered_set<std::string_view>> seen;  // row ids by table code
  auto apply_segment = [&]() -> Status {
    if (segment.empty()) return Status::Ok();
    FB_RETURN_IF_ERROR(TakeCounters());
    const uint64_t base = in_->seq;
    for (size_t k = 0; k < segment.size(); ++k) segment[k].seq = base + k + 1;
    FB_RETURN_IF_ERROR(
        in_->merge->ApplyBatch(segment, set.origins, base + 1, options_.hub_id, outcomes));
    // Every row's number is taken (a row that did not change leaves a gap, as a rollback does).
    in_->seq = base + segment.size();
    for (size_t k = 0; k < segment.size(); ++k) {
      const size_t row_index = segment_rows[k];
      const TableInfo& t = *segment[k].table;
      RowOutcome& out = outcomes[k];
      const RowChange& change = set.rows[row_index];
      if (!out.status.ok()) {
        AddRejection(result, change, row_index, RefusalCode(out.status), out.status.message());
        continue;
      }
      ++result.rows_accepted;
      if (!out.outcome.changed) continue;
      if (backend_->logs_rows()) LogRow(t, change.row_id, base + k + 1);
      FB_RETURN_IF_ERROR(NoteChangedRow(t, change.row_id, change, out.outcome, base + k + 1,
                                        observer, duplicate_candidates));
    }
    segment.clear();
    segment_rows.clear();
    for (auto& ids : seen) ids.clear();
    return Status::Ok();
  };

  for (size_t i = 0; i < set.rows.size(); ++i) {
    const RowChange& change = set.rows[i];
    const TableInfo* t = AdmitRow(catalog_, change, i, /*from_replica=*/nullptr, result);
    if (t == nullptr) continue;
    if (t->code < 0) return fail(Status::Internal("table " + t->name + " has no code"));
    const auto code = static_cast<size_t>(t->code);
    if (seen.size() <= code) seen.resize(code + 1);
    if (seen[code].count(change.row_id) > 0) {
      Status s = apply_segment();
      if (!s.ok()) return fail(s);
    }
    seen[code].insert(change.row_id);
    BatchRow row;
    row.table = t;
    row.change = &change;
    row.assume_new = !fresh.empty() && fresh[i];
    segment.push_back(row);
    segment_rows.push_back(i);
  }
  Status s = apply_segment();
  // In row order, as Write lists them (refusals before the merge were listed first).
  std::stable_sort(
      result.rejections.begin(), result.rejections.end(),
      [](const RowRejection& a, const RowRejection& b) { return a.row_index < b.row_index; });
  if (s.ok()) s = FinishWrite(duplicate_candidates);
  if (s.ok() && txn != nullptr) s = txn->Commit();
  if (!s.ok()) return fail(s);
  return result;
}

}  // namespace fieldbook
