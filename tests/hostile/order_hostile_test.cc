// A rep's device attacks other customers' orders with crafted voids (issue #18): the real
// fieldbook-server receives, over HTTP with a valid rep token, change sets holding a void that
// names an order of another of the rep's customers, one that names another rep's order, one
// filed under the other rep's customer, and a void of nothing. Each is refused with a reason that
// names the rule, nothing of them is written, the other rep's data is unchanged, and the device's
// honest void in the same set lands.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "crafted_push_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

class OrderHostileTest : public CraftedPushFixture {};

TEST_F(OrderHostileTest, CraftedVoidsOfOtherCustomersOrdersAreRefusedAndWriteNothing) {
  ASSERT_NO_FATAL_FAILURE(StartWithTwoReps());
  const std::string& token_a = token_a_;
  const std::string& token_b = token_b_;

  // Rep B's customer and order, on the server.
  auto device_b = OpenReplica("device-b");
  ASSERT_NE(device_b, nullptr);
  ASSERT_TRUE(Exec(device_b->db(),
                   "INSERT INTO customers (id, name, owner_rep_id) VALUES ('c-b', '别家', 'rep-b')")
                  .ok());
  ASSERT_TRUE(Exec(device_b->db(),
                   "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents, "
                   "currency) VALUES ('o-b', 'c-b', 'rep-b', '2026-11-20', 880000, 'CNY')")
                  .ok());
  ASSERT_TRUE(Sync(*device_b, token_b).ok());
  const std::string b_before = ServerExport("rep-b");
  ASSERT_NE(b_before.find("o-b"), std::string::npos);

  // Rep A: two customers with an order each, synced.
  auto device = OpenReplica("device-a");
  ASSERT_NE(device, nullptr);
  ASSERT_TRUE(
      Exec(device->db(),
           "INSERT INTO customers (id, name, owner_rep_id) VALUES ('c-a1', '鑫达', 'rep-a')")
          .ok());
  ASSERT_TRUE(
      Exec(device->db(),
           "INSERT INTO customers (id, name, owner_rep_id) VALUES ('c-a2', '顺通', 'rep-a')")
          .ok());
  ASSERT_TRUE(Exec(device->db(),
                   "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents, "
                   "currency) VALUES ('o-a1', 'c-a1', 'rep-a', '2026-11-20', 12800, 'CNY')")
                  .ok());
  ASSERT_TRUE(Exec(device->db(),
                   "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents, "
                   "currency) VALUES ('o-a2', 'c-a2', 'rep-a', '2026-11-21', 5000, 'CNY')")
                  .ok());
  ASSERT_TRUE(Sync(*device, token_a).ok());

  // The honest void, as `fieldbook-cli order void o-a1` writes it (no amount).
  ASSERT_TRUE(Exec(device->db(),
                   "INSERT INTO orders (id, customer_id, rep_id, order_date, notes, voids_id) "
                   "VALUES ('v-ok', 'c-a1', 'rep-a', '2026-11-22', 'duplicate', 'o-a1')")
                  .ok());
  auto push = device->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  ChangeSet set = **push;
  ASSERT_EQ(set.rows.size(), 1u);
  const Hlc stamp = set.rows[0].columns[0].hlc;
  const uint32_t origin = set.rows[0].columns[0].origin;
  auto forged_void = [&](const char* id, const char* customer, const char* voids) {
    auto col = [&](const char* name, Value v) {
      return ColumnChange{name, std::move(v), stamp, origin};
    };
    return RowChange{
        "orders",
        id,
        {col("customer_id", S(customer)), col("rep_id", S("rep-a")),
         col("order_date", S("2026-11-22")), col("notes", S("forged")), col("voids_id", S(voids))}};
  };
  std::vector<RowChange> forged = {
      forged_void("v-other-customer", "c-a1", "o-a2"),  // the rep's other customer's order
      forged_void("v-other-rep", "c-a1", "o-b"),        // another rep's order
      forged_void("v-in-their-name", "c-b", "o-b"),     // filed under the other rep's customer
      forged_void("v-nothing", "c-a1", "no-such-order"),
      forged_void("v-itself", "c-a1", "v-itself"),
  };
  for (const RowChange& r : forged) set.rows.push_back(r);
  std::map<std::string, RowRejection> refused;
  ASSERT_NO_FATAL_FAILURE(PushCrafted(*device, set, token_a, refused));
  ASSERT_EQ(refused.size(), forged.size());
  EXPECT_EQ(refused["v-other-customer"].code, "invalid");
  EXPECT_EQ(refused["v-other-customer"].reason,
            "voids_id o-a2 is not a orders row of customer c-a1");
  EXPECT_EQ(refused["v-other-rep"].code, "invalid");
  EXPECT_EQ(refused["v-other-rep"].reason, "voids_id o-b is not a orders row of customer c-a1");
  EXPECT_EQ(refused["v-in-their-name"].code, "out_of_scope");
  EXPECT_EQ(refused["v-nothing"].code, "invalid");
  EXPECT_EQ(refused["v-itself"].code, "invalid");
  EXPECT_EQ(refused["v-itself"].reason, "voids_id must name another orders row");
  EXPECT_EQ(refused.count("v-ok"), 0u);

  // Nothing forged was written; the other rep's data is as it was; the honest void landed.
  const std::string a_after = ServerExport("rep-a");
  EXPECT_NE(a_after.find("v-ok"), std::string::npos);
  for (const RowChange& r : forged) {
    EXPECT_EQ(a_after.find(r.row_id), std::string::npos) << r.row_id;
  }
  EXPECT_EQ(ServerExport("rep-b"), b_before);
  ASSERT_TRUE(Sync(*device_b, token_b).ok());
  EXPECT_EQ(QueryValue(device_b->db(), "SELECT count(*) FROM orders"), Value(int64_t{1}));
}

}  // namespace
}  // namespace fieldbook::testing
