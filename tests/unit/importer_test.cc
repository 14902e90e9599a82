// RunImport on a real ServerStore (importer.h): the dry run writes nothing, duplicates are skipped,
// merged or flagged, customers are placed by their rep column or by the assignment rules (or go to
// the public pool), bad cells are reported with their row and column, contacts and visits link to
// customers by external id or phone.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>

#include "commands/import_commands.h"
#include "fieldbook/json.h"
#include "fieldbook/lang_text.h"
#include "fieldbook/text_width.h"
#include "fieldbook/utf8.h"
#include "import/importer.h"
#include "store/assignment_store.h"
#include "store/grading_store.h"
#include "store/pool_store.h"
#include "support/english_words.h"
#include "support/import_sheets.h"
#include "support/server_store_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::CustomerRows;
using fieldbook::testing::RowsToCsv;
using fieldbook::testing::RowsToXlsx;

class ImporterTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  // The options of an import of `bytes` (written to a file of the test's own).
  ImportOptions Options(ImportKind kind, const std::string& bytes, bool dry_run = false,
                        OnDuplicate dup = OnDuplicate::kSkip, const std::string& ext = ".csv") {
    const std::string path = dir_.File("sheet" + std::to_string(++files_) + ext);
    std::ofstream(path, std::ios::binary) << bytes;
    ImportOptions o;
    o.kind = kind;
    o.path = path;
    o.dry_run = dry_run;
    o.on_duplicate = dup;
    o.batch_rows = 7;
    o.today = "2026-11-30";
    return o;
  }
  Result<ImportReport> Import(ImportKind kind, const std::string& bytes, bool dry_run = false,
                              OnDuplicate dup = OnDuplicate::kSkip,
                              const std::string& ext = ".csv") {
    return RunImport(*store_, wall_, Options(kind, bytes, dry_run, dup, ext));
  }
  uint64_t Seq() { return *store_->hub().LatestSeq(); }
  int64_t Count(const std::string& sql) {
    auto s = store_->sql().Prepare(sql);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    auto row = (*s)->Step();
    const int64_t n = row.ok() && *row ? (*s)->Int(0) : -1;
    (*s)->Reset();
    return n;
  }
  int files_ = 0;
};

