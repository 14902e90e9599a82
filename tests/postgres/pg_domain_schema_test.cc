// The hub's tables on PostgreSQL (schema/sql/postgres/0006_domain.sql, 0007_server.sql) against
// the shared catalog (fieldbook/catalog.h) and the SQLite hub's schema, which stay the source of
// truth: every table the catalog declares, and every other table of the SQLite hub except those
// PostgreSQL replaces with its own form (kReplacedOnPostgres), exists in PostgreSQL with every
// column of the SQLite hub's table, in the same order (column versions refer to columns by
// position), with the type SQLite's affinity asks for and the same NOT NULL; both databases take
// and refuse the same values (the CHECK rules); a row with a value in every column round-trips.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "fieldbook/catalog.h"
#include "fieldbook/migrations.h"
#include "fieldbook/sqlite_db.h"
#include "postgres/pg_test_env.h"

namespace fieldbook::pg {
namespace {

// SQLite hub tables PostgreSQL has its own form of (docs/postgres.md, "The hub's tables"): the
// hub sequence, feed floor and trigger fingerprints of fb_meta (fb_hub_seq, fb_change_log's floor);
// push claims (fb_applied_sets of postgres/0002); the nightly lease (fb_leases); the rep feeds
// (fb_change_log's feed column, postgres/0004).
const std::set<std::string> kReplacedOnPostgres = {"fb_meta", "fb_applied_sets",
                                                   "srv_nightly_lease"};

enum class Affinity { kText, kInteger, kReal, kBlob };

// SQLite's affinity of a declared type (sqlite.org/datatype3.html, 3.1), for the types the
// migrations declare; NUMERIC affinity has no PostgreSQL counterpart chosen yet (none is used).
std::optional<Affinity> AffinityOf(std::string declared) {
  std::transform(declared.begin(), declared.end(), declared.begin(), ::toupper);
  auto has = [&](const char* s) { return declared.find(s) != std::string::npos; };
  if (has("INT")) return Affinity::kInteger;
  if (has("CHAR") || has("CLOB") || has("TEXT")) return Affinity::kText;
  if (has("BLOB") || declared.empty()) return Affinity::kBlob;
  if (has("REAL") || has("FLOA") || has("DOUB")) return Affinity::kReal;
  return std::nullopt;
}

const char* PgTypeOf(Affinity a) {
  switch (a) {
    case Affinity::kText:
      return "text";
    case Affinity::kInteger:
      return "bigint";
    case Affinity::kReal:
      return "double precision";
    case Affinity::kBlob:
      return "bytea";
  }
  return "";
}

struct SqliteColumn {
  std::string name;
  std::string type;
  bool not_null = false;
  bool primary_key = false;
};

// One candidate value of a column, in the form each database takes it.
struct Value1 {
  Affinity affinity;
  std::string text;  // text, bytes
  int64_t integer = 0;
  double real = 0;
  bool null = false;

  PgParam Pg() const {
    if (null) return std::nullopt;
    return PgText();
  }
  std::string PgText() const {
    switch (affinity) {
      case Affinity::kInteger:
        return std::to_string(integer);
      case Affinity::kReal: {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", real);
        return buf;
      }
      case Affinity::kBlob:
        return ByteaLiteral(text);
      case Affinity::kText:
        return text;
    }
    return text;
  }
  void Bind(Statement& s, int index) const {
    if (null) {
      s.BindNull(index);
      return;
    }
    switch (affinity) {
      case Affinity::kInteger:
        s.Bind(index, integer);
        break;
      case Affinity::kReal:
        s.Bind(index, real);
        break;
      case Affinity::kBlob:
        s.BindBlob(index, text);
        break;
      case Affinity::kText:
        s.Bind(index, text);
        break;
    }
  }
  std::string Show() const {
    return null ? "NULL" : affinity == Affinity::kBlob ? "<bytes>" : PgText();
  }
};

class PgDomainSchemaTest : public testing::PgMigratedTest {
 protected:
  void SetUp() override {
    PgMigratedTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto db = Db::Open(":memory:");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    hub_ = std::move(*db);
    auto migrated = ApplyMigrations(*hub_, HubMigrations());
    ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
    auto catalog = Catalog::Load(*hub_);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(*catalog);
    ASSERT_FALSE(catalog_.tables().empty());
  }

