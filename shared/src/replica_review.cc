// Replica's review list (replica.h): rows the hub refused, and the edits it holds for review after
// a reassignment, until a manager resolves them (docs/sync.md, "The review list").
#include <map>
#include <set>
#include <string>
#include <variant>

#include "fieldbook/catalog.h"
#include "fieldbook/json.h"
#include "fieldbook/replica.h"
#include "json_text.h"

namespace fieldbook {

Status Replica::RecordRejection(const std::string& set_id, const RowChange& rc,
                                const RowRejection& rej) {
  const bool partial = rej.code == "reassigned" && !rej.columns.empty();
  const std::set<std::string> held(rej.columns.begin(), rej.columns.end());
  std::vector<std::pair<std::string, Value>> values;
  std::vector<std::pair<std::string, Value>> versions;  // held column -> its hlc
  for (const ColumnChange& c : rc.columns) {
    if (partial && held.count(c.column) == 0) continue;  // applied: not waiting for anyone
    values.emplace_back(c.column, c.value);
    if (partial) versions.emplace_back(c.column, Value(static_cast<int64_t>(c.hlc.packed())));
  }
  // The garage the record belongs to, named as this device knows it now: a customer that moved
  // away leaves the device soon after, and the review list must still say which one it was.
  std::string customer_id;
  if (const TableInfo* t = catalog_.Find(rc.table); t != nullptr && !t->customer_column.empty()) {
    if (t->customer_column == "id") customer_id = rc.row_id;
    for (const ColumnChange& c : rc.columns) {
      if (c.column == t->customer_column && std::holds_alternative<std::string>(c.value)) {
        customer_id = std::get<std::string>(c.value);
      }
    }
    if (customer_id.empty() && t->customer_column_index >= 0) {
      // The table name comes from the catalog, never from the hub's answer.
      FB_ASSIGN_OR_RETURN(Statement * own,
                          db_->Prepare("SELECT \"" + t->customer_column + "\" FROM \"" + t->name +
                                       "\" WHERE id = ?"));
      own->Bind(1, rc.row_id);
      FB_ASSIGN_OR_RETURN(bool found, own->Step());
      if (found) customer_id = own->Text(0);
      own->Reset();
    }
  }
  std::string customer_name;
  if (!customer_id.empty()) {
    FB_ASSIGN_OR_RETURN(Statement * name,
                        db_->Prepare("SELECT coalesce(name, '') FROM customers WHERE id = ?"));
    name->Bind(1, customer_id);
    FB_ASSIGN_OR_RETURN(bool found, name->Step());
    if (found) customer_name = name->Text(0);
    name->Reset();
  }
  // A dismissal the hub did not record (the rep's own action about a refusal) is kept for the
  // record, but not as something more to review: it would only ask for another dismissal.
  const bool settled = rc.table == "review_dismissals";
  FB_ASSIGN_OR_RETURN(
      Statement * review,
      db_->Prepare("INSERT INTO fb_rejections (set_id, tbl, row_id, code, reason, payload, "
                   "created_ms, held, customer_id, customer_name, resolved, outcome) VALUES (?, "
                   "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  review->Bind(1, set_id)
      .Bind(2, rc.table)
      .Bind(3, rc.row_id)
      .Bind(4, rej.code)
      .Bind(5, rej.reason)
      .Bind(6, ColumnsToJson(values))
      .Bind(7, static_cast<int64_t>(clock_->WallNowMs()));
  if (partial) {
    review->Bind(8, ColumnsToJson(versions));
  } else {
    review->BindNull(8);
  }
  review->Bind(9, customer_id).Bind(10, customer_name).Bind(11, int64_t{settled ? 1 : 0});
  if (settled) {
    review->Bind(12, std::string("the server did not record this dismissal"));
  } else {
    review->BindNull(12);
  }
  return review->Run();
}

Result<std::vector<ReviewItem>> Replica::ReviewList(bool include_resolved) {
  FB_ASSIGN_OR_RETURN(Statement * stmt,
                      db_->Prepare("SELECT id, set_id, tbl, row_id, code, reason, payload, "
                                   "resolved, outcome FROM fb_rejections WHERE ?1 OR resolved = 0 "
                                   "ORDER BY resolved, id"));
  stmt->Bind(1, int64_t{include_resolved ? 1 : 0});
  std::vector<ReviewItem> out;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    ReviewItem item{stmt->Int(0),  stmt->Text(1), stmt->Text(2),     stmt->Text(3), stmt->Text(4),
                    stmt->Text(5), stmt->Text(6), stmt->Int(7) != 0, stmt->Text(8)};
    out.push_back(std::move(item));
  }
  return out;
}

Result<std::vector<HeldReviewEdit>> Replica::HeldEdits() {
  FB_ASSIGN_OR_RETURN(Statement * stmt,
                      db_->Prepare("SELECT id, tbl, row_id, held FROM fb_rejections WHERE "
                                   "resolved = 0 AND held IS NOT NULL ORDER BY id"));
  std::vector<HeldReviewEdit> out;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    boost::system::error_code ec;
    const boost::json::value held = ReadJson(stmt->Text(3), ec);
    if (ec || !held.is_object()) continue;  // written by this code only; unreadable = nothing held
    for (const auto& kv : held.as_object()) {
      if (!kv.value().is_int64() || kv.value().as_int64() <= 0) continue;
      out.push_back(HeldReviewEdit{stmt->Int(0), stmt->Text(1), stmt->Text(2),
                                   std::string(kv.key()),
                                   Hlc(static_cast<uint64_t>(kv.value().as_int64()))});
    }
  }
  return out;
}

Result<size_t> Replica::RecordHeldEditStatus(const std::vector<HeldReviewEdit>& edits,
                                             const std::vector<std::string>& status) {
  if (status.size() != edits.size()) {
    return Status::InvalidArgument("held edit status: " + std::to_string(status.size()) +
                                   " answers for " + std::to_string(edits.size()) + " edits");
  }
  // Per review item: how many of its held edits were applied, dismissed, or are not settled.
  struct Tally {
    int applied = 0, dismissed = 0, unsettled = 0;
  };
  std::map<int64_t, Tally> items;
  for (size_t i = 0; i < edits.size(); ++i) {
    Tally& t = items[edits[i].review_id];
    if (status[i] == "applied") {
      ++t.applied;
    } else if (status[i] == "dismissed") {
      ++t.dismissed;
    } else {
      ++t.unsettled;  // "open", or "unknown" to this server: still waiting
    }
  }
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
  FB_ASSIGN_OR_RETURN(Statement * mark,
                      db_->Prepare("UPDATE fb_rejections SET resolved = 1, outcome = ? "
                                   "WHERE id = ? AND resolved = 0"));
  size_t resolved = 0;
  for (const auto& [id, t] : items) {
    if (t.unsettled > 0) continue;
    std::string outcome;
    if (t.applied > 0 && t.dismissed > 0) {
      outcome = "applied " + std::to_string(t.applied) + ", dismissed " +
                std::to_string(t.dismissed) + " by a manager";
    } else {
      outcome = std::string(t.applied > 0 ? "applied" : "dismissed") + " by a manager";
    }
    mark->Reset();
    mark->Bind(1, outcome).Bind(2, id);
    FB_RETURN_IF_ERROR(mark->Run());
    resolved += static_cast<size_t>(db_->LastChanges());
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return resolved;
}

}  // namespace fieldbook