TEST_F(ImporterTest, DryRunReportsEveryRowAndWritesNothing) {
  AddRep("rep-a", "张伟 Zhang Wei");
  AddRep("rep-b", "李娜 Li Na");
  auto rows = CustomerRows(40, {});
  rows[3][7] = "2026/13/45";   // row 4: a bad birthday (column H)
  rows[5][2] = rows[4][2];     // row 6: the phone of row 5
  rows[9].push_back("stray");  // row 10: a value beyond the header
  rows[12][1] = "";            // row 13: no name
  const uint64_t seq = Seq();
  auto report = Import(ImportKind::kCustomers, RowsToCsv(rows), /*dry_run=*/true);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(Seq(), seq);
  EXPECT_EQ(Count("SELECT count(*) FROM customers"), 0);
  EXPECT_EQ(report->rows, 40);
  EXPECT_EQ(report->created, 36);
  EXPECT_EQ(report->rejected, 3);
  EXPECT_EQ(report->duplicates_skipped, 1);
  ASSERT_GE(report->issues.size(), 4u);
  EXPECT_EQ(report->issues[0].row, 4);
  EXPECT_EQ(report->issues[0].column, "H (生日)");
  EXPECT_EQ(report->issues[0].value, "2026/13/45");
  EXPECT_EQ(report->issues[1].row, 6);
  EXPECT_EQ(report->issues[1].level, "duplicate");
  EXPECT_NE(report->issues[1].reason.find("row 5"), std::string::npos);
  EXPECT_EQ(report->issues[2].row, 10);
  EXPECT_EQ(report->issues[3].row, 13);
  // Each problem is a value (issue #19): a code of the server's table with its values, its English
  // the reason as it always read, its Chinese with no English left (the console's and the CLI's).
  EXPECT_EQ(report->issues[1].why.code, "http_import_dup_phone_row_skipped");
  EXPECT_EQ(report->issues[1].why.values, (TextValues{{"row", "5"}}));
  EXPECT_EQ(SayRefusal(Lang::kChinese, report->issues[1].why),
            "可能重复（与第 5 行电话相同）：已跳过（可选择合并或标记）");
  EXPECT_EQ(report->issues[2].why.code, "http_import_beyond_header");
  EXPECT_EQ(report->issues[3].why.code, "http_import_no_name");
  for (const ImportIssue& i : report->issues) {
    ASSERT_NE(FindText(HttpRefusals(), i.why.code), nullptr) << i.reason;
    EXPECT_EQ(SayRefusal(Lang::kEnglish, i.why), i.reason);
    const std::string zh = SayRefusal(Lang::kChinese, i.why);
    for (const char* word : {"row", "column", "value", "name", "not "}) {
      EXPECT_EQ(zh.find(word), std::string::npos) << i.why.code << ": " << zh;
    }
  }
  // Every new customer is placed: the default rules spread them over the two reps.
  ASSERT_EQ(report->placements.size(), 36u);
  EXPECT_EQ(report->per_rep["rep-a"] + report->per_rep["rep-b"], 36);
  EXPECT_GE(report->per_rep["rep-a"], 17);
  EXPECT_GE(report->per_rep["rep-b"], 17);
  // The command's report (fieldbook-server import without --json): its English as it always read,
  // its Chinese with no English word but the data's (issue #19: its labels were English).
  const std::string en = ImportReportText(*report, Lang::kEnglish);
  for (const char* line :
       {"dry run: import customers from ",
        "\n  would be 36 new, would be 0 updated, 0 unchanged (imported before), 3 "
        "rejected\n  possible duplicates: 1 skipped, 0 merged, 0 flagged\n",
        "\nrows with problems (4):\n  row 4, column H (生日): error: ", " — value: 2026/13/45\n",
        "\nwho gets each new customer:\n  row 2  ", " -> rep-",
        "\ndry run: nothing was written; run again without --dry-run to import\n"}) {
    EXPECT_NE(en.find(line), std::string::npos) << line << " in:\n" << en;
  }
  const std::string zh = ImportReportText(*report, Lang::kChinese);
  EXPECT_NE(zh.find("\n  第 4 行，H (生日) 列：错误："), std::string::npos) << zh;
  EXPECT_NE(zh.find("\n每个新客户的归属：\n  第 2 行  "), std::string::npos) << zh;
  std::istringstream lines(zh);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(fieldbook::testing::EnglishWords(line, {"rep-a", "rep-b", "stray"}),
              std::vector<std::string>{})
        << line;
  }

  // The real import does what the dry run said, and a second one changes nothing.
  auto real = Import(ImportKind::kCustomers, RowsToCsv(rows));
  ASSERT_TRUE(real.ok()) << real.status().ToString();
  EXPECT_EQ(real->created, 36);
  EXPECT_EQ(real->per_rep, report->per_rep);
  EXPECT_EQ(fieldbook::testing::EnglishWords(ImportReportText(*real, Lang::kChinese),
                                             {"rep-a", "rep-b", "stray"}),
            std::vector<std::string>{});
  EXPECT_NE(ImportReportText(*real, Lang::kEnglish)
                .find("\ndone in 6 batch(es); devices receive the changes at their next sync\n"),
            std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM customers"), 36);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_scope"), 36);
  const uint64_t after = Seq();
  auto again = Import(ImportKind::kCustomers, RowsToCsv(rows));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 36);
  EXPECT_EQ(again->created, 0);
  EXPECT_EQ(Seq(), after);
  // A changed cell is an update of that column only.
  rows[1][4] = "广州新地址1号";
  auto changed = Import(ImportKind::kCustomers, RowsToCsv(rows));
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->updated, 1);
  EXPECT_EQ(changed->unchanged, 35);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE address = '广州新地址1号'"), 1);
}

// A problem's value is cut at a whole character (the re-read of session 14: it was cut at byte 200,
// inside a character, and the report held bytes that are not UTF-8).
TEST_F(ImporterTest, AProblemsLongValueIsCutAtAWholeCharacter) {
  auto rows = CustomerRows(2, {});
  std::string days;
  for (int i = 0; i < 100; ++i) days += "日";
  rows[1][7] = "x" + days;  // 301 bytes: byte 200 is the second of the 67th 日
  auto report = Import(ImportKind::kCustomers, RowsToCsv(rows), /*dry_run=*/true);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->issues.size(), 1u);
  const std::string& value = report->issues[0].value;
  EXPECT_TRUE(IsValidUtf8(value));
  EXPECT_EQ(value, "x" + days.substr(0, 66 * 3) + "…");

  // A cell over the reader's limit refuses the whole file before anything is written: the English
  // says so, and so does the Chinese (session 15's re-read: "(nothing was written)" was English
  // only), from {written: nothing} beside the reader's code and values; a dry run does not say it.
  ImportOptions o = Options(ImportKind::kCustomers, RowsToCsv(rows));
  o.sheet.max_cell_bytes = 100;
  auto refused = RunImport(*store_, wall_, o);
  ASSERT_FALSE(refused.ok());
  const Status& why = refused.status();
  EXPECT_TRUE(why.message().ends_with(" (nothing was written)")) << why.message();
  ASSERT_NE(why.phrase(), nullptr);
  EXPECT_TRUE(NothingWritten(why));
  EXPECT_EQ(ImportFailureText(why, Lang::kEnglish), why.message());
  const std::string zh = ImportFailureText(why, Lang::kChinese);
  EXPECT_TRUE(zh.ends_with("（未写入任何内容）")) << zh;
  EXPECT_EQ(fieldbook::testing::EnglishWords(zh), std::vector<std::string>{}) << zh;
  EXPECT_EQ(Count("SELECT count(*) FROM customers"), 0);
  o.dry_run = true;
  auto dry = RunImport(*store_, wall_, o);
  ASSERT_FALSE(dry.ok());
  EXPECT_FALSE(NothingWritten(dry.status()));
  EXPECT_FALSE(ImportFailureText(dry.status(), Lang::kChinese).ends_with("（未写入任何内容）"));
}