  // Every column of the SQLite hub's `table`, in order (id and the bookkeeping columns too).
  std::vector<SqliteColumn> SqliteColumns(const std::string& table) {
    std::vector<SqliteColumn> out;
    auto stmt =
        hub_->Prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid");
    EXPECT_TRUE(stmt.ok());
    if (!stmt.ok()) return out;
    (*stmt)->Bind(1, table);
    while (true) {
      auto row = (*stmt)->Step();
      EXPECT_TRUE(row.ok());
      if (!row.ok() || !*row) break;
      out.push_back(
          {(*stmt)->Text(0), (*stmt)->Text(1), (*stmt)->Int(2) != 0, (*stmt)->Int(3) > 0});
    }
    return out;
  }

  // Candidate values of a column of `table`: for text, a hard one and every quoted word of the
  // table's SQLite DDL (the CHECKed enumerations); for numbers, values past double precision and
  // every number of the DDL with its neighbours (the CHECKed bounds); for bytes, NUL and 0xff.
  std::vector<Value1> Candidates(const std::string& table, Affinity affinity) {
    auto stmt = hub_->Prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?");
    EXPECT_TRUE(stmt.ok());
    if (!stmt.ok()) return {};
    (*stmt)->Bind(1, table);
    auto found = (*stmt)->Step();
    EXPECT_TRUE(found.ok() && *found);
    if (!found.ok() || !*found) return {};
    const std::string ddl = (*stmt)->Text(0);
    std::vector<std::string> quoted, numbers;
    auto all = [&](const char* pattern, std::vector<std::string>& into) {
      std::regex re(pattern);
      for (std::sregex_iterator it(ddl.begin(), ddl.end(), re), end; it != end; ++it) {
        into.push_back((*it)[1].str());
      }
    };
    all("'([^']*)'", quoted);
    // And the words PostgreSQL's CHECKs of the table name, so a value only it allows is tried.
    auto checks = db_->Exec(
        "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = "
        "c.conrelid WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace",
        {table});
    EXPECT_TRUE(checks.ok()) << checks.status().ToString();
    if (checks.ok()) {
      std::regex word("'([^']*)'");
      for (int r = 0; r < checks->size(); ++r) {
        const std::string def = checks->Text(r, 0);
        for (std::sregex_iterator it(def.begin(), def.end(), word), end; it != end; ++it) {
          quoted.push_back((*it)[1].str());
        }
      }
    }
    all("[^A-Za-z0-9_.](-?[0-9]+)\\b", numbers);
    std::vector<Value1> out;
    switch (affinity) {
      case Affinity::kText:
        out.push_back({affinity, "博世 'quoted' \"x\" \\ ;-- é\n\ttab"});
        out.push_back({affinity, "b-2"});
        for (const std::string& q : quoted) out.push_back({affinity, q});
        break;
      case Affinity::kInteger:
        out.push_back({affinity, "", int64_t{9007199254740993}});  // past a double's precision
        for (const std::string& n : numbers) {
          const int64_t v = std::stoll(n);
          for (int64_t d : {int64_t{-1}, int64_t{0}, int64_t{1}})
            out.push_back({affinity, "", v + d});
        }
        break;
      case Affinity::kReal:
        out.push_back({affinity, "", 0, 1234567.891});
        out.push_back({affinity, "", 0, 0.30000000000000004});
        for (const std::string& n : numbers) {
          const double v = std::stod(n);
          for (double d : {-0.5, 0.0, 0.5}) out.push_back({affinity, "", 0, v + d});
        }
        break;
      case Affinity::kBlob:
        out.push_back({affinity, std::string("\0\x01\xff fb", 6)});
        break;
    }
    Value1 null{affinity, ""};
    null.null = true;
    out.push_back(null);         // last: NOT NULL is checked, but the full row prefers values
    std::set<std::string> seen;  // each value once (the DDL repeats its 0s and 1s)
    std::erase_if(out, [&](const Value1& v) { return !seen.insert(v.Show() + v.text).second; });
    return out;
  }

