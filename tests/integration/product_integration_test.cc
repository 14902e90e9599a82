// The product catalogue end to end (issues #17 and #18): the real fieldbook-server imports a
// distributor's price list (a GBK CSV and an XLSX), a manager edits and deactivates products, and
// three reps' devices, driven by the real fieldbook-cli with small pull pages, receive all of it
// at their next sync and search it. The catalogue is read-only on the devices.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "fieldbook/replica.h"
#include "integration/server_fixture.h"
#include "support/import_sheets.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

constexpr int kProducts = 3000;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string Part(int i) { return "BP-" + std::to_string(10000 + i); }

const char* Brand(int i) {
  static const char* brands[] = {"博世", "Brembo", "马勒", "NGK", "曼牌"};
  return brands[i % 5];
}

// 配件号, 名称, 品牌, 类别, 单位, 单价 (with ¥ and a thousands separator now and then).
std::string PriceListCsv(int from, int to, int price_bump = 0) {
  std::string csv = "配件号,名称,品牌,类别,单位,单价\r\n";
  for (int i = from; i < to; ++i) {
    const int cents = 5000 + i * 37 + price_bump;
    std::string price = "¥" + std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") +
                        std::to_string(cents % 100);
    if (i % 97 == 0) price = "\"¥1,2" + std::to_string(i % 10) + "0.00\"";
    csv +=
        Part(i) + ",刹车片 " + std::to_string(i) + "号," + Brand(i) + ",制动,套," + price + "\r\n";
  }
  return csv;
}

class ProductIntegrationTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    for (int r = 0; r < 3; ++r) {
      tokens_.push_back(AddRep("rep-" + std::to_string(r), "Rep " + std::to_string(r)));
    }
  }

  std::string WriteFile(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  CommandResult Server(std::vector<std::string> args) {
    args.push_back("--db");
    args.push_back(db_);
    return RunServerCommand(args);
  }

  int64_t DeviceProducts(const std::string& device, const char* where = "1") {
    auto replica = Replica::Open(dir_.File(device + ".db"), wall_);
    EXPECT_TRUE(replica.ok()) << replica.status().ToString();
    if (!replica.ok()) return -1;
    const Value n =
        QueryValue((*replica)->db(), std::string("SELECT count(*) FROM products WHERE ") + where);
    return std::holds_alternative<int64_t>(n) ? std::get<int64_t>(n) : -1;
  }

  std::vector<std::string> tokens_;
};

