// Online backup (consistent while writers carry on, checked, rotated), database checks, restore
// and the serve lock that keeps restore away from a running server.
#include "store/backup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>

#include "commands/command_lang.h"
#include "commands/nightly_commands.h"
#include "fieldbook/lang_text.h"
#include "fieldbook/sqlite_db.h"
#include "store/server_store.h"
#include "support/english_words.h"
#include "support/server_store_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::server {
namespace {

namespace fs = std::filesystem;
using fieldbook::testing::QueryValue;
using fieldbook::testing::S;

class BackupTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    FB_SKIP_UNIT_ON_POSTGRES(
        "backups copy, check and restore server.db's pages; on PostgreSQL the database is backed "
        "up with pg_dump or pg_basebackup (docs/postgres.md)");
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    ASSERT_FALSE(AddRep("rep-a", "A").empty());
    AddCustomers(0, 300);
    options_.dir = dir_.File("backups");
    options_.keep = 3;
  }
  void AddCustomers(int from, int to) {
    std::vector<RowWrite> rows;
    for (int i = from; i < to; ++i) {
      rows.push_back(RowWrite{"customers",
                              "c" + std::to_string(i),
                              {{"name", S("汽修厂 with a name long enough to fill some pages")},
                               {"owner_rep_id", S("rep-a")}}});
    }
    ASSERT_TRUE(store_->Write(rows).ok());
  }
  static int64_t CustomersIn(const std::string& path) {
    DbOptions o;
    o.read_only = true;
    o.create = false;
    auto db = Db::Open(path, o);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return -1;
    return std::get<int64_t>(QueryValue(**db, "SELECT count(*) FROM customers"));
  }
  std::vector<std::string> FilesIn(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  BackupOptions options_;
};

TEST_F(BackupTest, ABackupIsOneConsistentSnapshotWhileWritersCarryOn) {
  options_.pages_per_chunk = 10;
  int chunk = 0;
  auto info = WriteBackup(db_path_, options_, wall_.NowMs(), [&]() -> Status {
    // Another connection commits between chunks: neither blocked nor restarting the copy.
    ++chunk;
    auto written = store_->Write(
        {RowWrite{"customers", "during-" + std::to_string(chunk), {{"name", S("new")}}}});
    return written.ok() ? Status::Ok() : written.status();
  });
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_GT(chunk, 3);
  EXPECT_EQ(info->chunks, chunk + 1);
  EXPECT_EQ(CustomersIn(info->file), 300);  // as of the start
  EXPECT_EQ(CustomersIn(db_path_), 300 + chunk);
  EXPECT_EQ(fs::path(info->file).parent_path(), fs::path(options_.dir));
  EXPECT_EQ(fs::path(info->file).filename().string(), "fieldbook-20261123T000000Z.db");
  EXPECT_EQ(info->bytes, static_cast<int64_t>(fs::file_size(info->file)));
  EXPECT_EQ(FilesIn(options_.dir), std::vector<std::string>{"fieldbook-20261123T000000Z.db"});
  auto check = CheckServerDatabase(info->file);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(check->schema_version, check->program_version);
}

