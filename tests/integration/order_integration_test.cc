// Voiding and correcting orders end to end (issue #18): the real fieldbook-cli records orders on
// a rep's device, voids a typo and corrects another, syncs with the real fieldbook-server, and the
// server's grading and revenue report leave the voided orders out while both stay listed.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "fieldbook/dates.h"
#include "integration/server_fixture.h"

namespace fieldbook::testing {
namespace {

class OrderIntegrationTest : public CliFixture {
 protected:
  std::string Day(int offset) { return FormatDay(*ParseDay(LocalToday()) + offset); }

  CommandResult Server(std::vector<std::string> args) {
    args.push_back("--db");
    args.push_back(db_);
    return RunServerCommand(args);
  }

  // The server grades as of `day`; the device syncs and shows the grade.
  boost::json::value GradeOnServer(const std::string& customer, int day) {
    CommandResult graded = Server({"grade", "--today", Day(day)});
    EXPECT_EQ(graded.exit_code, 0) << graded.err;
    Ok("dev", {"sync"});
    return OkJson("dev", {"customer", "show", customer}).at("grade");
  }
};

TEST_F(OrderIntegrationTest, AVoidedTypoAndACorrectionLeaveTheServersGradeAndRevenue) {
  ASSERT_NO_FATAL_FAILURE(InitDb());
  const std::string token = AddRep("rep-a", "Rep A");
  ASSERT_NO_FATAL_FAILURE(StartServer());
  Init("dev", token);
  const std::string c = JsonStr(OkJson("dev", {"customer", "add", "--name", "鑫达汽修"}), "id");
  ASSERT_FALSE(c.empty());
  const std::string first = JsonStr(
      OkJson("dev", {"order", "add", "--customer", c, "--line", "BP-1:10:200", "--date", Day(-40)}),
      "id");
  const std::string second = JsonStr(
      OkJson("dev", {"order", "add", "--customer", c, "--line", "BP-1:10:250", "--date", Day(-20)}),
      "id");
  // ¥99,999,999 keyed instead of ¥999.99.
  const std::string typo = JsonStr(OkJson("dev",
                                          {
                                              "order",
                                              "add",
                                              "--customer",
                                              c,
                                              "--line",
                                              "BP-1:1:99999999",
                                          }),
                                   "id");
  Ok("dev", {"sync"});
  EXPECT_EQ(JsonStr(GradeOnServer(c, 1), "tier"), "VIP");

  // Void the typo, correct the second order (25 sets, not 10), sync.
  const boost::json::value voided =
      OkJson("dev", {"order", "void", typo, "--reason", "typo: ¥999.99"});
  EXPECT_EQ(JsonStr(voided, "voids_id"), typo);
  const boost::json::value fixed =
      OkJson("dev", {"order", "correct", second, "--reason", "25 sets", "--line", "BP-1:25:250"});
  EXPECT_EQ(JsonStr(fixed, "voids_id"), second);
  EXPECT_EQ(JsonInt(fixed, "amount_cents"), 25 * 25000);
  // Voiding it twice, or voiding the void, is refused (exit 1, nothing written).
  CommandResult twice = Cli("dev", {"order", "void", typo, "--reason", "again"});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("already voided"), std::string::npos) << twice.err;
  CommandResult of_void = Cli("dev", {"order", "void", JsonStr(voided, "id"), "--reason", "undo"});
  EXPECT_NE(of_void.exit_code, 0);
  EXPECT_NE(of_void.err.find("a void is final"), std::string::npos) << of_void.err;
  Ok("dev", {"sync"});
  EXPECT_EQ(Ok("dev", {"review", "list"}).find("voids_id"), std::string::npos);

  const boost::json::value grade = GradeOnServer(c, 2);
  EXPECT_FALSE(grade.at("provisional").as_bool());
  EXPECT_NE(JsonStr(grade, "tier"), "VIP");
  bool counted = false;
  for (const boost::json::value& r : grade.at("reasons").as_array()) {
    // ¥2,000 + ¥6,250: the typo and the corrected ¥2,500 are out.
    // The void is no order: two orders count (the first and the correction).
    if (JsonStr(r, "rule") == "frequency") {
      EXPECT_NE(JsonStr(r, "detail").find("2 orders in the last"), std::string::npos)
          << JsonStr(r, "detail");
    }
    if (JsonStr(r, "rule") == "monetary") {
      counted = JsonStr(r, "detail").find("¥8,250.00") != std::string::npos;
      EXPECT_TRUE(counted) << JsonStr(r, "detail");
    }
  }
  EXPECT_TRUE(counted);
  CommandResult portfolio = Server({"report", "portfolio", "--csv", "--today", Day(2)});
  ASSERT_EQ(portfolio.exit_code, 0) << portfolio.err;
  EXPECT_NE(portfolio.out.find(",8250.00"), std::string::npos) << portfolio.out;

  // The device still lists all five rows, the voided ones marked, the total of those that count.
  const boost::json::value list = OkJson("dev", {"order", "list", "--customer", c});
  EXPECT_EQ(JsonArr(list, "orders").size(), 5u);
  EXPECT_EQ(JsonInt(list, "total_cents"), 825000);
  EXPECT_EQ(JsonInt(list, "counted"), 2);
  const std::string text = Ok("dev", {"order", "list", "--customer", c});
  EXPECT_NE(text.find("voided by " + JsonStr(voided, "id") + ": typo: ¥999.99"), std::string::npos)
      << text;
  EXPECT_NE(text.find("corrected by " + JsonStr(fixed, "id")), std::string::npos) << text;
  EXPECT_NE(text.find("total 8250.00 in 2 orders"), std::string::npos) << text;

