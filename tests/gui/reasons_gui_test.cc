// Reasons in the UI's language (issue #19): a garage graded by the real grading engine (its
// reasons stored as codes and values, as the server writes them), synced to the rep's device and
// opened in the Chinese app, shows every reason in Chinese, the ticket class as 高/低, Chinese
// plan and at-risk reasons; a reason row written before codes is shown as it is. The same replica
// in English shows the English sentences.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fieldbook/dates.h"
#include "fieldbook/grading.h"
#include "fieldbook/lang_text.h"
#include "gui_fixture.h"

namespace fieldbook::testing {
namespace {

using app::Lang;

bool HasCjk(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0xE3 && c <= 0xEF) return true;
  }
  return false;
}

class ReasonsGuiTest : public AppFixture {
 protected:
  void SetUp() override {
    OpenHub();
    // 顺通汽配: a monthly buyer gone quiet for 220 days, unhappy, graded by the engine as the
    // server's nightly run would (the same rules, the same stored JSON).
    const int32_t today = *ParseDay("2026-11-23");
    CustomerHistory c;
    c.customer_id = kShuntong;
    c.created_day = today - 700;
    c.purchase_stage = "deciding";
    for (int d = 520; d >= 200; d -= 30) {
      c.orders.push_back(OrderFact{"o" + std::to_string(d), today - d, 180000, "", false});
    }
    c.satisfaction = {2, 1};
    grade_ = GradeCustomers({c}, GradingRules{}, today).at(0);
    ASSERT_EQ(grade_.lifecycle, "churned");
    ASSERT_EQ(grade_.ticket_class, "low");
    auto w = hub_->Write("customers", kShuntong,
                         {{"grade_tier", Value(grade_.tier)},
                          {"grade_recency", Value(int64_t{grade_.recency})},
                          {"grade_frequency", Value(int64_t{grade_.frequency})},
                          {"grade_monetary", Value(int64_t{grade_.monetary})},
                          {"grade_ticket_class", Value(grade_.ticket_class)},
                          {"grade_lifecycle", Value(grade_.lifecycle)},
                          {"grade_churn_risk", Value(grade_.churn_risk)},
                          {"grade_reasons", Value(grade_.ReasonsJson(1))},
                          {"graded_at", Value(std::string("2026-11-22T18:00:00Z"))},
                          {"grade_rules_version", Value(int64_t{1})}});
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    SetUpDevice();
    height_ = 2400;  // every reason on screen (an anchor records only what is visible)
  }

  // The texts the screen drew under anchors "<prefix><text>".
  std::vector<std::string> Drawn(const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& [name, rect] : app_->probe().rects()) {
      if (name.rfind(prefix, 0) == 0) out.push_back(name.substr(prefix.size()));
    }
    return out;
  }

  Grade grade_;
};

TEST_F(ReasonsGuiTest, TheChineseCustomerPagePlanAndReportsShowTheReasonsInChinese) {
  Start(Lang::kChinese);
  ClickOrFail("list.row:" + std::string(kShuntong));
  ASSERT_EQ(Snap()->customer->id, kShuntong);
  app_->Frame();

  // Every reason of the grade, in Chinese, as the shared table renders it.
  const std::vector<std::string> drawn = Drawn("customer.reason:");
  ASSERT_EQ(drawn.size(), grade_.reasons.size()) << app_->probe().Names();
  for (const GradeReason& r : grade_.reasons) {
    const std::string zh = ReasonLine(Lang::kChinese, r);
    EXPECT_TRUE(app_->Find("customer.reason:" + zh)) << zh;
  }
  for (const std::string& line : drawn) {
    EXPECT_TRUE(HasCjk(line)) << line;
    for (const char* english : {"days", "order", "churn", "scores", "ticket", "rhythm"}) {
      EXPECT_EQ(line.find(english), std::string::npos) << "English left in: " << line;
    }
  }
  // Money and the ticket class per language.
  // 5 orders of ¥1,800 in the window: 9,000.00 元, not "¥9000".
  bool money = false;
  for (const std::string& line : drawn) {
    money |= line.rfind("消费金额：近 365 天消费 9,000.00 元，得 ", 0) == 0;
    EXPECT_EQ(line.find("¥"), std::string::npos) << line;
  }
  EXPECT_TRUE(money) << app_->probe().Names();
  EXPECT_TRUE(app_->Find("customer.grade.ticket:低")) << app_->probe().Names();
  EXPECT_TRUE(
      app_->Find("customer.reason:生命周期：已流失：220 天未下单，是其下单节奏的 7.33 "
                 "倍，超过 4 倍；通常每 30 天下单一次（间隔中位数）"))
      << app_->probe().Names();
  Screenshot("zh-reasons-customer.png");

  // A row written before reasons had codes (鑫达汽修, SeedHub): its words, the rule in Chinese.
  ClickOrFail("list.row:" + std::string(kXinda));
  app_->Frame();
  EXPECT_TRUE(app_->Find("customer.reason:等级：RFM 5-4-5 -> A")) << app_->probe().Names();
  EXPECT_TRUE(app_->Find("customer.grade.ticket:高"));

  // The plan: why each visit is suggested, in Chinese.
  ClickOrFail("tab.plan");
  app_->Frame();
  const std::vector<std::string> plan = Drawn("plan.reason:");
  ASSERT_FALSE(plan.empty()) << app_->probe().Names();
  for (const std::string& why : plan) {
    EXPECT_TRUE(HasCjk(why)) << why;
    EXPECT_EQ(why.find("tier"), std::string::npos) << why;
    EXPECT_EQ(why.find("due today"), std::string::npos) << why;
  }

  // The reports: 顺通汽配 at risk, with its lifecycle and churn-risk reasons in Chinese.
  ClickOrFail("tab.reports");
  app_->Frame();
  std::vector<GradeReason> risk;
  for (const GradeReason& r : grade_.reasons) {
    if (r.rule == "lifecycle" || r.rule == "churn_risk") risk.push_back(r);
  }
  const std::string zh = JoinReasons(Lang::kChinese, risk);
  EXPECT_NE(zh.find("满意度低"), std::string::npos) << zh;
  EXPECT_TRUE(app_->Find("reports.reason:" + zh)) << zh << "\n" << app_->probe().Names();
  Screenshot("zh-reasons-reports.png");
}

TEST_F(ReasonsGuiTest, TheSameReplicaInEnglishShowsTheEnglishSentences) {
  Start(Lang::kEnglish);
  ClickOrFail("list.row:" + std::string(kShuntong));
  app_->Frame();
  for (const GradeReason& r : grade_.reasons) {
    EXPECT_TRUE(app_->Find("customer.reason:" + r.rule + ": " + r.detail)) << r.detail << "\n"
                                                                           << app_->probe().Names();
  }
  EXPECT_TRUE(app_->Find("customer.grade.ticket:low"));
}

}  // namespace
}  // namespace fieldbook::testing