TEST_F(ImporterTest, DuplicatesOfLiveCustomersAreSkippedMergedOrFlagged) {
  AddRep("rep-a", "张伟 Zhang Wei");
  ASSERT_TRUE(Import(ImportKind::kCustomers, RowsToCsv(CustomerRows(3, {"rep-a"}))).ok());
  // Another system's export: new external ids, the same phones (row 2), same name and city (3).
  std::vector<std::vector<std::string>> other = {
      {"编号", "名称", "电话", "城市", "备注"},
      {"X1", "别的名字", fieldbook::testing::CustomerPhone(1), "深圳", "from the old CRM"},
      {"X2", fieldbook::testing::CustomerName(2), "", "深圳", ""},
      {"X3", "全新客户", "13999999999", "广州", ""}};
  auto skip = Import(ImportKind::kCustomers, RowsToCsv(other), false, OnDuplicate::kSkip);
  ASSERT_TRUE(skip.ok()) << skip.status().ToString();
  EXPECT_EQ(skip->duplicates_skipped, 2);  // X1 by phone, X2 by name and city (深圳)
  EXPECT_EQ(skip->created, 1);
  ASSERT_EQ(skip->issues.size(), 2u);
  EXPECT_NE(skip->issues[0].reason.find("the same phone"), std::string::npos);
  EXPECT_NE(skip->issues[1].reason.find("the same name and city"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM customers"), 4);
  other[1][0] = "Y1";
  auto merge =
      Import(ImportKind::kCustomers, RowsToCsv({other[0], other[1]}), false, OnDuplicate::kMerge);
  ASSERT_TRUE(merge.ok());
  EXPECT_EQ(merge->merged, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM customers"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE notes = 'from the old CRM'"), 1);
  other[1][0] = "Z1";
  auto flag =
      Import(ImportKind::kCustomers, RowsToCsv({other[0], other[1]}), false, OnDuplicate::kFlag);
  ASSERT_TRUE(flag.ok());
  EXPECT_EQ(flag->flagged, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM customers"), 5);
  EXPECT_GE(Count("SELECT count(*) FROM fb_possible_duplicates"), 1);
}

// Each new customer is placed: by its 业务员 column, by the assignment rules, or in the public pool
// when no rep can take it (the rep serves only GD-GZ). Who gets it is a value too (issue #19): the
// English "how" as it always read, a code with its values and the plan's own reason in it, and in
// Chinese no English word left but names (the rep's id, the regions' codes).
TEST_F(ImporterTest, ACustomerNoRepCanTakeGoesToThePublicPoolAndEachHowReadsInChinese) {
  AddRep("rep-a", "张伟 Zhang Wei");
  AssignmentStore assignment(*store_, wall_);
  ProfileUpdate only_gz;
  only_gz.regions = std::vector<std::string>{"GD-GZ"};
  ASSERT_TRUE(assignment.SetProfile("rep-a", only_gz, "test").ok());
  ASSERT_TRUE(store_->AddTerritory("广州天河", "GD-GZ", "广州").ok());
  ASSERT_TRUE(store_->AddTerritory("深圳宝安", "GD-SZ", "深圳").ok());
  std::vector<std::vector<std::string>> rows = {{"客户名称", "区域", "业务员"},
                                                {"广州客户", "GD-GZ", ""},
                                                {"深圳客户", "深圳宝安", ""},
                                                {"无区域", "火星", ""},
                                                {"指定客户", "深圳宝安", "rep-a"}};
  auto report = Import(ImportKind::kCustomers, RowsToCsv(rows));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->created, 4);
  EXPECT_EQ(report->per_rep["rep-a"], 3);  // 广州客户, the one without a territory, 指定客户
  EXPECT_EQ(report->pooled, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_pool"), 1);
  ASSERT_EQ(report->issues.size(), 1u);  // 火星: no such territory (a warning)
  EXPECT_EQ(report->issues[0].level, "warning");
  ASSERT_EQ(report->placements.size(), 4u);
  std::map<std::string, const ImportPlacement*> by_name;
  for (const ImportPlacement& p : report->placements) by_name[p.name] = &p;
  const ImportPlacement& rules = *by_name.at("广州客户");
  const ImportPlacement& pool = *by_name.at("深圳客户");
  const ImportPlacement& column = *by_name.at("指定客户");
  EXPECT_EQ(pool.rep, "");
  EXPECT_EQ(by_name.at("无区域")->rep, "rep-a");
  // The English as before.
  EXPECT_TRUE(
      std::regex_match(rules.how, std::regex(R"(assignment rules v\d+: .+ \(load \d+(/\d+)?\))")))
      << rules.how;
  EXPECT_EQ(pool.how.rfind("public pool: ", 0), 0u) << pool.how;
  EXPECT_EQ(column.how, "column 业务员");
  EXPECT_EQ(rules.how_why.code, "http_import_placed_by_rules");
  EXPECT_FALSE(rules.reason.code.empty());
  EXPECT_EQ(pool.how_why.code, "http_import_placed_in_pool");
  EXPECT_FALSE(pool.reason.code.empty());
  EXPECT_EQ(column.how_why.code, "http_import_placed_by_column");
  EXPECT_EQ(column.how_why.values, (TextValues{{"column", "业务员"}}));
  for (const ImportPlacement& p : report->placements) {
    EXPECT_EQ(PlacementText(Lang::kEnglish, p), p.how);
    std::string zh = PlacementText(Lang::kChinese, p);
    EXPECT_EQ(zh.find('{'), std::string::npos) << zh;
    // Names stay as they are: the rep's id and the regions' codes.
    zh = std::regex_replace(zh, std::regex("rep-a|GD-[A-Z]{2}"), "");
    EXPECT_FALSE(std::regex_search(zh, std::regex("[A-Za-z]{2,}")))
        << PlacementText(Lang::kChinese, p);
  }
  EXPECT_EQ(PlacementText(Lang::kChinese, column), "按“业务员”列");
  EXPECT_EQ(PlacementText(Lang::kChinese, pool).rfind("放入公海：", 0), 0u);
  EXPECT_EQ(PlacementText(Lang::kChinese, rules).rfind("分配规则第 ", 0), 0u);
}

// A long 业务员 header stays out of the placements (session 15's re-read: each listed placement
// held it uncut twice, and the report's JSON four times): a placement names the column by its first
// 64 bytes, whole characters then "…", as an issue names a column. Past max_listed (1,000) the
// placements are not listed and the counts stay complete.
TEST_F(ImporterTest, ALongRepHeaderKeepsTheReportBounded) {
  AddRep("rep-a", "张伟 Zhang Wei");
  AddRep("rep-b", "李娜 Li Na");
  std::string note;
  while (note.size() < 8192) note += "负责本区域的销售代表";
  // Still the rep column: the "(unit)" is dropped. Every other row is placed by the rules.
  std::vector<std::vector<std::string>> rows = {{"客户名称", "业务员（" + note + "）"}};
  const int n = 1200;
  for (int i = 1; i <= n; ++i) rows.push_back({"客户" + std::to_string(i), i % 2 ? "rep-a" : ""});
  ImportOptions o = Options(ImportKind::kCustomers, RowsToCsv(rows), /*dry_run=*/true);
  o.batch_rows = 500;  // the rules plan each batch over every customer placed before it
  auto report = RunImport(*store_, wall_, o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->created, n);
  EXPECT_EQ(report->per_rep["rep-a"] + report->per_rep["rep-b"], n);
  EXPECT_EQ(report->pooled, 0);
  ASSERT_EQ(report->placements.size(), 1000u);
  const std::string cut = Utf8Prefix(rows[0].back(), 64);
  EXPECT_EQ(cut, "业务员（负责本区域的销售代表负责本区域的销…");  // 64 bytes: 4 + 10 + 7 characters
  int by_column = 0, by_rules = 0;
  size_t longest = 0;  // bytes of a placement's "how" and values
  for (const ImportPlacement& p : report->placements) {
    size_t bytes = p.how.size();
    for (const auto& [name, value] : p.how_why.values) bytes += value.size();
    longest = std::max(longest, bytes);
    if (p.how_why.code == "http_import_placed_by_column") {
      by_column += p.how == "column " + cut && p.how_why.values == TextValues{{"column", cut}};
    } else {
      by_rules += p.how_why.code == "http_import_placed_by_rules" &&
                  p.how.rfind("assignment rules v", 0) == 0 &&
                  PlacementText(Lang::kEnglish, p) == p.how;
    }
  }
  EXPECT_EQ(by_column, 500);
  EXPECT_EQ(by_rules, 500);
  EXPECT_LT(longest, 200u);
  // The report's JSON (the command's --json, the admin API's answer): under 1 KiB a placement
  // (one placed by the column held the header 4 times: "how", "how_values", "how_text" en and zh).
  const boost::json::object json = ImportReportJson(*report);
  EXPECT_LT(WriteJson(json.at("placements")).size(), 1000u * 1024u);
}

TEST_F(ImporterTest, ContactsVisitsAndOrdersLinkByExternalIdOrPhone) {
  AddRep("rep-a", "张伟 Zhang Wei");
  ASSERT_TRUE(Import(ImportKind::kCustomers, RowsToCsv(CustomerRows(5, {"rep-a"}))).ok());
  std::vector<std::vector<std::string>> contacts = {
      {"客户编号", "客户电话", "联系人", "职务", "手机", "主联系人"},
      {"C000001", "", "王师傅", "owner", "13700000001", "是"},
      {"", fieldbook::testing::CustomerPhone(2), "李老板", "buyer", "", "否"},
      {"C999999", "", "无名", "", "", ""}};
  auto c = Import(ImportKind::kContacts, RowsToCsv(contacts));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->created, 2);
  EXPECT_EQ(c->rejected, 1);
  EXPECT_EQ(c->issues[0].column, "A (客户编号)");
  std::vector<std::vector<std::string>> visits = {
      {"客户编号", "拜访日期", "目的", "结果"},
      {"C000003", "2026年11月23日 10:30", "routine", "ordered"},
      {"C000003", "46349", "delivery", ""}};
  auto v = Import(ImportKind::kVisits, RowsToXlsx(visits, {1}), false, OnDuplicate::kSkip, ".xlsx");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->created, 2);
  EXPECT_EQ(Count("SELECT count(*) FROM visits WHERE rep_id = 'rep-a' AND check_in IN "
                  "('2026-11-23T10:30:00Z', '2026-11-23T00:00:00Z')"),
            2);
  // Orders: lines of one order number together; amounts with ¥ and separators; grades follow.
  std::vector<std::vector<std::string>> orders = {
      {"订单号", "客户编号", "订单日期", "配件号", "数量", "单价", "金额"},
      {"SO1", "C000001", "2026/11/01", "NGK-BKR6E", "2", "¥1,200.50", ""},
      {"SO1", "C000001", "2026/11/01", "MANN-W712", "1", "", "￥99元"},
      {"SO2", "C000002", "46300", "", "", "", "1.2万"}};
  auto o = Import(ImportKind::kOrders, RowsToCsv(orders));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->created, 2);
  EXPECT_EQ(o->lines_created, 2);
  EXPECT_TRUE(o->regraded);
  EXPECT_EQ(Count("SELECT amount_cents FROM orders WHERE order_date = '2026-11-01'"), 250000);
  EXPECT_EQ(Count("SELECT amount_cents FROM orders WHERE order_date = '2026-10-05'"), 1200000);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE graded_at IS NOT NULL"), 5);
  auto again = Import(ImportKind::kOrders, RowsToCsv(orders));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 2);
  EXPECT_EQ(again->lines_unchanged, 2);
  EXPECT_EQ(Count("SELECT count(*) FROM order_lines"), 2);
}

