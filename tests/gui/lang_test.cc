// Every text the rep may see, in both languages (issue #19): the app's string table, the schema
// codes' labels, the device's messages (client/lang/messages.h), the common texts every reason
// code renders through (fieldbook/lang_text.h) and fieldbook-cli's help table
// (client/lang/help_texts.h) are walked entry by entry and fail on a missing
// translation (empty, or the English left in the Chinese column) or on texts whose two languages
// take different values; every reason code the grading engine gives has a text in both languages;
// reasons stored as values round-trip, old text rows read as they are; messages, dates and money
// render per language.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "fieldbook/dates.h"
#include "fieldbook/grading.h"
#include "fieldbook/json.h"
#include "fieldbook/lang_text.h"
#include "lang/help_texts.h"
#include "lang/messages.h"
#include "lang/store_errors.h"
#include "ui_strings.h"

namespace fieldbook::testing {
namespace {

using client::Lang;

// Texts that read the same in both languages (names, tier letters, "VIP").
const std::set<std::string> kSameInBoth = {"VIP", "A", "B", "C", "D"};

bool HasCjk(const std::string& s) {
  // Any code point from U+2E80 up (3-byte UTF-8 sequences starting 0xE2 0xBA.. and above) or a
  // full-width form: good enough to tell Chinese text from English.
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0xE3 && b <= 0xEF) return true;
  }
  return false;
}

// printf conversions in order ("%d", "%s", "%zu", "%lld"...).
std::vector<std::string> Conversions(const std::string& s) {
  static const std::regex kConv("%[-+ #0]*[0-9]*(\\.[0-9]+)?(hh|h|ll|l|z|j|t)?[diouxXfFeEgGcsp%]");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kConv); it != std::sregex_iterator();
       ++it) {
    out.push_back(it->str());
  }
  return out;
}

// The names of the values a text takes ({0}, {days}, {spend:money} -> "0", "days", "spend").
std::set<std::string> Placeholders(std::string_view text) {
  static const std::regex kPlace("\\{([A-Za-z0-9_]+)(:[^}]*)?\\}");
  const std::string s(text);
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kPlace); it != std::sregex_iterator();
       ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

// A sample for each value a text takes, by its kind: a date for {x:date}, a code for {x:label},
// a number otherwise.
TextValues SampleValues(std::string_view text) {
  static const std::regex kPlace("\\{([A-Za-z0-9_]+)(:([a-z_]+))?[^}]*\\}");
  const std::string s(text);
  TextValues out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kPlace); it != std::sregex_iterator();
       ++it) {
    const std::string kind = (*it)[3].str();
    out.emplace_back((*it)[1].str(), kind == "date"    ? "2026-11-20"
                                     : kind == "label" ? "deciding"
                                                       : "7");
  }
  return out;
}

TEST(LangTest, EveryUiStringIsTranslatedWithTheSameArguments) {
  size_t walked = 0;
#define FIELDBOOK_UI_STRING_CHECK(name, en, zh)                                        \
  {                                                                                    \
    ++walked;                                                                          \
    const std::string e = en, z = zh;                                                  \
    EXPECT_FALSE(e.empty()) << #name;                                                  \
    EXPECT_FALSE(z.empty()) << #name << ": no Chinese";                                \
    if (kSameInBoth.count(e) == 0) {                                                   \
      EXPECT_TRUE(HasCjk(z)) << #name << ": the Chinese column reads \"" << z << "\""; \
    }                                                                                  \
    EXPECT_EQ(Conversions(e), Conversions(z)) << #name;                                \
    EXPECT_EQ(std::string(app::StringsFor(Lang::kChinese).name), z) << #name;          \
    EXPECT_EQ(std::string(app::StringsFor(Lang::kEnglish).name), e) << #name;          \
  }
  FIELDBOOK_UI_STRINGS(FIELDBOOK_UI_STRING_CHECK)
#undef FIELDBOOK_UI_STRING_CHECK
  EXPECT_GT(walked, 100u);
}

TEST(LangTest, EveryCodeOfEveryEnumerationHasAChineseLabel) {
  size_t walked = 0;
  for (const char* enumeration : {"tier", "purpose", "outcome", "stage", "type", "region",
                                  "relationship", "task_kind", "task_status", "lifecycle"}) {
    const std::vector<std::string>& codes = app::CodesOf(enumeration);
    EXPECT_FALSE(codes.empty()) << enumeration;
    for (const std::string& code : codes) {
      ++walked;
      const std::string en(app::CodeLabel(Lang::kEnglish, code));
      const std::string zh(app::CodeLabel(Lang::kChinese, code));
      EXPECT_FALSE(en.empty()) << enumeration << "." << code;
      if (kSameInBoth.count(en) == 0) {
        EXPECT_TRUE(HasCjk(zh)) << enumeration << "." << code << " reads \"" << zh << "\"";
      }
    }
  }
  EXPECT_GT(walked, 20u);
}

