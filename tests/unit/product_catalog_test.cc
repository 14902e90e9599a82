// ProductCatalog, the device's read-only view of the product catalogue: rows the hub wrote arrive
// by pull, and a search finds them by part number, name or brand, the exact part number first,
// discontinued parts only when asked; tier prices fall back to the list price.
#include "store/products.h"

#include <gtest/gtest.h>

#include "fieldbook/hub.h"
#include "fieldbook/replica.h"
#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook::client {
namespace {

using fieldbook::testing::I;
using fieldbook::testing::S;

TEST(ProductCatalog, SearchFindsPartNameOrBrandExactPartFirst) {
  fieldbook::testing::TempDir dir;
  fieldbook::testing::FakeWallClock wall;
  auto hub = Hub::Open(dir.File("hub.db"), wall);
  auto replica = Replica::Open(dir.File("r.db"), wall);
  ASSERT_TRUE(hub.ok() && replica.ok());
  std::vector<RowWrite> rows;
  for (int i = 0; i < 1500; ++i) {
    rows.push_back(RowWrite{"products",
                            "p" + std::to_string(i),
                            {{"part_number", Value("BP-" + std::to_string(100 + i))},
                             {"name", Value(i == 42 ? std::string("机油滤清器") : "刹车片")},
                             {"brand", S(i % 3 ? "博世" : "Brembo")},
                             {"list_price_cents", I(1000 + i)},
                             {"active", I(i == 7 ? 0 : 1)}}});
  }
  rows[5].columns.push_back({"tier_prices", S(R"({"VIP": 900, "A": "bad"})")});
  ASSERT_TRUE((*hub)->Write(rows).ok());
  ASSERT_TRUE(fieldbook::testing::SyncOnce(**replica, **hub, 64).ok());

  ProductCatalog catalog((*replica)->db());
  EXPECT_EQ(*catalog.Count(), 1499);
  EXPECT_EQ(*catalog.Count(true), 1500);
  // "BP-110" is a part number and the start of BP-1100 .. BP-1109: the exact one first.
  auto hits = catalog.Search("bp-110", 20);
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  ASSERT_EQ(hits->size(), 11u);
  EXPECT_EQ((*hits)[0].part_number, "BP-110");
  EXPECT_EQ((*hits)[1].part_number, "BP-1100");
  EXPECT_EQ(catalog.Search("滤清器")->size(), 1u);
  EXPECT_EQ(catalog.Search("BREMBO", 500)->size(), 500u);
  // BP-107 is discontinued.
  EXPECT_TRUE(catalog.Search("BP-107", 1)->empty() ||
              (*catalog.Search("BP-107", 1))[0].part_number != "BP-107");
  auto with_inactive = catalog.Search("BP-107", 1, true);
  ASSERT_EQ(with_inactive->size(), 1u);
  EXPECT_FALSE((*with_inactive)[0].active);
  // Tier prices: the valid entry counts, the bad one is ignored; other tiers pay the list price.
  auto five = catalog.ByPartNumber("BP-105");
  ASSERT_TRUE(five.ok() && five->has_value());
  EXPECT_EQ((*five)->PriceFor("VIP"), 900);
  EXPECT_EQ((*five)->PriceFor("A"), 1005);
  EXPECT_FALSE(catalog.ByPartNumber("NOPE")->has_value());
  EXPECT_FALSE(catalog.Search("").ok());
  EXPECT_FALSE(catalog.Search("x", 0).ok());
}

}  // namespace
}  // namespace fieldbook::client
