// db_check: `serve` and every command but `init` refuse a file that is not a healthy Fieldbook
// server database (issue 13, damaged files), and `init` creates the database 0600.
#include "store/db_check.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "fieldbook/db_integrity.h"
#include "fieldbook/lang_text.h"
#include "fieldbook/sqlite_db.h"
#include "store/server_store.h"
#include "support/english_words.h"
#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::S;

class DbCheckTest : public ::testing::Test {
 protected:
  // A real server database with `customers` customers, closed.
  std::string MakeServerDb(const std::string& name, int customers) {
    const std::string path = dir_.File(name);
    EXPECT_TRUE(PrepareNewServerFile(path).ok());
    auto store = ServerStore::Open(path, wall_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    std::vector<RowWrite> rows;
    for (int i = 0; i < customers; ++i) {
      const std::string id = "c" + std::to_string(i);
      rows.push_back(RowWrite{"customers",
                              id,
                              {{"name", Value("鑫达汽修 " + id)},
                               {"notes", Value(std::string(200, 'n'))},
                               {"city", S("广州")}}});
    }
    EXPECT_TRUE((*store)->Write(rows).ok());
    // Fold the WAL into the file, as a stopped server leaves it.
    EXPECT_TRUE((*store)->hub().db().ExecScript("PRAGMA wal_checkpoint(TRUNCATE)").ok());
    return path;
  }

  static void Smash(const std::string& path, int64_t offset, const std::string& bytes) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(offset);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  static mode_t Mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 0777;
  }

  fieldbook::testing::TempDir dir_;
  fieldbook::testing::FakeWallClock wall_;
};

TEST_F(DbCheckTest, AHealthyDatabasePassesTheQuickCheck) {
  const std::string path = MakeServerDb("ok.db", 2000);
  auto check = CheckServerFile(path, 60000);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->quick_checked);
  EXPECT_TRUE(check->note.empty());
}

