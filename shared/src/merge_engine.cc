#include "merge_engine.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "fieldbook/sql_db.h"
#include "fieldbook/sqlite_db.h"
#include "fieldbook/sqlite_sql_db.h"

namespace fieldbook {

namespace {

// Generated SQL splices only catalog identifiers (compiled-in table names, column names read from
// the schema); every value is a bound parameter.
std::string ColumnList(const TableInfo& t) {
  std::string sql;
  for (const std::string& c : t.columns) sql += "\"" + c + "\", ";
  return sql;
}

}  // namespace

std::string StoredRowColumns(const TableInfo& table) { return ColumnList(table) + "_v, _seq, id"; }

namespace {

// Rows read per statement by ApplyBatch (unused parameters are NULL, which matches no id).
constexpr size_t kReadChunk = 128;
// Rows inserted per statement by ApplyBatch, largest first; a chunk is used only while its
// parameters fit SQLite's limit. A statement that fires triggers costs a statement journal on top
// of its rows, so fewer, larger statements are cheaper; the gain flattens out past a few dozen.
constexpr size_t kInsertChunks[] = {64, 16, 4};

std::string SelectRowSql(const TableInfo& t) {
  return "SELECT " + ColumnList(t) + "_v, _seq FROM \"" + t.name + "\" WHERE id = ?";
}

std::string SelectRowsSql(const TableInfo& t, size_t n) {
  std::string sql = "SELECT " + StoredRowColumns(t) + " FROM \"" + t.name + "\" WHERE id IN (";
  for (size_t i = 0; i < n; ++i) sql += i ? ", ?" : "?";
  return sql + ")";
}

std::string InsertHead(const TableInfo& t) {
  return "INSERT INTO \"" + t.name + "\" (id, " + ColumnList(t) + "_v, _seq) VALUES ";
}

std::string RowParams(const TableInfo& t) {
  std::string params = "(?";
  for (size_t i = 0; i < t.columns.size() + 2; ++i) params += ", ?";
  return params + ")";
}

std::string UpsertRowSql(const TableInfo& t) {
  std::string updates;
  for (const std::string& c : t.columns) updates += "\"" + c + "\" = excluded.\"" + c + "\", ";
  return InsertHead(t) + RowParams(t) + " ON CONFLICT (id) DO UPDATE SET " + updates +
         "_v = excluded._v, _seq = excluded._seq";
}

// UPDATE of `columns` (indexes into t.columns), _v and _seq; the last parameter is the id.
std::string UpdateColumnsSql(const TableInfo& t, const std::vector<int>& columns) {
  std::string sql = "UPDATE \"" + t.name + "\" SET ";
  for (int idx : columns) sql += "\"" + t.columns[static_cast<size_t>(idx)] + "\" = ?, ";
  return sql + "_v = ?, _seq = ? WHERE id = ?";
}

std::string InsertRowsSql(const TableInfo& t, size_t rows) {
  std::string sql = InsertHead(t);
  const std::string params = RowParams(t);
  for (size_t i = 0; i < rows; ++i) {
    if (i) sql += ", ";
    sql += params;
  }
  return sql;
}

Value DefaultFor(const TableInfo& t, size_t column) {
  if (static_cast<int>(column) == t.deleted_column) return int64_t{0};
  return std::monostate{};
}

StoredRow MissingRow(const TableInfo& t) {
  const size_t n = t.columns.size();
  StoredRow row;
  row.versions = ColumnVersions(n);
  row.values.reserve(n);
  for (size_t i = 0; i < n; ++i) row.values.push_back(DefaultFor(t, i));
  return row;
}

// Binds (id, columns..., _v, _seq) from parameter `p` on, without copying: `row_id`, `row` and
// `versions` (row.versions encoded) must outlive the statement's run. Returns the next parameter.
int BindRow(SqlStatement& stmt, int p, const std::string& row_id, const StoredRow& row,
            const std::string& versions) {
  stmt.BindTextRef(p++, row_id);
  for (const Value& v : row.values) stmt.BindRef(p++, v);
  if (versions.empty()) {
    stmt.BindNull(p++);
  } else {
    stmt.BindBlobRef(p++, versions);
  }
  if (row.seq == 0) {
    stmt.BindNull(p++);
  } else {
    stmt.Bind(p++, static_cast<int64_t>(row.seq));
  }
  return p;
}

Status RefusedByRule(const TableInfo& t, const Status& s) {
  if (s.code() == StatusCode::kRejected) {
    return Status::Rejected("refused by a rule of " + t.name + ": " + s.message());
  }
  return s;
}

// Keeps a copy of the values a row had before the merge changed it (for the listener, which
// ApplyBatch calls once the row is written).
class BeforeCopy final : public RowWriteListener {
 public:
  explicit BeforeCopy(std::vector<Value>& out, bool& taken) : out_(out), taken_(taken) {}
  void Before(const TableInfo&, const std::string&, const std::vector<Value>& values) override {
    out_ = values;
    taken_ = true;
  }
  void After(const TableInfo&, const std::string&, bool, const std::vector<Value>&) override {}

