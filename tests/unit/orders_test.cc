// Orders (client/store/orders.h): voiding and correcting an order on the device — the original
// stays listed as voided, totals and the provisional grade leave it out, and a void may only
// reference an order of the same customer that is not already voided (voiding is final).
#include "store/orders.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "fieldbook/sqlite_db.h"
#include "lang/store_errors.h"
#include "support/client_store_fixture.h"

namespace fieldbook::testing {
namespace {

using client::NewOrder;
using client::OrderCorrection;
using client::OrderEntry;
using client::OrderLedger;

class OrdersTest : public ClientStoreTest {
 protected:
  std::string AddOrder(const std::string& customer, int64_t quantity, int64_t unit_cents,
                       const std::string& part = "BP-1") {
    NewOrder o;
    o.customer_id = customer;
    o.lines = {{part, "刹车片", quantity, unit_cents}};
    auto added = store_->facts().AddOrder(o);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->id : "";
  }

  OrderLedger Ledger(const std::string& customer) {
    auto l = store_->orders().ForCustomer(customer);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? *l : OrderLedger{};
  }

  static const OrderEntry* Find(const OrderLedger& l, const std::string& id) {
    for (const OrderEntry& e : l.orders) {
      if (e.order.id == id) return &e;
    }
    return nullptr;
  }

  int64_t Count(const std::string& sql) {
    const Value v = QueryValue(store_->replica().db(), sql);
    return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : -1;
  }

  // The provisional grade's explanation of `rule`.
  std::string Reason(const std::string& customer, const std::string& rule) {
    auto g = store_->grades().ForCustomer(customer);
    if (!g.ok() || !g->provisional) return "(no provisional grade)";
    for (const GradeReason& r : g->provisional->reasons) {
      if (r.rule == rule) return r.detail;
    }
    return "(no " + rule + " reason)";
  }
};

TEST_F(OrdersTest, AVoidKeepsTheOriginalListedAsVoidedAndOutOfTheTotal) {
  const std::string c = AddCustomer({{"name", "鑫达汽修"}});
  const std::string o1 = AddOrder(c, 4, 12800);
  const std::string o2 = AddOrder(c, 1, 5000);
  EXPECT_EQ(Ledger(c).total_cents, 4 * 12800 + 5000);

  auto v = store_->orders().Void(o1.substr(0, 16), "  keyed for the wrong garage ");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->voids_id, o1);
  EXPECT_EQ(v->customer_id, c);
  EXPECT_EQ(v->notes, "keyed for the wrong garage");

  const OrderLedger l = Ledger(c);
  ASSERT_EQ(l.orders.size(), 3u);
  EXPECT_EQ(l.total_cents, 5000);
  EXPECT_EQ(l.counted, 1);
  const OrderEntry* original = Find(l, o1);
  ASSERT_NE(original, nullptr);
  EXPECT_FALSE(original->counts());
  EXPECT_EQ(original->voided_by, v->id);
  EXPECT_FALSE(original->corrected);
  EXPECT_EQ(original->void_reason, "keyed for the wrong garage");
  ASSERT_EQ(original->order.lines.size(), 1u);  // still readable in full
  EXPECT_EQ(original->order.amount_cents, 4 * 12800);
  const OrderEntry* the_void = Find(l, v->id);
  ASSERT_NE(the_void, nullptr);
  EXPECT_TRUE(the_void->is_void);
  EXPECT_TRUE(the_void->order.lines.empty());
  EXPECT_TRUE(Find(l, o2)->counts());
  // The void row carries no amount, currency or lines: it is no order.
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE id = '" + v->id +
                  "' AND amount_cents IS NULL AND currency IS NULL AND voids_id = '" + o1 + "'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM order_lines WHERE order_id = '" + v->id + "'"), 0);
  // And it waits to be pushed like every other write.
  EXPECT_GT(Count("SELECT count(*) FROM fb_outbox"), 0);
}