// Regression: an order number whose rows were not consecutive became two orders when both groups
// fell in one batch (and in every dry run), the key pointing at the second.
TEST_F(ImporterTest, AnOrderNumberSeenAgainAfterOtherOrdersIsNotASecondOrder) {
  AddRep("rep-a", "张伟 Zhang Wei");
  ASSERT_TRUE(Import(ImportKind::kCustomers, RowsToCsv(CustomerRows(3, {"rep-a"}))).ok());
  std::vector<std::vector<std::string>> orders = {
      {"订单号", "客户编号", "订单日期", "配件号", "数量", "单价"},
      {"SO1", "C000001", "2026/11/01", "NGK-BKR6E", "2", "100"},
      {"SO2", "C000002", "2026/11/02", "MANN-W712", "1", "50"},
      {"SO1", "C000001", "2026/11/01", "BOSCH-0986", "1", "30"}};
  auto dry = Import(ImportKind::kOrders, RowsToCsv(orders), /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->created, 2);
  EXPECT_EQ(dry->rejected, 1);
  auto o = Import(ImportKind::kOrders, RowsToCsv(orders));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->created, 2);
  EXPECT_EQ(o->rejected, 1);
  ASSERT_FALSE(o->issues.empty());
  EXPECT_EQ(o->issues.back().row, 4);
  EXPECT_NE(o->issues.back().reason.find("consecutive rows"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 2);
  EXPECT_EQ(Count("SELECT amount_cents FROM orders WHERE order_date = '2026-11-01'"), 20000);
  // Importing the same file again changes nothing.
  auto again = Import(ImportKind::kOrders, RowsToCsv(orders));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->created, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 2);
}