  // The tables to compare: the catalog's, then every other table of the SQLite hub that
  // PostgreSQL does not replace, by name.
  std::vector<std::string> HubTables() {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const TableInfo& t : catalog_.tables()) {
      out.push_back(t.name);
      seen.insert(t.name);
    }
    auto stmt = hub_->Prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY name");
    EXPECT_TRUE(stmt.ok());
    if (!stmt.ok()) return out;
    while (true) {
      auto row = (*stmt)->Step();
      EXPECT_TRUE(row.ok());
      if (!row.ok() || !*row) break;
      std::string name = (*stmt)->Text(0);
      if (!seen.contains(name) && !kReplacedOnPostgres.contains(name)) out.push_back(name);
    }
    return out;
  }

  // INSERT of `values` into `names` of `table`, in each database, in a transaction rolled back
  // (names from the catalog and SQLite's schema, not from input).
  Status SqliteInsert(const std::string& table, const std::vector<std::string>& names,
                      const std::vector<const Value1*>& values) {
    auto tx = Transaction::Begin(*hub_);
    if (!tx.ok()) return tx.status();
    auto stmt = hub_->Prepare(InsertSql(table, names, "?"));
    if (!stmt.ok()) return stmt.status();
    for (size_t i = 0; i < values.size(); ++i) values[i]->Bind(**stmt, static_cast<int>(i + 1));
    return (*stmt)->Run();
  }
  Status PgInsert(const std::string& table, const std::vector<std::string>& names,
                  const std::vector<const Value1*>& values) {
    auto tx = PgTransaction::Begin(*db_);
    if (!tx.ok()) return tx.status();
    std::vector<PgParam> params;
    for (const Value1* v : values) params.push_back(v->Pg());
    return db_->Exec(InsertSql(table, names, "$"), std::span<const PgParam>(params)).status();
  }
  static std::string InsertSql(const std::string& table, const std::vector<std::string>& names,
                               const char* mark) {
    std::string cols, marks;
    for (size_t i = 0; i < names.size(); ++i) {
      cols += (i ? ", " : "") + names[i];
      marks += (i ? ", " : "") + std::string(mark) + std::to_string(i + 1);
    }
    return "INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ")";
  }

  std::unique_ptr<Db> hub_;
  Catalog catalog_;
};

// The column a SQLite constraint error names first ("NOT NULL constraint failed: t.kind",
// "CHECK constraint failed: kind IN (...)"), or -1.
int BlamedColumn(const std::string& message, const std::vector<std::string>& names) {
  const size_t from = message.find("failed:");
  if (from == std::string::npos) return -1;
  int best = -1;
  size_t best_at = std::string::npos;
  for (size_t i = 0; i < names.size(); ++i) {
    std::smatch m;
    const std::string rest = message.substr(from);
    if (std::regex_search(rest, m, std::regex("\\b" + names[i] + "\\b")) &&
        static_cast<size_t>(m.position(0)) < best_at) {
      best_at = m.position(0);
      best = static_cast<int>(i);
    }
  }
  return best;
}

