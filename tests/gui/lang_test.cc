// Every text the rep may see, in both languages (issue #19): the app's string table, the schema
// codes' labels and the shared message table (client/lang/messages.h) are walked entry by entry
// and fail on a missing translation (empty, or the English left in the Chinese column) or on
// formats whose two languages take different arguments; messages, dates and money render per
// language.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "lang/messages.h"
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

// {0}, {1}... as a sorted set.
std::set<std::string> Placeholders(const std::string& s) {
  static const std::regex kPlace("\\{[0-9]+\\}");
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kPlace); it != std::sregex_iterator();
       ++it) {
    out.insert(it->str());
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
    EXPECT_EQ(Placeholders(std::string(*en)), Placeholders(std::string(*zh))) << code;
    // Every message is in the app's font atlas text.
    EXPECT_NE(app::AllText(Lang::kChinese).find(std::string(*zh)), std::string::npos) << code;
  }
  EXPECT_FALSE(client::MessageTemplate(Lang::kChinese, "no_such_code"));
  EXPECT_EQ(client::Render(Lang::kChinese, "no_such_code"), "no_such_code");
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
  EXPECT_EQ(client::RenderSyncFailureShort(Lang::kChinese, offline),
            "离线：7 条改动已安全保存，没有丢失");
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
  EXPECT_EQ(client::FormatDate(Lang::kChinese, "2026-01-05T09:15:00Z"), "2026年1月5日 09:15");
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