TEST_F(DbCheckTest, MissingEmptyForeignAndGarbageFilesAreRefusedByName) {
  auto missing = CheckServerFile(dir_.File("nope.db"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("fieldbook-server init"), std::string::npos);

  const std::string empty = dir_.File("empty.db");
  std::ofstream(empty).close();
  auto zero = CheckServerFile(empty, 60000);
  EXPECT_EQ(zero.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(zero.status().message().find("empty (0 bytes)"), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(empty), 0u);  // checked, not touched

  const std::string text = dir_.File("notes.txt");
  std::ofstream(text) << "SQLite is a database engine, this is a text file about it.\n";
  auto garbage = CheckServerFile(text);
  EXPECT_EQ(garbage.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(garbage.status().message().find("not a SQLite database"), std::string::npos);

  const std::string foreign = dir_.File("foreign.db");
  {
    auto db = Db::Open(foreign);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->ExecScript("CREATE TABLE songs (id INTEGER PRIMARY KEY, title TEXT)").ok());
  }
  auto other = CheckServerFile(foreign, 60000);
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find("not a Fieldbook server database"), std::string::npos);
  // init refuses it too, and leaves it as it was.
  EXPECT_EQ(PrepareNewServerFile(foreign).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PrepareNewServerFile(text).code(), StatusCode::kInvalidArgument);
}

TEST_F(DbCheckTest, SmashedPagesAndAHeaderBitFlipAreCaught) {
  const std::string good = MakeServerDb("good.db", 3000);
  const auto size = static_cast<int64_t>(std::filesystem::file_size(good));
  const int64_t page = 4096;
  ASSERT_GT(size / page, 40);
  std::mt19937 rng(13);
  int caught = 0, cases = 0, quick_checked = 0;
  auto attempt = [&](const std::string& what, const std::function<void(const std::string&)>& harm) {
    const std::string path = dir_.File("bad-" + std::to_string(cases++) + ".db");
    std::filesystem::copy_file(good, path);
    harm(path);
    auto check = CheckServerFile(path, 60000);
    if (!check.ok()) {
      ++caught;
      EXPECT_NE(check.status().message().find(path), std::string::npos) << what;
      // SQLite's words stay in the message (a command's English, the log); the phrase a manager
      // reads in Chinese names the file and none of them (issue #19).
      const std::string& message = check.status().message();
      const size_t words = message.find(" failed its integrity check: ");
      if (words != std::string::npos) {
        ++quick_checked;
        ASSERT_NE(check.status().phrase(), nullptr) << message;
        EXPECT_EQ(check.status().phrase()->code, "http_db_damaged");
        EXPECT_EQ(check.status().phrase()->values, (TextValues{{"path", path}}));
        const std::string zh = SayRefusal(Lang::kChinese, *check.status().phrase());
        const std::string sqlite_words = message.substr(words + 29, 12);
        EXPECT_EQ(zh.find(sqlite_words), std::string::npos) << zh;
        EXPECT_NE(zh.find("未通过完整性检查"), std::string::npos) << zh;
      }
    } else {
      ADD_FAILURE() << what << " went unnoticed";
    }
  };
  attempt("header magic", [&](const std::string& p) { Smash(p, 3, "x"); });
  attempt("page size", [&](const std::string& p) { Smash(p, 16, std::string("\x03\x01", 2)); });
  for (int i = 0; i < 6; ++i) {
    // A whole page of random bytes somewhere in the tables or indexes.
    const int64_t n = 2 + static_cast<int64_t>(rng() % static_cast<uint32_t>(size / page - 3));
    std::string junk(static_cast<size_t>(page), '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    attempt("page " + std::to_string(n + 1),
            [&](const std::string& p) { Smash(p, n * page, junk); });
  }
  for (int i = 0; i < 4; ++i) {
    // A b-tree page header: its type byte and cell count.
    const int64_t n = 2 + static_cast<int64_t>(rng() % static_cast<uint32_t>(size / page - 3));
    attempt("page header " + std::to_string(n + 1),
            [&](const std::string& p) { Smash(p, n * page, std::string("\x07\xff\xff\xff", 4)); });
  }
  EXPECT_EQ(caught, cases);
  EXPECT_GT(quick_checked, 0);
}

// A database another process holds locked is not damaged (the last session's review): the check
// could read nothing, so it says "locked, try again", never "restore a backup". Before, SQLite's
// SQLITE_BUSY was counted as damaged pages (quick_check) or as a file that cannot be opened.
TEST_F(DbCheckTest, ADatabaseLockedByAnotherProcessIsToldLockedNotDamaged) {
  const std::string path = MakeServerDb("locked.db", 200);
  {
    // Another program holding the file in exclusive locking mode (an sqlite3 shell, say): in WAL
    // mode nothing else can read it then.
    auto holder = Db::Open(path);
    ASSERT_TRUE(holder.ok()) << holder.status().ToString();
    ASSERT_TRUE((*holder)->ExecScript("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE").ok());
    auto checked = CheckServerFile(path, 60000);  // waits out its busy timeout (5 s), then says so
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.status().code(), StatusCode::kUnavailable) << checked.status().ToString();
    ASSERT_NE(checked.status().phrase(), nullptr) << checked.status().ToString();
    const Phrase& said = *checked.status().phrase();
    EXPECT_EQ(said.code, "http_db_busy");
    ASSERT_FALSE(said.values.empty());
    EXPECT_EQ(said.values[0], (std::pair<std::string, std::string>{"path", path}));
    for (Lang lang : {Lang::kEnglish, Lang::kChinese}) {
      const std::string text = SayRefusal(lang, said);
      EXPECT_EQ(text.find("restore"), std::string::npos) << text;
      EXPECT_EQ(text.find("恢复"), std::string::npos) << text;
      EXPECT_EQ(text.find("damaged pages"), std::string::npos) << text;
    }
    EXPECT_NE(SayRefusal(Lang::kChinese, said).find("锁定"), std::string::npos);
    ASSERT_TRUE((*holder)->ExecScript("COMMIT").ok());
  }

  // The quick check itself, stopped by a lock half-way through a session (a rollback-journal file
  // another connection holds in a write): no problem of the pages, SQLite's error as the error.
  {
    auto mode = Db::Open(path);
    ASSERT_TRUE(mode.ok());
    ASSERT_TRUE((*mode)->ExecScript("PRAGMA journal_mode = DELETE").ok());
  }
  DbOptions options;
  options.create = false;
  options.wal = false;
  auto checker = Db::Open(path, options);
  ASSERT_TRUE(checker.ok()) << checker.status().ToString();
  ASSERT_TRUE(
      (*checker)->ExecScript("PRAGMA busy_timeout = 0; SELECT count(*) FROM customers").ok());
  auto holder = Db::Open(path, options);
  ASSERT_TRUE(holder.ok()) << holder.status().ToString();
  ASSERT_TRUE((*holder)->ExecScript("BEGIN EXCLUSIVE").ok());
  const QuickCheckResult quick = QuickCheck(**checker, 60000);
  EXPECT_TRUE(quick.ok()) << quick.Summary();  // not one damaged page
  EXPECT_EQ(quick.error.code(), StatusCode::kUnavailable) << quick.error.ToString();
  ASSERT_TRUE((*holder)->ExecScript("COMMIT").ok());
  holder->reset();
  const QuickCheckResult again = QuickCheck(**checker, 60000);
  EXPECT_TRUE(again.ok() && again.error.ok()) << again.Summary() << again.error.ToString();
  checker->reset();

  auto sound = CheckServerFile(path, 60000);  // free again: the same file checks sound
  ASSERT_TRUE(sound.ok()) << sound.status().ToString();
  EXPECT_TRUE(sound->quick_checked);
}

