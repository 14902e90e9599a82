#include "integration/test_server_db.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <utility>
#include <variant>

#include "fieldbook/sqlite_db.h"
#include "store/pg/pg_db.h"
#include "support/subprocess.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

// A run that asks for PostgreSQL with no cluster named skips everything, saying how to run it.
class PostgresRunEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (OnPostgres() && TestPgCluster().empty()) {
      GTEST_SKIP() << "FIELDBOOK_TEST_SERVER_DB=postgres: " << kNoTestPgCluster;
    }
  }
};
[[maybe_unused]] ::testing::Environment* const kPostgresRun =
    ::testing::AddGlobalTestEnvironment(new PostgresRunEnvironment);

std::unique_ptr<pg::PgDb> Connect(const std::string& conninfo) {
  auto db = pg::PgDb::Connect(conninfo, {.application_name = "fieldbook-integration-test"});
  EXPECT_TRUE(db.ok()) << "the test cluster (FIELDBOOK_TEST_PG): " << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

}  // namespace

SeededDemo SeedDemoOnce(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  const fs::path binary(FIELDBOOK_SERVER_BINARY);
  const fs::path dir = binary.parent_path() / "test-seed-cache";
  std::error_code ec;
  const std::string stamp =
      std::to_string(fs::file_size(binary, ec)) + "-" +
      std::to_string(fs::last_write_time(binary, ec).time_since_epoch().count());
  // Without --today seed-demo dates its data by the wall clock: today's date is in the key then.
  std::string key;
  for (const std::string& a : args) key += a + '\0';
  if (std::find(args.begin(), args.end(), "--today") == args.end()) {
    key += std::to_string(std::chrono::duration_cast<std::chrono::hours>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count() /
                          24);
  }
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a of the arguments (and the day)
  for (const char c : key) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  const std::string name = "seed-" + stamp + "-" + std::to_string(h);
  const fs::path db = dir / (name + ".db"), out = dir / (name + ".out");
  fs::create_directories(dir, ec);
  // One seeding per key across the test processes ctest runs side by side: under the lock the
  // first makes the pair, the others wait and find it; neither file is written again after, so
  // a database and its output (the devices' random tokens) always come from the same run.
  const int lock = ::open((dir / (name + ".lock")).c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  EXPECT_GE(lock, 0) << "the seed cache's lock in " << dir;
  if (lock >= 0) ::flock(lock, LOCK_EX);
  struct Unlock {
    int fd;
    ~Unlock() {
      if (fd >= 0) ::close(fd);  // releases the lock
    }
  } unlock{lock};
  if (!fs::exists(db)) {
    for (const auto& old : fs::directory_iterator(dir, ec)) {  // an older build's copies
      if (old.path().filename().string().rfind("seed-" + stamp + "-", 0) != 0) {
        fs::remove(old.path(), ec);
      }
    }
    const std::string part = (dir / (name + ".part")).string();
    for (const char* suffix : {".db", ".db-wal", ".db-shm", ".out"}) {
      fs::remove(part + suffix, ec);  // a killed run's
    }
    std::vector<std::string> seed = {"seed-demo", "--db", part + ".db"};
    seed.insert(seed.end(), args.begin(), args.end());
    CommandResult seeded = RunCommand(FIELDBOOK_SERVER_BINARY, seed);
    EXPECT_EQ(seeded.exit_code, 0) << seeded.out << seeded.err;
    if (seeded.exit_code != 0) return {};
    {
      std::ofstream o(part + ".out", std::ios::binary);
      o << seeded.out;
    }
    fs::rename(part + ".out", out);  // the output first: whoever sees the file finds it
    fs::rename(part + ".db", db);
  }
  return {db.string(), ReadWholeFile(out.string())};
}

bool OnPostgres() {
  const char* v = std::getenv("FIELDBOOK_TEST_SERVER_DB");
  return v != nullptr && std::string(v) == "postgres";
}

TestServerDb::TestServerDb(const TempDir& dir)
    : url_(dir.File("server.db")), source_copy_(dir.File("loaded-from.db")) {
  if (!OnPostgres() || TestPgCluster().empty()) return;  // SQLite, or skipped by the environment
  // Migrated already (a copy of the cluster's migrated template): `init` and the first command
  // find the schema made, as they would after the first `init` of a real install.
  database_ =
      std::make_unique<PgScratchDatabase>("fbit", PgScratchDatabaseOptions{.migrated = true});
  EXPECT_TRUE(database_->status().ok())
      << "a database on FIELDBOOK_TEST_PG: " << database_->status().ToString();
  url_ = database_->url();
}

TestServerDb::~TestServerDb() = default;

int64_t TestServerDb::QueryInt(const std::string& sql) const {
  if (!postgres()) {
    auto db = Db::Open(url_, DbOptions{.read_only = true, .create = false});
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return -1;
    const Value v = QueryValue(**db, sql);
    return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : -1;
  }
  auto db = Connect(conninfo());
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
  // From a copy of its own: `migrate` locks its source as `serve` would, and tests side by side
  // may load the same file (SeedDemoOnce).
  std::filesystem::copy_file(file, source_copy_, std::filesystem::copy_options::overwrite_existing);
  CommandResult copied =
      RunCommand(FIELDBOOK_SERVER_BINARY, {"migrate", "--from", source_copy_, "--to", url_});
  EXPECT_EQ(copied.exit_code, 0) << copied.out << copied.err;
}

Status TestServerDb::Exec(const std::string& sql) const {
  if (!postgres()) {
    FB_ASSIGN_OR_RETURN(auto db, Db::Open(url_, DbOptions{}));
    return db->ExecScript(sql);
  }
  FB_ASSIGN_OR_RETURN(auto db, pg::PgDb::Connect(conninfo()));
  return db->ExecScript(sql);
}

std::string TestServerDb::AllStoredText() const {
  if (!postgres()) return ReadWholeFile(url_);
  auto db = Connect(conninfo());
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