TEST(LangTest, EveryMessageCodeIsTranslatedWithTheSameParameters) {
  const std::vector<std::string_view> codes = client::MessageCodes();
  ASSERT_GT(codes.size(), 10u);
  std::set<std::string_view> seen;
  for (std::string_view code : codes) {
    EXPECT_TRUE(seen.insert(code).second) << code << " twice";
    const auto en = client::MessageTemplate(Lang::kEnglish, code);
    const auto zh = client::MessageTemplate(Lang::kChinese, code);
    ASSERT_TRUE(en && zh) << code;
    EXPECT_FALSE(en->empty()) << code;
    EXPECT_TRUE(HasCjk(std::string(*zh))) << code << " reads \"" << *zh << "\"";
    EXPECT_EQ(Placeholders(*en), Placeholders(*zh)) << code;
    // Every message is in the app's font atlas text.
    EXPECT_NE(app::AllText(Lang::kChinese).find(std::string(*zh)), std::string::npos) << code;
  }
  EXPECT_FALSE(client::MessageTemplate(Lang::kChinese, "no_such_code"));
  EXPECT_EQ(client::Render(Lang::kChinese, "no_such_code"), "no_such_code");
}

// Every table of the one string-table type, walked the same way: codes once, both languages
// there, the Chinese in Chinese, the same values on both sides.
TEST(LangTest, EveryEntryOfEveryStringTableIsTranslatedWithTheSameValues) {
  const std::vector<std::pair<const char*, std::span<const LangText>>> tables = {
      {"ui", app::UiTexts()},
      {"labels", CodeLabels()},
      {"device messages", client::DeviceMessages()},
      {"common texts", CommonTexts()},
      {"store errors", client::StoreErrors()},
      {"server refusals", HttpRefusals()},
      {"help", client::HelpTexts()}};
  size_t walked = 0;
  for (const auto& [table, entries] : tables) {
    std::set<std::string_view> seen;
    EXPECT_GT(entries.size(), 5u) << table;
    for (const LangText& t : entries) {
      ++walked;
      const std::string where = std::string(table) + ": " + std::string(t.code);
      EXPECT_TRUE(seen.insert(t.code).second) << where << " twice";
      EXPECT_FALSE(t.en.empty()) << where;
      EXPECT_FALSE(t.zh.empty()) << where << ": no Chinese";
      const std::string en(t.en), zh(t.zh);
      if (kSameInBoth.count(en) == 0) {
        EXPECT_TRUE(HasCjk(zh)) << where << ": the Chinese reads \"" << zh << "\"";
      }
      EXPECT_EQ(Placeholders(en), Placeholders(zh)) << where;
      EXPECT_EQ(Conversions(en), Conversions(zh)) << where;
      // Everything the UI may draw is in the font atlas's text (fieldbook-cli's help is not drawn).
      if (std::string_view(table) != "help") {
        EXPECT_NE(app::AllText(Lang::kChinese).find(zh), std::string::npos) << where;
      }
    }
  }
  EXPECT_GT(walked, 550u);
  // The app's Strings are the same table.
  EXPECT_EQ(std::string(app::StringsFor(Lang::kChinese).tab_plan),
            std::string(FindText(app::UiTexts(), "tab_plan")->zh));
}

// Every reason code (grades, provisional grades, the plan, care, at risk) renders in both
// languages with every value filled: nothing left as {name}, the Chinese in Chinese and not the
// English.
TEST(LangTest, EveryReasonCodeRendersInBothLanguagesWithEveryValueFilled) {
  size_t walked = 0;
  for (const LangText& t : CommonTexts()) {
    const Phrase p{std::string(t.code), SampleValues(t.en)};
    const std::string en = Say(Lang::kEnglish, p), zh = Say(Lang::kChinese, p);
    ++walked;
    EXPECT_EQ(en.find('{'), std::string::npos) << t.code << ": " << en;
    EXPECT_EQ(zh.find('{'), std::string::npos) << t.code << ": " << zh;
    EXPECT_NE(en, zh) << t.code;
    if (t.code != "date_day_month_year") EXPECT_TRUE(HasCjk(zh)) << t.code << ": " << zh;
  }
  EXPECT_GT(walked, 50u);
  // An unknown code (a newer app's) shows the stored words, or the code when there are none.
  EXPECT_EQ(Say(Lang::kChinese, Phrase{"from_a_newer_app", {}}, "its words"), "its words");
  EXPECT_EQ(Say(Lang::kChinese, Phrase{"from_a_newer_app", {}}), "from_a_newer_app");
}

