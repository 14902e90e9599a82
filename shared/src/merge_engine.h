// MergeEngine: applies one incoming RowChange to a replicated table by the merge rules of
// docs/sync.md. The hub and every replica use this same code, which is what makes them converge.
//
// Per column, the incoming value replaces the stored one iff its version (hlc, origin replica id)
// is greater than the stored version and greater than any local write still waiting in the
// outbox (`pending`). The row is then written in one statement with its new versions. Applying a
// change twice, or an older change after a newer one, changes nothing.
//
// Thread safety: belongs to its Db's thread; call inside the caller's transaction.
#ifndef FIELDBOOK_SRC_MERGE_ENGINE_H_
#define FIELDBOOK_SRC_MERGE_ENGINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "column_versions.h"
#include "fieldbook/catalog.h"
#include "fieldbook/change_set.h"
#include "fieldbook/status.h"
#include "fieldbook/value.h"

namespace fieldbook {

class Db;

// A stored row: replicated column values and versions.
struct StoredRow {
  bool exists = false;
  std::vector<Value> values;
  ColumnVersions versions;
  uint64_t seq = 0;
};

// The Hlc of each column's newest unpushed local write (zero Hlc = none), on a replica.
using PendingVersions = std::vector<Hlc>;

struct MergeOutcome {
  bool created = false;  // the row did not exist before
  bool changed = false;  // at least one column took the incoming value
  std::vector<int> changed_columns;
};

// Told about every row Apply writes, inside the caller's transaction: Before() with the row's
// values just before the first column changes (not called for a row Apply creates), After() once
// the row is written. A row whose write fails gets Before() and no After(). Rows with pending
// local writes (Apply's `pending` is set) are not reported. Replica verification keeps its
// digests this way (digest_tracker.h): cheaper than a trigger on every pulled row. Values are the
// replicated columns in catalog order.
class RowWriteListener {
 public:
  virtual ~RowWriteListener() = default;
  virtual void Before(const TableInfo& table, const std::string& row_id,
                      const std::vector<Value>& values) = 0;
  virtual void After(const TableInfo& table, const std::string& row_id, bool created,
                     const std::vector<Value>& values) = 0;
};

struct MergeOptions {
  // Hub: an existing fact row may not take a different value (facts are insert-only).
  bool enforce_fact_immutability = false;
};

class MergeEngine {
 public:
  MergeEngine(Db& db, OriginRegistry& origins, MergeOptions options,
              RowWriteListener* listener = nullptr)
      : db_(db), origins_(origins), options_(options), listener_(listener) {}

  Result<StoredRow> ReadRow(const TableInfo& table, const std::string& row_id);
  Status WriteRow(const TableInfo& table, const std::string& row_id, const StoredRow& row);

  // Applies `change` (its origins index into `origins`), stamping changed columns with `seq`.
  // A refused row returns a kRejected/kInvalidArgument Status whose message is for the rep; the
  // database is then unchanged for that row.
  Result<MergeOutcome> Apply(const TableInfo& table, const RowChange& change,
                             const std::vector<std::string>& origins, uint64_t seq,
                             const PendingVersions* pending, const std::string& local_replica_id);

 private:
  Db& db_;
  OriginRegistry& origins_;
  MergeOptions options_;
  RowWriteListener* listener_;  // may be null; outlives the engine
};

}  // namespace fieldbook

#endif  // FIELDBOOK_SRC_MERGE_ENGINE_H_
