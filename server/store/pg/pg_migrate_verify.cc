// VerifyHubCopy (pg_migrate.h): the canonical exports line by line, then every copied table by
// count and digest, then the change stream.
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "fieldbook/canonical_export.h"
#include "fieldbook/row_digest.h"
#include "store/pg/pg_export.h"
#include "store/pg/pg_migrate.h"
#include "store/pg/pg_migrate_tables.h"

namespace fieldbook::pg {

namespace {

// A folder of its own under `parent`, removed with what it holds when this ends.
class TempFolder {
 public:
  static Result<std::unique_ptr<TempFolder>> Make(const std::string& parent) {
    std::string pattern = (std::filesystem::path(parent) / "fieldbook-migrate-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return Status::Io("cannot make a temporary folder under " + parent);
    }
    return std::unique_ptr<TempFolder>(new TempFolder(pattern));
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  explicit TempFolder(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// `{"table":"customers","id":"c1",...}` -> ("customers", "c1") for the report.
std::pair<std::string, std::string> TableAndId(const std::string& line) {
  auto field = [&](const std::string& key) {
    const std::string open = "\"" + key + "\":\"";
    const size_t at = line.find(open);
    if (at == std::string::npos) return std::string();
    size_t end = at + open.size();
    while (end < line.size() && line[end] != '"') end += line[end] == '\\' ? 2 : 1;
    return line.substr(at + open.size(), end - at - open.size());
  };
  return {field("table"), field("id")};
}

std::string Shortened(const std::string& line) {
  return line.size() > 400 ? line.substr(0, 400) + "..." : line;
}

// Compares the two export files line by line.
Result<std::optional<HubDifference>> CompareExports(const std::string& a, const std::string& b,
                                                    int64_t& lines) {
  std::ifstream source(a), target(b);
  if (!source || !target) return Status::Io("cannot read the exports back");
  std::string s, t;
  while (true) {
    const bool more_s = static_cast<bool>(std::getline(source, s));
    const bool more_t = static_cast<bool>(std::getline(target, t));
    if (!more_s && !more_t) return std::optional<HubDifference>();
    if (more_s && more_t && s == t) {
      ++lines;
      continue;
    }
    HubDifference d;
    auto [table, id] = TableAndId(more_s ? s : t);
    if (more_s && more_t) {
      // The row that sorts first is the one missing on the other side (or both differ).
      auto [table_t, id_t] = TableAndId(t);
      if (std::make_pair(table_t, id_t) < std::make_pair(table, id)) {
        table = table_t;
        id = id_t;
      }
    }
    d.table = table;
    d.row = id;
    d.source = more_s ? Shortened(s) : "(no more rows)";
    d.target = more_t ? Shortened(t) : "(no more rows)";
    return std::optional<HubDifference>(std::move(d));
  }
}

struct TableSum {
  int64_t rows = 0;
  uint64_t sum = 0;  // of the rows' digests, modulo 2^64: the same rows in any order
  bool operator==(const TableSum&) const = default;
};

Result<TableSum> SourceSum(Db& db, const PgCopySpec& spec) {
  TableSum sum;
  RowDigester digest;
  FB_ASSIGN_OR_RETURN(Statement * stmt, db.Prepare(spec.source_sql));
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    digest.Reset(0, spec.target);
    for (int c = 0; c < stmt->ColumnCount(); ++c) digest.Add(stmt->Get(c));
    sum.sum += digest.Digest();
    ++sum.rows;
  }
  stmt->Reset();
  return sum;
}

Result<TableSum> TargetSum(PgDb& db, const PgCopySpec& spec) {
  TableSum sum;
  RowDigester digest;
  FB_RETURN_IF_ERROR(db.ExecEach(spec.verify_sql, {}, [&](const PgRows& rows, int r) {
    digest.Reset(0, spec.target);
    for (int c = 0; c < rows.columns(); ++c) digest.Add(rows.Get(r, c));
    sum.sum += digest.Digest();
    ++sum.rows;
    return Status::Ok();
  }));
  return sum;
}

// One row of a table for the walk below: its key (the text of its key columns), digest and text.
struct KeyedRow {
  std::vector<std::string> key;
  uint64_t digest = 0;
  std::string text;
};

std::string CellText(const Value& v) {
  if (IsNull(v)) return "NULL";
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return ValueToDebugString(v);
}

KeyedRow MakeRow(const PgCopySpec& spec, const std::vector<Value>& values) {
  KeyedRow row;
  RowDigester digest;
  digest.Reset(0, spec.target);
  for (size_t i = 0; i < values.size(); ++i) {
    digest.Add(values[i]);
    row.text += (i ? ", " : "") + ValueToDebugString(values[i]);
  }
  for (int k : spec.key) row.key.push_back(CellText(values[static_cast<size_t>(k)]));
  row.digest = digest.Digest();
  return row;
}

std::string KeyText(const std::vector<std::string>& key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) out += (i ? "/" : "") + key[i];
  return out;
}

// A table whose count or digest differs: both sides in key order, walked together a row at a
// time, and the first row that differs or is missing on one side.
Result<HubDifference> FirstDifferentRow(Db& from, PgDb& to, const PgCopySpec& spec) {
  FB_ASSIGN_OR_RETURN(Statement * stmt, from.Prepare(spec.source_sql + spec.source_order));
  std::vector<Value> values;
  std::optional<KeyedRow> s;  // the source's row at the walk's position
  auto next_source = [&]() -> Status {
    FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
    s.reset();
    if (!row) return Status::Ok();
    values.clear();
    for (int c = 0; c < stmt->ColumnCount(); ++c) values.push_back(stmt->Get(c));
    s = MakeRow(spec, values);
    return Status::Ok();
  };
  FB_RETURN_IF_ERROR(next_source());
  HubDifference d{spec.target, "", "(no such row)", "(no such row)"};
  bool found = false;
  // Compares a target row (none: the target ended) with the source's; true when they differ.
  auto differs = [&](const KeyedRow* t) {
    if (!s && t == nullptr) return false;
    if (s && t != nullptr && s->key == t->key && s->digest == t->digest) return false;
    if (s && t != nullptr && s->key == t->key) {
      d.row = KeyText(s->key);
      d.source = Shortened(s->text);
      d.target = Shortened(t->text);
    } else if (s && (t == nullptr || s->key < t->key)) {  // the smaller key is missing
      d.row = KeyText(s->key);
      d.source = Shortened(s->text);
    } else {
      d.row = KeyText(t->key);
      d.target = Shortened(t->text);
    }
    found = true;
    return true;
  };
  std::vector<Value> target_values;
  Status walked =
      to.ExecEach(spec.verify_sql + spec.target_order, {}, [&](const PgRows& rows, int r) {
        target_values.clear();
        for (int c = 0; c < rows.columns(); ++c) target_values.push_back(rows.Get(r, c));
        const KeyedRow t = MakeRow(spec, target_values);
        if (differs(&t)) return Status::Conflict("found");  // stops the walk
        return next_source();
      });
  stmt->Reset();
  if (found) return d;
  FB_RETURN_IF_ERROR(walked);
  if (differs(nullptr)) return d;
  // Equal rows in one order but not in sum: should not happen; name the table only.
  d.source = d.target = "the same rows in key order, a different digest sum";
  return d;
}

// The change stream: one entry per row of a replicated table above the floor, and the sequence
// at or above every row's.
Result<std::optional<HubDifference>> CompareChangeLog(Db& from, const Catalog& catalog, PgDb& to) {
  FB_ASSIGN_OR_RETURN(PgRows hub, to.Exec("SELECT value, floor FROM fb_hub_seq"));
  const int64_t seq = hub.Int(0, 0), floor = hub.Int(0, 1);
  int64_t rows = 0, highest = 0;
  for (const TableInfo& t : catalog.tables()) {
    FB_ASSIGN_OR_RETURN(
        Statement * stmt,
        from.Prepare("SELECT count(*) FILTER (WHERE _seq > ?), max(_seq) FROM \"" + t.name + "\""));
    stmt->Bind(1, floor);
    FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (row) {
      rows += stmt->Int(0);
      highest = std::max(highest, stmt->Int(1));
    }
    stmt->Reset();
  }
  FB_ASSIGN_OR_RETURN(PgRows entries, to.Exec("SELECT count(*) FROM fb_change_log"));
  if (entries.Int(0, 0) != rows || seq < highest) {
    HubDifference d;
    d.table = "fb_change_log";
    d.source = std::to_string(rows) + " rows above the floor " + std::to_string(floor) +
               ", highest sequence " + std::to_string(highest);
    d.target = std::to_string(entries.Int(0, 0)) + " entries, hub sequence " + std::to_string(seq);
    return std::optional<HubDifference>(std::move(d));
  }
  return std::optional<HubDifference>();
}

}  // namespace

Result<HubVerification> VerifyHubCopy(Db& from, const Catalog& catalog, PgDb& to,
                                      const std::string& temp_dir) {
  HubVerification out;
  ReadSnapshot snapshot(from);
  FB_RETURN_IF_ERROR(snapshot.Begin());
  FB_ASSIGN_OR_RETURN(auto txn, PgTransaction::Begin(to, PgIsolation::kRepeatableRead));

  FB_ASSIGN_OR_RETURN(auto folder, TempFolder::Make(temp_dir));
  const std::string a = folder->File("source.jsonl"), b = folder->File("target.jsonl");
  {
    std::ofstream source(a), target(b);
    if (!source || !target) return Status::Io("cannot write the exports under " + temp_dir);
    FB_RETURN_IF_ERROR(WriteCanonicalExport(from, catalog, source));
    FB_RETURN_IF_ERROR(WritePgCanonicalExport(to, catalog, target));
    source.flush();
    target.flush();
    if (!source || !target) return Status::Io("writing the exports under " + temp_dir + " failed");
  }
  FB_ASSIGN_OR_RETURN(out.difference, CompareExports(a, b, out.export_lines));
  if (out.difference) return out;

  FB_ASSIGN_OR_RETURN(std::vector<PgCopySpec> specs, PlanHubCopy(from, to));
  for (const PgCopySpec& spec : specs) {
    FB_ASSIGN_OR_RETURN(TableSum s, SourceSum(from, spec));
    FB_ASSIGN_OR_RETURN(TableSum t, TargetSum(to, spec));
    if (!(s == t)) {
      FB_ASSIGN_OR_RETURN(out.difference, FirstDifferentRow(from, to, spec));
      return out;
    }
    ++out.tables;
    out.rows += s.rows;
  }
  FB_ASSIGN_OR_RETURN(out.difference, CompareChangeLog(from, catalog, to));
  FB_RETURN_IF_ERROR(txn->Commit());
  return out;
}

}  // namespace fieldbook::pg
