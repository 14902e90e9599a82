// Customer preferences end to end (issue #18; the replicated-table checklist of
// docs/ARCHITECTURE.md followed once): 3,000 preferences of two reps' 600 customers on the hub;
// the real fieldbook-cli on three devices pulls them in small pages, adds, notes, removes and
// filters them (`customer pref ...`), and they meet at the next sync; managers read them with the
// real fieldbook-server (`records`, GET /v1/admin/records/..., the canonical export).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fieldbook/replica.h"
#include "integration/server_fixture.h"
#include "store/server_store.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

constexpr int kCustomersPerRep = 300;
constexpr int kPrefsPerCustomer = 5;

std::string Customer(int rep, int c) {
  return "c-" + std::to_string(rep) + "-" + std::to_string(1000 + c);
}

class PreferenceIntegrationTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    for (int r = 0; r < 2; ++r) tokens_.push_back(AddRep("rep-" + std::to_string(r), "Rep"));
    // The hub's rows, written as an import would (through the hub's change stream).
    auto store = server::ServerStore::Open(db_, wall_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    const char* const kinds[] = {"brand", "payment_terms", "delivery", "other", "brand"};
    std::vector<RowWrite> rows;
    for (int r = 0; r < 2; ++r) {
      for (int c = 0; c < kCustomersPerRep; ++c) {
        const std::string id = Customer(r, c);
        rows.push_back(RowWrite{"customers",
                                id,
                                {{"name", S(("汽修厂 " + id).c_str())},
                                 {"owner_rep_id", Value("rep-" + std::to_string(r))}}});
        for (int k = 0; k < kPrefsPerCustomer; ++k) {
          const std::string value = k == 1   ? (c % 3 == 0 ? "月结" : "现结")
                                    : k == 2 ? "上午送货"
                                    : k == 4 ? "马勒"
                                             : "博世";
          rows.push_back(RowWrite{
              "customer_preferences",
              "p" + id + "-" + std::to_string(k),
              {{"customer_id", Value(id)}, {"kind", S(kinds[k])}, {"value", Value(value)}}});
        }
      }
    }
    ASSERT_TRUE((*store)->Write(rows).ok());
  }

  int64_t DevicePrefs(const std::string& device, const std::string& where = "deleted = 0") {
    auto replica = Replica::Open(dir_.File(device + ".db"), wall_);
    EXPECT_TRUE(replica.ok()) << replica.status().ToString();
    if (!replica.ok()) return -1;
    const Value n =
        QueryValue((*replica)->db(), "SELECT count(*) FROM customer_preferences WHERE " + where);
    return std::holds_alternative<int64_t>(n) ? std::get<int64_t>(n) : -1;
  }

  std::vector<std::string> tokens_;
};

TEST_F(PreferenceIntegrationTest, RepsEditAndFilterPreferencesAndManagersReadThem) {
  ASSERT_NO_FATAL_FAILURE(StartServer(false, {"--page-rows", "211"}));
  const std::vector<std::pair<std::string, int>> devices = {{"a1", 0}, {"a2", 0}, {"b1", 1}};
  for (const auto& [device, rep] : devices) {
    Init(device, tokens_[static_cast<size_t>(rep)]);
    Ok(device, {"sync", "--page-rows", "97"});
    EXPECT_EQ(DevicePrefs(device), kCustomersPerRep * kPrefsPerCustomer) << device;
    EXPECT_EQ(DevicePrefs(device, "customer_id LIKE 'c-" + std::to_string(1 - rep) + "-%'"), 0);
  }

  // Filter: rep-0's customers on 月结 (every third of 300).
  const boost::json::value monthly =
      OkJson("a1", {"customer", "pref", "list", "--pref", "payment_terms=月结"});
  ASSERT_TRUE(monthly.is_array());
  EXPECT_EQ(monthly.as_array().size(), 100u);
  for (const boost::json::value& p : monthly.as_array()) {
    EXPECT_EQ(JsonStr(p, "kind"), "payment_terms");
    EXPECT_EQ(JsonStr(p, "value"), "月结");
  }
  EXPECT_EQ(OkJson("a1", {"customer", "pref", "list", "--kind", "brand", "--limit", "7"})
                .as_array()
                .size(),
            7u);

  // a1 adds and notes, a2 removes one of the same customer's; both meet at the next syncs.
  const std::string c = Customer(0, 5);
  const boost::json::value added = OkJson("a1", {"customer", "pref", "add", c, "--kind", "delivery",
                                                 "--value", "下午送货", "--note", "仓库3点后有人"});
  const std::string new_id = JsonStr(added, "id");
  ASSERT_FALSE(new_id.empty());
  Ok("a1", {"customer", "pref", "note", "p" + c + "-1", "每月25号对账"});
  Ok("a2", {"customer", "pref", "remove", "p" + c + "-4"});
  // Refused in words: a kind the table does not know, a duplicate, a malformed filter.
  EXPECT_EQ(Cli("a1", {"customer", "pref", "add", c, "--kind", "colour", "--value", "x"}).exit_code,
            2);
  CommandResult twice =
      Cli("a1", {"customer", "pref", "add", c, "--kind", "delivery", "--value", "下午送货"});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("already has the delivery 下午送货"), std::string::npos) << twice.err;
  EXPECT_EQ(Cli("a1", {"customer", "pref", "list", "--pref", "月结"}).exit_code, 2);
  for (int round = 0; round < 2; ++round) {
    Ok("a1", {"sync", "--page-rows", "97"});
    Ok("a2", {"sync", "--page-rows", "97"});
  }
  for (const char* device : {"a1", "a2"}) {
    const boost::json::value mine = OkJson(device, {"customer", "pref", "list", c});
    std::vector<std::string> seen;
    for (const boost::json::value& p : mine.as_array()) {
      seen.push_back(JsonStr(p, "kind") + "=" + JsonStr(p, "value") + ":" + JsonStr(p, "note"));
    }
    EXPECT_EQ(seen, (std::vector<std::string>{
                        "brand=博世:", "delivery=上午送货:", "delivery=下午送货:仓库3点后有人",
                        "other=博世:", "payment_terms=现结:每月25号对账"}))
        << device;
  }
  EXPECT_EQ(ReplicaExport(*OpenReplica("a1")), ServerExport("rep-0"));

  // Managers: the generic records command and admin route, and the canonical export.
  CommandResult records =
      RunServerCommand({"records", "customer_preferences", "--customer", c, "--json", "--db", db_});
  ASSERT_EQ(records.exit_code, 0) << records.err;
  EXPECT_EQ(JsonArr(ParseJson(records.out), "rows").size(), 5u) << records.out;
  CommandResult all = RunServerCommand({"records", "customer_preferences", "--db", db_});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'),
            2 * kCustomersPerRep * kPrefsPerCustomer);  // one removed, one added
  const std::string manager = AddRep("mgr", "Manager", "manager");
  auto page = Get("/v1/admin/records/customer_preferences?customer=" + c + "&limit=3", manager);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->status, 200) << page->body;
  const boost::json::value body = ParseJson(page->body);
  EXPECT_EQ(JsonArr(body, "rows").size(), 3u);
  EXPECT_FALSE(JsonStr(body, "next").empty());
  auto denied = Get("/v1/admin/records/customer_preferences", tokens_[0]);
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->status, 403);
  auto unknown = Get("/v1/admin/records/srv_credentials", manager);
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->status, 404) << unknown->body;
  EXPECT_NE(ServerExport("rep-0").find("仓库3点后有人"), std::string::npos);
}

}  // namespace
}  // namespace fieldbook::testing
