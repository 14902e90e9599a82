// `fieldbook-server` on a PostgreSQL --db (issue #15), through the real binaries: the commands that
// work on a SQLite file by nature (backup, restore, migrate --from) refuse a PostgreSQL database
// and name the tool to use instead, touching nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "integration/server_process.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Needs no cluster: the refusal comes before any connection.
TEST(ServeOnPostgresTest, FileCommandsRefuseADatabaseAndNameTheToolToUse) {
  TempDir dir;
  const std::string url = "postgresql://fieldbook@127.0.0.1:1/fieldbook";
  const std::string keywords = "host=" + dir.path().string() + " dbname=fieldbook";
  struct Case {
    std::vector<std::string> args;
    std::string names;
  };
  const std::vector<Case> cases = {
      {{"backup", "--db", url}, "pg_dump"},
      {{"backup", "--db", keywords, "--backup-dir", dir.File("b")}, "pg_basebackup"},
      {{"restore", dir.File("fieldbook-x.db"), "--db", url}, "pg_restore"},
      {{"restore", dir.File("fieldbook-x.db"), "--db", keywords, "--force"}, "pg_restore"},
      {{"migrate", "--from", url, "--to", url}, "pg_dump and pg_restore"},
  };
  for (const Case& c : cases) {
    const CommandResult run = RunServerCommand(c.args);
    EXPECT_EQ(run.exit_code, 2) << c.args[0] << ": " << run.out << run.err;
    EXPECT_TRUE(Has(run.err, "PostgreSQL")) << run.err;
    EXPECT_TRUE(Has(run.err, c.names)) << run.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.File("b"))) << "a backup folder was made";
  EXPECT_FALSE(std::filesystem::exists("postgresql:")) << "the URL was taken for a file name";
  EXPECT_FALSE(std::filesystem::exists(keywords)) << "the keywords were taken for a file name";
}

}  // namespace
}  // namespace fieldbook::testing