// An order's lines are written with it in one transaction, so they need no import key each (a
// million order lines made a million keys): an order imported before is compared with the lines
// it has in the store.
TEST_F(ImporterTest, AnOrderImportedBeforeIsComparedWithItsStoredLines) {
  AddRep("rep-a", "张伟 Zhang Wei");
  ASSERT_TRUE(Import(ImportKind::kCustomers, RowsToCsv(CustomerRows(3, {"rep-a"}))).ok());
  std::vector<std::vector<std::string>> orders = {
      {"订单号", "客户编号", "订单日期", "配件号", "品名", "数量", "单价"},
      {"SO1", "C000001", "2026/11/01", "NGK-BKR6E", "火花塞", "2", "100"},
      {"SO1", "C000001", "2026/11/01", "NGK-BKR6E", "火花塞", "2", "100"},  // the same line twice
      {"SO1", "C000001", "2026/11/01", "MANN-W712", "", "1", "50"},
      {"SO2", "C000002", "2026/11/02", "BOSCH-0986", "", "3", "30"}};
  auto first = Import(ImportKind::kOrders, RowsToCsv(orders));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->created, 2);
  EXPECT_EQ(first->lines_created, 4);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_import_keys WHERE kind = 'order_line'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_import_keys WHERE kind = 'order'"), 2);
  // Again: every line is one the stored order has.
  auto again = Import(ImportKind::kOrders, RowsToCsv(orders));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 2);
  EXPECT_EQ(again->lines_unchanged, 4);
  EXPECT_EQ(again->rejected, 0);
  // A third copy of a line, and a changed quantity, are lines SO1 does not have: refused, and
  // nothing is written.
  orders.push_back({"SO1", "C000001", "2026/11/01", "NGK-BKR6E", "火花塞", "2", "100"});
  std::swap(orders[4], orders[5]);
  orders[3][5] = "4";
  const uint64_t seq = Seq();
  auto changed = Import(ImportKind::kOrders, RowsToCsv(orders));
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->rejected, 2);
  EXPECT_EQ(changed->lines_unchanged, 3);
  ASSERT_EQ(changed->issues.size(), 2u);
  EXPECT_EQ(changed->issues[0].row, 4);
  EXPECT_EQ(changed->issues[1].row, 5);
  EXPECT_NE(changed->issues[0].reason.find("without this line"), std::string::npos);
  EXPECT_EQ(Seq(), seq);
  EXPECT_EQ(Count("SELECT count(*) FROM order_lines"), 4);
}