TEST_F(OrdersTest, ACorrectionReplacesTheOriginalAndKeepsWhatItDoesNotChange) {
  const std::string c = AddCustomer({{"name", "顺通汽配"}});
  NewOrder o;
  o.customer_id = c;
  o.order_date = "2026-11-20";
  o.notes = "deliver Friday";
  o.lines = {{"BP-1", "刹车片", 40, 12800}, {"NGK-BKR6E", "火花塞", 10, 2500}};
  auto first = store_->facts().AddOrder(o);
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  OrderCorrection fix;
  fix.reason = "4 sets, not 40";
  fix.lines = {{"BP-1", 4, 12800, "", false}, {"NGK-BKR6E", 10, 2500, "", false}};
  auto fixed = store_->orders().Correct(first->id, fix);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(fixed->voids_id, first->id);
  EXPECT_EQ(fixed->order_date, "2026-11-20");  // the original's
  EXPECT_EQ(fixed->amount_cents, 4 * 12800 + 10 * 2500);
  EXPECT_EQ(fixed->notes, "deliver Friday — correction: 4 sets, not 40");
  const OrderLedger l = Ledger(c);
  EXPECT_EQ(l.total_cents, 4 * 12800 + 10 * 2500);
  EXPECT_EQ(l.counted, 1);
  EXPECT_TRUE(Find(l, first->id)->corrected);
  EXPECT_EQ(Find(l, first->id)->voided_by, fixed->id);

  // Only the date changes: the lines are copied.
  OrderCorrection redate;
  redate.reason = "ordered on the 19th";
  redate.order_date = "2026-11-19";
  auto again = store_->orders().Correct(fixed->id, redate);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->lines.size(), 2u);
  EXPECT_EQ(again->amount_cents, fixed->amount_cents);
  EXPECT_EQ(Ledger(c).counted, 1);
  EXPECT_EQ(Ledger(c).total_cents, fixed->amount_cents);
}

TEST_F(OrdersTest, VoidingTwiceVoidingAVoidAndOtherCustomersOrdersAreRefused) {
  const std::string c = AddCustomer({{"name", "鑫达汽修"}});
  const std::string other = AddCustomer({{"name", "别家"}});
  const std::string o1 = AddOrder(c, 1, 1000);
  const std::string o2 = AddOrder(c, 1, 2000);
  const std::string theirs = AddOrder(other, 1, 3000);
  const int64_t orders_before = Count("SELECT count(*) FROM orders");

  // No reason, an unknown order.
  EXPECT_EQ(store_->orders().Void(o1, " ").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->orders().Void("no-such-order", "x").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->orders().Correct(o1, OrderCorrection{}).status().code(),
            StatusCode::kInvalidArgument);

  // A correction naming another customer's order (NewOrder.voids_id) is refused on the device.
  NewOrder cross;
  cross.customer_id = c;
  cross.lines = {{"BP-1", "", 1, 100}};
  cross.voids_id = theirs;
  auto refused = store_->facts().AddOrder(cross);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("of the same customer"), std::string::npos)
      << refused.status().message();
  cross.voids_id = "no-such-order";
  EXPECT_EQ(store_->facts().AddOrder(cross).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), orders_before);

  auto v = store_->orders().Void(o1, "duplicate");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  // Twice.
  auto twice = store_->orders().Void(o1, "again");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().code(), StatusCode::kConflict);
  EXPECT_EQ(twice.status().message(), "order " + o1 + " is already voided by " + v->id);
  // In the rep's language (English until session 15).
  EXPECT_EQ(client::RenderError(Lang::kChinese, twice.status()),
            "订单 " + o1 + " 已被 " + v->id + " 作废");
  EXPECT_EQ(store_->orders().Correct(o1, {"", "", std::nullopt, {}, "fix", false}).status().code(),
            StatusCode::kConflict);
  // A void of a void, and a correction of one.
  auto of_void = store_->orders().Void(v->id, "undo");
  ASSERT_FALSE(of_void.ok());
  EXPECT_NE(of_void.status().message().find("a void is final"), std::string::npos);
  EXPECT_FALSE(store_->orders().Correct(v->id, {"", "", std::nullopt, {}, "fix", false}).ok());
  // A corrected order is corrected again through its correction only.
  OrderCorrection fix;
  fix.reason = "price";
  auto fixed = store_->orders().Correct(o2, fix);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  auto fix_again = store_->orders().Correct(o2, fix);
  ASSERT_FALSE(fix_again.ok());
  EXPECT_NE(fix_again.status().message().find("corrected by order " + fixed->id),
            std::string::npos);
  EXPECT_EQ(client::RenderError(Lang::kChinese, fix_again.status()),
            "订单 " + o2 + " 已由订单 " + fixed->id + " 更正；请改为作废或更正那一张");
  EXPECT_TRUE(store_->orders().Void(fixed->id, "cancelled after all").ok());
  EXPECT_EQ(Ledger(c).counted, 0);
  EXPECT_EQ(Ledger(c).total_cents, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), orders_before + 3);
}

