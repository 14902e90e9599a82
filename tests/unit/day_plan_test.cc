// DayPlan (client/store/day_plan.h): follow-ups first, then suggested visits by tier, recency and
// churn risk.
#include "store/day_plan.h"

#include <gtest/gtest.h>

#include "fieldbook/hub.h"
#include "support/client_store_fixture.h"
#include "support/hub_transport.h"
#include "sync/device_sync.h"

namespace fieldbook::testing {
namespace {

using client::ClientSettings;
using client::ClientStore;
using client::CustomerFilter;
using client::FieldValue;
using client::NewFeedback;
using client::NewOrder;
using client::NewTask;
using client::NewVisit;
using client::PlanItem;
using client::TaskFilter;

TEST_F(ClientStoreTest, PlanPutsFollowUpsFirstThenRanksSuggestionsByTierRecencyAndRisk) {
  auto hub = Hub::Open(dir_.File("hub.db"), wall_);
  ASSERT_TRUE(hub.ok());
  HubTransport transport(**hub, kHubTimeMs);
  const std::string today = "2026-11-23";
  const std::string task_customer = AddCustomer({{"name", "Task garage"}});
  const std::string a_old = AddCustomer({{"name", "A-tier, 60 days"}});
  const std::string c_recent = AddCustomer({{"name", "C-tier, yesterday"}});
  const std::string a_older_risky = AddCustomer({{"name", "A-tier, 60 days, risky"}});
  const std::string b_never = AddCustomer({{"name", "B-tier, never visited"}});
  const std::string promised = AddCustomer({{"name", "Promised follow-up"}});
  const std::string settled = AddCustomer({{"name", "Settled follow-up"}});
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());
  Grade(**hub, task_customer, "B", 0.2);
  Grade(**hub, a_old, "A", 0.1);
  Grade(**hub, a_older_risky, "A", 0.7);
  Grade(**hub, c_recent, "C", 0.9);
  Grade(**hub, b_never, "B", 0.0);
  Grade(**hub, promised, "D", 0.0);
  Grade(**hub, settled, "D", 0.0);
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());

  ASSERT_TRUE(store_->tasks().Add({task_customer, "2026-11-20", "call", "call back", ""}).ok());
  ASSERT_TRUE(store_->tasks().Add({task_customer, "2026-12-20", "visit", "not yet", ""}).ok());
  // Visit times without a zone are the device's local time, as a rep types them.
  Visit(task_customer, "2026-11-22T09:00");
  Visit(a_old, "2026-09-24T10:00");  // 60 days before today
  Visit(a_older_risky, "2026-09-24T11:00");
  Visit(c_recent, "2026-11-22T10:00");  // yesterday
  Visit(promised, "2026-11-15T10:00", "", today);
  Visit(settled, "2026-11-01T10:00", "", "2026-11-10");
  Visit(settled, "2026-11-12T10:00");  // a later visit settles that follow-up

  auto plan = store_->plan().For(today, 10);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::vector<std::string> order;
  for (const PlanItem& p : *plan) order.push_back(p.customer_id);
  const std::vector<std::string> expected = {task_customer, promised, a_older_risky, a_old,
                                             b_never,       c_recent, settled};
  EXPECT_EQ(order, expected);
  ASSERT_EQ(plan->size(), expected.size());
  EXPECT_EQ((*plan)[0].kind, PlanItem::Kind::kFollowUp);
  EXPECT_FALSE((*plan)[0].task_id.empty());
  EXPECT_EQ((*plan)[0].days_overdue, 3);
  EXPECT_NE((*plan)[0].reason.find("overdue since 2026-11-20"), std::string::npos)
      << (*plan)[0].reason;
  EXPECT_EQ((*plan)[1].kind, PlanItem::Kind::kFollowUp);
  EXPECT_FALSE((*plan)[1].visit_id.empty());
  EXPECT_NE((*plan)[1].reason.find("due today"), std::string::npos) << (*plan)[1].reason;
  EXPECT_EQ((*plan)[2].kind, PlanItem::Kind::kSuggestedVisit);
  EXPECT_EQ((*plan)[3].days_since_visit, 60);
  // The visit logged here graded it provisionally (the same A): the plan shows the grade shown
  // everywhere, marked provisional (issue #19).
  EXPECT_NE((*plan)[3].reason.find("tier A (provisional), last visit 60 days ago"),
            std::string::npos)
      << (*plan)[3].reason;
  EXPECT_TRUE((*plan)[3].tier_provisional);
  EXPECT_NE((*plan)[4].reason.find("never visited"), std::string::npos);
  EXPECT_EQ((*plan)[5].days_since_visit, 1);
  EXPECT_EQ((*plan)[6].tier, "D");

  auto short_plan = store_->plan().For(today, 2);
  ASSERT_TRUE(short_plan.ok());
  ASSERT_EQ(short_plan->size(), 2u);
  EXPECT_EQ((*short_plan)[1].customer_id, promised);
  EXPECT_EQ(store_->plan().For("23/11/2026", 5).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fieldbook::testing