TEST_F(BackupTest, ABackupIsReadableByItsOwnerOnly) {
  ::umask(022);
  auto info = WriteBackup(db_path_, options_, wall_.NowMs());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(info->file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // it holds every rep's data and the token hashes
}

TEST_F(BackupTest, AStopBetweenChunksLeavesNoFileBehind) {
  options_.pages_per_chunk = 2;
  int chunk = 0;
  auto info = WriteBackup(db_path_, options_, wall_.NowMs(), [&]() -> Status {
    return ++chunk == 3 ? Status::Unavailable("asked to stop") : Status::Ok();
  });
  EXPECT_EQ(info.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(FilesIn(options_.dir).empty());
}

TEST_F(BackupTest, RotationKeepsTheNewestAndTouchesNothingElse) {
  fs::create_directories(options_.dir);
  std::ofstream(options_.dir + "/notes.txt") << "mine";
  std::ofstream(options_.dir + "/fieldbook-latest.db") << "not a backup name";
  std::ofstream(options_.dir + "/fieldbook-20261101T000000Z.db.partial") << "killed mid-copy";
  std::vector<std::string> made;
  for (int i = 0; i < 5; ++i) {
    auto info = WriteBackup(db_path_, options_, wall_.NowMs());
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    made.push_back(fs::path(info->file).filename().string());
    if (i % 2 == 0) wall_.Advance(3600 * 1000);  // two backups in the same second get -1
  }
  EXPECT_EQ(made[1], "fieldbook-20261123T010000Z.db");
  EXPECT_EQ(made[2], "fieldbook-20261123T010000Z-1.db");
  auto listed = ListBackups(options_.dir);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ(fs::path((*listed)[0]).filename().string(), made[2]);
  EXPECT_EQ(fs::path((*listed)[2]).filename().string(), made[4]);
  EXPECT_EQ(FilesIn(options_.dir),
            (std::vector<std::string>{
                "fieldbook-20261123T010000Z-1.db", "fieldbook-20261123T020000Z-1.db",
                "fieldbook-20261123T020000Z.db", "fieldbook-latest.db", "notes.txt"}));
}

TEST_F(BackupTest, CheckRefusesWhatIsNotAnIntactServerDatabaseOfThisVersion) {
  EXPECT_EQ(CheckServerDatabase(dir_.File("missing.db")).status().code(), StatusCode::kNotFound);
  std::ofstream(dir_.File("garbage.db")) << std::string(8192, 'x');
  EXPECT_EQ(CheckServerDatabase(dir_.File("garbage.db")).status().code(), StatusCode::kCorrupt);
  {
    auto other = Db::Open(dir_.File("other.db"));
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE((*other)->ExecScript("CREATE TABLE t (x); INSERT INTO t VALUES (1);").ok());
  }
  EXPECT_EQ(CheckServerDatabase(dir_.File("other.db")).status().code(),
            StatusCode::kInvalidArgument);

  auto info = WriteBackup(db_path_, options_, wall_.NowMs());
  ASSERT_TRUE(info.ok());
  const std::string newer = dir_.File("newer.db");
  fs::copy_file(info->file, newer);
  {
    auto db = Db::Open(newer, DbOptions{.wal = false});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->ExecScript("PRAGMA user_version = 999").ok());
  }
  auto refused = CheckServerDatabase(newer);
  EXPECT_EQ(refused.status().code(), StatusCode::kConflict);
  EXPECT_NE(refused.status().message().find("999"), std::string::npos);

  // Damage in the middle of the file is found by the integrity check.
  const std::string damaged = dir_.File("damaged.db");
  fs::copy_file(info->file, damaged);
  {
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    const auto size = static_cast<std::streamoff>(fs::file_size(damaged));
    for (std::streamoff at = 4096 * 3; at < size; at += 4096 * 5) {
      f.seekp(at + 100);
      f << std::string(400, '\x5a');
    }
  }
  const Status found = CheckServerDatabase(damaged).status();
  EXPECT_EQ(found.code(), StatusCode::kCorrupt);
  // SQLite's words stay in the message (the log, the nightly run's report); the phrase a reader
  // sees in their language names the file and none of them (issue #19).
  // (The damage may break the schema first: then the file does not even open.)
  ASSERT_NE(found.phrase(), nullptr) << found.message();
  const bool opened = found.phrase()->code == "http_backup_damaged";
  if (!opened) EXPECT_EQ(found.phrase()->code, "http_backup_unreadable");
  const std::string before =
      damaged + (opened ? " failed its integrity check: " : " is not a readable SQLite database: ");
  ASSERT_EQ(found.message().rfind(before, 0), 0u) << found.message();
  EXPECT_EQ(found.phrase()->values, (TextValues{{"path", damaged}}));
  const std::string sqlite_words = found.message().substr(before.size(), 10);
  EXPECT_EQ(SayRefusal(Lang::kChinese, *found.phrase()).find(sqlite_words), std::string::npos);
  RestoreOptions restore;
  auto refused_restore = RestoreBackup(damaged, db_path_, restore, wall_);
  ASSERT_FALSE(refused_restore.ok());
  ASSERT_NE(refused_restore.status().phrase(), nullptr);
  EXPECT_EQ(refused_restore.status().phrase()->code, "http_restore_damaged");
  EXPECT_EQ(refused_restore.status().message().rfind("refusing to restore: " + before, 0), 0u);
}

TEST_F(BackupTest, RestoreReplacesTheDatabaseAndMakesEveryDeviceRebuild) {
  auto info = WriteBackup(db_path_, options_, wall_.NowMs());
  ASSERT_TRUE(info.ok());
  const uint64_t backup_seq = *store_->hub().LatestSeq();
  AddCustomers(300, 320);  // after the backup: lost by the restore
  const uint64_t live_seq = *store_->hub().LatestSeq();
  store_.reset();

  EXPECT_EQ(RestoreBackup(info->file, db_path_, RestoreOptions{}, wall_).status().code(),
            StatusCode::kConflict);  // exists, no --force
  EXPECT_EQ(CustomersIn(db_path_), 320);
  {
    auto serving = ServeLock::AcquireShared(db_path_);
    ASSERT_TRUE(serving.ok());
    auto refused = RestoreBackup(info->file, db_path_, RestoreOptions{.force = true}, wall_);
    EXPECT_EQ(refused.status().code(), StatusCode::kConflict);
    EXPECT_NE(refused.status().message().find("serving"), std::string::npos);
  }
  std::ofstream(dir_.File("bad.db")) << "not a database";
  EXPECT_EQ(RestoreBackup(dir_.File("bad.db"), db_path_, RestoreOptions{.force = true}, wall_)
                .status()
                .code(),
            StatusCode::kCorrupt);
  EXPECT_EQ(CustomersIn(db_path_), 320);  // untouched by the refusals

  auto restored = RestoreBackup(info->file, db_path_, RestoreOptions{.force = true}, wall_);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(CustomersIn(db_path_), 300);
  ASSERT_FALSE(restored->safety_copy.empty());
  EXPECT_EQ(CustomersIn(restored->safety_copy), 320);
  auto reopened = ServerStore::Open(db_path_, wall_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  const uint64_t seq = *(*reopened)->hub().LatestSeq();
  EXPECT_EQ(seq, backup_seq + RestoreOptions{}.seq_gap);
  EXPECT_GT(seq, live_seq);                      // numbers devices saw are never reused
  EXPECT_EQ(*(*reopened)->HistoryFloor(), seq);  // every cursor a device holds is below it
  EXPECT_EQ(restored->history_floor, seq);

  // Into a new path, no --force needed.
  auto fresh = RestoreBackup(info->file, dir_.File("fresh.db"), RestoreOptions{}, wall_);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_TRUE(fresh->safety_copy.empty());
  EXPECT_EQ(CustomersIn(dir_.File("fresh.db")), 300);
}

TEST_F(BackupTest, ServingSharesTheLockAndRestoreExcludesIt) {
  auto first = ServeLock::AcquireShared(db_path_);
  auto second = ServeLock::AcquireShared(db_path_);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(ServeLock::AcquireExclusive(db_path_).status().code(), StatusCode::kConflict);
  first->reset();
  second->reset();
  auto restoring = ServeLock::AcquireExclusive(db_path_);
  ASSERT_TRUE(restoring.ok());
  auto serve = ServeLock::AcquireShared(db_path_);
  EXPECT_EQ(serve.status().code(), StatusCode::kConflict);
  EXPECT_NE(serve.status().message().find("restore"), std::string::npos);
}

// What `fieldbook-server nightly`, `nightly report`, `backup` and `restore` print is in the
// manager's language (issue #19), at a realistic shape: a hub of 30 reps and 300 customers, the
// whole nightly run (grade, reclaim, verify, compact, backup). In Chinese no line holds an English
// word but the files' paths and units; in English the backup's line reads as it always did.
TEST_F(BackupTest, TheNightlyBackupAndRestoreCommandsSpeakTheManagersLanguage) {
  std::vector<RowWrite> moves;
  for (int r = 1; r <= 30; ++r) {
    const std::string rep = (r < 10 ? "rep-0" : "rep-") + std::to_string(r);
    ASSERT_FALSE(AddRep(rep, "业务员 " + std::to_string(r)).empty());
    for (int i = r; i < 300; i += 30) {
      moves.push_back(
          RowWrite{"customers", "c" + std::to_string(i), {{"owner_rep_id", Value(rep)}}});
    }
  }
  ASSERT_TRUE(store_->Write(moves).ok());
  store_.reset();  // the commands open the file themselves
  NightlySettings settings;
  settings.backup_dir = dir_.File("backups");
  settings.backup_keep = 2;
  auto run = [&](const std::function<int()>& command) {
    ::testing::internal::CaptureStdout();
    const int rc = command();
    std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 0) << out;
    return out;
  };
  // The language is the process's: back to the locale's choice however the test ends.
  struct LangBack {
    ~LangBack() { SetCommandLang(""); }
  } lang_back;
  SetCommandLang("zh");
  std::string zh = run([&] { return RunNightly(db_path_, settings, false); });
  zh += run([&] { return RunNightlyReport(db_path_, 1, false); });
  zh += run([&] { return RunBackup(db_path_, settings, false); });
  std::vector<std::string> backups;
  for (const auto& e : fs::directory_iterator(settings.backup_dir)) {
    backups.push_back(e.path().string());
  }
  ASSERT_FALSE(backups.empty());
  const std::string restored = dir_.File("restored.db");
  zh += run([&] { return RunRestore(backups.front(), restored, false); });
  SetCommandLang("en");
  const std::string en = run([&] { return RunBackup(db_path_, settings, false); });

  EXPECT_NE(zh.find("已将 " + db_path_ + " 备份到 "), std::string::npos) << zh;
  EXPECT_NE(zh.find("已将 " + backups.front() + " 恢复到 " + restored), std::string::npos) << zh;
  size_t lines = 0;
  for (size_t at = 0; at < zh.size();) {
    const size_t end = std::min(zh.find('\n', at), zh.size());
    const std::string line = zh.substr(at, end - at);
    at = end + 1;
    ++lines;
    EXPECT_EQ(fieldbook::testing::EnglishWords(line, {"MiB"}), std::vector<std::string>{}) << line;
  }
  EXPECT_GE(lines, 15u);  // the run and its 5 steps twice, the backup, the restore's
  EXPECT_TRUE(std::regex_match(
      en, std::regex("backed up " + db_path_ +
                     " to .+ \\(\\d+ bytes, integrity ok\\) in \\d+\\.\\d\\d s; \\d+ older "
                     "removed\n")))
      << en;
}

}  // namespace
}  // namespace fieldbook::server