// Beside a running server the import takes the store's lock for one batch at a time
// (ImportOptions::lock_store), so that devices sync between batches.
TEST_F(ImporterTest, TheStoresLockIsTakenOneBatchAtATime) {
  AddRep("rep-a", "张伟 Zhang Wei");
  const std::string path = dir_.File("locked.csv");
  std::ofstream(path, std::ios::binary) << RowsToCsv(CustomerRows(50, {"rep-a"}));
  std::mutex mu;
  int taken = 0;
  ImportOptions o;
  o.kind = ImportKind::kCustomers;
  o.path = path;
  o.batch_rows = 10;
  o.lock_store = [&] {
    std::unique_lock<std::mutex> lock(mu);
    ++taken;
    return lock;
  };
  auto report = RunImport(*store_, wall_, o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->created, 50);
  EXPECT_EQ(report->batches, 5);
  // Taken for the reference data, for each of the five batches, and for the audit at the end;
  // held for the whole import, it would have been taken once.
  EXPECT_GE(taken, 7);
  EXPECT_TRUE(mu.try_lock());  // released at the end
  mu.unlock();
}

// Regression (#17): the regrade after an import of orders held the store's lock from its first
// read to its commit, so beside a running server every device's sync waited for the whole run.
// It now writes in steps, each under its own hold of the lock.
TEST_F(ImporterTest, TheRegradeAfterOrdersReleasesTheStoresLockBetweenItsSteps) {
  AddRep("rep-a", "张伟 Zhang Wei");
  ASSERT_TRUE(Import(ImportKind::kCustomers, RowsToCsv(CustomerRows(50, {"rep-a"}))).ok());
  const std::string path = dir_.File("orders.csv");
  std::ofstream(path, std::ios::binary) << RowsToCsv(fieldbook::testing::OrderRows(60, 50));
  std::mutex mu;
  int during_run = 0;  // times the lock was taken while a grading run was unfinished
  ImportOptions o;
  o.kind = ImportKind::kOrders;
  o.path = path;
  o.today = "2026-11-30";
  o.regrade_step = 10;
  o.lock_store = [&] {
    std::unique_lock<std::mutex> lock(mu);
    during_run += Count("SELECT count(*) FROM srv_grade_runs WHERE finished_ms IS NULL") > 0;
    return lock;
  };
  auto report = RunImport(*store_, wall_, o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->regraded);
  EXPECT_EQ(report->graded_customers, 50);
  // Five steps of ten customers and the run's end, each taking the lock anew.
  EXPECT_GE(during_run, 5);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE graded_at = '2026-11-30'"), 50);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_grade_runs WHERE finished_ms IS NULL"), 0);
}