// Customers that take every branch of the grading engine.
std::vector<CustomerHistory> EveryKindOfCustomer(int32_t today) {
  std::vector<CustomerHistory> out;
  auto customer = [&](const std::string& id, int created_days_ago) -> CustomerHistory& {
    CustomerHistory c;
    c.customer_id = id;
    c.created_day = today - created_days_ago;
    out.push_back(c);
    return out.back();
  };
  auto order = [today](CustomerHistory& c, int days_ago, int64_t yuan) {
    c.orders.push_back(OrderFact{c.customer_id + std::to_string(c.orders.size()), today - days_ago,
                                 yuan * 100, "", false});
  };
  customer("young prospect", 10);
  customer("old prospect", 400).purchase_stage = "interested";
  order(customer("new buyer", 30), 20, 800);
  CustomerHistory& big = customer("big spender", 400);
  for (int d = 300; d >= 5; d -= 10) order(big, d, 20000);
  big.satisfaction = {5, 4};
  CustomerHistory& vip = customer("vip by relationship", 400);
  vip.relationship = "vip";
  order(vip, 50, 100);
  CustomerHistory& quiet = customer("churned", 600);
  for (int d = 360; d >= 200; d -= 20) order(quiet, d, 1000);
  quiet.satisfaction = {1, 2};
  CustomerHistory& at_risk = customer("at risk", 600);
  for (int d = 330; d >= 90; d -= 30) order(at_risk, d, 1000);
  CustomerHistory& halved = customer("halved", 600);
  for (int d = 360; d >= 190; d -= 15) order(halved, d, 1000);
  order(halved, 100, 1000);
  order(halved, 30, 1000);
  CustomerHistory& back = customer("won back", 600);
  for (int d = 350; d >= 300; d -= 10) order(back, d, 1000);
  order(back, 10, 1000);
  CustomerHistory& steady = customer("active", 600);
  for (int d = 300; d >= 20; d -= 20) order(steady, d, 5000);
  return out;
}

TEST(LangTest, EveryReasonTheGradingEngineGivesIsACodeWithBothLanguages) {
  const int32_t today = *ParseDay("2026-11-23");
  GradingRules thresholds;
  GradingRules quintiles;
  quintiles.recency.method = ScoreRule::Method::kQuantiles;
  std::set<std::string> codes;
  for (const GradingRules& rules : {thresholds, quintiles}) {
    for (const Grade& g : GradeCustomers(EveryKindOfCustomer(today), rules, today)) {
      for (const GradeReason& r : g.reasons) {
        codes.insert(r.code);
        ASSERT_NE(FindText(CommonTexts(), r.code), nullptr) << r.rule << ": " << r.detail;
        // The English sentence kept for older readers is the code's English text.
        EXPECT_EQ(ReasonText(Lang::kEnglish, r), r.detail);
        const std::string zh = ReasonLine(Lang::kChinese, r);
        EXPECT_TRUE(HasCjk(zh)) << zh;
        EXPECT_EQ(zh.find('{'), std::string::npos) << zh;
        EXPECT_EQ(zh.find("days"), std::string::npos) << zh;
      }
    }
  }
  // Every branch was taken: each of the engine's codes came up.
  for (const char* code : {"recency_days",
                           "recency_days_quintile",
                           "recency_none",
                           "frequency_orders",
                           "monetary_spend",
                           "frequency_none",
                           "tier_vip_spend",
                           "tier_vip_relationship",
                           "tier_score",
                           "ticket_high",
                           "ticket_low",
                           "lifecycle_new_no_order",
                           "lifecycle_new_no_order_long",
                           "lifecycle_new_first_order",
                           "lifecycle_churned",
                           "lifecycle_at_risk",
                           "lifecycle_won_back",
                           "lifecycle_active",
                           "churn_risk_rhythm",
                           "churn_risk_low_satisfaction",
                           "churn_risk_satisfied",
                           "churn_risk_orders_halved",
                           "stage_ordered",
                           "relationship_ordered",
                           "relationship_vip_spend"}) {
    EXPECT_EQ(codes.count(code), 1u) << code << " never came up";
  }
}

