#include "integration/test_server_db.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <utility>
#include <variant>

#include "fieldbook/sqlite_db.h"
#include "store/pg/pg_db.h"
#include "support/subprocess.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// A run that asks for PostgreSQL with no cluster named skips everything, saying how to run it.
class PostgresRunEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (OnPostgres() && Env("FIELDBOOK_TEST_PG").empty()) {
      GTEST_SKIP() << "FIELDBOOK_TEST_SERVER_DB=postgres but FIELDBOOK_TEST_PG is not set: no "
                      "PostgreSQL cluster to run the server on. scripts/test starts one; by hand: "
                      "FIELDBOOK_TEST_PG=\"$(scripts/pg-cluster start /tmp/fbpg)\".";
    }
  }
};
[[maybe_unused]] ::testing::Environment* const kPostgresRun =
    ::testing::AddGlobalTestEnvironment(new PostgresRunEnvironment);

// A connection string's settings (keyword or URL form), parsed by libpq itself.
std::map<std::string, std::string> ParseConninfo(const std::string& conninfo) {
  std::map<std::string, std::string> out;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    ADD_FAILURE() << "FIELDBOOK_TEST_PG is not a connection string: "
                  << (error != nullptr ? error : "");
    PQfreemem(error);
    return out;
  }
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && *o->val != '\0') out[o->keyword] = o->val;
  }
  PQconninfoFree(options);
  return out;
}

std::string Percent(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Keyword form: values quoted, quotes and backslashes escaped.
std::string Keywords(const std::map<std::string, std::string>& settings) {
  std::string out;
  for (const auto& [k, v] : settings) {
    std::string quoted;
    for (char c : v) {
      if (c == '\'' || c == '\\') quoted += '\\';
      quoted += c;
    }
    out += (out.empty() ? "" : " ") + k + "='" + quoted + "'";
  }
  return out;
}

// postgresql://[user@]/dbname?host=…&port=…&… : what `--db` takes (the server tells a database
// from a file by the scheme).
std::string Url(const std::map<std::string, std::string>& settings) {
  std::string url = "postgresql://";
  if (auto u = settings.find("user"); u != settings.end()) url += Percent(u->second) + "@";
  url += "/" + Percent(settings.at("dbname"));
  char sep = '?';
  for (const auto& [k, v] : settings) {
    if (k == "user" || k == "dbname") continue;
    url += sep + k + "=" + Percent(v);
    sep = '&';
  }
  return url;
}

std::unique_ptr<pg::PgDb> Connect(const std::string& conninfo) {
  auto db = pg::PgDb::Connect(conninfo, {.application_name = "fieldbook-integration-test"});
  EXPECT_TRUE(db.ok()) << "the test cluster (FIELDBOOK_TEST_PG): " << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

}  // namespace

bool OnPostgres() { return Env("FIELDBOOK_TEST_SERVER_DB") == "postgres"; }

TestServerDb::TestServerDb(const TempDir& dir) : url_(dir.File("server.db")) {
  const std::string cluster = Env("FIELDBOOK_TEST_PG");
  if (!OnPostgres() || cluster.empty()) return;  // SQLite, or skipped by the environment
  static std::atomic<int> counter{0};
  name_ = "fbit_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  std::map<std::string, std::string> settings = ParseConninfo(cluster);
  admin_ = Keywords(settings);
  settings["dbname"] = name_;
  conninfo_ = Keywords(settings);
  url_ = Url(settings);
  auto admin = Connect(admin_);
  if (admin == nullptr) return;
  // The name is digits and letters made here, never input. A database a killed run of this
  // process id left behind goes first.
  Status made = admin->ExecScript("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  if (made.ok()) made = admin->ExecScript("CREATE DATABASE " + name_);
  EXPECT_TRUE(made.ok()) << "CREATE DATABASE " << name_ << ": " << made.ToString();
}

TestServerDb::~TestServerDb() {
  if (name_.empty()) return;
  auto admin = pg::PgDb::Connect(admin_);
  // FORCE ends the sessions of servers a test left running (killed ones' may linger a moment).
  if (admin.ok()) (void)(*admin)->ExecScript("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

int64_t TestServerDb::QueryInt(const std::string& sql) const {
  if (!postgres()) {
    auto db = Db::Open(url_, DbOptions{.read_only = true, .create = false});
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return -1;
    const Value v = QueryValue(**db, sql);
    return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : -1;
  }
  auto db = Connect(conninfo_);
  if (db == nullptr) return -1;
  auto rows = db->Exec(sql);
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
  if (!rows.ok() || rows->size() != 1 || rows->IsNull(0, 0)) return -1;
  return rows->Int(0, 0);
}

void TestServerDb::LoadFrom(const std::string& file) const {
  if (!postgres()) {
    std::filesystem::copy_file(file, url_);
    std::filesystem::permissions(
        url_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return;
  }
  CommandResult copied =
      RunCommand(FIELDBOOK_SERVER_BINARY, {"migrate", "--from", file, "--to", url_});
  EXPECT_EQ(copied.exit_code, 0) << copied.out << copied.err;
}

Status TestServerDb::Exec(const std::string& sql) const {
  if (!postgres()) {
    FB_ASSIGN_OR_RETURN(auto db, Db::Open(url_, DbOptions{}));
    return db->ExecScript(sql);
  }
  FB_ASSIGN_OR_RETURN(auto db, pg::PgDb::Connect(conninfo_));
  return db->ExecScript(sql);
}

std::string TestServerDb::AllStoredText() const {
  if (!postgres()) return ReadWholeFile(url_);
  auto db = Connect(conninfo_);
  if (db == nullptr) return "";
  EXPECT_TRUE(db->ExecScript("SET bytea_output = 'escape'").ok());
  auto tables = db->Exec(
      "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM "
      "information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN "
      "('pg_catalog', 'information_schema')");
  EXPECT_TRUE(tables.ok()) << tables.status().ToString();
  if (!tables.ok()) return "";
  std::string out;
  for (int i = 0; i < tables->size(); ++i) {
    // A table's name as the catalog quotes it, never input.
    const std::string table = tables->Text(i, 0);
    Status read = db->ExecEach("SELECT t::text FROM " + table + " t", {},
                               [&](const pg::PgRows& rows, int row) {
                                 out += rows.Text(row, 0) + "\n";
                                 return Status::Ok();
                               });
    EXPECT_TRUE(read.ok()) << table << ": " << read.ToString();
  }
  return out;
}

}  // namespace fieldbook::testing
