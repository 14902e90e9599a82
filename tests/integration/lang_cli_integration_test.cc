// fieldbook-cli in the rep's language, end to end (issue #19): the real fieldbook-cli binary
// against the real fieldbook-server holding seed-demo's 300 garages (8 reps, two years of visits
// and orders, graded). One rep walks a day with --lang zh — status, customer list, search and show
// (grade reasons, the stage a first order decided), plan with the public pool's reclaim warnings,
// care, the pool (release, claim, requests, sync's answers), orders, visits, tasks, preferences and
// the review list (a reassigned garage's held edits) — and every line is in
// Chinese: the expected Chinese texts are there, no English sentence of the string tables leaks
// (each table entry's English words are looked for in the output), enumeration codes show their
// labels. The English twin walks the same day with --lang en and finds the English texts. The
// console's reasons (archive texts, at-risk reason texts) come in both languages too.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "fieldbook/dates.h"
#include "fieldbook/lang_text.h"
#include "integration/server_fixture.h"
#include "lang/messages.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;

constexpr const char* kRep = "rep-zhang-wei";

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A day counted from the device's today (local time), as YYYY-MM-DD.
std::string LocalDay(int plus_days) { return AddDays(LocalToday(), plus_days); }

// The English sentences of the string tables the CLI prints through (its own lines, the device's
// messages, the review list's words, the reasons): each entry's English cut at its values into
// pieces of two words or more that no Chinese text of the tables contains (command lines such as
// "fieldbook-cli pool claim ID" are the same in both languages).
std::vector<std::string> EnglishPieces() {
  std::string all_zh;
  for (const auto& table : {client::DeviceMessages(), CommonTexts()}) {
    for (const LangText& t : table) all_zh += std::string(t.zh) + "\n";
  }
  std::vector<std::string> out;
  static const std::regex kValue("\\{[^}]*\\}");
  for (const auto& table : {client::DeviceMessages(), CommonTexts()}) {
    for (const LangText& t : table) {
      const std::string en(t.en);
      for (std::sregex_token_iterator it(en.begin(), en.end(), kValue, -1), end; it != end; ++it) {
        std::string piece = *it;
        piece.erase(0, piece.find_first_not_of(" ,;:()[]'\"."));
        piece.erase(piece.find_last_not_of(" ,;:()[]'\".") + 1);
        if (piece.find(' ') == std::string::npos ||
            !std::regex_search(piece, std::regex("[a-z]{3}"))) {
          continue;
        }
        if (!Has(all_zh, piece)) out.push_back(piece);
      }
    }
  }
  return out;
}