TEST(LangTest, ReasonsAreStoredAsValuesAndOldTextRowsReadAsTheyAre) {
  const GradeReason spend = MakeReason("monetary", "monetary_spend",
                                       {{"spend", "8250"}, {"window", "365"}, {"score", "3"}});
  EXPECT_EQ(spend.detail, "¥8,250.00 in the last 365 days, scores 3");
  EXPECT_EQ(ReasonLine(Lang::kChinese, spend), "消费金额：近 365 天消费 8,250.00 元，得 3 分");
  const GradeReason title =
      MakeReason("plan", "plan_task_due", {{"kind", "call"}, {"title", "{0} \"报价\""}});
  const std::string json = ReasonsArrayJson({spend, title});
  EXPECT_NE(json.find(R"("code":"monetary_spend")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("spend":8250)"), std::string::npos) << json;
  boost::system::error_code ec;
  const std::vector<GradeReason> back = ReasonsFromJson(ReadJson(json, ec), 1000);
  ASSERT_FALSE(ec);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].code, spend.code);
  EXPECT_EQ(back[0].values, spend.values);
  EXPECT_EQ(back[0].detail, spend.detail);
  EXPECT_EQ(back[1].values, title.values);
  // A value that looks like a placeholder is not filled in again.
  EXPECT_EQ(ReasonText(Lang::kChinese, back[1]), "电话任务“{0} \"报价\"”今天到期");
  // A row written before codes: its words, in both languages; a rule label in the language.
  const std::vector<GradeReason> old = ReasonsFromJson(
      ReadJson(R"([{"rule":"tier","detail":"RFM 5-4-5 -> A"},{"rule":7},"junk"])", ec), 1000);
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(ReasonLine(Lang::kEnglish, old[0]), "tier: RFM 5-4-5 -> A");
  EXPECT_EQ(ReasonLine(Lang::kChinese, old[0]), "等级：RFM 5-4-5 -> A");
  // Values are cut to the reader's bound.
  const std::vector<GradeReason> cut =
      ReasonsFromJson(ReadJson(R"([{"rule":"tier","code":"tier_score","detail":"x","tier":")" +
                                   std::string(5000, 'A') + R"(","total":12,"min":12}])",
                               ec),
                      100);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0].values[0].second.size(), 100u);
}

TEST(LangTest, TheTicketClassAndPlanReasonsFollowTheLanguage) {
  EXPECT_EQ(Say(Lang::kChinese,
                Phrase{"ticket_class",
                       {{"0", std::string(CodeLabel(Lang::kChinese, "ticket", "high"))}}}),
            "高客单价");
  EXPECT_EQ(client::Render(Lang::kEnglish, "ticket_class", {"low"}), "low ticket");
  const std::vector<Phrase> suggested = {{"plan_tier_provisional", {{"tier", "A"}}},
                                         {"plan_last_visit", {{"days", "60"}}},
                                         {"plan_churn_risk", {{"risk", "0.35"}}}};
  EXPECT_EQ(SayAll(Lang::kEnglish, suggested),
            "tier A (provisional), last visit 60 days ago, churn risk 0.35");
  EXPECT_EQ(SayAll(Lang::kChinese, suggested), "A 级（暂定），上次拜访在 60 天前，流失风险 0.35");
  const Phrase overdue{"plan_task_overdue",
                       {{"kind", "call"}, {"title", "回访"}, {"due", "2026-11-20"}, {"days", "3"}}};
  EXPECT_EQ(Say(Lang::kEnglish, overdue), "call task \"回访\" overdue since 2026-11-20 (3 days)");
  EXPECT_EQ(Say(Lang::kChinese, overdue), "电话任务“回访”自 2026年11月20日 起逾期（3 天）");
  const Phrase care{"care_birthday",
                    {{"who", "王强 (鑫达汽修)"}, {"date", "2026-12-01"}, {"days", "8"}}};
  EXPECT_EQ(Say(Lang::kChinese, care), "王强 (鑫达汽修) 的生日在 2026年12月1日，8 天后");
  EXPECT_EQ(Say(Lang::kEnglish, care), "birthday of 王强 (鑫达汽修) on 2026-12-01, in 8 days");
}

