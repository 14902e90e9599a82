// Preferences (client/store/preferences.h): a customer's preferred brands, payment terms and
// delivery on the device — added, checked, edited, noted, removed, listed and filtered on; each
// write is captured naming only the columns it sets.
#include "store/preferences.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "lang/store_errors.h"
#include "support/client_store_fixture.h"

namespace fieldbook::testing {
namespace {

using client::CustomerPreference;
using client::NewPreference;
using client::PreferenceChange;
using client::PreferenceFilter;
using client::Preferences;

class PreferencesTest : public ClientStoreTest {
 protected:
  Preferences prefs() { return Preferences(store_->replica()); }
  std::string Add(const std::string& customer, const std::string& kind, const std::string& value,
                  const std::string& note = "") {
    auto id =
        prefs().Add(NewPreference{customer, kind, value, note}, "rep-a", "2026-12-06T09:00:00Z");
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }
  std::vector<std::string> Values(const PreferenceFilter& f) {
    auto list = prefs().List(f);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    std::vector<std::string> out;
    if (list.ok()) {
      for (const CustomerPreference& p : *list) out.push_back(p.customer_name + ":" + p.value);
    }
    return out;
  }
  int64_t Count(const std::string& sql) {
    return std::get<int64_t>(QueryValue(store_->replica().db(), sql));
  }
};

TEST_F(PreferencesTest, AddListAndFilterCustomersOnAPreference) {
  const std::string xinda = AddCustomer({{"name", "鑫达汽修"}});
  const std::string shuntong = AddCustomer({{"name", "顺通汽配"}});
  Add(xinda, "payment_terms", "月结", "每月25号对账");
  Add(xinda, "brand", "博世");
  Add(shuntong, "payment_terms", "现结");
  Add(shuntong, "brand", "博世");

  EXPECT_EQ(Values({xinda, "", "", 0}),
            (std::vector<std::string>{"鑫达汽修:博世", "鑫达汽修:月结"}));
  EXPECT_EQ(Values({"", "payment_terms", "月结", 0}), std::vector<std::string>{"鑫达汽修:月结"});
  EXPECT_EQ(Values({"", "brand", "博世", 0}),  // by name (UTF-8 byte order)
            (std::vector<std::string>{"鑫达汽修:博世", "顺通汽配:博世"}));
  EXPECT_EQ(Values({"", "brand", "", 1}).size(), 1u);
  auto list = prefs().List({xinda, "payment_terms", "", 0});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].note, "每月25号对账");
  EXPECT_EQ((*list)[0].created_by, "rep-a");
  EXPECT_EQ((*list)[0].created_at, "2026-12-06T09:00:00Z");
}

TEST_F(PreferencesTest, CustomerListFiltersOnAPreferenceWithItsOtherFilters) {
  // 1,200 customers: every third pays monthly (月结), every fifth prefers 博世; a removed
  // preference no longer counts.
  std::set<std::string> monthly, monthly_garages;
  std::string removed_from;
  for (int i = 0; i < 1200; ++i) {
    const std::string id = AddCustomer({{"name", "汽修 " + std::to_string(10000 + i)},
                                        {"customer_type", i % 2 == 0 ? "garage" : "dealer"}});
    if (i % 3 == 0) {
      const std::string pref = Add(id, "payment_terms", "月结");
      if (i == 0) {
        ASSERT_TRUE(prefs().Remove(pref).ok());
        removed_from = id;
        continue;
      }
      monthly.insert(id);
    }
    if (i % 5 == 0) Add(id, "brand", "博世");
    if (i % 3 == 0 && i % 2 == 0) monthly_garages.insert(id);
    if (i % 7 == 0) Add(id, "payment_terms", "现结");  // another value of the same kind
  }
  client::CustomerFilter f;
  f.pref_kind = "payment_terms";
  f.pref_value = "月结";
  auto listed = store_->customers().List(f);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::set<std::string> ids;
  for (const client::Customer& c : *listed) ids.insert(c.id);
  EXPECT_EQ(ids, monthly);
  EXPECT_EQ(ids.count(removed_from), 0u);
  // With another filter: the garages among them.
  f.type = "garage";
  listed = store_->customers().List(f);
  ASSERT_TRUE(listed.ok());
  ids.clear();
  for (const client::Customer& c : *listed) ids.insert(c.id);
  EXPECT_EQ(ids, monthly_garages);
  // An unknown kind is refused in words; an unknown value finds nobody.
  f.pref_kind = "colour";
  EXPECT_EQ(store_->customers().List(f).status().message(),
            "preference kind must be one of brand, payment_terms, delivery, other (not 'colour')");
  f.pref_kind = "payment_terms";
  f.pref_value = "季结";
  EXPECT_TRUE(store_->customers().List(f)->empty());
}