 private:
  std::vector<Value>& out_;
  bool& taken_;
};

}  // namespace

MergeEngine::MergeEngine(SqlDb& db, OriginRegistry& origins, MergeOptions options,
                         RowWriteListener* listener)
    : db_(db), origins_(origins), options_(options), listener_(listener) {}

MergeEngine::MergeEngine(Db& db, OriginRegistry& origins, MergeOptions options,
                         RowWriteListener* listener)
    : own_db_(std::make_unique<SqliteSqlDb>(db)),
      db_(*own_db_),
      origins_(origins),
      options_(options),
      listener_(listener) {}

MergeEngine::~MergeEngine() = default;

namespace {

template <typename AnyStatement>
Status DecodeStoredRowOf(const TableInfo& table, const AnyStatement& stmt, StoredRow& row) {
  const size_t n = table.columns.size();
  row.exists = true;
  row.values.clear();
  row.values.reserve(n);
  for (size_t i = 0; i < n; ++i) row.values.push_back(stmt.Get(static_cast<int>(i)));
  FB_ASSIGN_OR_RETURN(row.versions, ColumnVersions::Decode(stmt.Blob(static_cast<int>(n)), n));
  row.seq = stmt.IsNull(static_cast<int>(n + 1)) ? 0 : stmt.Int(static_cast<int>(n + 1));
  return Status::Ok();
}

}  // namespace

Status DecodeStoredRow(const TableInfo& table, const Statement& stmt, StoredRow& row) {
  return DecodeStoredRowOf(table, stmt, row);
}

Status DecodeStoredRow(const TableInfo& table, const SqlStatement& stmt, StoredRow& row) {
  return DecodeStoredRowOf(table, stmt, row);
}

// One distinct row of a batch segment: its state as stored, then as merged.
struct MergeEngine::BatchSlot {
  size_t index = 0;  // the batch row that changes it
  const TableInfo* table = nullptr;
  const std::string* row_id = nullptr;
  StoredRow row;
  MergeOutcome outcome;
  Status status;  // the merge's or the write's refusal
  bool merged = false;
  bool report = false;        // the listener hears of it (no pending local write)
  std::vector<Value> before;  // for the listener: values as stored, when it wants them
  bool has_before = false;
  bool assumed_new = false;  // not read before the merge (BatchRow::assume_new)
};

Result<MergeEngine::TableStatements*> MergeEngine::StatementsFor(const TableInfo& table) {
  if (table.code < 0) return Status::Internal("table " + table.name + " has no code");
  const auto code = static_cast<size_t>(table.code);
  if (by_code_.size() <= code) by_code_.resize(code + 1);
  TableStatements& s = by_code_[code];
  if (s.table != &table || s.columns != table.columns.size()) {
    s = TableStatements{};
    FB_ASSIGN_OR_RETURN(s.select, db_.Prepare(SelectRowSql(table)));
    FB_ASSIGN_OR_RETURN(s.select_many, db_.Prepare(SelectRowsSql(table, kReadChunk)));
    FB_ASSIGN_OR_RETURN(s.upsert, db_.Prepare(UpsertRowSql(table)));
    s.insert.assign(std::size(kInsertChunks), nullptr);
    s.table = &table;
    s.columns = table.columns.size();
  }
  return &s;
}

Result<SqlStatement*> MergeEngine::InsertStatement(TableStatements& statements,
                                                   size_t chunk_index) {
  SqlStatement*& stmt = statements.insert[chunk_index];
  if (stmt == nullptr) {
    FB_ASSIGN_OR_RETURN(stmt,
                        db_.Prepare(InsertRowsSql(*statements.table, kInsertChunks[chunk_index])));
  }
  stmt->Rewind();  // every parameter is bound again
  return stmt;
}

Result<StoredRow> MergeEngine::ReadRow(const TableInfo& table, const std::string& row_id) {
  FB_ASSIGN_OR_RETURN(TableStatements * statements, StatementsFor(table));
  SqlStatement* stmt = statements->select;
  stmt->Reset();
  stmt->Bind(1, row_id);
  FB_ASSIGN_OR_RETURN(bool found, stmt->Step());
  if (!found) return MissingRow(table);
  StoredRow row;
  Status decoded = DecodeStoredRow(table, *stmt, row);
  stmt->Reset();
  FB_RETURN_IF_ERROR(decoded);
  return row;
}

Status MergeEngine::WriteRow(const TableInfo& table, const std::string& row_id,
                             const StoredRow& row, const std::vector<int>* changed) {
  FB_ASSIGN_OR_RETURN(TableStatements * statements, StatementsFor(table));
  const std::string versions = row.versions.Encode();
  if (options_.update_changed_columns && row.exists && changed != nullptr && !changed->empty()) {
    std::vector<int> columns = *changed;
    std::sort(columns.begin(), columns.end());
    columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
    const std::string key(reinterpret_cast<const char*>(columns.data()),
                          columns.size() * sizeof(int));
    SqlStatement*& stmt = statements->updates[key];
    if (stmt == nullptr) {
      FB_ASSIGN_OR_RETURN(stmt, db_.Prepare(UpdateColumnsSql(table, columns)));
    }
    stmt->Rewind();  // every parameter is bound below
    int p = 1;
    for (int idx : columns) stmt->BindRef(p++, row.values[static_cast<size_t>(idx)]);
    if (versions.empty()) {
      stmt->BindNull(p++);
    } else {
      stmt->BindBlobRef(p++, versions);
    }
    if (row.seq == 0) {
      stmt->BindNull(p++);
    } else {
      stmt->Bind(p++, static_cast<int64_t>(row.seq));
    }
    stmt->BindTextRef(p, row_id);
    return stmt->Run();
  }
  SqlStatement* stmt = statements->upsert;
  stmt->Rewind();  // every parameter is bound below
  BindRow(*stmt, 1, row_id, row, versions);
  return stmt->Run();
}

Status MergeEngine::Merge(const TableInfo& table, const RowChange& change,
                          const std::vector<std::string>& origins, uint64_t seq,
                          const PendingVersions* pending, const std::string& local_replica_id,
                          RowWriteListener* before, StoredRow& row, MergeOutcome& outcome) {
  outcome.created = !row.exists;
  for (const ColumnChange& c : change.columns) {
    const int idx = table.ColumnIndex(c.column);
    if (idx < 0) {
      return Status::InvalidArgument("unknown column " + table.name + "." + c.column);
    }
    if (c.origin >= origins.size()) {
      return Status::InvalidArgument("column " + c.column + " names origin " +
                                     std::to_string(c.origin) + " that the set does not list");
    }
    if (c.hlc.is_zero()) {
      return Status::InvalidArgument("column " + c.column + " has no timestamp");
    }
    const std::string& origin_id = origins[c.origin];
    const ColumnVersion& stored = row.versions[idx];
    if (!stored.empty() &&
        !VersionGreater(c.hlc, origin_id, stored.hlc, origins_.IdOf(stored.origin))) {
      continue;
    }
    if (pending != nullptr && !(*pending)[idx].is_zero() &&
        !VersionGreater(c.hlc, origin_id, (*pending)[idx], local_replica_id)) {
      continue;  // a newer local edit is waiting to be pushed; it will win everywhere
    }
    if (options_.enforce_fact_immutability && table.is_fact() && row.exists && !stored.empty() &&
        row.values[idx] != c.value &&
        !(fact_customer_moves_ && c.column == table.customer_column)) {
      return Status::Rejected(table.name + " are insert-only facts: " + c.column +
                              " cannot change once recorded; record a correction that voids it");
    }
    FB_ASSIGN_OR_RETURN(uint32_t origin_idx, origins_.Intern(origin_id));
    if (before != nullptr && !outcome.changed) before->Before(table, change.row_id, row.values);
    row.values[idx] = c.value;
    row.versions[idx] = ColumnVersion{c.hlc, origin_idx, seq};
    outcome.changed = true;
    outcome.changed_columns.push_back(idx);
  }
  if (outcome.changed) row.seq = seq;
  return Status::Ok();
}

Result<MergeOutcome> MergeEngine::Apply(const TableInfo& table, const RowChange& change,
                                        const std::vector<std::string>& origins, uint64_t seq,
                                        const PendingVersions* pending,
                                        const std::string& local_replica_id, StoredRow* stored) {
  StoredRow row;
  if (stored != nullptr) {
    row = std::move(*stored);
  } else {
    FB_ASSIGN_OR_RETURN(row, ReadRow(table, change.row_id));
  }
  MergeOutcome outcome;
  const bool report = listener_ != nullptr && pending == nullptr;
  FB_RETURN_IF_ERROR(Merge(table, change, origins, seq, pending, local_replica_id,
                           report && row.exists ? listener_ : nullptr, row, outcome));
  if (!outcome.changed) return outcome;
  FB_RETURN_IF_ERROR(
      RefusedByRule(table, WriteRow(table, change.row_id, row, &outcome.changed_columns)));
  if (report) listener_->After(table, change.row_id, outcome.created, row.values);
  return outcome;
}

Status MergeEngine::ReadSlots(TableStatements& statements, std::vector<BatchSlot*>& slots) {
  const TableInfo& table = *statements.table;
  std::unordered_map<std::string_view, BatchSlot*> by_id;
  by_id.reserve(slots.size());
  for (BatchSlot* slot : slots) by_id.emplace(*slot->row_id, slot);
  SqlStatement* stmt = statements.select_many;
  const int id_column = static_cast<int>(table.columns.size() + 2);
  for (size_t first = 0; first < slots.size(); first += kReadChunk) {
    stmt->Reset();  // unbound parameters are NULL
    const size_t n = std::min(kReadChunk, slots.size() - first);
    for (size_t i = 0; i < n; ++i) stmt->Bind(static_cast<int>(i + 1), *slots[first + i]->row_id);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool found, stmt->Step());
      if (!found) break;
      const std::string id = stmt->Text(id_column);
      auto it = by_id.find(id);
      if (it == by_id.end()) continue;  // cannot happen: the ids are the ones bound
      Status decoded = DecodeStoredRow(table, *stmt, it->second->row);
      if (!decoded.ok()) {
        stmt->Reset();
        return decoded;
      }
    }
  }
  return Status::Ok();
}

