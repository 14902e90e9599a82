// MergeEngine: applies one incoming RowChange to a replicated table by the merge rules of
// docs/sync.md. The hub and every replica use this same code, which is what makes them converge.
//
// Per column, the incoming value replaces the stored one iff its version (hlc, origin replica id)
// is greater than the stored version and greater than any local write still waiting in the
// outbox (`pending`). The row is then written in one statement with its new versions. Applying a
// change twice, or an older change after a newer one, changes nothing.
//
// ApplyBatch gives the same result as Apply on each row in turn with far fewer statements (a
// replica storing a pulled page): the stored rows are read a table at a time, and new rows are
// inserted many per statement. On a replica every statement that writes a replicated table
// fires triggers and opens a statement journal; paying that once per row, with a read before
// each write, was the largest cost of a first sync after the search index.
//
// Runs on SQLite and on PostgreSQL (the storage seam, fieldbook/sql_db.h): the same statements.
//
// Thread safety: belongs to its Db's thread; call inside the caller's transaction.
#ifndef FIELDBOOK_SRC_MERGE_ENGINE_H_
#define FIELDBOOK_SRC_MERGE_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "column_versions.h"
#include "fieldbook/catalog.h"
#include "fieldbook/change_set.h"
#include "fieldbook/status.h"
#include "fieldbook/value.h"

namespace fieldbook {

class Db;
class Statement;
class SqlDb;
class SqlStatement;

// A stored row: replicated column values and versions.
struct StoredRow {
  bool exists = false;
  std::vector<Value> values;
  ColumnVersions versions;
  uint64_t seq = 0;
};

// Stored rows read by a caller's own query: "SELECT <StoredRowColumns(t)> FROM t WHERE ..." gives
// the replicated columns, _v, _seq and id, which DecodeStoredRow reads (id is column
// t.columns.size() + 2). Catalog identifiers only.
std::string StoredRowColumns(const TableInfo& table);
Status DecodeStoredRow(const TableInfo& table, const Statement& stmt, StoredRow& row);
Status DecodeStoredRow(const TableInfo& table, const SqlStatement& stmt, StoredRow& row);

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
  // Hub: a stored row that changes is written with an UPDATE of the columns that changed (and
  // its versions), not an upsert of every column, so SQLite rewrites only the indexes of those
  // columns. Replicas keep the upsert: their triggers (search index, capture) are written for it.
  bool update_changed_columns = false;
};

// One row of ApplyBatch: `change` of `table`, with the row's pending local writes (may be null).
// `assume_new`: the row is most likely not stored (a snapshot into a table that was empty when
// it began), so it is not read first; should it be stored after all, its insert fails and it is
// read and merged then, so the outcome is the same either way.
struct BatchRow {
  const TableInfo* table = nullptr;
  const RowChange* change = nullptr;
  const PendingVersions* pending = nullptr;
  bool assume_new = false;
  uint64_t seq = 0;  // the sequence number its changed columns get (0: ApplyBatch's `seq`)
};

// What ApplyBatch did with one row: `status` is ok, or the row's refusal (kRejected or
// kInvalidArgument, as Apply would return it; the row was left unchanged).
struct RowOutcome {
  Status status;
  MergeOutcome outcome;
};

class MergeEngine {
 public:
  // On either backend of the storage seam (fieldbook/sql_db.h; `db` outlives the engine).
  MergeEngine(SqlDb& db, OriginRegistry& origins, MergeOptions options,
              RowWriteListener* listener = nullptr);
  // On a SQLite connection (through its own SqliteSqlDb).
  MergeEngine(Db& db, OriginRegistry& origins, MergeOptions options,
              RowWriteListener* listener = nullptr);
  ~MergeEngine();

  Result<StoredRow> ReadRow(const TableInfo& table, const std::string& row_id);
  // Writes `row` whole (an upsert). With MergeOptions::update_changed_columns, a row that exists
  // and names the columns the merge changed (`changed`, indexes into table.columns) is written
  // with an UPDATE of those columns alone, which stores the same row.
  Status WriteRow(const TableInfo& table, const std::string& row_id, const StoredRow& row,
                  const std::vector<int>* changed = nullptr);

