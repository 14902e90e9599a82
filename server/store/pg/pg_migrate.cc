#include "store/pg/pg_migrate.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <unordered_map>

#include "store/pg/pg_migrate_tables.h"

namespace fieldbook::pg {

namespace {

// The text one SQLite cell is sent as (cast to the target column's type in SQL): integers and
// doubles in their exact forms, bytes for a bytea column as its hex literal.
std::optional<std::string> CellText(const Statement& stmt, int col, bool bytea) {
  const Value v = stmt.Get(col);
  if (IsNull(v)) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);  // shortest exact form
    (void)ec;
    return std::string(buf, end);
  }
  const std::string& s = std::get<std::string>(v);
  if (bytea) return ByteaLiteral(s);
  return s;
}

// Rows for one target table, sent `batch` at a time as one INSERT of text arrays:
//   INSERT INTO t (c1, c2) SELECT <expr1>, <expr2> FROM unnest($1::text[], $2::text[]) AS u(a1, a2)
// where each expression casts its u.aN (PgCopySpec::target_exprs).
class BatchInsert {
 public:
  BatchInsert(PgDb& db, const PgCopySpec& spec, size_t batch)
      : db_(db), table_(spec.target), batch_(batch), columns_(spec.target_exprs.size()) {
    const size_t n = spec.target_exprs.size();
    sql_ = "INSERT INTO \"" + spec.target + "\" (";
    for (size_t i = 0; i < n; ++i) sql_ += (i ? ", \"" : "\"") + spec.target_columns[i] + "\"";
    sql_ += ") SELECT ";
    for (size_t i = 0; i < n; ++i) sql_ += (i ? ", " : "") + spec.target_exprs[i];
    sql_ += " FROM unnest(";
    for (size_t i = 0; i < n; ++i) sql_ += (i ? ", $" : "$") + std::to_string(i + 1) + "::text[]";
    sql_ += ") AS u(";
    for (size_t i = 0; i < n; ++i) sql_ += (i ? ", a" : "a") + std::to_string(i + 1);
    sql_ += ")";
  }

  Status Add(std::vector<std::optional<std::string>>& row) {
    for (size_t i = 0; i < columns_.size(); ++i) columns_[i].push_back(std::move(row[i]));
    if (columns_[0].size() >= batch_) return Flush();
    return Status::Ok();
  }

  Status Flush() {
    if (columns_.empty() || columns_[0].empty()) return Status::Ok();
    std::vector<PgParam> params;
    params.reserve(columns_.size());
    for (auto& column : columns_) {
      auto literal = TextArrayLiteral(column);
      if (!literal.ok()) return Named(literal.status());
      params.emplace_back(*literal);
      column.clear();
    }
    auto done = db_.Exec(sql_, params);
    if (!done.ok()) return Named(done.status());
    rows_ += done->affected();
    return Status::Ok();
  }

  int64_t rows() const { return rows_; }

 private:
  Status Named(const Status& s) const {
    return Status(s.code(), "copying " + table_ + ": " + s.message());
  }

  PgDb& db_;
  std::string table_;
  size_t batch_;
  std::string sql_;
  std::vector<std::vector<std::optional<std::string>>> columns_;
  int64_t rows_ = 0;
};

Result<int64_t> CopyTable(Db& from, PgDb& to, const PgCopySpec& spec, size_t batch) {
  BatchInsert insert(to, spec, batch);
  FB_ASSIGN_OR_RETURN(Statement * stmt, from.Prepare(spec.source_sql));
  std::vector<std::optional<std::string>> row(spec.target_exprs.size());
  while (true) {
    FB_ASSIGN_OR_RETURN(bool more, stmt->Step());
    if (!more) break;
    for (size_t i = 0; i < row.size(); ++i) {
      row[i] = CellText(*stmt, static_cast<int>(i), spec.bytea[i]);
    }
    FB_RETURN_IF_ERROR(insert.Add(row));
    row.assign(spec.target_exprs.size(), std::nullopt);
  }
  stmt->Reset();
  FB_RETURN_IF_ERROR(insert.Flush());
  return insert.rows();
}

