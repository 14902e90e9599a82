// Hub::WriteBulk (hub.h): hub-authored rows in bulk, as an import writes them (issue #17).
#include <algorithm>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "fieldbook/hub.h"
#include "hub_internals.h"

namespace fieldbook {

Result<PushResult> Hub::WriteBulk(const std::vector<RowWrite>& rows, const std::vector<bool>& fresh,
                                  const ApplyObserver* observer) {
  if (!fresh.empty() && fresh.size() != rows.size()) {
    return Status::InvalidArgument("WriteBulk: one fresh flag per row");
  }
  Db& db = *db_;
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  FB_RETURN_IF_ERROR(CatchUpWithDisk());
  WritingScope writing(in_->writing);
  const ChangeSet set = HubChangeSet(rows);

  PushResult result;
  std::vector<std::string> duplicate_candidates;
  in_->digest_listener->Clear();
  auto fail = [&](Status s) { return RollBack(txn, *this, std::move(s)); };
  auto reject = [&](size_t row_index, std::string code, std::string reason) {
    RowRejection r;
    r.table = set.rows[row_index].table;
    r.row_id = set.rows[row_index].row_id;
    r.code = std::move(code);
    r.reason = std::move(reason);
    r.row_index = static_cast<uint32_t>(row_index + 1);
    result.rejections.push_back(std::move(r));
  };

  // The rows Write would refuse before merging are refused the same way; the others are applied
  // in segments that name each row once (within one, writing every row before observing any is
  // the same as one after the other).
  std::vector<BatchRow> segment;
  std::vector<size_t> segment_rows;  // index into set.rows of each segment entry
  std::vector<RowOutcome> outcomes;
  std::vector<std::unordered_set<std::string_view>> seen;  // row ids by table code
  auto apply_segment = [&]() -> Status {
    if (segment.empty()) return Status::Ok();
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
      if (!out.status.ok()) {
        const StatusCode code = out.status.code();
        const bool fact = out.status.message().find("insert-only") != std::string::npos;
        reject(row_index,
               code == StatusCode::kRejected ? (fact ? "immutable_fact" : "constraint") : "invalid",
               out.status.message());
        continue;
      }
      ++result.rows_accepted;
      if (!out.outcome.changed) continue;
      if (TouchesDuplicateKeys(t, out.outcome)) {
        duplicate_candidates.push_back(set.rows[row_index].row_id);
      }
      if (observer != nullptr && *observer) {
        AppliedRow applied{&t,
                           set.rows[row_index].row_id,
                           out.outcome.created,
                           {},
                           base + k + 1,
                           WrittenCustomer(t, set.rows[row_index], out.outcome)};
        for (int idx : out.outcome.changed_columns)
          applied.changed_columns.push_back(t.columns[idx]);
        FB_RETURN_IF_ERROR((*observer)(applied));
      }
    }
    segment.clear();
    segment_rows.clear();
    for (auto& ids : seen) ids.clear();
    return Status::Ok();
  };

  for (size_t i = 0; i < set.rows.size(); ++i) {
    const RowChange& change = set.rows[i];
    const TableInfo* t = catalog_.Find(change.table);
    if (t == nullptr) {
      reject(i, "unknown_table", "the hub has no table " + change.table);
      continue;
    }
    if (change.row_id.empty()) {
      reject(i, "invalid", "row without an id");
      continue;
    }
    if (NamesAColumnTwice(change)) {
      reject(i, "invalid", "a row may name each column once");
      continue;
    }
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
  if (s.ok()) s = txn->Commit();
  if (!s.ok()) return fail(s);
  return result;
}

}  // namespace fieldbook
