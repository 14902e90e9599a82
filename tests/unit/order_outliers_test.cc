// The outlier rule for order totals (client/store/order_outliers.h): above 5x the customer's
// median order needs confirmation; with fewer than 3 orders the territory's, then the device's
// median stands in; voids, voided orders and ¥0 orders are no history; no overflow at the edges.
#include "store/order_outliers.h"

#include <gtest/gtest.h>

#include <limits>

#include "support/client_store_fixture.h"

namespace fieldbook::testing {
namespace {

using client::JudgeOrderTotal;
using client::MedianCents;
using client::NewOrder;
using client::OrderHistory;
using client::OutlierBasis;
using client::OutlierVerdict;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST(OrderOutliers, MedianOfOddEvenAndHugeTotals) {
  EXPECT_EQ(MedianCents({}), 0);
  EXPECT_EQ(MedianCents({300, 100, 200}), 200);
  EXPECT_EQ(MedianCents({400, 100, 300, 200}), 250);
  EXPECT_EQ(MedianCents({kMax, kMax - 2}), kMax - 1);  // no overflow
}

TEST(OrderOutliers, AboveFiveTimesTheCustomersMedianIsAnOutlier) {
  OrderHistory h;
  h.customer = {100000, 200000, 300000};              // median ¥2,000
  h.device = {1, 1, 1, 1};                            // not consulted
  EXPECT_FALSE(JudgeOrderTotal(1000000, h).outlier);  // exactly 5x
  const OutlierVerdict v = JudgeOrderTotal(1000001, h);
  EXPECT_TRUE(v.outlier);
  EXPECT_EQ(v.basis, OutlierBasis::kCustomer);
  EXPECT_EQ(v.median_cents, 200000);
  EXPECT_EQ(v.orders, 3u);
  EXPECT_EQ(v.refusal.message(),
            "the total ¥10000.01 is 5.0x this customer's median order (¥2000.00 over 3 orders): "
            "check it, and confirm it if it is right");
  const OutlierVerdict typo = JudgeOrderTotal(9999999900, h);  // ¥99,999,999
  EXPECT_TRUE(typo.outlier);
  EXPECT_NE(typo.refusal.message().find("is 50000.0x this customer's median"), std::string::npos)
      << typo.refusal.message();
  // Small orders are never questioned.
  EXPECT_FALSE(JudgeOrderTotal(1, h).outlier);
  EXPECT_FALSE(JudgeOrderTotal(0, h).outlier);
}

TEST(OrderOutliers, FewerThanThreeOrdersFallBackToTheTerritoryThenTheDevice) {
  OrderHistory h;
  h.customer = {5000000, 5000000};  // two big orders: too few to judge by
  h.territory = {10000, 20000, 30000};
  h.device = {10000, 20000, 30000, 60000, 70000, 1000000};
  OutlierVerdict v = JudgeOrderTotal(200000, h);
  EXPECT_TRUE(v.outlier);
  EXPECT_EQ(v.basis, OutlierBasis::kTerritory);
  EXPECT_EQ(v.median_cents, 20000);
  EXPECT_NE(v.refusal.message().find("territory"), std::string::npos);
  h.territory = {10000, 20000};  // too few as well: the device's median, ¥450
  v = JudgeOrderTotal(200000, h);
  EXPECT_FALSE(v.outlier);
  EXPECT_EQ(v.basis, OutlierBasis::kDevice);
  EXPECT_EQ(v.median_cents, 45000);
  EXPECT_TRUE(JudgeOrderTotal(225001, h).outlier);
  // Nothing to compare with: no question, however large.
  const OutlierVerdict none = JudgeOrderTotal(kMax, OrderHistory{{1}, {2}, {3, 4}});
  EXPECT_FALSE(none.outlier);
  EXPECT_EQ(none.basis, OutlierBasis::kNone);
}

TEST(OrderOutliers, HugeTotalsAndTinyMediansDoNotOverflow) {
  OrderHistory h;
  h.customer = {1, 1, 1};
  EXPECT_TRUE(JudgeOrderTotal(kMax, h).outlier);
  EXPECT_FALSE(JudgeOrderTotal(5, h).outlier);
  EXPECT_TRUE(JudgeOrderTotal(6, h).outlier);
  h.customer = {kMax, kMax, kMax};
  EXPECT_FALSE(JudgeOrderTotal(kMax, h).outlier);
}

class OrderOutlierStoreTest : public ClientStoreTest {
 protected:
  Result<client::Order> Add(const std::string& customer, int64_t cents, bool confirm = false) {
    NewOrder o;
    o.customer_id = customer;
    o.lines = {{"BP-1", "", 1, cents}};
    o.confirm_outlier = confirm;
    return store_->facts().AddOrder(o);
  }
};

TEST_F(OrderOutlierStoreTest, VoidedAndFreeOrdersAreNoHistoryAndConfirmationSaves) {
  const std::string c = AddCustomer({{"name", "鑫达汽修"}});
  ASSERT_TRUE(Add(c, 100000).ok());
  ASSERT_TRUE(Add(c, 100000).ok());
  auto typo = Add(c, 9999999900);  // two orders of history only, on the whole device: saved
  ASSERT_TRUE(typo.ok()) << typo.status().ToString();
  ASSERT_TRUE(Add(c, 0).ok());  // free goods: no history
  ASSERT_TRUE(store_->orders().Void(typo->id, "typo").ok());
  ASSERT_TRUE(Add(c, 100000).ok());
  // Three orders of ¥1,000 count: ¥5,000.01 needs confirmation.
  auto refused = Add(c, 500001);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kRejected);
  EXPECT_NE(refused.status().message().find("(¥1000.00 over 3 orders)"), std::string::npos)
      << refused.status().message();
  auto judged = store_->orders().JudgeTotal(c, 500001);
  ASSERT_TRUE(judged.ok());
  EXPECT_TRUE(judged->outlier);
  EXPECT_EQ(judged->median_cents, 100000);
  EXPECT_TRUE(Add(c, 500000).ok());  // exactly 5x
  auto confirmed = Add(c, 9999999900, /*confirm=*/true);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();

  // A new customer with no orders is judged by the device's orders: ¥1,000 x3, ¥5,000, the
  // confirmed ¥99,999,999 -> median ¥1,000.
  const std::string fresh = AddCustomer({{"name", "新客户"}});
  EXPECT_EQ(Add(fresh, 600000).status().code(), StatusCode::kRejected);
  EXPECT_TRUE(Add(fresh, 400000).ok());
}

}  // namespace
}  // namespace fieldbook::testing