Status MergeEngine::WriteAssumedNew(BatchSlot& slot) {
  const TableInfo& table = *slot.table;
  FB_ASSIGN_OR_RETURN(StoredRow stored, ReadRow(table, *slot.row_id));
  if (!stored.exists) return RefusedByRule(table, WriteRow(table, *slot.row_id, slot.row));
  // Stored after all: merged as if it had been read first.
  const BatchRow& r = (*batch_.rows)[slot.index];
  slot.row = std::move(stored);
  slot.outcome = MergeOutcome{};
  slot.before.clear();
  slot.has_before = false;
  BeforeCopy copy(slot.before, slot.has_before);
  FB_RETURN_IF_ERROR(Merge(table, *r.change, *batch_.origins, r.seq ? r.seq : batch_.seq, r.pending,
                           *batch_.local_replica_id, slot.report ? &copy : nullptr, slot.row,
                           slot.outcome));
  if (!slot.outcome.changed) return Status::Ok();
  return RefusedByRule(table,
                       WriteRow(table, *slot.row_id, slot.row, &slot.outcome.changed_columns));
}

Status MergeEngine::InsertNew(TableStatements& statements, std::vector<BatchSlot*>& slots) {
  const TableInfo& table = *statements.table;
  auto one_by_one = [&](size_t from, size_t to) -> Status {
    for (size_t i = from; i < to; ++i) {
      BatchSlot& slot = *slots[i];
      slot.status = slot.assumed_new
                        ? WriteAssumedNew(slot)
                        : RefusedByRule(table, WriteRow(table, *slot.row_id, slot.row));
      if (!slot.status.ok() && slot.status.code() != StatusCode::kRejected &&
          slot.status.code() != StatusCode::kInvalidArgument) {
        return slot.status;
      }
    }
    return Status::Ok();
  };
  const size_t limit = db_.MaxParameters();
  const size_t params_per_row = statements.columns + 3;
  std::vector<std::string> versions(kInsertChunks[0]);  // bound by reference until each run
  size_t at = 0;
  for (size_t k = 0; k < std::size(kInsertChunks); ++k) {
    const size_t chunk = kInsertChunks[k];
    if (chunk * params_per_row > limit) continue;
    while (slots.size() - at >= chunk) {
      FB_ASSIGN_OR_RETURN(SqlStatement * stmt, InsertStatement(statements, k));
      int p = 1;
      for (size_t i = 0; i < chunk; ++i) {
        const BatchSlot& slot = *slots[at + i];
        versions[i] = slot.row.versions.Encode();
        p = BindRow(*stmt, p, *slot.row_id, slot.row, versions[i]);
      }
      Status s = stmt->Run();
      if (!s.ok()) {
        // A rule refused a row, and the statement wrote none (statements are atomic): the
        // chunk's rows go one by one, each with its own answer.
        if (s.code() != StatusCode::kRejected) return s;
        FB_RETURN_IF_ERROR(one_by_one(at, at + chunk));
      }
      at += chunk;
    }
  }
  return one_by_one(at, slots.size());
}

