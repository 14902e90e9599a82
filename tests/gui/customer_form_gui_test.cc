// Adding and editing customers in the desktop app (issue #18), headless and driven by real ImGui
// input: while a new garage's name, city and phone are typed, the customers already on the device
// that it may duplicate (the same phone, or a similar name in the same city) are listed, and the
// rep can open one instead of adding it twice; a new customer is saved and shown; an edit changes
// only what the rep changed.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "gui_fixture.h"
#include "headless.h"

namespace fieldbook::testing {
namespace {

using app::Lang;

class CustomerFormGuiTest : public AppFixture {
 protected:
  void Fill(const std::string& field, const std::string& text) {
    ClickOrFail("customer_form." + field);
    app_->Type(text);
  }
  bool Candidate(const std::string& id, bool same_phone, bool similar_name) const {
    const auto snap = Snap();
    for (const app::DuplicateRow& r : snap->duplicates->rows) {
      if (r.id == id) return r.same_phone == same_phone && r.similar_name == similar_name;
    }
    return false;
  }
};

TEST_F(CustomerFormGuiTest, ASimilarNameInTheSameCityIsShownAndTheRepOpensItInstead) {
  Start(Lang::kChinese);
  const size_t customers = Snap()->customers->rows.size();
  ASSERT_TRUE(Snap()->selected_id.empty());
  ClickOrFail("customer.new");
  ASSERT_TRUE(app_->Find("customer_form.submit"));
  Fill("name", "鑫达汽车修理厂");
  EXPECT_FALSE(app_->Find("customer_form.duplicates")) << "no city yet: names are not compared";
  Fill("city", "广州");
  ASSERT_TRUE(app_->Find("customer_form.duplicates")) << app_->probe().Names();
  EXPECT_TRUE(Candidate(kXinda, false, true));
  EXPECT_FALSE(Candidate(kXinlong, false, true)) << "鑫隆 is another garage";
  Screenshot("zh-12-customer-duplicate.png");

  ClickOrFail("dup.open:" + std::string(kXinda));
  EXPECT_FALSE(app_->Find("customer_form.submit")) << "the form closed";
  EXPECT_EQ(Snap()->selected_id, kXinda);
  EXPECT_EQ(Snap()->customer->id, kXinda);
  EXPECT_EQ(Snap()->customers->rows.size(), customers) << "nothing added";
  EXPECT_EQ(Snap()->status.pending_changes, 0);
}

TEST_F(CustomerFormGuiTest, ANewCustomerIsSavedAndShownAndTheSamePhoneWarnsTheNextTime) {
  Start(Lang::kEnglish);
  const size_t customers = Snap()->customers->rows.size();
  ClickOrFail("customer.new");
  Fill("name", "永安汽修");
  Fill("city", "广州");
  Fill("phone", "020-5555-6666");
  ClickOrFail("customer_form.type");
  ClickOrFail("option:garage");
  EXPECT_TRUE(Snap()->duplicates->rows.empty());
  EXPECT_FALSE(app_->Find("customer_form.duplicates"));
  ClickOrFail("customer_form.submit");
  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  EXPECT_FALSE(app_->Find("customer_form.submit"));
  const std::string added = Snap()->last_form.id;
  EXPECT_EQ(Snap()->selected_id, added);
  EXPECT_EQ(Snap()->customer->name, "永安汽修");
  EXPECT_EQ(Snap()->customer->type, "garage");
  EXPECT_EQ(Snap()->customer->city, "广州");
  EXPECT_EQ(Snap()->customers->rows.size(), customers + 1);
  EXPECT_GT(Snap()->status.pending_changes, 0);

  // The same number written another way, under another name: the rep sees it and may still add.
  ClickOrFail("customer.new");
  Fill("name", "Yongan Tyres");
  Fill("phone", "(020) 5555 6666");
  ASSERT_TRUE(app_->Find("customer_form.duplicates"));
  EXPECT_TRUE(Candidate(added, true, false));
  ClickOrFail("customer_form.submit");  // "Save anyway: a different customer"
  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  EXPECT_EQ(Snap()->customers->rows.size(), customers + 2);
}

TEST_F(CustomerFormGuiTest, AnEditChangesOnlyWhatTheRepChanged) {
  Start(Lang::kEnglish);
  ClickOrFail("list.row:" + std::string(kGoldenWrench));
  ClickOrFail("customer.edit");
  ASSERT_TRUE(app_->Find("customer_form.submit"));
  EXPECT_FALSE(app_->Find("customer_form.duplicates")) << "an edit is no new garage";
  Fill("tags", "brakes,oil");
  ClickOrFail("customer_form.stage");
  ClickOrFail("option:deciding");
  ClickOrFail("customer_form.submit");
  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  const auto snap = Snap();
  const app::CustomerDetail& d = *snap->customer;
  EXPECT_EQ(d.id, kGoldenWrench);
  EXPECT_EQ(d.tags, "brakes,oil");
  EXPECT_EQ(d.stage, "deciding");
  EXPECT_EQ(d.phone, "0757-8622-0101");
  EXPECT_EQ(d.primary_contact, "Mr. Chen");
  EXPECT_GT(Snap()->status.pending_changes, 0);
  Stop();

  // Exactly the two edited columns wait to be pushed: one outbox row (capture adds a row per
  // column an UPDATE names without changing it, so a form writing every field would show more).
  auto db = Db::Open(replica_path_, DbOptions{.read_only = true, .create = false});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto stmt = (*db)->Prepare("SELECT cols FROM fb_outbox WHERE row_id = ?");
  ASSERT_TRUE(stmt.ok());
  (*stmt)->Bind(1, std::string(kGoldenWrench));
  ASSERT_TRUE(*(*stmt)->Step());
  EXPECT_EQ(__builtin_popcountll(static_cast<uint64_t>((*stmt)->Int(0))), 2);
  EXPECT_FALSE(*(*stmt)->Step()) << "one outbox row";
  (*stmt)->Reset();
}

}  // namespace
}  // namespace fieldbook::testing