// Identity columns continue above the highest id copied (and above what SQLite's AUTOINCREMENT
// handed out, sqlite_sequence, so an id of a deleted last row is not given again).
Status ContinueIdentities(Db& from, PgDb& to, const PgCopySpec& spec) {
  for (const std::string& column : spec.identity_columns) {
    FB_ASSIGN_OR_RETURN(PgRows top,
                        to.Exec("SELECT max(\"" + column + "\") FROM \"" + spec.target + "\""));
    int64_t next = top.IsNull(0, 0) ? 0 : top.Int(0, 0);
    FB_ASSIGN_OR_RETURN(Statement * has_seq,
                        from.Prepare("SELECT count(*) FROM sqlite_schema WHERE name = "
                                     "'sqlite_sequence'"));
    FB_ASSIGN_OR_RETURN(bool row, has_seq->Step());
    const bool sequences = row && has_seq->Int(0) > 0;
    has_seq->Reset();
    if (sequences) {
      FB_ASSIGN_OR_RETURN(Statement * seq,
                          from.Prepare("SELECT seq FROM sqlite_sequence WHERE name = ?"));
      seq->Bind(1, spec.target);
      FB_ASSIGN_OR_RETURN(bool found, seq->Step());
      if (found) next = std::max(next, seq->Int(0));
      seq->Reset();
    }
    if (next <= 0) continue;
    FB_RETURN_IF_ERROR(to.Exec("SELECT setval(pg_get_serial_sequence(quote_ident($1), $2), $3)",
                               {spec.target, column, next})
                           .status());
  }
  return Status::Ok();
}

struct HubMeta {
  uint64_t seq = 0, history_floor = 0, feed_floor = 0, epoch = 0, hlc = 0;
};

Result<HubMeta> ReadHubMeta(Db& from) {
  HubMeta meta;
  FB_ASSIGN_OR_RETURN(Statement * stmt, from.Prepare("SELECT key, value FROM fb_meta"));
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    const std::string key = stmt->Text(0);
    const uint64_t value = static_cast<uint64_t>(std::max<int64_t>(0, stmt->Int(1)));
    if (key == "seq") meta.seq = value;
    if (key == "history_floor") meta.history_floor = value;
    if (key == "feed_floor") meta.feed_floor = value;
    if (key == "epoch") meta.epoch = value;
    if (key == "hlc") meta.hlc = value;
  }
  stmt->Reset();
  return meta;
}

// fb_change_log from the rows' `_seq` (see the header). Returns the entries made and raises
// `highest` to the highest `_seq` seen.
Result<int64_t> BuildChangeLog(Db& from, const Catalog& catalog, PgDb& to, const HubMeta& meta,
                               size_t batch, uint64_t& highest) {
  const PgCopySpec log = ChangeLogSpec();
  BatchInsert insert(to, log, batch);
  std::vector<std::optional<std::string>> entry(4);
  for (const TableInfo& t : catalog.tables()) {
    // Catalog identifiers only.
    const std::string customer = t.customer_column.empty()   ? "''"
                                 : t.customer_column == "id" ? "id"
                                                             : "\"" + t.customer_column + "\"";
    FB_ASSIGN_OR_RETURN(Statement * rows,
                        from.Prepare("SELECT id, _seq, " + customer + " FROM \"" + t.name +
                                     "\" WHERE _seq IS NOT NULL ORDER BY _seq"));
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, rows->Step());
      if (!row) break;
      const int64_t seq = rows->Int(1);
      highest = std::max(highest, static_cast<uint64_t>(std::max<int64_t>(seq, 0)));
      if (seq <= 0 || static_cast<uint64_t>(seq) <= meta.history_floor) continue;
      entry[0] = std::to_string(seq);
      entry[1] = std::to_string(t.code);
      entry[2] = rows->Text(0);
      entry[3] = rows->Text(2);
      FB_RETURN_IF_ERROR(insert.Add(entry));
    }
    rows->Reset();
  }
  FB_RETURN_IF_ERROR(insert.Flush());
  return insert.rows();
}

}  // namespace