Status MergeEngine::WriteSlots(std::vector<BatchSlot>& slots, std::vector<RowOutcome>& outcomes) {
  // New rows, a table at a time in batch order (the order SQLite gives them rowids in, as row by
  // row would), many per statement; then changed rows one by one, in batch order.
  std::vector<std::vector<BatchSlot*>> created;
  for (BatchSlot& slot : slots) {
    if (!slot.merged || !slot.outcome.changed || !slot.outcome.created) continue;
    const auto code = static_cast<size_t>(slot.table->code);
    if (created.size() <= code) created.resize(code + 1);
    created[code].push_back(&slot);
  }
  for (std::vector<BatchSlot*>& group : created) {
    if (group.empty()) continue;
    FB_ASSIGN_OR_RETURN(TableStatements * statements, StatementsFor(*group.front()->table));
    FB_RETURN_IF_ERROR(InsertNew(*statements, group));
  }
  for (BatchSlot& slot : slots) {
    // (A row assumed new was written by InsertNew, also when it turned out to be stored.)
    if (!slot.merged || !slot.outcome.changed || slot.outcome.created || slot.assumed_new) {
      continue;
    }
    slot.status = RefusedByRule(
        *slot.table, WriteRow(*slot.table, *slot.row_id, slot.row, &slot.outcome.changed_columns));
    if (!slot.status.ok() && slot.status.code() != StatusCode::kRejected) return slot.status;
  }
  // The listener hears of each row as Apply would tell it: Before() when a stored row was about
  // to change (even if refused after), After() once the row is written.
  for (BatchSlot& slot : slots) {
    RowOutcome& out = outcomes[slot.index];
    if (slot.has_before) listener_->Before(*slot.table, *slot.row_id, slot.before);
    if (!slot.status.ok()) {
      out.status = std::move(slot.status);
      continue;
    }
    if (slot.report && slot.outcome.changed) {
      listener_->After(*slot.table, *slot.row_id, slot.outcome.created, slot.row.values);
    }
    out.outcome = std::move(slot.outcome);
  }
  return Status::Ok();
}

