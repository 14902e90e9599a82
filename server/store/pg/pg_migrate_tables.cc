#include "store/pg/pg_migrate_tables.h"

#include <algorithm>
#include <set>

namespace fieldbook::pg {

namespace {

// SQLite hub tables PostgreSQL has its own form of (docs/postgres.md): translated by the specs
// below (fb_applied_sets, srv_nightly_lease) or into fb_hub_seq (fb_meta). srv_feed is copied as
// it is (the same feed model on both, postgres/0010); fb_change_log is built from the rows
// (pg_migrate.cc).
const std::set<std::string, std::less<>> kTranslated = {"fb_meta", "fb_applied_sets",
                                                        "srv_nightly_lease"};

std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

std::string JoinQuoted(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + Quoted(names[i]);
  return out;
}

std::string Listed(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

// Orders both sides by the columns at `key` of `columns` (the source's names), as text in byte
// order (SQLite's BINARY, PostgreSQL's "C"), NULLs first on both.
void OrderBy(PgCopySpec& spec, const std::vector<std::string>& columns, std::vector<int> key) {
  if (key.empty()) {
    for (size_t i = 0; i < columns.size(); ++i) key.push_back(static_cast<int>(i));
  }
  for (size_t i = 0; i < key.size(); ++i) {
    const std::string& c = columns[static_cast<size_t>(key[i])];
    spec.source_order += (i ? ", CAST(" : " ORDER BY CAST(") + Quoted(c) + " AS TEXT)";
    spec.target_order += (i ? ", " : " ORDER BY ") + Quoted(c) + "::text COLLATE \"C\" NULLS FIRST";
  }
  spec.key = std::move(key);
}

// A table whose milliseconds column becomes a timestamptz on PostgreSQL (the rest as they are).
PgCopySpec WithTimestamp(const std::string& source, const std::string& target,
                         const std::vector<std::string>& columns, const std::string& ms_column,
                         const std::string& at_column, int bytea_index) {
  PgCopySpec spec;
  spec.target = target;
  std::vector<std::string> source_columns = columns;
  source_columns.push_back(ms_column);
  spec.source_sql = "SELECT " + JoinQuoted(source_columns) + " FROM " + Quoted(source);
  spec.target_columns = columns;
  spec.target_columns.push_back(at_column);
  std::string back;
  for (size_t i = 0; i < columns.size(); ++i) {
    const bool bytes = static_cast<int>(i) == bytea_index;
    spec.target_exprs.push_back("u.a" + std::to_string(i + 1) + (bytes ? "::bytea" : ""));
    spec.bytea.push_back(bytes);
    back += Quoted(columns[i]) + ", ";
  }
  spec.target_exprs.push_back("to_timestamp(u.a" + std::to_string(columns.size() + 1) +
                              "::bigint / 1000.0)");
  spec.bytea.push_back(false);
  spec.verify_sql = "SELECT " + back + "round(extract(epoch FROM " + Quoted(at_column) +
                    ") * 1000)::bigint FROM " + Quoted(target);
  OrderBy(spec, columns, {0});  // the first column is the key
  return spec;
}

}  // namespace

Result<std::vector<PgCopySpec>> PlanHubCopy(Db& from, PgDb& to) {
  std::vector<std::string> tables;
  FB_ASSIGN_OR_RETURN(Statement * list,
                      from.Prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name "
                                   "NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"));
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, list->Step());
    if (!row) break;
    tables.push_back(list->Text(0));
  }
  list->Reset();

  std::vector<PgCopySpec> specs;
  for (const std::string& table : tables) {
    if (kTranslated.contains(table)) continue;
    std::vector<std::string> source_columns;
    std::vector<std::pair<int64_t, int>> primary;  // (position in the key, column)
    FB_ASSIGN_OR_RETURN(Statement * info,
                        from.Prepare("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid"));
    info->Bind(1, table);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, info->Step());
      if (!row) break;
      if (info->Int(1) > 0) {
        primary.emplace_back(info->Int(1), static_cast<int>(source_columns.size()));
      }
      source_columns.push_back(info->Text(0));
    }
    info->Reset();
    std::sort(primary.begin(), primary.end());
    FB_ASSIGN_OR_RETURN(
        PgRows target,
        to.Exec("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attidentity <> '' "
                "FROM pg_attribute a WHERE a.attrelid = to_regclass(quote_ident($1)) AND "
                "a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                {table}));
    if (target.size() == 0) {
      return Status::Rejected("the target has no table " + table +
                              ": it is at another schema version than the source");
    }
    PgCopySpec spec;
    spec.target = table;
    for (int r = 0; r < target.size(); ++r) spec.target_columns.push_back(target.Text(r, 0));
    if (spec.target_columns != source_columns) {
      return Status::Rejected("the target's table " + table + " has the columns (" +
                              Listed(spec.target_columns) + ") where the source has (" +
                              Listed(source_columns) +
                              "): the two are at different schema versions");
    }
    // Identifiers from the two schemas, never from input.
    spec.source_sql = "SELECT " + JoinQuoted(source_columns) + " FROM " + Quoted(table);
    spec.verify_sql = "SELECT " + JoinQuoted(source_columns) + " FROM " + Quoted(table);
    for (int r = 0; r < target.size(); ++r) {
      const std::string type = target.Text(r, 1);
      spec.target_exprs.push_back("u.a" + std::to_string(r + 1) + "::" + type);
      spec.bytea.push_back(type == "bytea");
      if (target.Bool(r, 2)) spec.identity_columns.push_back(target.Text(r, 0));
    }
    std::vector<int> key;
    for (const auto& [position, column] : primary) key.push_back(column);
    OrderBy(spec, source_columns, std::move(key));
    specs.push_back(std::move(spec));
  }
  specs.push_back(WithTimestamp("fb_applied_sets", "fb_applied_sets",
                                {"set_id", "replica_id", "result"}, "applied_ms", "applied_at", 2));
  specs.push_back(WithTimestamp("srv_nightly_lease", "fb_leases", {"name", "holder", "run_id"},
                                "expires_ms", "expires_at", -1));
  // run_id is an integer on both sides.
  specs.back().target_exprs[2] = "u.a3::bigint";
  return specs;
}