TEST(LangTest, AFailedSyncSaysWhatIsQueuedAndThatNothingWasLostInEitherLanguage) {
  client::SyncFailure offline{true, "cannot reach http://fieldbook.test: connection refused", 7, 2};
  EXPECT_EQ(client::RenderSyncFailure(Lang::kEnglish, offline),
            "the server could not be reached (cannot reach http://fieldbook.test: connection "
            "refused); nothing was lost: 7 changes stay queued on this device for the next sync, "
            "and 2 pool requests wait");
  EXPECT_EQ(
      client::RenderSyncFailure(Lang::kChinese, offline),
      "无法连接服务器（cannot reach http://fieldbook.test: connection refused）；"
      "没有丢失任何数据：7 条改动已安全保存在本机，下次同步时发送，另有 2 个公海请求等待发送");
  // The status bar's short line counts the pool's waiting requests too (it left them out).
  EXPECT_EQ(client::RenderSyncFailureShort(Lang::kChinese, offline),
            "离线：7 条改动已安全保存，没有丢失；另有 2 个公海请求等待发送");
  EXPECT_EQ(client::RenderSyncFailureShort(Lang::kEnglish, offline),
            "Offline: 7 changes safely queued, nothing lost; 2 pool requests wait too");
  client::SyncFailure refused{false, "token revoked", 1, 0};
  EXPECT_EQ(client::RenderSyncFailure(Lang::kEnglish, refused),
            "token revoked; nothing was lost: 1 change stays queued on this device for the next "
            "sync");
  EXPECT_EQ(client::RenderSyncFailureShort(Lang::kEnglish, refused),
            "Sync failed: 1 change safely queued, nothing lost");
  EXPECT_EQ(client::RenderSyncFailureShort(Lang::kChinese, refused),
            "同步失败：1 条改动已安全保存，没有丢失");
  // A detail that looks like a placeholder is not substituted again.
  client::SyncFailure odd{true, "{1}", 0, 0};
  EXPECT_EQ(client::RenderSyncFailure(Lang::kEnglish, odd)
                .rfind("the server could not be "
                       "reached ({1}); nothing was lost: "
                       "0 changes",
                       0),
            0u);
}

TEST(LangTest, DatesAndMoneyFollowTheLanguage) {
  EXPECT_EQ(client::FormatDate(Lang::kEnglish, "2026-11-23"), "23 Nov 2026");
  EXPECT_EQ(client::FormatDate(Lang::kChinese, "2026-11-23"), "2026年11月23日");
  EXPECT_EQ(client::FormatDate(Lang::kEnglish, "2026-01-05 09:15"), "5 Jan 2026 09:15");
  // A UTC time keeps its zone (it was dropped: "2026年1月5日 09:15" read as a local time).
  EXPECT_EQ(client::FormatDate(Lang::kChinese, "2026-01-05T09:15:00Z"), "2026年1月5日 09:15 UTC");
  EXPECT_EQ(client::FormatDate(Lang::kEnglish, "2026-01-05T09:15:00.042Z"), "5 Jan 2026 09:15 UTC");
  EXPECT_EQ(client::FormatDate(Lang::kChinese, "2026-01-05T09:15:00+08:00"), "2026年1月5日 09:15");
  EXPECT_EQ(client::Render(Lang::kChinese, "cli_show_added", {"2026-11-23T08:15:00Z"}),
            "添加于 2026年11月23日 08:15 UTC");
  EXPECT_EQ(client::FormatDate(Lang::kChinese, ""), "");
  EXPECT_EQ(client::FormatDate(Lang::kChinese, "2026-13-01"), "2026-13-01");
  EXPECT_EQ(client::FormatDate(Lang::kChinese, "yesterday!"), "yesterday!");
  EXPECT_EQ(client::FormatMoney(Lang::kEnglish, 123456789), "¥1,234,567.89");
  EXPECT_EQ(client::FormatMoney(Lang::kChinese, 123456789), "1,234,567.89 元");
  EXPECT_EQ(client::FormatMoney(Lang::kEnglish, 5), "¥0.05");
  EXPECT_EQ(client::FormatMoney(Lang::kEnglish, -100000), "-¥1,000.00");
  EXPECT_EQ(client::FormatMoney(Lang::kChinese, INT64_MIN), "-92,233,720,368,547,758.08 元");
}

TEST(LangTest, TheLanguageComesFromTheFlagThenTheLocale) {
  EXPECT_EQ(client::ChooseLang("zh"), Lang::kChinese);
  EXPECT_EQ(client::ChooseLang("en"), Lang::kEnglish);
  EXPECT_EQ(client::ChooseLang("fr"), Lang::kEnglish);
  setenv("LC_ALL", "zh_CN.UTF-8", 1);
  EXPECT_EQ(client::ChooseLang(""), Lang::kChinese);
  EXPECT_EQ(client::ChooseLang("en"), Lang::kEnglish);
  setenv("LC_ALL", "C.UTF-8", 1);
  EXPECT_EQ(client::ChooseLang(""), Lang::kEnglish);
  unsetenv("LC_ALL");
}

}  // namespace
}  // namespace fieldbook::testing