Status MergeEngine::ApplyBatch(const std::vector<BatchRow>& rows,
                               const std::vector<std::string>& origins, uint64_t seq,
                               const std::string& local_replica_id,
                               std::vector<RowOutcome>& outcomes) {
  outcomes.assign(rows.size(), RowOutcome{});
  batch_ = BatchContext{&rows, &origins, seq, &local_replica_id};
  for (const BatchRow& r : rows) {
    if (r.table == nullptr || r.change == nullptr || r.table->code < 0) {
      return Status::Internal("a batch row without its table or change");
    }
  }
  // Segments of rows that name each row at most once: within one, the rows are independent, so
  // reading them all first and writing them all last is the same as one after the other.
  size_t first = 0;
  while (first < rows.size()) {
    std::vector<BatchSlot> slots;
    std::vector<std::unordered_set<std::string_view>> seen;  // row ids by table code
    size_t end = first;
    for (; end < rows.size(); ++end) {
      const auto code = static_cast<size_t>(rows[end].table->code);
      if (seen.size() <= code) seen.resize(code + 1);
      if (!seen[code].insert(rows[end].change->row_id).second) break;
    }
    slots.reserve(end - first);
    for (size_t i = first; i < end; ++i) {
      BatchSlot slot;
      slot.index = i;
      slot.table = rows[i].table;
      slot.row_id = &rows[i].change->row_id;
      slot.row = MissingRow(*slot.table);
      slot.assumed_new = rows[i].assume_new;
      slots.push_back(std::move(slot));
    }
    // Read what is stored, a table at a time (rows assumed new are not read).
    std::vector<std::vector<BatchSlot*>> by_table;
    for (BatchSlot& slot : slots) {
      if (slot.assumed_new) continue;
      const auto code = static_cast<size_t>(slot.table->code);
      if (by_table.size() <= code) by_table.resize(code + 1);
      by_table[code].push_back(&slot);
    }
    for (std::vector<BatchSlot*>& group : by_table) {
      if (group.empty()) continue;
      FB_ASSIGN_OR_RETURN(TableStatements * statements, StatementsFor(*group.front()->table));
      FB_RETURN_IF_ERROR(ReadSlots(*statements, group));
    }
    // Merge in batch order (origins are registered in that order, as one after the other).
    for (BatchSlot& slot : slots) {
      const BatchRow& r = rows[slot.index];
      slot.report = listener_ != nullptr && r.pending == nullptr;
      BeforeCopy copy(slot.before, slot.has_before);
      Status merged =
          Merge(*slot.table, *r.change, origins, r.seq ? r.seq : seq, r.pending, local_replica_id,
                slot.report && slot.row.exists ? &copy : nullptr, slot.row, slot.outcome);
      if (!merged.ok() && slot.assumed_new &&
          (merged.code() == StatusCode::kRejected ||
           merged.code() == StatusCode::kInvalidArgument)) {
        // A refused row assumed new: stored after all, the columns merged before the refused one
        // would have been taken from it, and the listener heard of it (Before() without After()).
        FB_ASSIGN_OR_RETURN(StoredRow stored, ReadRow(*slot.table, *slot.row_id));
        if (stored.exists) {
          slot.assumed_new = false;
          slot.row = std::move(stored);
          slot.outcome = MergeOutcome{};
          slot.before.clear();
          slot.has_before = false;
          BeforeCopy again(slot.before, slot.has_before);
          merged = Merge(*slot.table, *r.change, origins, r.seq ? r.seq : seq, r.pending,
                         local_replica_id, slot.report ? &again : nullptr, slot.row, slot.outcome);
        }
      }
      if (!merged.ok()) {
        if (merged.code() != StatusCode::kRejected &&
            merged.code() != StatusCode::kInvalidArgument) {
          return merged;
        }
        slot.status = std::move(merged);
        continue;
      }
      slot.merged = true;
    }
    FB_RETURN_IF_ERROR(WriteSlots(slots, outcomes));
    first = end;
  }
  return Status::Ok();
}

}  // namespace fieldbook
