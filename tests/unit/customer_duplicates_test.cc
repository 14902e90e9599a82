// Customer duplicates on the device (client/store/customer_duplicates.h): the same phone however
// it is written (the customer's or a contact's), a similar name in the same city (trade words
// stripped, one name holding the other), nothing across cities, a deleted or edited customer not
// its own duplicate, among thousands of garages.
#include "store/customer_duplicates.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "support/client_store_fixture.h"

namespace fieldbook::testing {
namespace {

using client::DuplicateCandidate;
using client::FindLikelyDuplicates;
using client::NameKey;
using client::NewCustomerKeys;
using client::SimilarNames;

TEST(CustomerDuplicateNames, TradeWordsAreStrippedAndOneNameMayHoldTheOther) {
  EXPECT_EQ(NameKey("鑫达汽修"), "鑫达");
  EXPECT_EQ(NameKey("鑫达汽车修理厂（天河店）"), "鑫达汽车修理厂天河");
  EXPECT_EQ(NameKey("Golden Wrench Garage"), "goldenwrench");
  EXPECT_TRUE(SimilarNames("鑫达汽修", "鑫达汽车修理厂"));
  EXPECT_TRUE(SimilarNames("鑫达汽修", "鑫达汽修（天河店）"));
  EXPECT_TRUE(SimilarNames("golden wrench", "Golden-Wrench Garage"));
  EXPECT_FALSE(SimilarNames("鑫达汽修", "鑫隆汽修"));
  EXPECT_FALSE(SimilarNames("鑫汽修", "鑫隆轮胎店")) << "one character is not enough";
  EXPECT_FALSE(SimilarNames("ab", "abc motors")) << "two letters are not enough";
  EXPECT_FALSE(SimilarNames("汽修", "宏发汽修")) << "a trade word alone is no name";
}

class CustomerDuplicatesTest : public ClientStoreTest {
 protected:
  std::vector<DuplicateCandidate> Find(const std::string& name, const std::string& city,
                                       const std::string& phone, const std::string& except = "") {
    auto found = FindLikelyDuplicates(store_->replica().db(), {name, city, phone, except});
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::vector<DuplicateCandidate>{};
  }
};

TEST_F(CustomerDuplicatesTest, SamePhoneOrSimilarNameInTheSameCityAmongThousands) {
  // 3,000 garages in three cities, none like the ones below.
  for (int i = 0; i < 3000; ++i) {
    char name[32], phone[32];
    std::snprintf(name, sizeof name, "车友%04d汽修", i);
    std::snprintf(phone, sizeof phone, "0757-%04d-%04d", i, 3000 + i);
    AddCustomer({{"name", std::string(name)},
                 {"city", std::string(i % 3 == 0   ? "广州"
                                      : i % 3 == 1 ? "佛山"
                                                   : "深圳")},
                 {"phone", std::string(phone)}});
  }
  const std::string xinda =
      AddCustomer({{"name", "鑫达汽修"}, {"city", "广州市"}, {"phone", "020-3888-1234"}});
  const std::string foshan_xinda = AddCustomer({{"name", "鑫达汽修"}, {"city", "佛山"}});
  const std::string wang = AddCustomer({{"name", "王记车行"}, {"city", "深圳"}});
  client::Contact boss;
  boss.name = "王老板";
  boss.phone = "+86 138 0000 1234";
  ASSERT_TRUE(store_->customers().AddContact(wang, boss).ok());

  // A similar name in the same city (广州 and 广州市 are one city); not the 佛山 namesake.
  auto c = Find("鑫达汽车修理厂", "广州", "");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].id, xinda);
  EXPECT_TRUE(c[0].similar_name);
  EXPECT_FALSE(c[0].same_phone);

  // The same phone written another way, in another city and under another name.
  c = Find("新店", "东莞", "(020) 38881234");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].id, xinda);
  EXPECT_TRUE(c[0].same_phone);

  // A contact's mobile; same phone first, then similar names.
  c = Find("鑫达", "佛山", "13800001234");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].id, wang);
  EXPECT_TRUE(c[0].same_phone);
  EXPECT_EQ(c[1].id, foshan_xinda);

  // Nothing alike; too short a phone; the customer being edited is not its own duplicate.
  EXPECT_TRUE(Find("宏图汽配", "广州", "12345").empty());
  EXPECT_TRUE(Find("鑫达汽修", "广州", "020-3888-1234", xinda).empty());
  // A deleted customer is no candidate.
  auto gone = store_->replica().db().Prepare("UPDATE customers SET deleted = 1 WHERE id = ?");
  ASSERT_TRUE(gone.ok());
  (*gone)->Bind(1, foshan_xinda);
  ASSERT_TRUE((*gone)->Run().ok());
  EXPECT_TRUE(Find("鑫达", "佛山", "").empty());
}

}  // namespace
}  // namespace fieldbook::testing
