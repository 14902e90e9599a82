// Orders from the catalogue (client/store/order_pricing.h): lines by part number take the price
// list's price (the customer's tier price first), a different price needs a reason, unknown and
// discontinued parts are refused unless recorded as free text, and a device without a catalogue
// takes free-text lines as before.
#include "store/order_pricing.h"

#include <gtest/gtest.h>

#include "fieldbook/hub.h"
#include "support/client_store_fixture.h"

namespace fieldbook::testing {
namespace {

using client::LineRequest;

class OrderPricingTest : public ClientStoreTest {
 protected:
  void SetUp() override {
    ClientStoreTest::SetUp();
    auto hub = Hub::Open(dir_.File("hub.db"), wall_);
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = std::move(*hub);
  }

  void Catalogue() {
    std::vector<RowWrite> rows;
    rows.push_back(RowWrite{"products",
                            "p1",
                            {{"part_number", S("BP-1024")},
                             {"name", S("刹车片")},
                             {"list_price_cents", I(12800)},
                             {"tier_prices", S(R"({"A": 12000})")},
                             {"active", I(1)}}});
    rows.push_back(RowWrite{"products",
                            "p2",
                            {{"part_number", S("OLD-1")},
                             {"name", S("停产件")},
                             {"list_price_cents", I(500)},
                             {"active", I(0)}}});
    rows.push_back(
        RowWrite{"products",
                 "p3",
                 {{"part_number", S("NOPRICE-1")}, {"name", S("询价")}, {"active", I(1)}}});
    ASSERT_TRUE(hub_->Write(rows).ok());
    Sync();
  }

  void Sync() { ASSERT_TRUE(SyncOnce(store_->replica(), *hub_).ok()); }

  Result<client::Order> Add(const std::string& customer, std::vector<LineRequest> lines) {
    client::NewOrder o;
    o.customer_id = customer;
    return store_->orders().Add(o, lines);
  }

  std::unique_ptr<Hub> hub_;
};

TEST_F(OrderPricingTest, PartsTakeThePriceListsPriceAndTheTiersFirst) {
  Catalogue();
  const std::string c = AddCustomer({{"name", "鑫达汽修"}});
  auto order = Add(c, {{"BP-1024", 4, std::nullopt, "", false}});
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  ASSERT_EQ(order->lines.size(), 1u);
  EXPECT_EQ(order->lines[0].unit_price_cents, 12800);  // not graded yet: the list price
  EXPECT_EQ(order->lines[0].description, "刹车片");
  EXPECT_EQ(order->amount_cents, 4 * 12800);

  // The server grades the customer A: the tier's price.
  Sync();
  ASSERT_TRUE(hub_->Write("customers", c, {{"grade_tier", S("A")}}).ok());
  Sync();
  auto tiered = Add(c, {{"BP-1024", 2, std::nullopt, "", false}});
  ASSERT_TRUE(tiered.ok()) << tiered.status().ToString();
  EXPECT_EQ(tiered->amount_cents, 2 * 12000);

  // Another price needs a reason, which the line keeps.
  auto no_reason = Add(c, {{"BP-1024", 2, 11000, "", false}});
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.status().message(),
            "line 1: the price list says ¥120.00 for BP-1024 (tier A); give the reason for "
            "¥110.00 (--price-reason)");
  auto with_reason = Add(c, {{"BP-1024", 2, 11000, "老客户优惠", false}});
  ASSERT_TRUE(with_reason.ok()) << with_reason.status().ToString();
  EXPECT_EQ(with_reason->lines[0].description,
            "刹车片; price ¥110.00 instead of ¥120.00: 老客户优惠");
  // The same price as the list needs none.
  EXPECT_TRUE(Add(c, {{"BP-1024", 1, 12000, "", false}}).ok());
}

TEST_F(OrderPricingTest, UnknownDiscontinuedAndUnpricedPartsAreRefusedUnlessFreeText) {
  Catalogue();
  const std::string c = AddCustomer({{"name", "鑫达汽修"}});
  auto unknown = Add(c, {{"BP-1024", 1, std::nullopt, "", false}, {"XX-9", 1, 100, "", false}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("line 2: part XX-9 is not in the catalogue"),
            std::string::npos)
      << unknown.status().message();
  auto old = Add(c, {{"OLD-1", 1, std::nullopt, "", false}});
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.status().message().find("discontinued"), std::string::npos);
  auto unpriced = Add(c, {{"NOPRICE-1", 1, std::nullopt, "", false}});
  ASSERT_FALSE(unpriced.ok());
  EXPECT_NE(unpriced.status().message().find("the price list has no price for NOPRICE-1"),
            std::string::npos);
  EXPECT_TRUE(Add(c, {{"NOPRICE-1", 1, 900, "", false}}).ok());  // priced by the rep, no reason
  // Free text: accepted with a price, refused without one.
  EXPECT_TRUE(Add(c, {{"XX-9", 1, 100, "", true}}).ok());
  EXPECT_FALSE(Add(c, {{"XX-9", 1, std::nullopt, "", true}}).ok());
  EXPECT_EQ(store_->orders().ForCustomer(c)->orders.size(), 2u);
}

TEST_F(OrderPricingTest, ADeviceWithoutACatalogueTakesFreeTextLinesAsBefore) {
  const std::string c = AddCustomer({{"name", "鑫达汽修"}});
  auto order = Add(c, {{"ANY-PART", 2, 5000, "", false}});
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  EXPECT_EQ(order->amount_cents, 10000);
  EXPECT_EQ(Add(c, {{"ANY-PART", 2, std::nullopt, "", false}}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fieldbook::testing
