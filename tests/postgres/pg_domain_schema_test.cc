// The hub's replicated tables on PostgreSQL (schema/sql/postgres/0006_domain.sql) against the
// shared catalog (fieldbook/catalog.h) and the SQLite hub's schema, which stay the source of
// truth: every table the catalog declares exists in PostgreSQL with every column of the SQLite
// hub's table, in the same order (column versions refer to columns by position), with the type
// SQLite's affinity asks for and the same NOT NULL; both databases accept and refuse the same
// values (the CHECK rules); a row with a value in every column round-trips exactly.
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
};

// One candidate value of a column, in the form each database takes it.
struct Value1 {
  Affinity affinity;
  std::string text;  // text, bytes
  int64_t integer = 0;
  double real = 0;

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
  std::string Show() const { return affinity == Affinity::kBlob ? "<bytes>" : PgText(); }
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
        hub_->Prepare("SELECT name, type, \"notnull\" FROM pragma_table_info(?) ORDER BY cid");
    EXPECT_TRUE(stmt.ok());
    if (!stmt.ok()) return out;
    (*stmt)->Bind(1, table);
    while (true) {
      auto row = (*stmt)->Step();
      EXPECT_TRUE(row.ok());
      if (!row.ok() || !*row) break;
      out.push_back({(*stmt)->Text(0), (*stmt)->Text(1), (*stmt)->Int(2) != 0});
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
    all("[^A-Za-z0-9_.](-?[0-9]+)\\b", numbers);
    std::vector<Value1> out;
    switch (affinity) {
      case Affinity::kText:
        out.push_back({affinity, "博世 'quoted' \"x\" \\ ;-- é\n\ttab"});
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
    return out;
  }

  std::unique_ptr<Db> hub_;
  Catalog catalog_;
};

TEST_F(PgDomainSchemaTest, EveryCatalogTableHasTheHubsColumnsInOrderWithTheirTypes) {
  std::vector<std::string> problems;
  for (const TableInfo& table : catalog_.tables()) {
    auto pg = db_->Exec(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        {table.name});
    ASSERT_TRUE(pg.ok()) << pg.status().ToString();
    if (pg->size() == 0) {
      problems.push_back(table.name + ": no such table in PostgreSQL");
      continue;
    }
    std::vector<SqliteColumn> columns = SqliteColumns(table.name);
    ASSERT_FALSE(columns.empty()) << table.name;
    // The catalog's replicated columns are the SQLite table's, minus id and bookkeeping.
    std::vector<std::string> replicated;
    for (const SqliteColumn& c : columns) {
      if (c.name != "id" && c.name[0] != '_') replicated.push_back(c.name);
    }
    EXPECT_EQ(replicated, table.columns) << table.name;
    std::set<std::string> in_sqlite;
    for (size_t i = 0; i < columns.size(); ++i) {
      const SqliteColumn& c = columns[i];
      in_sqlite.insert(c.name);
      const std::string where = table.name + "." + c.name;
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
      const bool pg_not_null = pg->Text(at, 2) == "NO";
      if (pg_not_null != (c.not_null || c.name == "id")) {
        problems.push_back(where + ": NOT NULL differs");
      }
    }
    for (int r = 0; r < pg->size(); ++r) {
      if (!in_sqlite.contains(pg->Text(r, 0))) {
        problems.push_back(table.name + "." + pg->Text(r, 0) + ": only in PostgreSQL");
      }
    }
  }
  std::string all;
  for (const std::string& p : problems) all += "\n  " + p;
  EXPECT_TRUE(problems.empty()) << "the PostgreSQL schema differs from the catalog's:" << all;
}

TEST_F(PgDomainSchemaTest, BothRefuseTheSameValuesAndAFullRowRoundTrips) {
  for (const TableInfo& table : catalog_.tables()) {
    SCOPED_TRACE(table.name);
    std::vector<SqliteColumn> columns = SqliteColumns(table.name);
    std::vector<std::string> names;
    std::vector<Value1> row;
    for (const SqliteColumn& c : columns) {
      if (c.name == "id") continue;
      auto affinity = AffinityOf(c.type);
      ASSERT_TRUE(affinity.has_value()) << c.name;
      std::optional<Value1> chosen;
      // Each candidate alone in a fresh row, in a transaction rolled back: does each database
      // take it? (The names come from the catalog and SQLite's schema, not from input.)
      const std::string insert =
          "INSERT INTO " + table.name + " (id, " + c.name + ") VALUES ($1, $2)";
      std::string sqlite_insert = insert;
      sqlite_insert.replace(sqlite_insert.find("$1, $2"), 6, "?1, ?2");
      for (const Value1& v : Candidates(table.name, *affinity)) {
        bool sqlite_ok = false;
        {
          auto tx = Transaction::Begin(*hub_);
          ASSERT_TRUE(tx.ok());
          auto stmt = hub_->Prepare(sqlite_insert);
          ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
          (*stmt)->Bind(1, "probe");
          v.Bind(**stmt, 2);
          sqlite_ok = (*stmt)->Run().ok();
        }
        bool pg_ok = false;
        {
          auto tx = PgTransaction::Begin(*db_);
          ASSERT_TRUE(tx.ok());
          auto done = db_->Exec(insert, {"probe", v.PgText()});
          pg_ok = done.ok();
          if (!pg_ok) {
            EXPECT_EQ(done.status().code(), StatusCode::kConflict)
                << c.name << " = " << v.Show() << ": " << done.status().ToString();
          }
        }
        EXPECT_EQ(sqlite_ok, pg_ok)
            << c.name << " = " << v.Show() << ": SQLite " << (sqlite_ok ? "takes" : "refuses")
            << " it, PostgreSQL " << (pg_ok ? "takes" : "refuses") << " it";
        if (sqlite_ok != pg_ok) break;  // one disagreement says it; the rest repeat it
        if (sqlite_ok && pg_ok && !chosen) chosen = v;
      }
      if (!chosen) {
        ADD_FAILURE() << c.name << ": no candidate value is taken by both; add one";
        continue;
      }
      names.push_back(c.name);
      row.push_back(*chosen);
    }
    if (names.size() + 1 != columns.size()) continue;  // failed above
    // The whole row, every column set, written and read back.
    std::string sql = "INSERT INTO " + table.name + " (id";
    std::string values = "$1";
    std::vector<PgParam> params = {PgParam("row-1")};
    for (size_t i = 0; i < names.size(); ++i) {
      sql += ", " + names[i];
      values += ", $" + std::to_string(i + 2);
      params.emplace_back(row[i].PgText());
    }
    sql += ") VALUES (" + values + ")";
    auto inserted = db_->Exec(sql, std::span<const PgParam>(params));
    ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
    std::string select = "SELECT ";
    for (size_t i = 0; i < names.size(); ++i) select += (i ? ", " : "") + names[i];
    select += " FROM " + table.name + " WHERE id = $1";
    auto read = db_->Exec(select, {"row-1"});
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ASSERT_EQ(read->size(), 1);
    for (size_t i = 0; i < names.size(); ++i) {
      const int col = static_cast<int>(i);
      ASSERT_FALSE(read->IsNull(0, col)) << names[i];
      switch (row[i].affinity) {
        case Affinity::kText:
          EXPECT_EQ(read->Text(0, col), row[i].text) << names[i];
          break;
        case Affinity::kBlob:
          EXPECT_EQ(read->Bytes(0, col), row[i].text) << names[i];
          break;
        case Affinity::kInteger:
          EXPECT_EQ(read->Int(0, col), row[i].integer) << names[i];
          break;
        case Affinity::kReal:
          EXPECT_EQ(std::strtod(read->Text(0, col).c_str(), nullptr), row[i].real) << names[i];
          break;
      }
    }
  }
}

}  // namespace
}  // namespace fieldbook::pg