Result<HubCopyReport> CopyHubToPg(Db& from, const Catalog& catalog, PgDb& to,
                                  const HubCopyOptions& options) {
  const size_t batch = std::clamp<size_t>(options.batch_rows, 1, 10000);
  ReadSnapshot snapshot(from);
  FB_RETURN_IF_ERROR(snapshot.Begin());
  FB_ASSIGN_OR_RETURN(auto txn, PgTransaction::Begin(to));
  // The counter row's lock keeps every writer (and a second migrate) out until this commits.
  FB_RETURN_IF_ERROR(to.Exec("SELECT value FROM fb_hub_seq FOR UPDATE").status());
  FB_RETURN_IF_ERROR(CheckTargetEmpty(to));
  FB_ASSIGN_OR_RETURN(std::vector<PgCopySpec> specs, PlanHubCopy(from, to));

  HubCopyReport report;
  for (const PgCopySpec& spec : specs) {
    FB_ASSIGN_OR_RETURN(int64_t n, CopyTable(from, to, spec, batch));
    FB_RETURN_IF_ERROR(ContinueIdentities(from, to, spec));
    report.tables.emplace_back(spec.target, n);
    report.rows += n;
    if (options.on_table) options.on_table(spec.target, n);
  }

  FB_ASSIGN_OR_RETURN(HubMeta meta, ReadHubMeta(from));
  uint64_t highest = meta.seq;
  FB_ASSIGN_OR_RETURN(report.change_log, BuildChangeLog(from, catalog, to, meta, batch, highest));
  if (options.on_table) options.on_table("fb_change_log", report.change_log);
  FB_ASSIGN_OR_RETURN(Statement * events, from.Prepare("SELECT max(seq) FROM srv_scope_events"));
  FB_ASSIGN_OR_RETURN(bool row, events->Step());
  if (row) highest = std::max(highest, static_cast<uint64_t>(std::max<int64_t>(0, events->Int(0))));
  events->Reset();
  report.seq = highest;
  report.floor = std::min(meta.history_floor, highest);
  FB_RETURN_IF_ERROR(
      to.Exec("UPDATE fb_hub_seq SET value = $1, floor = $2, epoch = $3, feed_floor = $4, "
              "hlc = $5",
              {report.seq, report.floor, meta.epoch, meta.feed_floor, meta.hlc})
          .status());
  if (!options.verify_temp_dir.empty()) {
    FB_ASSIGN_OR_RETURN(HubVerification verified,
                        VerifyHubCopy(from, catalog, to, options.verify_temp_dir));
    report.verification = std::move(verified);
    if (report.verification->difference) return report;  // rolled back
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  report.committed = true;
  return report;
}

namespace {

Status CheckSqliteSource(Hub& from) {
  if (from.sql().dialect() == SqlDialect::kSqlite) return Status::Ok();
  return Status::InvalidArgument(
      "migrate copies a SQLite hub into PostgreSQL; the source is not "
      "a SQLite file");
}

}  // namespace

Result<HubCopyReport> CopyHubToPg(Hub& from, PgDb& to, const HubCopyOptions& options) {
  FB_RETURN_IF_ERROR(CheckSqliteSource(from));
  return CopyHubToPg(from.db(), from.catalog(), to, options);
}

Result<HubVerification> VerifyHubCopy(Hub& from, PgDb& to, const std::string& temp_dir) {
  FB_RETURN_IF_ERROR(CheckSqliteSource(from));
  return VerifyHubCopy(from.db(), from.catalog(), to, temp_dir);
}

}  // namespace fieldbook::pg