TEST_F(DbCheckTest, InitCreatesTheDatabase0600) {
  const std::string path = dir_.File("fresh.db");
  ::umask(022);
  ASSERT_TRUE(PrepareNewServerFile(path).ok());
  auto store = ServerStore::Open(path, wall_);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Write({RowWrite{"customers", "c1", {{"name", S("x")}}}}).ok());
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(Mode(path + "-wal"), 0600u);
  // A database made 0644 by an older build is tightened by init.
  store->reset();
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(PrepareNewServerFile(path).ok());
  EXPECT_EQ(Mode(path), 0600u);
  ASSERT_TRUE(CheckServerFile(path, 1000).ok());
}

// Each refusal of the check names the file as a value (issue #19): the English message as it
// always read, the manager's Chinese with no English word but the file and the commands to type;
// init's refusal keeps the check's own nested in it (fieldbook/phrase_nest.h).
TEST_F(DbCheckTest, EveryRefusalNamesTheFileAndReadsInChinese) {
  const std::string empty = dir_.File("empty.db");
  std::ofstream(empty).close();
  const std::string text = dir_.File("notes.txt");
  std::ofstream(text) << "not a database at all, only words\n";
  const std::string foreign = dir_.File("foreign.db");
  {
    auto db = Db::Open(foreign);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->ExecScript("CREATE TABLE songs (id INTEGER PRIMARY KEY, title TEXT)").ok());
  }
  const std::string folder = dir_.File("folder.db");
  std::filesystem::create_directory(folder);
  struct Case {
    std::string path;
    Status status;
    const char* code;
    bool english_is_the_codes;  // the message is the code's English (no SQLite words in it)
  };
  const Case cases[] = {
      {dir_.File("nope.db"), CheckServerFile(dir_.File("nope.db")).status(), "http_db_missing",
       true},
      {folder, CheckServerFile(folder).status(), "http_db_not_regular", true},
      {empty, CheckServerFile(empty).status(), "http_db_empty", true},
      {text, CheckServerFile(text).status(), "http_db_not_sqlite", true},
      {foreign, CheckServerFile(foreign).status(), "http_db_foreign", true},
      {foreign, PrepareNewServerFile(foreign), "http_db_init_refused", false},
      {text, PrepareNewServerFile(text), "http_db_init_refused", false},
  };
  const std::set<std::string> commands = {"fieldbook-server", "init", "restore", "Fieldbook"};
  for (const Case& c : cases) {
    ASSERT_FALSE(c.status.ok()) << c.code;
    ASSERT_NE(c.status.phrase(), nullptr) << c.status.ToString();
    const Phrase& p = *c.status.phrase();
    EXPECT_EQ(p.code, c.code) << c.status.ToString();
    ASSERT_FALSE(p.values.empty());
    EXPECT_EQ(p.values[0], (std::pair<std::string, std::string>{"path", c.path}));
    if (c.english_is_the_codes) {
      EXPECT_EQ(SayRefusal(Lang::kEnglish, p), c.status.message());
    }
    std::string zh = SayRefusal(Lang::kChinese, p);
    EXPECT_EQ(zh.find('{'), std::string::npos) << zh;
    // The file's path is a name (a value), as are the commands to type and the product's name.
    for (size_t at; (at = zh.find(c.path)) != std::string::npos;) zh.erase(at, c.path.size());
    EXPECT_EQ(fieldbook::testing::EnglishWords(zh, commands), std::vector<std::string>{}) << zh;
  }
  // init's refusal: the check's own inside it, in either language.
  const Phrase& init = *cases[5].status.phrase();
  EXPECT_EQ(SayRefusal(Lang::kEnglish, init),
            "refusing to initialise " + foreign + ": " +
                SayRefusal(Lang::kEnglish, *cases[4].status.phrase()));
  EXPECT_EQ(SayRefusal(Lang::kChinese, init),
            "拒绝初始化 " + foreign + "：" + SayRefusal(Lang::kChinese, *cases[4].status.phrase()));
}

}  // namespace
}  // namespace fieldbook::server
