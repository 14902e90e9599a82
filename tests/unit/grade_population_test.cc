// GradePopulation (client/store/grade_population.h): the ranking figures kept incrementally equal
// the full recompute over every order, after every step of random streams of orders recorded
// here, pulled orders (also of customers the device does not hold), voids, corrections, deleted
// and restored customers, days passing and windows changing; and a single order recomputes one
// customer, not all.
#include "store/grade_population.h"

#include <gtest/gtest.h>

#include <random>

#include "fieldbook/dates.h"
#include "support/client_store_fixture.h"

namespace fieldbook::testing {
namespace {

using client::GradePopulation;
using client::NewOrder;

class GradePopulationTest : public ClientStoreTest {
 protected:
  int32_t Today() { return *ParseDay(store_->Today()); }

  std::string Order(const std::string& customer, int32_t day, int64_t cents) {
    NewOrder o;
    o.customer_id = customer;
    o.order_date = FormatDay(day);
    o.lines = {{"BP-1", "", 1, cents}};
    o.confirm_outlier = true;
    auto added = store_->facts().AddOrder(o);  // refused for a deleted customer
    return added.ok() ? added->id : "";
  }

  void Exec(const std::string& sql) {
    Status s = testing::Exec(store_->replica().db(), sql);
    ASSERT_TRUE(s.ok()) << s.ToString() << ": " << sql;
  }

  // The kept figures (brought up to date) equal the full recompute, for `customer`.
  void ExpectEqual(GradePopulation& pop, const std::string& customer, int window,
                   const std::string& step) {
    auto kept = pop.Others(customer, Today(), window);
    auto full = pop.FullRecompute(customer, Today(), window);
    ASSERT_TRUE(kept.ok()) << kept.status().ToString();
    ASSERT_TRUE(full.ok()) << full.status().ToString();
    EXPECT_EQ(kept->recency_days, full->recency_days) << step;
    EXPECT_EQ(kept->frequency, full->frequency) << step;
    EXPECT_EQ(kept->monetary_yuan, full->monetary_yuan) << step;
  }
};

TEST_F(GradePopulationTest, KeptFiguresEqualTheFullRecomputeOverRandomStreams) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    std::vector<std::string> customers;
    for (int i = 0; i < 30; ++i) {
      customers.push_back(
          AddCustomer({{"name", "客户 " + std::to_string(seed) + "-" + std::to_string(i)}}));
    }
    std::vector<std::string> orders;
    GradePopulation pop(store_->replica().db());
    int window = 365;
    int pulled = 0;
    auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
    for (int step = 0; step < 400; ++step) {
      const int op = static_cast<int>(rng() % 100);
      const int32_t day = Today() - static_cast<int32_t>(rng() % 420) + 5;  // some in the future
      std::string what;
      if (op < 45) {
        const std::string id = Order(pick(customers), day, static_cast<int64_t>(rng() % 5) * 9000);
        if (!id.empty()) orders.push_back(id);
        what = "order";
      } else if (op < 57 && !orders.empty()) {
        (void)store_->orders().Void(pick(orders), "void");  // refusals (voided twice) are fine
        what = "void";
      } else if (op < 64 && !orders.empty()) {
        client::OrderCorrection fix;
        fix.reason = "fix";
        fix.order_date = FormatDay(day);
        fix.confirm_outlier = true;
        auto fixed = store_->orders().Correct(pick(orders), fix);
        if (fixed.ok()) orders.push_back(fixed->id);
        what = "correct";
      } else if (op < 76) {
        // A pulled order (no capture check here): of a customer held here or of one that is not.
        const std::string customer =
            rng() % 4 == 0 ? "ghost-" + std::to_string(rng() % 3) : pick(customers);
        const std::string id = "pulled-" + std::to_string(seed) + "-" + std::to_string(++pulled);
        Exec("INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents) VALUES ('" +
             id + "', '" + customer + "', 'rep-b', '" + FormatDay(day) + "', " +
             std::to_string(rng() % 100000) + ")");
        what = "pull";
      } else if (op < 82) {
        Exec("UPDATE customers SET deleted = 1 - deleted WHERE id = '" + pick(customers) + "'");
        what = "delete or restore";
      } else if (op < 86) {
        wall_.Advance(24 * 3600 * 1000);
        what = "a day passes";
      } else if (op < 89) {
        window = rng() % 2 ? 365 : 90 + static_cast<int>(rng() % 300);
        what = "window " + std::to_string(window);
      } else {
        what = "nothing";
      }
      ASSERT_NO_FATAL_FAILURE(ExpectEqual(pop, rng() % 5 == 0 ? "ghost-0" : pick(customers), window,
                                          "step " + std::to_string(step) + ": " + what));
    }
    // Restore every customer for the next seed's population to stay comparable.
    Exec("UPDATE customers SET deleted = 0 WHERE deleted <> 0");
  }
}

TEST_F(GradePopulationTest, OneOrderRecomputesOneCustomer) {
  std::vector<std::string> customers;
  for (int i = 0; i < 200; ++i) {
    customers.push_back(AddCustomer({{"name", std::to_string(i)}}));
    Exec("INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents) VALUES ('p" +
         std::to_string(i) + "', '" + customers.back() + "', 'rep-a', '" + FormatDay(Today() - i) +
         "', 10000)");
  }
  GradePopulation pop(store_->replica().db());
  ASSERT_TRUE(pop.Others(customers[0], Today(), 365).ok());
  EXPECT_EQ(pop.last_refreshed(), 200);  // the first use computes everyone
  // A pulled order marks its customer: one is recomputed.
  Exec("INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents) VALUES ('q7', '" +
       customers[7] + "', 'rep-b', '" + FormatDay(Today()) + "', 5000)");
  auto after = pop.Others(customers[0], Today(), 365);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(pop.last_refreshed(), 1);
  EXPECT_EQ(after->frequency.size(), 199u);
  ASSERT_TRUE(pop.Others(customers[0], Today(), 365).ok());
  EXPECT_EQ(pop.last_refreshed(), 0);
  // An order recorded here is taken in by its own provisional grade.
  Order(customers[9], Today(), 5000);
  ASSERT_TRUE(pop.Others(customers[0], Today(), 365).ok());
  EXPECT_EQ(pop.last_refreshed(), 0);
  // Another window: everyone again.
  ASSERT_TRUE(pop.Others(customers[0], Today(), 90).ok());
  EXPECT_EQ(pop.last_refreshed(), 200);
}

}  // namespace
}  // namespace fieldbook::testing