TEST_F(PgDomainSchemaTest, EveryHubTableHasTheSqliteColumnsInOrderWithTheirTypes) {
  std::vector<std::string> problems;
  for (const std::string& name : HubTables()) {
    auto pg = db_->Exec(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        {name});
    ASSERT_TRUE(pg.ok()) << pg.status().ToString();
    if (pg->size() == 0) {
      problems.push_back(name + ": no such table in PostgreSQL");
      continue;
    }
    std::vector<SqliteColumn> columns = SqliteColumns(name);
    ASSERT_FALSE(columns.empty()) << name;
    if (const TableInfo* table = catalog_.Find(name)) {
      // The catalog's replicated columns are the SQLite table's, minus id and bookkeeping.
      std::vector<std::string> replicated;
      for (const SqliteColumn& c : columns) {
        if (c.name != "id" && c.name[0] != '_') replicated.push_back(c.name);
      }
      EXPECT_EQ(replicated, table->columns) << name;
    }
    std::set<std::string> in_sqlite;
    for (size_t i = 0; i < columns.size(); ++i) {
      const SqliteColumn& c = columns[i];
      in_sqlite.insert(c.name);
      const std::string where = name + "." + c.name;
      int at = -1;
      for (int r = 0; r < pg->size(); ++r) {
        if (pg->Text(r, 0) == c.name) at = r;
      }
      if (at < 0) {
        problems.push_back(where + ": missing in PostgreSQL");
        continue;
      }
      if (at != static_cast<int>(i)) {
        problems.push_back(where + ": at position " + std::to_string(at) + " in PostgreSQL, " +
                           std::to_string(i) + " in SQLite");
      }
      auto affinity = AffinityOf(c.type);
      if (!affinity) {
        problems.push_back(where + ": SQLite type " + c.type + " has no PostgreSQL type chosen");
      } else if (pg->Text(at, 1) != PgTypeOf(*affinity)) {
        problems.push_back(where + ": " + pg->Text(at, 1) + " in PostgreSQL, " +
                           PgTypeOf(*affinity) + " expected for SQLite's " + c.type);
      }
      // A primary key is NOT NULL in PostgreSQL whatever its declaration.
      if ((pg->Text(at, 2) == "NO") != (c.not_null || c.primary_key)) {
        problems.push_back(where + ": NOT NULL differs");
      }
    }
    for (int r = 0; r < pg->size(); ++r) {
      if (!in_sqlite.contains(pg->Text(r, 0))) {
        problems.push_back(name + "." + pg->Text(r, 0) + ": only in PostgreSQL");
      }
    }
  }
  std::string all;
  for (const std::string& p : problems) all += "\n  " + p;
  EXPECT_TRUE(problems.empty()) << "the PostgreSQL schema differs from the SQLite hub's:" << all;
}