TEST_F(ProductIntegrationTest, AnImportedPriceListAndItsEditsReachEveryRepsDevice) {
  // A GBK price list of 3,000 parts: the dry run writes nothing, the import creates them all,
  // importing it again changes nothing.
  const std::string gbk = WriteFile("prices.csv", Utf8ToGb18030(PriceListCsv(0, kProducts)));
  CommandResult dry = Server({"import", "products", gbk, "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(JsonInt(ParseJson(dry.out), "created"), kProducts) << dry.out;
  CommandResult listed = Server({"product", "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(JsonArr(ParseJson(listed.out), "products").empty());
  CommandResult imported = Server({"import", "products", gbk, "--json"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(JsonInt(ParseJson(imported.out), "created"), kProducts) << imported.out;
  EXPECT_EQ(JsonInt(ParseJson(imported.out), "rejected"), 0) << imported.out;
  CommandResult again = Server({"import", "products", gbk, "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(JsonInt(ParseJson(again.out), "unchanged"), kProducts) << again.out;
  EXPECT_EQ(JsonInt(ParseJson(again.out), "created"), 0);
  EXPECT_EQ(JsonInt(ParseJson(again.out), "updated"), 0);

  // Three devices, pulled in pages of 97 rows from a server that caps pages at 211.
  ASSERT_NO_FATAL_FAILURE(StartServer(false, {"--page-rows", "211"}));
  for (int r = 0; r < 3; ++r) {
    const std::string device = "dev" + std::to_string(r);
    Init(device, tokens_[static_cast<size_t>(r)]);
    Ok(device, {"sync", "--page-rows", "97"});
    EXPECT_EQ(DeviceProducts(device), kProducts) << device;
    const boost::json::value hits = OkJson(device, {"product", "search", Part(1234)});
    ASSERT_TRUE(hits.is_array());
    ASSERT_FALSE(hits.as_array().empty());
    EXPECT_EQ(JsonStr(hits.as_array()[0], "part_number"), Part(1234));  // the exact part first
    EXPECT_EQ(JsonInt(hits.as_array()[0], "list_price_cents"), 5000 + 1234 * 37);
  }
  const boost::json::value by_brand =
      OkJson("dev0", {"product", "search", "brembo", "--limit", "500"});
  EXPECT_EQ(by_brand.as_array().size(), 500u);
  const boost::json::value by_name = OkJson("dev1", {"product", "search", "刹车片 2999号"});
  ASSERT_EQ(by_name.as_array().size(), 1u);
  EXPECT_EQ(JsonStr(by_name.as_array()[0], "brand"), Brand(2999));

  // A manager edits a price and tier prices, deactivates a part and adds one, while serving.
  CommandResult edit =
      Server({"product", "edit", Part(7), "--price", "88.00", "--tier-prices", "VIP=80,A=85.50"});
  ASSERT_EQ(edit.exit_code, 0) << edit.err;
  ASSERT_EQ(Server({"product", "deactivate", Part(1999)}).exit_code, 0);
  CommandResult add = Server({"product", "add", "OF-1", "--name", "机油滤清器", "--brand", "曼牌",
                              "--unit", "个", "--price", "35"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(Server({"product", "add", "OF-1", "--name", "again"}).exit_code, 1);
  for (int r = 0; r < 3; ++r) {
    const std::string device = "dev" + std::to_string(r);
    Ok(device, {"sync", "--page-rows", "97"});
    EXPECT_EQ(DeviceProducts(device), kProducts + 1) << device;
    EXPECT_EQ(DeviceProducts(device, "active = 0"), 1) << device;
    const boost::json::value seven = OkJson(device, {"product", "search", Part(7)});
    ASSERT_FALSE(seven.as_array().empty());
    const boost::json::value& p = seven.as_array()[0];
    EXPECT_EQ(JsonInt(p, "list_price_cents"), 8800);
    EXPECT_EQ(JsonInt(p.at("tier_prices"), "VIP"), 8000);
    EXPECT_EQ(JsonInt(p.at("tier_prices"), "A"), 8550);
    // Discontinued parts are left out of a search unless asked for.
    EXPECT_TRUE(OkJson(device, {"product", "search", Part(1999)}).as_array().empty());
    EXPECT_EQ(OkJson(device, {"product", "search", Part(1999), "--all"}).as_array().size(), 1u);
    EXPECT_TRUE(Contains(Ok(device, {"product", "search", "OF-1"}), "机油滤清器"));
  }

  // The devices hold exactly what the server has for each rep (products included).
  for (int r = 0; r < 3; ++r) {
    auto replica = Replica::Open(dir_.File("dev" + std::to_string(r) + ".db"), wall_);
    ASSERT_TRUE(replica.ok());
    EXPECT_EQ(ReplicaExport(**replica), ServerExport("rep-" + std::to_string(r)));
  }

  // A device cannot change the catalogue: its local write is refused and nothing is queued.
  {
    auto replica = Replica::Open(dir_.File("dev0.db"), wall_);
    ASSERT_TRUE(replica.ok());
    Status write = Exec((*replica)->db(), "UPDATE products SET list_price_cents = 1");
    EXPECT_FALSE(write.ok());
    EXPECT_TRUE(Contains(write.message(), "managed on the server")) << write.ToString();
    auto pending = (*replica)->PendingWriteCount();
    ASSERT_TRUE(pending.ok());
    EXPECT_EQ(*pending, 0);
  }
}

TEST_F(ProductIntegrationTest, AnXlsxPriceListWithEnglishHeadersAndBadRowsAndItsExport) {
  // Row 3 repeats a part number, row 4 has no name for a new part, row 5 a bad price: each is
  // reported with its row, the others imported.
  std::vector<std::vector<std::string>> rows = {
      TextRow(1, {"Part number", "Name", "Brand", "Category", "Unit", "List price", "Tier prices"}),
      TextRow(2, {"SP-1", "火花塞", "NGK", "点火", "个", "45.50", "VIP=40"}),
      TextRow(3, {"SP-1", "火花塞 again", "NGK", "点火", "个", "46", ""}),
      TextRow(4, {"SP-2", "", "NGK", "点火", "个", "45", ""}),
      TextRow(5, {"SP-3", "火花塞 铱金", "NGK", "点火", "个", "abc", ""}),
  };
  for (int i = 6; i < 1206; ++i) {
    rows.push_back(TextRow(i, {"XL-" + std::to_string(i), "空气滤清器 " + std::to_string(i), "曼牌",
                               "滤清", "个", std::to_string(20 + i % 50), ""}));
  }
  const std::string xlsx = WriteFile("prices.xlsx", MakeXlsx({{"价目表", SheetXml(rows)}}));
  CommandResult r = Server({"import", "products", xlsx, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const boost::json::value report = ParseJson(r.out);
  EXPECT_EQ(JsonInt(report, "created"), 1201) << r.out;
  EXPECT_EQ(JsonInt(report, "rejected"), 3) << r.out;
  std::string issues;
  for (const auto& i : JsonArr(report, "issues")) issues += boost::json::serialize(i) + "\n";
  EXPECT_TRUE(Contains(issues, "\"row\":3")) << issues;
  EXPECT_TRUE(Contains(issues, "\"row\":4")) << issues;
  EXPECT_TRUE(Contains(issues, "\"row\":5")) << issues;

  // The export reads back as the same catalogue: importing it changes nothing.
  const std::string out = dir_.File("export.xlsx");
  CommandResult exported = Server({"export", "products", "--format", "xlsx", "--out", out});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  CommandResult back = Server({"import", "products", out, "--json"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(JsonInt(ParseJson(back.out), "unchanged"), 1201) << back.out;
  CommandResult csv = Server({"export", "products", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_TRUE(Contains(csv.out, "配件号,名称,品牌,类别,单位,单价,等级价,在售"))
      << csv.out.substr(0, 200);
  EXPECT_TRUE(Contains(csv.out, "SP-1,火花塞,NGK,点火,个,45.50,VIP=40.00,是"))
      << csv.out.substr(0, 400);
}

}  // namespace
}  // namespace fieldbook::testing
