// Customers (client/store/customers.h): adding, editing, showing and listing customers on a real
// replica, offline.
#include "store/customers.h"

#include <gtest/gtest.h>

#include <algorithm>

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

TEST_F(ClientStoreTest, AddingACustomerNeedsANameAndASetUpDevice) {
  auto blank = ClientStore::Open(dir_.File("blank.db"), wall_);
  ASSERT_TRUE(blank.ok());
  auto refused = (*blank)->customers().Add({{"name", "鑫达汽修"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("fieldbook-cli init"), std::string::npos);

  auto nameless = store_->customers().Add({{"city", "广州"}});
  ASSERT_FALSE(nameless.ok());
  EXPECT_EQ(nameless.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(nameless.status().message(), "a new customer needs a name");

  const std::string id = AddCustomer({{"name", "鑫达汽修厂"},
                                      {"city", "广州"},
                                      {"lat", "23.1"},
                                      {"lon", "113.3"},
                                      {"customer_type", "garage"}});
  auto profile = store_->customers().Show(id);
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->customer.owner_rep_id, "rep-a");
  EXPECT_EQ(profile->customer.created_at, "2026-11-23T00:00:00Z");
  EXPECT_EQ(profile->customer.lat, 23.1);
  EXPECT_EQ(profile->customer.customer_type, "garage");
  EXPECT_EQ(*store_->replica().PendingWriteCount(), 1);
  EXPECT_EQ(id.size(), 32u);
}

TEST_F(ClientStoreTest, EditChangesOnlyTheNamedFieldsAndRefusesServerOwnedOnes) {
  const std::string id =
      AddCustomer({{"name", "鑫达汽修"}, {"phone", "020-1234"}, {"notes", "old notes"}});
  ASSERT_TRUE(store_->customers().Edit(id.substr(0, 10), {{"phone", "13800138000"}}).ok());
  auto p = store_->customers().Show(id);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->customer.phone, "13800138000");
  EXPECT_EQ(p->customer.notes, "old notes");
  EXPECT_EQ(p->customer.name, "鑫达汽修");
  // Capture recorded the phone alone.
  const TableInfo* customers = store_->replica().catalog().Find("customers");
  EXPECT_EQ(QueryValue(store_->replica().db(), "SELECT cols FROM fb_outbox ORDER BY seq DESC"),
            I(int64_t{1} << customers->ColumnIndex("phone")));

  ASSERT_TRUE(store_->customers().Edit(id, {{"notes", std::nullopt}}).ok());
  EXPECT_TRUE(store_->customers().Show(id)->customer.notes.empty());

  for (const char* field : {"owner_rep_id", "territory_id", "grade_tier", "grade_churn_risk"}) {
    Status s = store_->customers().Edit(id, {{field, "x"}});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << field;
    EXPECT_NE(s.message().find(field), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("server"), std::string::npos) << s.message();
  }
  EXPECT_EQ(store_->customers().Edit(id, {{"owner_rep_id", "rep-b"}}).message(),
            "owner_rep_id is set by managers on the server; ask your manager to reassign the "
            "customer");
  EXPECT_NE(
      store_->customers().Edit(id, {{"colour", "red"}}).message().find("unknown customer field"),
      std::string::npos);
  EXPECT_EQ(store_->customers().Edit(id, {{"purchase_stage", "maybe"}}).message(),
            "purchase stage must be one of aware, interested, deciding, customer (not 'maybe')");
  EXPECT_EQ(store_->customers().Edit(id, {{"lat", "23.1"}}).message(),
            "give both latitude and longitude, or neither");
  EXPECT_EQ(store_->customers().Edit(id, {{"lat", "123"}, {"lon", "1"}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->customers().Edit(id, {{"name", "  "}}).message(), "name cannot be empty");
  EXPECT_EQ(store_->customers().Edit("ffffffffffff", {{"notes", "x"}}).code(),
            StatusCode::kNotFound);
  // A refused edit changed nothing.
  EXPECT_TRUE(IsNull(QueryValue(store_->replica().db(), "SELECT lat FROM customers")));
}

TEST_F(ClientStoreTest, ShowGathersContactsVisitsOrdersTasksAndFeedback) {
  const std::string id = AddCustomer({{"name", "鑫达汽修"}});
  client::Contact contact;
  contact.name = "王师傅";
  contact.phone = "139 0000 1111";
  contact.is_primary = true;
  ASSERT_TRUE(store_->customers().AddContact(id, contact).ok());
  Visit(id, "2026-11-01T09:00:00Z", "first");
  Visit(id, "2026-11-20T09:00:00Z", "second");
  NewOrder order;
  order.customer_id = id;
  order.order_date = "2026-11-20";
  order.lines = {{"BP-1024", "brake pads", 4, 12850}, {"OF-7", "", 10, 1999}};
  auto added = store_->facts().AddOrder(order);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->amount_cents, 4 * 12850 + 10 * 1999);
  EXPECT_EQ(added->currency, "CNY");
  ASSERT_TRUE(store_->tasks().Add({id, "2026-11-25", "call", "send the catalogue", ""}).ok());
  ASSERT_TRUE(store_->facts().AddFeedback({id, 4, "delivery was late"}).ok());

  auto p = store_->customers().Show(id);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->contacts.size(), 1u);
  EXPECT_EQ(p->contacts[0].name, "王师傅");
  EXPECT_TRUE(p->contacts[0].is_primary);
  ASSERT_EQ(p->recent_visits.size(), 2u);
  EXPECT_EQ(p->recent_visits[0].notes, "second");  // newest first
  EXPECT_EQ(p->recent_visits[0].rep_id, "rep-a");
  EXPECT_EQ(p->visit_count, 2);
  ASSERT_EQ(p->recent_orders.size(), 1u);
  ASSERT_EQ(p->recent_orders[0].lines.size(), 2u);
  EXPECT_EQ(p->recent_orders[0].amount_cents, 71390);
  EXPECT_EQ(p->recent_orders[0].lines[0].part_no, "BP-1024");
  ASSERT_EQ(p->open_tasks.size(), 1u);
  EXPECT_EQ(p->open_tasks[0].title, "send the catalogue");
  ASSERT_EQ(p->feedback.size(), 1u);
  EXPECT_EQ(p->feedback[0].satisfaction, 4);
  EXPECT_EQ(p->customer.last_visit, "2026-11-20T09:00:00Z");
  EXPECT_EQ(store_->customers().Show("nope-nope").status().code(), StatusCode::kNotFound);
}

TEST_F(ClientStoreTest, ListFiltersByStageTypeRegionTierAndOverdue) {
  auto hub = Hub::Open(dir_.File("hub.db"), wall_);
  ASSERT_TRUE(hub.ok());
  const std::string a = AddCustomer({{"name", "A garage"},
                                     {"purchase_stage", "deciding"},
                                     {"customer_type", "garage"},
                                     {"region_class", "local"}});
  const std::string b = AddCustomer({{"name", "B fleet"},
                                     {"purchase_stage", "customer"},
                                     {"customer_type", "fleet"},
                                     {"region_class", "domestic"}});
  const std::string c = AddCustomer({{"name", "C garage"}, {"customer_type", "garage"}});
  HubTransport transport(**hub, kHubTimeMs);
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());
  Grade(**hub, a, "A", 0.1);
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());
  ASSERT_TRUE(store_->tasks().Add({b, "2026-11-20", "call", "overdue call", ""}).ok());
  Visit(c, "2026-11-10T09:00:00Z", "", "2026-11-23");  // due today: not overdue yet

  auto ids = [&](CustomerFilter f) {
    f.today = "2026-11-23";
    auto list = store_->customers().List(f);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    std::vector<std::string> out;
    if (list.ok()) {
      for (const auto& x : *list) out.push_back(x.id);
    }
    return out;
  };
  CustomerFilter all;
  EXPECT_EQ(ids(all), (std::vector<std::string>{a, b, c}));
  CustomerFilter stage;
  stage.stage = "deciding";
  EXPECT_EQ(ids(stage), std::vector<std::string>{a});
  CustomerFilter type;
  type.type = "garage";
  EXPECT_EQ(ids(type), (std::vector<std::string>{a, c}));
  CustomerFilter region;
  region.region_class = "domestic";
  EXPECT_EQ(ids(region), std::vector<std::string>{b});
  CustomerFilter tier_a;
  tier_a.tier = "a";
  EXPECT_EQ(ids(tier_a), std::vector<std::string>{a});
  // One grade everywhere (#19): the visit logged here graded c provisionally on the device, and
  // that grade is c's grade in the list and the tier filter (not "ungraded, so C").
  auto c_grade = store_->grades().ForCustomer(c);
  ASSERT_TRUE(c_grade.ok()) << c_grade.status().ToString();
  ASSERT_TRUE(c_grade->provisional.has_value());
  EXPECT_EQ(c_grade->provisional->tier, "D");  // never graded, no order: R0 F0 M0 = 0 points
  CustomerFilter tier_c;                       // ungraded (b: a task is no graded fact) counts as C
  tier_c.tier = "C";
  EXPECT_EQ(ids(tier_c), std::vector<std::string>{b});
  CustomerFilter tier_d;
  tier_d.tier = "D";
  EXPECT_EQ(ids(tier_d), std::vector<std::string>{c});
  auto listed = store_->customers().List(tier_d);
  ASSERT_TRUE(listed.ok() && listed->size() == 1u);
  EXPECT_EQ((*listed)[0].grade_tier, "D");
  EXPECT_TRUE((*listed)[0].grade_provisional);
  CustomerFilter overdue;
  overdue.overdue = true;
  EXPECT_EQ(ids(overdue), std::vector<std::string>{b});
  overdue.today = "2026-11-24";
  auto later = store_->customers().List(overdue);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->size(), 2u);  // b's task, and c's follow-up is now overdue too
  CustomerFilter limited;
  limited.limit = 1;
  EXPECT_EQ(ids(limited).size(), 1u);
  CustomerFilter bad;
  bad.stage = "ready";
  EXPECT_EQ(store_->customers().List(bad).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fieldbook::testing