TEST_F(PgDomainSchemaTest, BothTakeAndRefuseTheSameValuesAndAFullRowRoundTrips) {
  for (const std::string& table : HubTables()) {
    SCOPED_TRACE(table);
    std::vector<SqliteColumn> columns = SqliteColumns(table);
    std::vector<std::string> names;
    std::vector<std::vector<Value1>> candidates;
    for (const SqliteColumn& c : columns) {
      auto affinity = AffinityOf(c.type);
      ASSERT_TRUE(affinity.has_value()) << c.name;
      names.push_back(c.name);
      candidates.push_back(Candidates(table, *affinity));
      ASSERT_FALSE(candidates.back().empty()) << c.name;
    }
    // A row SQLite takes: every column at its first candidate, then the column each refusal
    // names moves on to its next one.
    std::vector<size_t> pick(names.size(), 0);
    auto row_of = [&](int column, const Value1* instead) {
      std::vector<const Value1*> row;
      for (size_t i = 0; i < names.size(); ++i) {
        row.push_back(static_cast<int>(i) == column ? instead : &candidates[i][pick[i]]);
      }
      return row;
    };
    bool found = false;
    while (true) {
      Status taken = SqliteInsert(table, names, row_of(-1, nullptr));
      if (taken.ok()) {
        found = true;
        break;
      }
      const int blamed = BlamedColumn(taken.message(), names);
      if (blamed < 0 || ++pick[blamed] >= candidates[blamed].size()) {
        ADD_FAILURE() << "no row SQLite takes (add a candidate value): " << taken.ToString();
        break;
      }
    }
    if (!found) continue;
    // Each candidate of each column in that row: both databases take it, or both refuse it.
    int key_columns = 0;
    for (const SqliteColumn& c : columns) key_columns += c.primary_key;
    for (size_t i = 0; i < names.size(); ++i) {
      // SQLite's INTEGER PRIMARY KEY (a rowid) given NULL allocates the next id; PostgreSQL's
      // identity column is allocated when the INSERT leaves it out (docs/postgres.md).
      const bool rowid = key_columns == 1 && columns[i].primary_key && columns[i].type == "INTEGER";
      for (const Value1& v : candidates[i]) {
        if (rowid && v.null) continue;
        const auto row = row_of(static_cast<int>(i), &v);
        const bool sqlite_ok = SqliteInsert(table, names, row).ok();
        Status pg = PgInsert(table, names, row);
        if (!pg.ok()) {
          EXPECT_EQ(pg.code(), StatusCode::kConflict)
              << names[i] << " = " << v.Show() << ": " << pg.ToString();
        }
        EXPECT_EQ(sqlite_ok, pg.ok())
            << names[i] << " = " << v.Show() << ": SQLite " << (sqlite_ok ? "takes" : "refuses")
            << " it, PostgreSQL " << (pg.ok() ? "takes" : "refuses") << " it";
        if (sqlite_ok != pg.ok()) break;  // one disagreement says it; the rest repeat it
      }
    }
    // The row, every column set, written and read back.
    const auto row = row_of(-1, nullptr);
    std::vector<PgParam> params;
    for (const Value1* v : row) params.push_back(v->Pg());
    auto inserted = db_->Exec(InsertSql(table, names, "$"), std::span<const PgParam>(params));
    ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
    std::string select = "SELECT ";
    for (size_t i = 0; i < names.size(); ++i) select += (i ? ", " : "") + names[i];
    select += " FROM " + table;
    auto read = db_->Exec(select);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ASSERT_EQ(read->size(), 1);
    for (size_t i = 0; i < names.size(); ++i) {
      const int col = static_cast<int>(i);
      ASSERT_FALSE(read->IsNull(0, col)) << names[i];
      switch (row[i]->affinity) {
        case Affinity::kText:
          EXPECT_EQ(read->Text(0, col), row[i]->text) << names[i];
          break;
        case Affinity::kBlob:
          EXPECT_EQ(read->Bytes(0, col), row[i]->text) << names[i];
          break;
        case Affinity::kInteger:
          EXPECT_EQ(read->Int(0, col), row[i]->integer) << names[i];
          break;
        case Affinity::kReal:
          EXPECT_EQ(std::strtod(read->Text(0, col).c_str(), nullptr), row[i]->real) << names[i];
          break;
      }
    }
  }
}

// srv_audit is append-only on PostgreSQL too (SQLite's triggers of server/0011, one PostgreSQL
// trigger function): an entry cannot be changed, deleted, replaced through ON CONFLICT, or
// truncated away.
TEST_F(PgDomainSchemaTest, TheAuditLogIsAppendOnly) {
  auto added = db_->Exec(
      "INSERT INTO srv_audit (at_ms, actor, action, before_json, after_json) "
      "VALUES (1, 'mgr', 'customer.assign', '{}', '{}') RETURNING id");
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  const std::string id = added->Text(0, 0);
  EXPECT_EQ(db_->Exec("UPDATE srv_audit SET reason = 'edited' WHERE id = $1", {id}).status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(db_->Exec("DELETE FROM srv_audit WHERE id = $1", {id}).status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(db_->Exec("INSERT INTO srv_audit (id, at_ms, actor, action, before_json, after_json) "
                      "VALUES ($1, 2, 'x', 'y', '{}', '{}') ON CONFLICT (id) DO UPDATE SET "
                      "actor = excluded.actor",
                      {id})
                .status()
                .code(),
            StatusCode::kConflict);
  EXPECT_EQ(db_->ExecScript("TRUNCATE srv_audit").code(), StatusCode::kConflict);
  auto kept = db_->Exec("SELECT actor, reason FROM srv_audit WHERE id = $1", {id});
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 1);
  EXPECT_EQ(kept->Text(0, 0), "mgr");
  EXPECT_EQ(kept->Text(0, 1), "");
}

}  // namespace
}  // namespace fieldbook::pg