  // Applies `change` (its origins index into `origins`), stamping changed columns with `seq`.
  // A refused row returns a kRejected/kInvalidArgument Status whose message is for the rep; the
  // database is then unchanged for that row.
  // `stored`: the row as ReadRow gave it earlier in this transaction, with nothing written to it
  // since (the hub's gate judged it): merged into instead of being read again.
  Result<MergeOutcome> Apply(const TableInfo& table, const RowChange& change,
                             const std::vector<std::string>& origins, uint64_t seq,
                             const PendingVersions* pending, const std::string& local_replica_id,
                             StoredRow* stored = nullptr);

  // While set, a fact's customer column may take a new value despite enforce_fact_immutability
  // (a manager merging two duplicate customers re-points the loser's facts to the survivor); every
  // other column of a recorded fact stays immutable. The hub sets it for one write only.
  void set_fact_customer_moves(bool allowed) { fact_customer_moves_ = allowed; }

  // Applies `rows` in order, exactly as Apply would one after the other (same stored rows, same
  // refusals, same listener calls except that a row's Before() comes right before its After(),
  // once the row is written), and fills `outcomes` (one per row). A returned error other than a
  // row's refusal leaves the batch partly applied: the caller rolls its transaction back.
  Status ApplyBatch(const std::vector<BatchRow>& rows, const std::vector<std::string>& origins,
                    uint64_t seq, const std::string& local_replica_id,
                    std::vector<RowOutcome>& outcomes);

 private:
  // A table's statements, prepared once: rows are read and written without building SQL text.
  // They belong to the Db's statement cache.
  struct TableStatements {
    const TableInfo* table = nullptr;  // the TableInfo they were made for
    size_t columns = 0;
    SqlStatement* select = nullptr;       // one row by id
    SqlStatement* select_many = nullptr;  // up to kReadChunk rows by id
    SqlStatement* upsert = nullptr;       // one row
    // insert[k]: a plain INSERT of kInsertChunks[k] rows (null until first used).
    std::vector<SqlStatement*> insert;
    // UPDATEs of a set of columns (update_changed_columns), by the sorted column indexes.
    std::unordered_map<std::string, SqlStatement*> updates;
  };
  struct BatchSlot;

  Result<TableStatements*> StatementsFor(const TableInfo& table);
  Result<SqlStatement*> InsertStatement(TableStatements& statements, size_t chunk_index);
  // Merges `change` into `row`; calls before->Before() (when not null) just before the first
  // column takes an incoming value. On an error `row` may be partly merged: discard it.
  Status Merge(const TableInfo& table, const RowChange& change,
               const std::vector<std::string>& origins, uint64_t seq,
               const PendingVersions* pending, const std::string& local_replica_id,
               RowWriteListener* before, StoredRow& row, MergeOutcome& outcome);
  // Reads the stored rows of `slots` (all of one table) into them.
  Status ReadSlots(TableStatements& statements, std::vector<BatchSlot*>& slots);
  // Writes the merged rows of a batch segment and reports them to the listener.
  Status WriteSlots(std::vector<BatchSlot>& slots, std::vector<RowOutcome>& outcomes);
  // Inserts rows that are not stored yet (all of one table), many per statement.
  Status InsertNew(TableStatements& statements, std::vector<BatchSlot*>& slots);
  // A row assumed new whose insert failed: when it is stored after all, merges its change into
  // the stored row and writes that (what reading it first would have done).
  Status WriteAssumedNew(BatchSlot& slot);

  // The batch ApplyBatch is applying (for WriteAssumedNew).
  struct BatchContext {
    const std::vector<BatchRow>* rows = nullptr;
    const std::vector<std::string>* origins = nullptr;
    uint64_t seq = 0;
    const std::string* local_replica_id = nullptr;
  };
  BatchContext batch_;

  std::unique_ptr<SqlDb> own_db_;  // the adapter over a Db (the Db constructor)
  SqlDb& db_;
  OriginRegistry& origins_;
  MergeOptions options_;
  RowWriteListener* listener_;            // may be null; outlives the engine
  std::vector<TableStatements> by_code_;  // indexed by table code
  bool fact_customer_moves_ = false;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_SRC_MERGE_ENGINE_H_