PgCopySpec ChangeLogSpec() {
  PgCopySpec spec;
  spec.target = "fb_change_log";
  spec.target_columns = {"seq", "table_code", "row_id", "customer_id"};
  spec.target_exprs = {"u.a1::bigint", "u.a2::integer", "u.a3", "u.a4"};
  spec.bytea = {false, false, false, false};
  spec.verify_sql = "SELECT seq, table_code, row_id, customer_id FROM fb_change_log";
  return spec;
}

Status CheckTargetEmpty(PgDb& to) {
  // The schema by its name in pg_namespace: a cast of current_schema() to regnamespace reads the
  // name as unquoted, so a schema named in capitals would not exist.
  FB_ASSIGN_OR_RETURN(PgRows tables,
                      to.Exec("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                              "c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN "
                              "('r', 'p') ORDER BY c.relname"));
  bool has_seq = false;
  for (int r = 0; r < tables.size(); ++r) {
    const std::string table = tables.Text(r, 0);
    has_seq = has_seq || table == "fb_hub_seq";
    if (table == "fb_pg_migrations" || table == "fb_hub_seq") continue;
    // A name from the catalog of the target's own schema.
    FB_ASSIGN_OR_RETURN(PgRows any, to.Exec("SELECT EXISTS (SELECT 1 FROM " + Quoted(table) + ")"));
    if (any.Bool(0, 0)) {
      return Status::Rejected(
          "the target is not empty: its table " + table +
          " has rows. migrate copies into an empty database only (docs/postgres.md)");
    }
  }
  if (!has_seq) return Status::Ok();  // not migrated yet
  FB_ASSIGN_OR_RETURN(PgRows seq, to.Exec("SELECT value FROM fb_hub_seq"));
  if (seq.size() > 0 && seq.Int(0, 0) != 0) {
    return Status::Rejected("the target is not empty: its hub sequence is at " + seq.Text(0, 0) +
                            ". migrate copies into an empty database only");
  }
  return Status::Ok();
}

}  // namespace fieldbook::pg