  // `customer show` marks them the same way: the void is VOID (not "0.00"), the typo and the
  // corrected order [VOIDED]; in JSON the void has no amount and the voided orders do not count.
  const std::string shown = Ok("dev", {"customer", "show", c});
  EXPECT_EQ(shown.find(" 0.00 CNY"), std::string::npos) << shown;
  EXPECT_NE(shown.find("VOID  (void of " + typo + ": typo: ¥999.99)"), std::string::npos) << shown;
  EXPECT_NE(shown.find("99999999.00 CNY  [VOIDED]"), std::string::npos) << shown;
  EXPECT_NE(shown.find("(corrected by " + JsonStr(fixed, "id") + ")"), std::string::npos) << shown;
  EXPECT_NE(shown.find("(corrects " + second + ")"), std::string::npos) << shown;
  const boost::json::value show = OkJson("dev", {"customer", "show", c});
  int counting = 0, voids = 0;
  for (const boost::json::value& o : JsonArr(show, "recent_orders")) {
    counting += o.at("counts").as_bool() ? 1 : 0;
    if (o.at("is_void").as_bool()) {
      ++voids;
      EXPECT_TRUE(o.at("amount_cents").is_null());
    }
  }
  EXPECT_EQ(counting, 2);
  EXPECT_EQ(voids, 1);
  (void)first;
}

TEST_F(OrderIntegrationTest, OrdersFromTheCatalogueArePricedByThePriceList) {
  ASSERT_NO_FATAL_FAILURE(InitDb());
  const std::string token = AddRep("rep-a", "Rep A");
  // A catalogue of 300 parts (many pages of the sync below): BP-1024 added and edited by hand,
  // the others from one imported price list.
  ASSERT_EQ(
      Server({"product", "add", "BP-1024", "--name", "刹车片 24", "--price", "124"}).exit_code, 0);
  ASSERT_EQ(Server({"product", "edit", "BP-1024", "--tier-prices", "VIP=80"}).exit_code, 0);
  std::string csv = "配件号,名称,单价\r\n";
  for (int i = 0; i < 300; ++i) {
    if (i == 24) continue;
    csv += "BP-" + std::to_string(1000 + i) + ",刹车片 " + std::to_string(i) + "," +
           std::to_string(100 + i) + "\r\n";
  }
  std::ofstream(dir_.File("parts.csv"), std::ios::binary) << csv;
  CommandResult imported = Server({"import", "products", dir_.File("parts.csv"), "--json"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  ASSERT_EQ(JsonInt(ParseJson(imported.out), "created"), 299) << imported.out;
  ASSERT_NO_FATAL_FAILURE(StartServer(false, {"--page-rows", "64"}));
  Init("dev", token);
  Ok("dev", {"sync", "--page-rows", "50"});
  const std::string c = JsonStr(OkJson("dev", {"customer", "add", "--name", "鑫达汽修"}), "id");
  // By part number and quantity: the list price (¥124), the total computed.
  const boost::json::value order = OkJson(
      "dev", {"order", "add", "--customer", c, "--line", "BP-1024:4", "--line", "BP-1100:1"});
  EXPECT_EQ(JsonInt(order, "amount_cents"), 4 * 12400 + 20000);
  EXPECT_EQ(JsonStr(JsonArr(order, "lines")[0], "description"), "刹车片 24");
  // A part that is not in the catalogue, and a price off the list without a reason: refused.
  CommandResult unknown = Cli("dev", {"order", "add", "--customer", c, "--line", "NOPE-1:1:10"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("NOPE-1 is not in the catalogue"), std::string::npos) << unknown.err;
  CommandResult cheap = Cli("dev", {"order", "add", "--customer", c, "--line", "BP-1024:4:100"});
  EXPECT_EQ(cheap.exit_code, 2);
  EXPECT_NE(cheap.err.find("--price-reason"), std::string::npos) << cheap.err;
  const boost::json::value free_text =
      OkJson("dev", {"order", "add", "--customer", c, "--line", "NOPE-1:1:10", "--free-text"});
  EXPECT_EQ(JsonInt(free_text, "amount_cents"), 1000);
  const boost::json::value reasoned = OkJson("dev", {"order", "add", "--customer", c, "--line",
                                                     "BP-1024:4:100", "--price-reason", "促销"});
  EXPECT_EQ(JsonInt(reasoned, "amount_cents"), 40000);
  // An outlier: ¥124 x 400 is far above this customer's median order (¥400 over 3 orders).
  CommandResult outlier = Cli("dev", {"order", "add", "--customer", c, "--line", "BP-1024:400"});
  EXPECT_EQ(outlier.exit_code, 1);
  EXPECT_NE(outlier.err.find("(¥400.00 over 3 orders)"), std::string::npos) << outlier.err;
  EXPECT_NE(outlier.err.find("--confirm-outlier"), std::string::npos) << outlier.err;
  Ok("dev", {"order", "add", "--customer", c, "--line", "BP-1024:400", "--confirm-outlier"});
  Ok("dev", {"sync"});
  EXPECT_NE(ServerExport("rep-a").find("促销"), std::string::npos);
}

}  // namespace
}  // namespace fieldbook::testing
