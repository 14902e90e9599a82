#include "merge_engine.h"

#include "fieldbook/sqlite_db.h"

namespace fieldbook {

namespace {

// Generated SQL splices only catalog identifiers (compiled-in table names, column names read from
// the schema); every value is a bound parameter.
std::string SelectRowSql(const TableInfo& t) {
  std::string sql = "SELECT ";
  for (const std::string& c : t.columns) sql += "\"" + c + "\", ";
  sql += "_v, _seq FROM \"" + t.name + "\" WHERE id = ?";
  return sql;
}

std::string UpsertRowSql(const TableInfo& t) {
  std::string cols = "id";
  std::string params = "?";
  std::string updates;
  for (const std::string& c : t.columns) {
    cols += ", \"" + c + "\"";
    params += ", ?";
    updates += "\"" + c + "\" = excluded.\"" + c + "\", ";
  }
  return "INSERT INTO \"" + t.name + "\" (" + cols + ", _v, _seq) VALUES (" + params +
         ", ?, ?) ON CONFLICT (id) DO UPDATE SET " + updates +
         "_v = excluded._v, _seq = excluded._seq";
}

Value DefaultFor(const TableInfo& t, size_t column) {
  if (static_cast<int>(column) == t.deleted_column) return int64_t{0};
  return std::monostate{};
}

}  // namespace

Result<StoredRow> MergeEngine::ReadRow(const TableInfo& table, const std::string& row_id) {
  FB_ASSIGN_OR_RETURN(Statement * stmt, db_.Prepare(SelectRowSql(table)));
  stmt->Bind(1, row_id);
  FB_ASSIGN_OR_RETURN(bool found, stmt->Step());
  const size_t n = table.columns.size();
  StoredRow row;
  row.versions = ColumnVersions(n);
  if (!found) {
    row.values.reserve(n);
    for (size_t i = 0; i < n; ++i) row.values.push_back(DefaultFor(table, i));
    return row;
  }
  row.exists = true;
  row.values.reserve(n);
  for (size_t i = 0; i < n; ++i) row.values.push_back(stmt->Get(static_cast<int>(i)));
  FB_ASSIGN_OR_RETURN(row.versions, ColumnVersions::Decode(stmt->Blob(static_cast<int>(n)), n));
  row.seq = stmt->IsNull(static_cast<int>(n + 1)) ? 0 : stmt->Int(static_cast<int>(n + 1));
  stmt->Reset();
  return row;
}

Status MergeEngine::WriteRow(const TableInfo& table, const std::string& row_id,
                             const StoredRow& row) {
  FB_ASSIGN_OR_RETURN(Statement * stmt, db_.Prepare(UpsertRowSql(table)));
  int p = 1;
  stmt->Bind(p++, row_id);
  for (const Value& v : row.values) stmt->Bind(p++, v);
  const std::string blob = row.versions.Encode();
  if (blob.empty()) {
    stmt->BindNull(p++);
  } else {
    stmt->BindBlob(p++, blob);
  }
  if (row.seq == 0) {
    stmt->BindNull(p++);
  } else {
    stmt->Bind(p++, static_cast<int64_t>(row.seq));
  }
  return stmt->Run();
}

Result<MergeOutcome> MergeEngine::Apply(const TableInfo& table, const RowChange& change,
                                        const std::vector<std::string>& origins, uint64_t seq,
                                        const PendingVersions* pending,
                                        const std::string& local_replica_id) {
  FB_ASSIGN_OR_RETURN(StoredRow row, ReadRow(table, change.row_id));
  MergeOutcome outcome;
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
        row.values[idx] != c.value) {
      return Status::Rejected(table.name + " are insert-only facts: " + c.column +
                              " cannot change once recorded; record a correction that voids it");
    }
    FB_ASSIGN_OR_RETURN(uint32_t origin_idx, origins_.Intern(origin_id));
    if (listener_ != nullptr && pending == nullptr && row.exists && !outcome.changed) {
      listener_->Before(table, change.row_id, row.values);
    }
    row.values[idx] = c.value;
    row.versions[idx] = ColumnVersion{c.hlc, origin_idx, seq};
    outcome.changed = true;
    outcome.changed_columns.push_back(idx);
  }

  if (!outcome.changed) return outcome;
  row.seq = seq;
  Status s = WriteRow(table, change.row_id, row);
  if (!s.ok()) {
    if (s.code() == StatusCode::kRejected) {
      return Status::Rejected("refused by a rule of " + table.name + ": " + s.message());
    }
    return s;
  }
  if (listener_ != nullptr && pending == nullptr) {
    listener_->After(table, change.row_id, outcome.created, row.values);
  }
  return outcome;
}

}  // namespace fieldbook
