// One grade everywhere (issue #19): after an offline order the customer's provisional grade is the
// grade of its list row, of search results, of the tier filter and of its page, marked
// provisional, in the real app (view model, data source and UI on a synced replica).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "gui_fixture.h"

namespace fieldbook::testing {
namespace {

using app::Lang;

// 宏发汽修: graded B by the server (SeedHub), no orders on record.
constexpr const char* kHongfa = "c10000000000000000000000000000000";

class GradeGuiTest : public AppFixture {
 protected:
  const app::CustomerRow* Row(const std::string& id) {
    for (const app::CustomerRow& row : Snap()->customers->rows) {
      if (row.id == id) return &row;
    }
    return nullptr;
  }
};

TEST_F(GradeGuiTest, AfterAnOfflineOrderListFilterSearchAndPageShowTheSameProvisionalGrade) {
  app::ViewModelOptions options;
  options.refresh_every = std::chrono::milliseconds(50);
  Start(Lang::kEnglish, options);
  ASSERT_NE(Row(kHongfa), nullptr);
  EXPECT_EQ(Row(kHongfa)->tier, "B");
  EXPECT_FALSE(Row(kHongfa)->tier_provisional);

  {
    // fieldbook-cli order add, offline, on its own connection to the same file.
    auto store = client::ClientStore::Open(replica_path_, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    client::NewOrder order;
    order.customer_id = kHongfa;
    order.lines = {{"BOSCH-0986452041", "刹车片", 40, 12000}};
    auto added = (*store)->facts().AddOrder(order);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    auto grade = (*store)->grades().ForCustomer(kHongfa);
    ASSERT_TRUE(grade.ok());
    ASSERT_TRUE(grade->provisional) << "the order did not grade the customer on the device";
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((Row(kHongfa) == nullptr || !Row(kHongfa)->tier_provisional) &&
         std::chrono::steady_clock::now() < deadline) {
    app_->Frame();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // The list row.
  const app::CustomerRow* row = Row(kHongfa);
  ASSERT_NE(row, nullptr);
  ASSERT_TRUE(row->tier_provisional);
  const std::string shown = row->tier;
  ASSERT_NE(shown, "B") << "the order should have moved the grade";
  ASSERT_FALSE(shown.empty());

  // The customer page: the same grade, marked provisional, the server's B beside it.
  ClickOrFail("list.row:" + std::string(kHongfa));
  ASSERT_EQ(Snap()->customer->id, kHongfa);
  EXPECT_EQ(Snap()->customer->tier, shown);
  EXPECT_TRUE(Snap()->customer->grade_provisional);
  EXPECT_EQ(Snap()->customer->server_tier, "B");
  EXPECT_TRUE(app_->Find("customer.grade.provisional"));

  // The tier filter: the provisional tier includes it, the server's excludes it.
  ClickOrFail("list.filter.tier");
  ClickOrFail("option:" + shown);
  ASSERT_NE(Row(kHongfa), nullptr) << "the " << shown << " filter misses it";
  EXPECT_EQ(Row(kHongfa)->tier, shown);
  ClickOrFail("list.filter.tier");
  ClickOrFail("option:B");
  EXPECT_EQ(Row(kHongfa), nullptr) << "the B filter still shows it";
  for (const app::CustomerRow& r : Snap()->customers->rows) EXPECT_EQ(r.tier, "B");
  ClickOrFail("list.filter.tier");
  ClickOrFail("option:");

  // Search results carry the same grade.
  ClickOrFail("list.search");
  app_->Type("宏发");
  ASSERT_NE(Row(kHongfa), nullptr);
  EXPECT_EQ(Row(kHongfa)->tier, shown);
  EXPECT_TRUE(Row(kHongfa)->tier_provisional);
  Screenshot("en-08-provisional-grade.png");
}

}  // namespace
}  // namespace fieldbook::testing