// #17: the regrade after an import of orders grades everyone (quintiles rank the whole book) but
// writes only the grade columns whose value changed: an import of one order on the day of the
// last run writes the customers whose grade it moves, not the whole book, and a run that changes
// nothing writes nothing (before, every run rewrote every customer's twelve grade columns).
TEST_F(ImporterTest, ARegradeWritesOnlyTheCustomersWhoseGradeChanged) {
  AddRep("rep-a", "张伟 Zhang Wei");
  // The book set up in one batch each (the test's batches of 7 rows are for the imports tested).
  ImportOptions book = Options(ImportKind::kCustomers, RowsToCsv(CustomerRows(200, {"rep-a"})));
  book.batch_rows = 1000;
  ASSERT_TRUE(RunImport(*store_, wall_, book).ok());
  book = Options(ImportKind::kOrders, RowsToCsv(fieldbook::testing::OrderRows(300, 200)));
  book.batch_rows = 1000;
  ASSERT_TRUE(RunImport(*store_, wall_, book).ok());
  ASSERT_EQ(Count("SELECT count(*) FROM customers WHERE graded_at = '2026-11-30'"), 200);
  // Each customer's grade columns as one text, by id.
  auto grades = [&] {
    std::map<std::string, std::string> out;
    // (Each column as text, NULL as '~': the same SQL on both backends.)
    std::string columns;
    for (const char* c :
         {"grade_tier", "grade_recency", "grade_frequency", "grade_monetary", "grade_ticket_class",
          "grade_lifecycle", "grade_churn_risk", "grade_reasons", "graded_at",
          "grade_rules_version", "grade_stage", "grade_relationship"}) {
      columns += std::string(columns.empty() ? "" : " || '|' || ") + "coalesce(CAST(" + c +
                 " AS TEXT), '~')";
    }
    auto s = store_->sql().Prepare("SELECT id, " + columns + " FROM customers");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    while (*(*s)->Step()) out[(*s)->Text(0)] = (*s)->Text(1);
    return out;
  };
  const auto before = grades();
  const uint64_t seq = Seq();
  std::vector<std::vector<std::string>> one = {
      {"订单号", "客户编号", "订单日期", "配件号", "数量", "单价", "金额"},
      {"SO-NEW", "C000007", "2026/11/29", "NGK-BKR6E", "2", "¥1,200.50", ""}};
  auto o = Import(ImportKind::kOrders, RowsToCsv(one));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  ASSERT_TRUE(o->regraded);
  EXPECT_EQ(o->graded_customers, 200);
  const auto after = grades();
  int moved = 0;
  for (const auto& [id, text] : after) moved += before.at(id) != text;
  EXPECT_GE(moved, 1);
  EXPECT_LT(moved, 100);
  const std::string written = "SELECT count(*) FROM customers WHERE _seq > " + std::to_string(seq);
  EXPECT_EQ(Count(written), moved);
  // A second run on the same day changes nothing and writes nothing.
  const uint64_t seq2 = Seq();
  auto run = GradingStore(*store_).GradeAll(*ParseDay("2026-11-30"));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->customers, 200);
  EXPECT_EQ(Seq(), seq2);
  EXPECT_EQ(grades(), after);
}

