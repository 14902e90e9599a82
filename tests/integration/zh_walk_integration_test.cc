// A zh walk for leftover English (issue #19): the real fieldbook-cli against the real
// fieldbook-server walks a rep's whole day under --lang zh — status, customers (list, search,
// show, add, edit, preferences), contacts, products, visits (log, check in and out), orders (add,
// list, void, correct, an outlier), tasks, feedback, care, the plan, the public pool (list,
// claim, release, requests), the review list, sync that works and sync that fails (the server
// stopped, a token the server no longer takes), a damaged replica and its recovery, bad arguments
// of every command group, the store's conflicts, an export that cannot be written and a server
// URL, CA file or setup code init cannot use — and fails on any line that holds an English word.
//
// Everything the walk types is Chinese (names, notes, reasons), so an English word in the output
// is the program's own (what is not an English word: support/english_words.h). With
// FIELDBOOK_ZH_WALK_OUT set, the whole day is written to that file for a reader.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "integration/server_fixture.h"
#include "store/server_store.h"
#include "support/english_words.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

class ZhWalkTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    ASSERT_NO_FATAL_FAILURE(SeedAndStart());
  }

  // Two reps and four garages of the first on the server; the server started and the first
  // rep's device set up.
  void SeedAndStart() {
    token_ = AddRep("rep-01", "张伟");
    ASSERT_FALSE(AddRep("rep-02", "李娜").empty());
    {
      auto store = server::ServerStore::Open(db_, wall_);
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      std::vector<RowWrite> rows;
      const char* names[] = {"鑫达汽修", "老王修理厂", "顺通汽配", "鑫隆轮胎店"};
      for (int i = 0; i < 4; ++i) {
        rows.push_back(RowWrite{"customers",
                                "c00" + std::to_string(i + 1),
                                {{"name", S(names[i])},
                                 {"city", S("广州")},
                                 {"customer_type", S("garage")},
                                 {"owner_rep_id", S("rep-01")}}});
      }
      auto written = (*store)->Write(rows);
      ASSERT_TRUE(written.ok()) << written.status().ToString();
    }
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
    Init("zh", token_);
  }

  // One command of the walk in Chinese; its output (stdout and stderr) goes to the check. A
  // command expected to fail (`ok` false) must fail.
  CommandResult Say(std::vector<std::string> args, bool ok = true) {
    args.insert(args.end(), {"--lang", "zh"});
    CommandResult r = Cli("zh", args);
    std::string line = "$";
    for (const std::string& a : args) line += " " + a;
    EXPECT_EQ(r.exit_code == 0, ok) << line << "\n" << r.out << r.err;
    said_ += line + "\n" + r.out + r.err;
    return r;
  }
  // A command run only for its id (--json output is for scripts, not the rep).
  std::string NewId(std::vector<std::string> args) {
    args.push_back("--json");
    return JsonStr(OkJson("zh", args), "id");
  }
  void Server(std::vector<std::string> args) {
    args.insert(args.end(), {"--db", db_});
    CommandResult r = RunServerCommand(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::string token_;
  std::string said_;  // every command line and what it printed
};

// The walk's own reader: an error line's prefix names the program and its command, and only
// those are taken out; English after them is counted (the prefix once hid every lowercase word
// of the line, so an English error message passed the walk).
TEST(EnglishWordsTest, AnErrorLinesPrefixHidesOnlyTheProgramAndItsCommand) {
  EXPECT_EQ(EnglishWords("fieldbook-cli: recover: the token cannot be read"),
            (std::vector<std::string>{"the", "token", "cannot", "be", "read"}));
  EXPECT_EQ(EnglishWords("fieldbook-cli: status: cannot open the replica"),
            (std::vector<std::string>{"cannot", "open", "the", "replica"}));
  EXPECT_TRUE(EnglishWords("fieldbook-cli: pool claim: 已领取 c001").empty());
  EXPECT_TRUE(
      EnglishWords("fieldbook-cli: customer pref add: 客户 c001 已有付款方式 月结").empty());
  EXPECT_EQ(EnglishWords("fieldbook-cli: customer pref add: customer c001 already has"),
            (std::vector<std::string>{"customer", "already", "has"}));
  EXPECT_TRUE(EnglishWords("请运行 fieldbook-cli pool list 查看").empty());
  EXPECT_TRUE(EnglishWords("fieldbook-cli: 无法打开副本").empty());
}

TEST_F(ZhWalkTest, ARepsWholeDayInChineseHasNoEnglishWord) {
  // The day.
  Say({"sync"});
  Say({"status"});
  Say({"customer", "list"});
  Say({"customer", "search", "汽修"});
  Say({"customer", "show", "c001"});
  const std::string added = NewId({"customer", "add", "--name", "新华汽修", "--city", "佛山",
                                   "--purchase-stage", "deciding", "--relationship", "potential"});
  Say({"customer", "edit", added, "--phone", "13800138000", "--birthday", "1980-05-17"});
  Say({"customer", "pref", "add", added, "--kind", "payment_terms", "--value", "月结"});
  Say({"customer", "pref", "list", added});
  Say({"contact", "add", "--customer", added, "--name", "陈师傅", "--birthday", "1975-12-20"});
  Say({"product", "search", "刹车片"});
  Say({"visit", "log", "--customer", "c001", "--purpose", "routine", "--outcome", "quoted",
       "--notes", "报了刹车片的价格"});
  Say({"visit", "checkin", added, "--lat", "23.1291", "--lon", "113.2644"});
  Say({"visit", "current"});
  Say({"visit", "checkout", "--purpose", "routine", "--outcome", "ordered"});
  const std::string order =
      NewId({"order", "add", "--customer", added, "--line", "BP-1024:4:120", "--free-text"});
  const std::string voided =
      NewId({"order", "add", "--customer", added, "--line", "OF-220:2:35", "--free-text"});
  Say({"order", "void", voided, "--reason", "客户取消"});
  Say({"order", "list", "--customer", added});
  Say({"order", "correct", order, "--reason", "数量记错了", "--line", "BP-1024:5:120",
       "--free-text"});
  Say({"order", "list", "--customer", added});
  for (int i = 0; i < 3; ++i) {
    Say({"order", "add", "--customer", "c001", "--line", "SP-77:1:100", "--free-text"});
  }
  // 5,000 times the garage's usual order: refused until confirmed, and how to confirm it.
  const CommandResult outlier =
      Say({"order", "add", "--customer", "c001", "--line", "SP-77:5000:100", "--free-text"}, false);
  EXPECT_NE(outlier.err.find("请核对，无误后再确认（确认无误请加上 --confirm-outlier）"),
            std::string::npos)
      << outlier.err;
  Say({"task", "add", "--customer", added, "--due", "2030-01-02", "--kind", "call", "--title",
       "回访"});
  const std::string task =
      NewId({"task", "add", "--customer", "c001", "--due", "2030-01-03", "--title", "送样品"});
  Say({"task", "list"});
  Say({"task", "done", task});
  Say({"feedback", "add", "--customer", "c001", "--satisfaction", "4", "--complaint", "送货慢"});
  Say({"care", "list", "--days", "366"});
  Say({"plan"});
  Say({"sync"});

  // The pool: a manager releases a garage, the rep claims it back and gives another up.
  Server({"pool", "release", "c002", "--reason", "客户搬迁"});
  Say({"sync"});
  Say({"pool", "list"});
  Say({"pool", "claim", "c002"});
  Say({"pool", "requests"});
  Say({"sync"});
  Say({"pool", "release", "c004", "--reason", "店已关门"});
  Say({"sync"});
  Say({"pool", "requests"});
  Say({"plan", "--date", "2031-01-01"});

  // The review list: a garage moves to another rep while the device edits it.
  Server({"customer", "reassign", "--customer", "c003", "--to", "rep-02"});
  Say({"customer", "edit", "c003", "--purchase-stage", "deciding"});
  Say({"sync"});
  Say({"review", "list"});
  Say({"status"});

  // Bad arguments, one or more per command group, and refusals of the store.
  Say({"customer", "show", "c999"}, false);
  Say({"customer", "add", "--city", "佛山"}, false);
  Say({"customer", "edit", "c001", "--birthday", "1980-13-45"}, false);
  Say({"customer", "edit", "c001", "--owner-rep-id", "rep-02"}, false);
  Say({"customer", "list", "--stage", "随便"}, false);
  Say({"customer", "pref", "add", "c001", "--kind", "随便", "--value", "月结"}, false);
  Say({"contact", "add", "--customer", "c001"}, false);
  Say({"visit", "log", "--customer", "c001", "--check-in", "昨天"}, false);
  Say({"visit", "checkout"}, false);
  Say({"order", "add", "--customer", "c001", "--line", "BP-1024"}, false);
  Say({"order", "add", "--customer", "c001", "--line", "BP-1024:4:120", "--currency", "元",
       "--free-text"},
      false);
  Say({"order", "void", "o999"}, false);
  // The store's conflicts (English until session 15): a preference the garage already has, a
  // second check-in, a void voided again, a correction corrected again.
  Say({"customer", "pref", "add", added, "--kind", "payment_terms", "--value", "月结"}, false);
  Say({"visit", "checkin", "c001"});
  Say({"visit", "checkin", "c001"}, false);
  Say({"visit", "checkout", "--purpose", "routine", "--outcome", "quoted"});
  Say({"order", "void", voided, "--reason", "又取消了"}, false);
  Say({"order", "correct", order, "--reason", "再改一次", "--line", "BP-1024:6:120", "--free-text"},
      false);
  Say({"export", "--out", "/dev/full"}, false);
  Say({"task", "add", "--customer", "c001", "--due", "明天", "--title", "回访"}, false);
  Say({"task", "done", task}, false);
  Say({"feedback", "add", "--customer", "c001", "--satisfaction", "9"}, false);
  Say({"care", "list", "--days", "9999"}, false);
  Say({"plan", "--date", "某天"}, false);
  Say({"pool", "claim", "c999"}, false);
  Say({"pool", "release", "c001"}, false);
  Say({"review", "dismiss", "999"}, false);
  Say({"product", "search", ""}, false);
  Say({"customer", "随便"}, false);
  Say({"随便"}, false);
  Say({"sync", "--page-rows", "很多"}, false);
  Say({"init", "--server", "http://192.0.2.1:8443", "--token", "fbt_x"}, false);
  Say({"init", "--server", server_->url()}, false);
  // A server URL, CA file or setup code init cannot use (English until session 15).
  Say({"init", "--server", "https://服务器 地址", "--token", "fbt_x"}, false);
  Say({"init", "--server", "https://127.0.0.1:1", "--token", "fbt_x", "--ca-file",
       "/nonexistent/ca.pem"},
      false);
  Say({"init", "--server", server_->url(), "--code", std::string(70, 'A')}, false);

  // A care task from a birthday: its title and notes are written in Chinese.
  Say({"care", "task", added});
  Say({"customer", "show", added});
  // A damaged replica (its SQLite header overwritten): sync and status refuse it, recover needs
  // the server and token it cannot read, then rebuilds it from the server.
  {
    std::fstream replica(dir_.File("zh.db"), std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(replica.good());
    replica.write("not a replica!!!", 16);
  }
  Say({"sync"}, false);
  Say({"status"}, false);
  Say({"recover"}, false);
  Say({"recover", "--server", server_->url(), "--token", token_});
  Say({"status"});

  // Sync that fails: the server stopped, then a token it no longer takes.
  Say({"visit", "log", "--customer", "c001", "--notes", "老板不在"});
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  Say({"sync"}, false);
  Say({"status"});
  ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
  Server({"rep", "disable", "rep-01"});
  Say({"sync"}, false);

  if (const char* out = std::getenv("FIELDBOOK_ZH_WALK_OUT")) std::ofstream(out) << said_;
  // Every line: no English word.
  size_t lines = 0;
  std::istringstream in(said_);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("$ ", 0) == 0) continue;  // the command line itself
    ++lines;
    const std::vector<std::string> words = EnglishWords(line);
    EXPECT_TRUE(words.empty()) << "\"" << words.front() << "\" in: " << line;
  }
  EXPECT_GT(lines, 150u) << said_;
}

}  // namespace
}  // namespace fieldbook::testing
