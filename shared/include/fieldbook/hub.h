// Hub: the sync core of the server — the authoritative copy of everyone's data. It applies pushed
// change sets by the same merge rules as every replica (so all converge), gives every change a
// hub sequence number, and serves pulls as pages of rows changed after a cursor.
//
//  * A push is applied in one transaction and answered with a PushResult that is stored with it:
//    a retried set id changes nothing and gets the same answer.
//  * A pushed row is refused, with a reason, when its columns claim another replica's origin, when
//    it edits a recorded fact, when it breaks a CHECK rule, or when the caller's RowGate (scopes,
//    added by the server) says so. The rest of the set is applied.
//  * A column stamped more than max_drift_ms ahead of the hub's wall clock is re-stamped with the
//    hub's clock on receipt (RowRestamp tells the sender), so a wrong laptop date cannot win every
//    later conflict.
//  * A new or renamed customer that matches another by phone, or by name and city, is flagged in
//    fb_possible_duplicates for review; the rows are never merged silently.
//
// Thread safety: not thread-safe; the server serialises writes to one Hub (SQLite has one writer
// anyway) and may open further Hubs on the same file for concurrent pulls.
#ifndef FIELDBOOK_HUB_H_
#define FIELDBOOK_HUB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/catalog.h"
#include "fieldbook/change_set.h"
#include "fieldbook/hlc.h"
#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"

namespace fieldbook {

struct HubOptions {
  std::string hub_id = "hub";
  uint64_t max_drift_ms = HybridClock::kDefaultMaxDriftMs;
  size_t default_page_rows = 1000;
  size_t max_page_rows = 5000;
};

// Decides whether a pushed row may be applied; nullopt accepts it.
using RowGate = std::function<std::optional<RowRejection>(const TableInfo&, const RowChange&)>;
// Decides whether a row goes into a pull; `values` are its replicated columns in schema order.
using RowFilter = std::function<bool(const TableInfo&, const std::string& row_id,
                                     const std::vector<Value>& values)>;

struct PullPage {
  ChangeSet changes;  // changes.cursor: where the next pull starts
  bool more = false;
};

class Hub {
 public:
  static Result<std::unique_ptr<Hub>> Open(const std::string& path, WallClock& wall,
                                           const HubOptions& options = {});
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  Result<PushResult> ApplyPush(const ChangeSet& set, const RowGate* gate = nullptr);
  Result<PullPage> Pull(uint64_t cursor, size_t limit, const RowFilter* filter = nullptr);

  // A change authored by the hub itself (a manager's command, the grading job): stamped with the
  // hub clock and applied like any other.
  Result<PushResult> Write(const std::string& table, const std::string& row_id,
                           const std::vector<std::pair<std::string, Value>>& columns);

  Result<uint64_t> LatestSeq();
  Db& db() { return *db_; }
  const Catalog& catalog() const { return catalog_; }
  HybridClock& clock() { return *clock_; }
  const std::string& hub_id() const { return options_.hub_id; }

 private:
  Hub() = default;
  Result<PushResult> ApplyRows(const ChangeSet& set, const RowGate* gate, bool check_origin);

  struct Internals;
  std::unique_ptr<Db> db_;
  Catalog catalog_;
  std::unique_ptr<HybridClock> clock_;
  std::unique_ptr<Internals> in_;
  HubOptions options_;
  WallClock* wall_ = nullptr;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_HUB_H_