class LangCliTest : public CliFixture {
 protected:
  // seed-demo's garages, graded, made once for the suite; each test works on its own copy.
  static void SetUpTestSuite() {
    seed_ = std::make_unique<TempDir>();
    const std::string db = seed_->File("seed.db");
    CommandResult seeded =
        RunServerCommand({"seed-demo", "--db", db, "--customers", "300", "--json"});
    ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
    seed_report_ = std::make_unique<json::value>(ParseJson(seeded.out));
    CommandResult graded = RunServerCommand({"grade", "--db", db});
    ASSERT_EQ(graded.exit_code, 0) << graded.err;
  }
  static void TearDownTestSuite() {
    seed_.reset();
    seed_report_.reset();
  }
  // Each test on its own copy of the graded demo book, the server running, the rep's device set up.
  void SetUp() override {
    ASSERT_TRUE(seed_report_ != nullptr);
    std::filesystem::copy_file(seed_->File("seed.db"), db_);
    std::filesystem::permissions(db_, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    std::string token;
    for (const auto& r : JsonArr(*seed_report_, "reps")) {
      if (JsonStr(r, "id") == kRep) token = JsonStr(r, "token");
    }
    ASSERT_FALSE(token.empty());
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
    Init("zhang", token);
  }

  void Server(std::vector<std::string> args) {
    args.insert(args.end(), {"--db", db_});
    CommandResult r = RunServerCommand(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // One command of the walk in `lang_`, kept under `name` (all of them in `all_`).
  std::string Say(const std::string& name, std::vector<std::string> args) {
    args.insert(args.end(), {"--lang", lang_});
    std::string out = Ok("zhang", args);
    outputs_[name] += out;
    all_ += out;
    return out;
  }

  // The rep's day: every command family the rep uses, in `lang`. Returns the ids it worked on.
  void Walk(const std::string& lang) {
    lang_ = lang;
    Say("sync", {"sync"});
    const json::value listed = OkJson("zhang", {"customer", "list"});
    ASSERT_GT(listed.as_array().size(), 20u) << "the demo rep holds dozens of garages";
    std::vector<std::string> ids;
    std::string visited;  // a garage with visits and a server grade
    for (const json::value& c : listed.as_array()) {
      ids.push_back(JsonStr(c, "id"));
      if (visited.empty() && !JsonStr(c, "last_visit").empty() &&
          !JsonStr(c, "graded_at").empty()) {
        visited = ids.back();
      }
    }
    ASSERT_FALSE(visited.empty());
    released_ = ids[1];
    moved_ = ids[2];
    Say("status", {"status"});
    Say("list", {"customer", "list"});
    Say("search", {"customer", "search", "汽"});
    Say("show", {"customer", "show", visited});

    // A garage deciding to buy orders: the grade says the order made it a customer.
    shuntong_ =
        JsonStr(OkJson("zhang", {"customer", "add", "--name", "顺通汽配", "--city", "佛山",
                                 "--purchase-stage", "deciding", "--relationship", "potential"}),
                "id");
    Say("order", {"order", "add", "--customer", shuntong_, "--line", "BOSCH-0986452041:4:120"});
    Say("customer edit", {"customer", "edit", shuntong_, "--phone", "13800138000"});
    Say("contact", {"contact", "add", "--customer", shuntong_, "--name", "陈师傅"});
    Say("pref",
        {"customer", "pref", "add", shuntong_, "--kind", "payment_terms", "--value", "月结"});
    Say("pref list", {"customer", "pref", "list", shuntong_});
    Say("task", {"task", "add", "--customer", shuntong_, "--due", LocalDay(3), "--kind", "call",
                 "--title", "回访"});
    Say("task list", {"task", "list"});
    Say("checkin", {"visit", "checkin", shuntong_, "--lat", "23.1291", "--lon", "113.2644"});
    Say("current", {"visit", "current"});
    Say("checkout", {"visit", "checkout", "--purpose", "routine", "--outcome", "ordered"});
    Say("sync", {"sync"});
    Server({"grade"});
    Say("sync", {"sync"});
    Say("show new", {"customer", "show", shuntong_});
    Say("order list", {"order", "list", "--customer", shuntong_});

    // The plan today, in a month and in a year (the pool's reclaim warnings come first).
    for (int days : {0, 30, 400}) Say("plan", {"plan", "--date", LocalDay(days)});
    Say("care", {"care", "list", "--days", "366"});

    // The pool: a manager releases one of the rep's garages; the rep sees it, claims it back and
    // gives another one up.
    Server({"pool", "release", released_, "--reason", "客户搬迁"});
    Say("sync", {"sync"});
    Say("pool list", {"pool", "list"});
    Say("claim", {"pool", "claim", released_});
    Say("requests", {"pool", "requests"});
    Say("status", {"status"});
    Say("sync", {"sync"});
    Say("requests", {"pool", "requests"});
    Say("release", {"pool", "release", ids[3], "--reason", "店已关门"});
    Say("sync", {"sync"});

    // The review list: a garage moves to another rep while this device edits it and logs a visit
    // (the visit is taken: the rep was there; the edits wait for a manager).
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    Server({"customer", "reassign", "--customer", moved_, "--to", "rep-li-na"});
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    Ok("zhang",
       {"customer", "edit", moved_, "--purchase-stage", "deciding", "--customer-type", "fleet"});
    Ok("zhang", {"visit", "log", "--customer", moved_, "--purpose", "routine", "--outcome",
                 "follow_up", "--notes", "问了价格"});
    Say("sync", {"sync"});
    Say("review", {"review", "list"});
    Say("status", {"status"});
  }

  std::string lang_;
  std::map<std::string, std::string> outputs_;
  std::string all_;
  std::string released_, moved_, shuntong_;
  static std::unique_ptr<TempDir> seed_;             // seed-demo's book, graded
  static std::unique_ptr<json::value> seed_report_;  // its --json report (reps and tokens)
};

std::unique_ptr<TempDir> LangCliTest::seed_;
std::unique_ptr<json::value> LangCliTest::seed_report_;

// What the day shows, per command, in each language: a text, or a pattern when it starts with
// "~" (counts and dates vary); "|" separates texts of which one must be there.
struct Shown {
  const char* command;
  struct {
    std::string zh, en;
  } texts;
};

std::vector<Shown> Expected(const std::string& shuntong) {
  return {
      {"sync", {"已与 ", "synced with "}},
      {"sync", {"  已接收：  ", "  received: "}},
      {"sync", {"  公海：    退回 ", "  pool:     release of "}},
      {"status", {"业务员：        " + std::string(kRep), "rep:            " + std::string(kRep)}},
      {"status", {"待发送改动：", "pending writes: "}},
      {"list", {"~\n[0-9]+ 个客户\n", "~\n[0-9]+ customers\n"}},
      {"list", {"上次拜访 ", "last visit "}},
      // customer show: labels, the grade and its reasons, visits.
      {"show", {"  编号 ", "  id "}},
      {"show", {"~类型 (汽修厂|经销商|车队|个人)", "~type (garage|dealer|fleet|individual)"}},
      {"show", {"最近购买：上次下单在 ", "recency: last order "}},
      {"show",
       {"~拜访（共 [0-9]+ 次，最近 [0-9]+ 次）：", "~Visits \\([0-9]+ latest of [0-9]+\\):"}},
      {"show",
       {"~订单（共 [0-9]+ 个，最近 [0-9]+ 个）：", "~Orders \\([0-9]+ latest of [0-9]+\\):"}},
      // The stage the first order decided, by its label in Chinese.
      {"show new",
       {"采购阶段：已成交：已经下单（原为 决策中）",
        "purchase_stage: customer: has ordered (was deciding)"}},
      {"show new", {"采购阶段 决策中", "stage deciding"}},
      {"show new", {"例行拜访 → 已下单", "routine → ordered"}},
      {"order", {"已添加订单 ", "added order "}},
      {"order list",
       {"合计 480.00，共 1 个订单", "total 480.00 in 1 order (voided orders and voids"}},
      // A yuan amount as the grade's amounts read in Chinese (session 15: was "480.00 CNY").
      {"order list", {"  480.00 元  ", "  480.00 CNY  "}},
      {"customer edit",
       {"已更新客户 " + shuntong + "：电话", "updated customer " + shuntong + ": phone"}},
      {"pref", {"已添加偏好 ", "added preference "}},
      {"pref list", {"付款方式  月结", "payment_terms  月结"}},
      {"task list", {"待办  电话  \"回访\"", "open  call  \"回访\""}},
      // The time in the Chinese form (session 15: was "2026-12-07 14:05 UTC").
      {"checkin",
       {"~已在 顺通汽配 签到，自 [0-9]{4}年[0-9]+月[0-9]+日 [0-9]{2}:[0-9]{2} UTC 起",
        "~checked in at 顺通汽配 since [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC "}},
      {"checkout", {"已离店：已记录拜访", "checked out: logged visit"}},
      // The plan, with the public pool's reclaim warnings first (a year ahead every garage not
      // visited since is due back in the pool).
      {"plan", {"的计划：", "Plan for "}},
      {"plan", {"公海提醒：", "Public pool (公海) warnings:"}},
      {"plan",
       {"~  ! .+：自 [0-9]{4}年[0-9]+月[0-9]+日 起应退回公海",
        "~  ! .+: due to return to the public pool since [0-9]{4}-"}},
      {"plan", {"（最近活动 ", "(last activity "}},
      {"care", {"关怀（", "Care ("}},
      // The pool: listing, claim, requests with the server's answers.
      {"pool list",
       {"~公海（截至 [0-9]{4}年[0-9]+月[0-9]+日 ", "~Public pool \\(公海\\) as of [0-9]{4}-"}},
      {"pool list", {"起在公海", "in the pool since "}},
      {"claim", {"已记录认领 ", "claim of "}},
      {"requests", {"：等待下次同步", ": waiting for the next sync"}},
      {"requests", {"：已批准|：被拒绝：", ": granted|: refused: "}},
      {"release", {"已记录退回 ", "release of "}},
      // The review list: the held edits of the stage and the type, values by their labels.
      {"review",
       {"客户已转给其他业务员：等待主管处理",
        "the garage moved to another rep: waits for your manager"}},
      {"review", {"采购阶段为 决策中", "Stage: Deciding"}},
      {"review", {"类型为 车队", "Type: Fleet"}},
      {"review", {"条记录服务器未按原样接受", "the server did not take as sent"}},
  };
}

// Every expected text of `lang` in the output of its command.
void ExpectShown(const std::map<std::string, std::string>& outputs, const std::string& lang,
                 const std::string& shuntong) {
  for (const Shown& e : Expected(shuntong)) {
    const std::string& want = lang == "zh" ? e.texts.zh : e.texts.en;
    const std::string& out = outputs.at(e.command);
    bool found = false;
    if (want[0] == '~') {
      found = std::regex_search(out, std::regex(want.substr(1)));
    } else {
      for (size_t at = 0; at <= want.size() && !found;) {
        const size_t bar = std::min(want.find('|', at), want.size());
        found = Has(out, want.substr(at, bar - at));
        at = bar + 1;
      }
    }
    EXPECT_TRUE(found) << e.command << ": \"" << want << "\" not in:\n" << out;
  }
}

TEST_F(LangCliTest, ARepsDayInChineseShowsChineseAndNoEnglishOfTheTables) {
  ASSERT_NO_FATAL_FAILURE(Walk("zh"));
  ExpectShown(outputs_, "zh", shuntong_);
  // Codes by their labels only.
  for (const char* code : {"routine", "delivery", "complaint", "promotion", "collection", "no_need",
                           "follow_up", "quoted", "resolved", "deciding", "fleet"}) {
    EXPECT_FALSE(Has(outputs_.at("show") + outputs_.at("review"), std::string(" ") + code)) << code;
  }
  // No English sentence of the tables anywhere in the day.
  const std::vector<std::string> pieces = EnglishPieces();
  ASSERT_GT(pieces.size(), 150u);
  for (const std::string& piece : pieces) {
    EXPECT_FALSE(Has(all_, piece)) << "\"" << piece << "\" in:\n" << all_;
  }
}

TEST_F(LangCliTest, TheSameDayInEnglishShowsTheEnglishTexts) {
  ASSERT_NO_FATAL_FAILURE(Walk("en"));
  ExpectShown(outputs_, "en", shuntong_);
  // None of the Chinese tables' words: Chinese only in the garages' own names and notes.
  for (const char* zh : {"公海提醒", "评级", "拜访（共", "已与 ", "业务员："}) {
    EXPECT_FALSE(Has(all_, zh)) << zh;
  }
}

bool HasCjk(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0xE3 && c <= 0xE9) return true;
  }
  return false;
}

// The console's reasons (the Customers page's archive, the dashboard's at-risk list) come with
// their texts in both languages, rendered from the stored codes: English in English, Chinese in
// Chinese with none of the English sentences of the reasons left in it; the enumerations' labels
// the console shows codes by come in both languages too.
TEST_F(LangCliTest, TheConsolesArchiveAndAtRiskReasonsComeInBothLanguages) {
  const std::string manager = AddRep("mgr", "Zhou Min", "manager");
  ASSERT_FALSE(manager.empty());
  std::vector<std::string> reason_pieces;
  for (const std::string& piece : EnglishPieces()) {
    bool common = false;
    for (const LangText& t : CommonTexts()) common |= Has(std::string(t.en), piece);
    if (common) reason_pieces.push_back(piece);
  }
  ASSERT_GT(reason_pieces.size(), 40u);
  auto no_english = [&](const std::string& zh) {
    EXPECT_TRUE(HasCjk(zh)) << zh;
    for (const std::string& piece : reason_pieces)
      EXPECT_FALSE(Has(zh, piece)) << piece << ": " << zh;
  };

  auto at_risk = Get("/v1/admin/reports/at-risk?limit=200", manager);
  ASSERT_TRUE(at_risk.ok()) << at_risk.status().ToString();
  ASSERT_EQ(at_risk->status, 200) << at_risk->body;
  const json::value risk_report = ParseJson(at_risk->body);
  const json::array& risky = JsonArr(risk_report, "customers");
  ASSERT_GT(risky.size(), 5u) << "the demo book has at-risk garages";
  for (const json::value& c : risky) {
    const json::value& texts = c.at("reason_texts");
    EXPECT_EQ(JsonStr(texts, "en"), JsonStr(c, "reasons"));
    EXPECT_FALSE(HasCjk(JsonStr(texts, "en"))) << JsonStr(texts, "en");
    EXPECT_TRUE(Has(JsonStr(texts, "en"), "days")) << JsonStr(texts, "en");
    no_english(JsonStr(texts, "zh"));
    EXPECT_TRUE(Has(JsonStr(texts, "zh"), "天")) << JsonStr(texts, "zh");
  }

  // Archives of graded garages: each reason's text and its rule's name in both languages.
  size_t reasons = 0;
  for (size_t i = 0; i < std::min<size_t>(risky.size(), 10); ++i) {
    auto archive = Get("/v1/admin/customers/archive?id=" + JsonStr(risky[i], "id"), manager);
    ASSERT_TRUE(archive.ok()) << archive.status().ToString();
    ASSERT_EQ(archive->status, 200) << archive->body;
    const json::value parsed = ParseJson(archive->body);
    for (const json::value& r : JsonArr(parsed.at("grade_reasons"), "reasons")) {
      ++reasons;
      const std::string en = JsonStr(r.at("text"), "en"), zh = JsonStr(r.at("text"), "zh");
      EXPECT_FALSE(en.empty());
      EXPECT_FALSE(HasCjk(en)) << en;
      no_english(zh);
      const std::string rule = JsonStr(r, "rule");
      EXPECT_EQ(JsonStr(r.at("rule_text"), "en"), rule);
      EXPECT_EQ(JsonStr(r.at("rule_text"), "zh"),
                std::string(CodeLabel(Lang::kChinese, "rule", rule)));
      EXPECT_TRUE(HasCjk(JsonStr(r.at("rule_text"), "zh"))) << rule;
      if (rule == "recency") {
        EXPECT_TRUE(Has(en, "last order") || Has(en, "no order yet")) << en;
        EXPECT_TRUE(Has(zh, "上次下单") || Has(zh, "尚无订单")) << zh;
      }
    }
  }
  EXPECT_GT(reasons, 30u);

  // The enumerations' labels the console shows codes by, in both languages; managers only.
  auto labels = Get("/v1/admin/labels", manager);
  ASSERT_TRUE(labels.ok()) << labels.status().ToString();
  ASSERT_EQ(labels->status, 200) << labels->body;
  const json::value label_doc = ParseJson(labels->body);
  const json::object& by_code = label_doc.at("labels").as_object();
  EXPECT_EQ(by_code.size(), CodeLabels().size());
  for (const LangText& l : CodeLabels()) {
    const json::value* both = by_code.if_contains(l.code);
    ASSERT_NE(both, nullptr) << l.code;
    EXPECT_EQ(JsonStr(*both, "en"), std::string(l.en));
    EXPECT_EQ(JsonStr(*both, "zh"), std::string(l.zh));
  }
  EXPECT_EQ(JsonStr(by_code.at("stage.deciding"), "zh"), "决策中");
  EXPECT_EQ(JsonStr(by_code.at("purpose.routine"), "en"), "Routine call");
  std::string rep_token;
  for (const auto& r : JsonArr(*seed_report_, "reps")) {
    if (JsonStr(r, "id") == kRep) rep_token = JsonStr(r, "token");
  }
  auto as_rep = Get("/v1/admin/labels", rep_token);
  ASSERT_TRUE(as_rep.ok());
  EXPECT_EQ(as_rep->status, 403);
}

}  // namespace
}  // namespace fieldbook::testing