TEST_F(PreferencesTest, BadInputIsRefusedInWordsAndWritesNothing) {
  const std::string xinda = AddCustomer({{"name", "鑫达汽修"}});
  const int64_t before = Count("SELECT count(*) FROM customer_preferences");
  auto add = [&](const std::string& customer, const std::string& kind, const std::string& value,
                 const std::string& note = "") {
    return prefs().Add(NewPreference{customer, kind, value, note}, "rep-a", "now").status();
  };
  EXPECT_EQ(add(xinda, "colour", "red").message(),
            "preference kind must be one of brand, payment_terms, delivery, other (not 'colour')");
  EXPECT_EQ(add(xinda, "brand", "  ").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(add(xinda, "brand", std::string(101, 'x')).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(add(xinda, "brand", std::string(100, 'x')).code(), StatusCode::kOk);
  EXPECT_EQ(add(xinda, "other", "x", std::string(501, 'n')).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(add("nobody-here", "brand", "博世").code(), StatusCode::kNotFound);
  ASSERT_EQ(add(xinda, "payment_terms", "月结").code(), StatusCode::kOk);
  const Status again = add(xinda, "payment_terms", " 月结 ");
  EXPECT_EQ(again.code(), StatusCode::kConflict);
  EXPECT_NE(again.message().find("already has the payment_terms 月结"), std::string::npos);
  // In the rep's language, the kind by its label (English until session 15).
  EXPECT_NE(client::RenderError(Lang::kChinese, again)
                .find("客户 " + xinda + " 已有付款方式 月结（偏好 "),
            std::string::npos)
      << client::RenderError(Lang::kChinese, again);
  EXPECT_EQ(Count("SELECT count(*) FROM customer_preferences"), before + 2);
  EXPECT_EQ(prefs().List({"", "colour", "", 0}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PreferencesTest, RemoveAndNoteAreCapturedAsTheirOwnColumns) {
  const std::string xinda = AddCustomer({{"name", "鑫达汽修"}});
  const std::string id = Add(xinda, "delivery", "上午送货");
  ASSERT_TRUE(prefs().SetNote(id.substr(0, 10), "  9点前到  ").ok());
  auto list = prefs().List({xinda, "", "", 0});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].note, "9点前到");
  ASSERT_TRUE(prefs().Remove(id).ok());
  EXPECT_TRUE(prefs().List({xinda, "", "", 0})->empty());
  EXPECT_EQ(prefs().Remove(id).code(), StatusCode::kNotFound);  // removed already
  EXPECT_EQ(prefs().SetNote(id, "x").code(), StatusCode::kNotFound);
  // Removed, the same preference may be added again.
  Add(xinda, "delivery", "上午送货");
  // The push carries both rows (the first with the older note it replaced before any push).
  auto push = store_->replica().PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value()) << push.status().ToString();
  std::set<std::string> rows;
  for (const RowChange& row : (*push)->rows) {
    if (row.table != "customer_preferences") continue;
    rows.insert(row.row_id);
    for (const ColumnChange& c : row.columns) EXPECT_NE(c.column, "id");
  }
  EXPECT_EQ(rows.size(), 2u);
}

TEST_F(PreferencesTest, AnEditWritesOnlyTheColumnsThatChangeAndKeepsOnePreferenceOfAKind) {
  const std::string xinda = AddCustomer({{"name", "鑫达汽修"}});
  const std::string monthly = Add(xinda, "payment_terms", "月结", "每月25号对账");
  const std::string cash = Add(xinda, "payment_terms", "现结");
  const std::string bosch = Add(xinda, "brand", "博世");
  // Everything so far reaches the hub.
  auto first = store_->replica().PreparePush();
  ASSERT_TRUE(first.ok() && first->has_value()) << first.status().ToString();
  ASSERT_TRUE(store_->replica().AcknowledgePush(PushResult{(*first)->set_id, 0, {}, {}}).ok());

  // The value changes (季结), the kind and note are given unchanged: only `value` is captured.
  ASSERT_TRUE(
      prefs().Edit(monthly, PreferenceChange{"payment_terms", " 季结 ", "每月25号对账"}).ok());
  // Another value that would repeat a live preference is refused, and writes nothing.
  const Status twice = prefs().Edit(monthly, PreferenceChange{std::nullopt, "现结", std::nullopt});
  EXPECT_EQ(twice.code(), StatusCode::kConflict);
  EXPECT_NE(twice.message().find(cash), std::string::npos) << twice.message();
  EXPECT_EQ(prefs().Edit(bosch, PreferenceChange{"colour", std::nullopt, std::nullopt}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(prefs().Edit(bosch, PreferenceChange{std::nullopt, "", std::nullopt}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(prefs().Edit("p-nobody", PreferenceChange{}).code(), StatusCode::kNotFound);
  // The kind and the note of the brand, together.
  ASSERT_TRUE(prefs().Edit(bosch, PreferenceChange{"other", std::nullopt, "只要原厂"}).ok());
  // Removed, a preference's value no longer blocks an edit to it.
  ASSERT_TRUE(prefs().Remove(cash).ok());
  ASSERT_TRUE(prefs().Edit(monthly, PreferenceChange{std::nullopt, "现结", std::nullopt}).ok());

  auto list = prefs().List({xinda, "", "", 0});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  std::set<std::string> shown;
  for (const CustomerPreference& p : *list) shown.insert(p.kind + ":" + p.value + ":" + p.note);
  EXPECT_EQ(shown,
            (std::set<std::string>{"payment_terms:现结:每月25号对账", "other:博世:只要原厂"}));

  auto push = store_->replica().PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value()) << push.status().ToString();
  std::map<std::string, std::set<std::string>> columns;
  for (const RowChange& row : (*push)->rows) {
    if (row.table != "customer_preferences") continue;
    for (const ColumnChange& c : row.columns) columns[row.row_id].insert(c.column);
  }
  EXPECT_EQ(columns[monthly], std::set<std::string>{"value"});
  EXPECT_EQ(columns[bosch], (std::set<std::string>{"kind", "note"}));
  EXPECT_EQ(columns[cash], std::set<std::string>{"deleted"});
}

}  // namespace
}  // namespace fieldbook::testing
