// Preferences in a customer's archive in the desktop app (issue #18), headless and driven by real
// ImGui input: the customer page's Preferences tab adds, edits and removes preferred brands,
// payment terms (月结) and delivery; they are on the replica after the app restarts, the customer
// list's preference filter finds the customer by the edited value, and the app's sync carries them
// to the hub as the CLI's `customer pref` writes do.
#include <gtest/gtest.h>
#include <imgui.h>

#include <set>
#include <string>

#include "fieldbook/sqlite_db.h"
#include "gui_fixture.h"
#include "headless.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

using app::Lang;
using app::PreferenceRow;

class PreferenceGuiTest : public AppFixture {
 protected:
  void OpenPreferences(const std::string& customer_id) {
    ClickOrFail("list.row:" + customer_id);
    ASSERT_EQ(Snap()->customer->id, customer_id);
    ClickOrFail("customer.tab.preferences");
  }
  // The customer page's preferences as "kind:value:note".
  std::set<std::string> Shown() const {
    std::set<std::string> out;
    for (const PreferenceRow& p : Snap()->customer->preferences) {
      out.insert(p.kind + ":" + p.value + ":" + p.note);
    }
    return out;
  }
  std::string IdOf(const std::string& value) const {
    for (const PreferenceRow& p : Snap()->customer->preferences) {
      if (p.value == value) return p.id;
    }
    return "";
  }
  // Adds a preference through the form.
  void AddThroughForm(const std::string& kind, const std::string& value, const std::string& note) {
    ClickOrFail("customer.add_preference");
    ClickOrFail("preference_form.kind");
    ClickOrFail("option:" + kind);
    ClickOrFail("preference_form.value");
    app_->Type(value);
    if (!note.empty()) {
      ClickOrFail("preference_form.note");
      app_->Type(note);
    }
    ClickOrFail("preference_form.submit");
    ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
    EXPECT_FALSE(app_->Find("preference_form.submit")) << "the form did not close";
  }
};

TEST_F(PreferenceGuiTest, AddEditAndRemoveThenRestartAndFilterTheListOnIt) {
  Start(Lang::kChinese);
  ASSERT_NO_FATAL_FAILURE(OpenPreferences(kXinda));
  ASSERT_TRUE(Snap()->customer->preferences.empty());
  const int64_t pending_before = Snap()->status.pending_changes;

  // Nothing typed: refused in words, nothing saved.
  ClickOrFail("customer.add_preference");
  ClickOrFail("preference_form.submit");
  EXPECT_TRUE(app_->Find("preference_form.submit")) << "an empty preference closed the form";
  ClickOrFail("preference_form.cancel");

  ASSERT_NO_FATAL_FAILURE(AddThroughForm("payment_terms", "月结", "每月25号对账"));
  ASSERT_NO_FATAL_FAILURE(AddThroughForm("brand", "博世", ""));
  ASSERT_NO_FATAL_FAILURE(AddThroughForm("delivery", "上午送货", "9点前"));
  EXPECT_EQ(Shown(), (std::set<std::string>{"payment_terms:月结:每月25号对账",
                                            "brand:博世:", "delivery:上午送货:9点前"}));
  const std::string monthly = IdOf("月结");
  const std::string bosch = IdOf("博世");
  ASSERT_FALSE(monthly.empty());
  EXPECT_TRUE(app_->Find("preference:" + monthly));

  // The same kind and value again: the form says so and keeps what was typed.
  ClickOrFail("customer.add_preference");
  ClickOrFail("preference_form.kind");
  ClickOrFail("option:payment_terms");
  ClickOrFail("preference_form.value");
  app_->Type("月结");
  ClickOrFail("preference_form.submit");
  EXPECT_TRUE(app_->Find("preference_form.submit"));
  ClickOrFail("preference_form.cancel");
  EXPECT_EQ(Snap()->customer->preferences.size(), 3u);

  // Edit: monthly (月结) becomes quarterly (季结), the note stays.
  ClickOrFail("preference.edit:" + monthly);
  ClickOrFail("preference_form.value");
  app_->Press(ImGuiKey_End);
  for (int i = 0; i < 2; ++i) app_->Press(ImGuiKey_Backspace);
  app_->Type("季结");
  Screenshot("zh-14-preference-edit.png");
  ClickOrFail("preference_form.submit");
  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  EXPECT_FALSE(app_->Find("preference_form.submit"));

  // Remove the brand: asked first, then gone.
  ClickOrFail("preference.remove:" + bosch);
  ClickOrFail("preference_form.submit");
  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  EXPECT_FALSE(app_->Find("preference.remove:" + bosch));
  const std::set<std::string> kept = {"payment_terms:季结:每月25号对账", "delivery:上午送货:9点前"};
  EXPECT_EQ(Shown(), kept);
  EXPECT_GT(Snap()->status.pending_changes, pending_before) << "written for the next sync";
  Screenshot("zh-14-preferences.png");

  // The app closes and opens again on the same replica: the preferences are there.
  Stop();
  Start(Lang::kEnglish);
  ASSERT_NO_FATAL_FAILURE(OpenPreferences(kXinda));
  EXPECT_EQ(Shown(), kept);
  EXPECT_TRUE(app_->Find("preference.edit:" + monthly));
  Screenshot("en-14-preferences.png");

  // The list's preference filter finds the customer by the edited value, not by the old one.
  ClickOrFail("list.filter.pref");
  ClickOrFail("option:payment_terms");
  ClickOrFail("list.filter.pref_value");
  app_->Type("季结");
  ASSERT_EQ(Snap()->customers->rows.size(), 1u);
  EXPECT_EQ(Snap()->customers->rows[0].id, kXinda);
  for (int i = 0; i < 2; ++i) app_->Press(ImGuiKey_Backspace);
  app_->Type("月结");
  EXPECT_TRUE(Snap()->customers->rows.empty());

  // The app's sync carries them to the hub: the edited value and the removal.
  ClickOrFail("status.sync");
  ASSERT_TRUE(app_->Settle());
  ASSERT_TRUE(Snap()->status.synced) << Snap()->status.sync_message;
  EXPECT_EQ(Snap()->status.pending_changes, 0);
  auto hub_row = [&](const std::string& id, const char* column) {
    return QueryValue(hub_->db(),
                      std::string("SELECT ") + column + " FROM customer_preferences WHERE id = ?",
                      {Value(id)});
  };
  EXPECT_EQ(hub_row(monthly, "value"), Value(std::string("季结")));
  EXPECT_EQ(hub_row(monthly, "note"), Value(std::string("每月25号对账")));
  EXPECT_EQ(hub_row(monthly, "customer_id"), Value(std::string(kXinda)));
  EXPECT_EQ(hub_row(bosch, "deleted"), Value(int64_t{1}));
}

}  // namespace
}  // namespace fieldbook::testing