TEST_F(ImporterTest, MergedCellsAndFormulasWithoutValuesRejectTheirRows) {
  using namespace fieldbook::testing;
  const std::string sheet = SheetXml(
      {TextRow(1, {"客户名称", "城市", "备注"}),
       {InlineCell("A2", "鑫达汽修"), InlineCell("B2", "广州")},
       {InlineCell("A3", "顺通汽配")},
       {InlineCell("A4", "华信快修"), InlineCell("B4", "佛山"), "<c r=\"C4\"><f>A1</f></c>"}},
      "<mergeCells count=\"1\"><mergeCell ref=\"B2:B3\"/></mergeCells>");
  auto report = Import(ImportKind::kCustomers, MakeXlsx({{"客户", sheet}}), false,
                       OnDuplicate::kSkip, ".xlsx");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->created, 1);
  EXPECT_EQ(report->rejected, 2);
  ASSERT_EQ(report->issues.size(), 2u);
  EXPECT_EQ(report->issues[0].row, 3);
  EXPECT_EQ(report->issues[0].column, "B (城市)");
  EXPECT_NE(report->issues[0].reason.find("merged cells B2:B3"), std::string::npos);
  EXPECT_EQ(report->issues[1].row, 4);
  EXPECT_NE(report->issues[1].reason.find("formula"), std::string::npos);
}

// The placement table of `fieldbook-server import` lines up in both languages: its columns are
// padded by display width (they were padded by bytes: a Chinese name of 8 characters is 24 bytes
// but 16 columns, so its arrow stood 8 columns left of an English name's), the rows' column to the
// widest row. The report's kind is the shared label of the table (word.customers: 客户).
TEST(ImportReportTable, ColumnsLineUpForChineseNamesAndReps) {
  ImportReport r;
  r.kind = "customers";
  r.file = "a.csv";
  r.format = "csv";
  r.dry_run = true;
  r.rows = 3;
  r.created = 3;
  r.per_rep = {{"张伟", 1}, {"rep-b", 1}};
  r.pooled = 1;
  r.placements = {{9, "c9", "鑫达汽修（天河）", "张伟", "column 业务员", {}, {}, {}},
                  {10, "c10", "Bright Auto", "rep-b", "column 业务员", {}, {}, {}},
                  {11, "c11", "老王汽修", "", "column 业务员", {}, {}, {}}};
  for (const Lang lang : {Lang::kEnglish, Lang::kChinese}) {
    const std::string text = ImportReportText(r, lang);
    ASSERT_TRUE(IsValidUtf8(text)) << text;
    const size_t head = text.find(lang == Lang::kEnglish ? "who gets each" : "每个新客户的归属");
    ASSERT_NE(head, std::string::npos) << text;
    std::istringstream in(text.substr(text.find('\n', head) + 1));
    std::vector<size_t> arrows, hows;
    for (std::string line; std::getline(in, line) && line.starts_with("  ");) {
      const size_t arrow = line.find(" -> ");
      const size_t how = line.rfind(" column 业务员");
      ASSERT_NE(arrow, std::string::npos) << line;
      ASSERT_NE(how, std::string::npos) << line;
      arrows.push_back(DisplayWidth(line.substr(0, arrow)));
      hows.push_back(DisplayWidth(line.substr(0, how)));
    }
    ASSERT_EQ(arrows.size(), 3u) << text;
    // "  第 10 行  " + 24 columns of name; the rep's column 16 wide after " -> ".
    const size_t row_column = lang == Lang::kEnglish ? 6 : 8;
    EXPECT_EQ(arrows, std::vector<size_t>(3, 2 + row_column + 2 + 24)) << text;
    EXPECT_EQ(hows, std::vector<size_t>(3, arrows[0] + 4 + 16)) << text;
  }
  EXPECT_TRUE(
      ImportReportText(r, Lang::kChinese).starts_with("试运行：从 a.csv（CSV）导入客户：3 行\n"));
  EXPECT_TRUE(ImportReportText(r, Lang::kEnglish)
                  .starts_with("dry run: import customers from a.csv (csv): 3 rows\n"));
  const std::map<std::string, std::string> kinds = {{"customers", "客户"},
                                                    {"contacts", "联系人"},
                                                    {"orders", "订单"},
                                                    {"visits", "拜访"},
                                                    {"products", "配件"}};
  for (const auto& [kind, zh] : kinds) {
    r.kind = kind;
    EXPECT_TRUE(ImportReportText(r, Lang::kChinese)
                    .starts_with("试运行：从 a.csv（CSV）导入" + zh + "：3 行\n"))
        << kind;
    EXPECT_TRUE(ImportReportText(r, Lang::kEnglish)
                    .starts_with("dry run: import " + kind + " from a.csv (csv): 3 rows\n"))
        << kind;
  }
}

}  // namespace
}  // namespace fieldbook::server