TEST_F(OrdersTest, TheProvisionalGradeLeavesVoidedOrdersOut) {
  const std::string c = AddCustomer({{"name", "鑫达汽修"}});
  AddOrder(c, 1, 200000);
  // A typo: ¥99,999,999 instead of ¥999.99 makes the garage VIP.
  const std::string typo = AddOrder(c, 1, 9999999900);
  auto vip = store_->grades().ForCustomer(c);
  ASSERT_TRUE(vip.ok() && vip->provisional);
  EXPECT_EQ(vip->provisional->tier, "VIP");
  ASSERT_TRUE(store_->orders().Void(typo, "typo: ¥999.99").ok());
  auto after = store_->grades().ForCustomer(c);
  ASSERT_TRUE(after.ok() && after->provisional);
  EXPECT_NE(after->provisional->tier, "VIP");
  // The void is no order and the typo no longer counts.
  EXPECT_NE(Reason(c, "frequency").find("1 orders in the last"), std::string::npos)
      << Reason(c, "frequency");
  EXPECT_EQ(after->provisional->monetary, 1);  // ¥2,000

  // The correction counts with its own amount.
  const std::string big = AddOrder(c, 1, 50000000);  // ¥500,000: VIP again
  ASSERT_EQ(store_->grades().ForCustomer(c)->provisional->tier, "VIP");
  OrderCorrection fix;
  fix.reason = "¥5,000";
  fix.lines = {{"BP-1", 1, 500000, "", false}};
  ASSERT_TRUE(store_->orders().Correct(big, fix).ok());
  auto fixed = store_->grades().ForCustomer(c);
  EXPECT_NE(fixed->provisional->tier, "VIP");
  EXPECT_EQ(fixed->provisional->monetary, 2);  // ¥2,000 + ¥5,000
  EXPECT_NE(Reason(c, "frequency").find("2 orders in the last"), std::string::npos)
      << Reason(c, "frequency");
}

// The ledger, one order and the profile's recent orders read their lines with the same one-query
// reader: each order gets exactly its own lines, in line order, across many orders of several
// customers (the lines of all of them sit in one table).
TEST_F(OrdersTest, EveryReaderGivesEachOrderItsOwnLinesInOrder) {
  const std::string a = AddCustomer({{"name", "鑫达汽修"}});
  const std::string b = AddCustomer({{"name", "顺通汽配"}});
  std::map<std::string, std::vector<std::string>> parts;  // order id -> its part numbers
  for (int i = 0; i < 30; ++i) {
    NewOrder o;
    o.customer_id = i % 3 == 0 ? b : a;
    o.order_date = "2026-11-" + std::string(i < 9 ? "0" : "") + std::to_string(i + 1);
    o.confirm_outlier = true;  // the totals grow with i: readers are under test, not outliers
    std::vector<std::string> mine;
    for (int k = 0; k <= i % 4; ++k) {
      const std::string part = "P" + std::to_string(i) + "-" + std::to_string(k);
      o.lines.push_back({part, "件", k + 1, 100 * (i + 1)});
      mine.push_back(part);
    }
    auto added = store_->facts().AddOrder(o);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    ASSERT_EQ(added->lines.size(), mine.size());
    parts[added->id] = mine;
  }
  auto lines_of = [](const client::Order& o) {
    std::vector<std::string> out;
    for (const client::OrderLine& l : o.lines) out.push_back(l.part_no);
    return out;
  };
  // Line ids are what orders the lines: the stored order of the parts as added.
  auto expected = [&](const client::Order& o) {
    std::vector<std::string> want = parts[o.id];
    std::vector<std::pair<std::string, std::string>> by_line;
    for (const client::OrderLine& l : o.lines) by_line.emplace_back(l.id, l.part_no);
    std::sort(by_line.begin(), by_line.end());
    std::vector<std::string> stored;
    for (const auto& [id, part] : by_line) stored.push_back(part);
    std::sort(want.begin(), want.end());
    std::vector<std::string> have = stored;
    std::sort(have.begin(), have.end());
    EXPECT_EQ(have, want) << o.id;
    return stored;
  };

  const OrderLedger ledger = Ledger(a);
  ASSERT_EQ(ledger.orders.size(), 20u);
  for (const OrderEntry& e : ledger.orders) EXPECT_EQ(lines_of(e.order), expected(e.order));

  auto one = store_->orders().Get(ledger.orders[5].order.id);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(lines_of(one->order), expected(one->order));

  auto profile = store_->customers().Show(b, 7);
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  ASSERT_EQ(profile->recent_orders.size(), 7u);
  EXPECT_EQ(profile->recent_orders[0].order_date, "2026-11-28");  // newest first
  for (const client::Order& o : profile->recent_orders) {
    EXPECT_EQ(o.customer_id, b);
    EXPECT_EQ(lines_of(o), expected(o));
  }
}

}  // namespace
}  // namespace fieldbook::testing
