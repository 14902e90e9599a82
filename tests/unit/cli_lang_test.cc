// fieldbook-cli's words in both languages (issue #19; the cli_ entries of lang/messages.cc): every
// message code the CLI's sources name is in the one message table with English and Chinese (a
// code missing from the table would print as the code itself), every cli_ entry of the table is
// used, each renders with every value filled, the Chinese without an English sentence (LangTest
// walks the same table for equal values on both sides); the review list shows enumeration codes by
// their labels in the reader's language.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fieldbook/lang_text.h"
#include "lang/messages.h"
#include "store/review.h"

namespace fieldbook::client {
namespace {

bool HasCjk(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0xE3 && c <= 0xE9) return true;
  }
  return false;
}

// The "cli_..." string literals of client/cli/*.cc and *.h: whole codes, and prefixes a code is
// made from ("cli_search_matched_" + what matched).
std::set<std::string> CodesNamedInTheCliSources() {
  static const std::regex kCode("\"(cli_[a-z_]+)\"");
  std::set<std::string> out;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(FIELDBOOK_CLI_SOURCE_DIR)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".cc" && ext != ".h") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (auto it = std::sregex_iterator(s.begin(), s.end(), kCode); it != std::sregex_iterator();
         ++it) {
      out.insert((*it)[1].str());
    }
  }
  EXPECT_GT(files, 10u) << FIELDBOOK_CLI_SOURCE_DIR;
  return out;
}

TEST(CliLangTest, EveryCodeTheCliNamesIsInTheTableInBothLanguages) {
  const std::set<std::string> named = CodesNamedInTheCliSources();
  ASSERT_GT(named.size(), 150u);
  const std::vector<std::string_view> codes = MessageCodes();
  for (const std::string& code : named) {
    if (code.back() == '_') {
      // A prefix: some codes of the table start with it.
      size_t with = 0;
      for (std::string_view c : codes) with += c.rfind(code, 0) == 0 ? 1 : 0;
      EXPECT_GT(with, 0u) << code << " starts no code of the table";
      continue;
    }
    const auto en = MessageTemplate(Lang::kEnglish, code);
    const auto zh = MessageTemplate(Lang::kChinese, code);
    ASSERT_TRUE(en && zh) << code << " is named by the CLI but missing from the message table";
    EXPECT_FALSE(en->empty()) << code;
    EXPECT_TRUE(HasCjk(*zh)) << code << " reads \"" << *zh << "\"";
  }
}

TEST(CliLangTest, EveryCliEntryIsUsedAndRendersInBothLanguages) {
  const std::set<std::string> named = CodesNamedInTheCliSources();
  size_t walked = 0;
  for (std::string_view code : MessageCodes()) {
    if (code.rfind("cli_", 0) != 0) continue;
    ++walked;
    bool used = named.count(std::string(code)) > 0;
    for (const std::string& n : named) used |= n.back() == '_' && code.rfind(n, 0) == 0;
    EXPECT_TRUE(used) << code << " is in the table but no CLI source names it";
    for (Lang lang : {Lang::kEnglish, Lang::kChinese}) {
      const std::string tmpl(*MessageTemplate(lang, code));
      const std::string shown = Render(lang, code, {"7", "8", "9", "10", "11", "12"});
      EXPECT_EQ(shown.find('{'), std::string::npos) << code << ": " << shown;
      if (lang == Lang::kChinese) {
        // No English sentence: at most a command line or an option in Latin letters.
        static const std::regex kWords("(^|[^-a-z])([a-z]+ ){2}[a-z]+");
        std::string latin = std::regex_replace(shown, std::regex("fieldbook-cli [a-z -]+"), "");
        latin = std::regex_replace(latin, std::regex("--[a-z]+( [A-Z]+)?"), "");
        EXPECT_FALSE(std::regex_search(latin, kWords)) << code << ": " << shown;
      } else {
        // Chinese only where the English names the pool by its Chinese name too.
        std::string rest = shown;
        for (size_t at; (at = rest.find("公海")) != std::string::npos;) rest.erase(at, 6);
        EXPECT_FALSE(HasCjk(rest)) << code << ": " << shown;
      }
    }
  }
  EXPECT_GT(walked, 150u);
  // Counts read per language: "1 customer", "3 customers", "3 个客户".
  EXPECT_EQ(Render(Lang::kEnglish, "cli_customers", {"1"}), "1 customer");
  EXPECT_EQ(Render(Lang::kEnglish, "cli_customers", {"3"}), "3 customers");
  EXPECT_EQ(Render(Lang::kChinese, "cli_customers", {"3"}), "3 个客户");
  EXPECT_EQ(Render(Lang::kChinese, "cli_reclaim_in_days", {"鑫达汽修", "3", "最近活动 x"}),
            "鑫达汽修：3 天后将退回公海，除非拜访或下单（最近活动 x）");
  EXPECT_EQ(Render(Lang::kEnglish, "cli_reclaim_in_days", {"鑫达汽修", "3", "last activity x"}),
            "鑫达汽修: will return to the public pool in 3 days unless visited or ordered (last "
            "activity x)");
}

// A provisional grade's counts read as the table documents them ("1 个订单和 2 条反馈"): a space
// before each count, as around every number of the Chinese texts.
TEST(CliLangTest, CountsOfRecordsReadWithTheirSpaces) {
  const Phrase first{"provisional_first", {{"day", "2026-12-07"}, {"facts", "1 2 3"}}};
  EXPECT_NE(Say(Lang::kChinese, first).find("1 个订单、2 次拜访和 3 条反馈"), std::string::npos)
      << Say(Lang::kChinese, first);
  EXPECT_NE(Say(Lang::kEnglish, first).find("1 order, 2 visits and 3 feedback"), std::string::npos)
      << Say(Lang::kEnglish, first);
  const Phrase two{"provisional_first", {{"day", "2026-12-07"}, {"facts", "1 0 2"}}};
  EXPECT_NE(Say(Lang::kChinese, two).find("1 个订单和 2 条反馈"), std::string::npos)
      << Say(Lang::kChinese, two);
}

// Codes in the review list read as their labels ("routine" -> 例行拜访); other values as they are.
TEST(CliLangTest, TheReviewListShowsEnumerationCodesByTheirLabels) {
  const ReviewChange purpose{"purpose", std::nullopt, "routine", false};
  EXPECT_EQ(ReviewChangeText(Lang::kChinese, purpose), "拜访目的为 例行拜访");
  EXPECT_EQ(ReviewChangeText(Lang::kEnglish, purpose), "Purpose: Routine call");
  const ReviewChange stage{"purchase_stage", std::string("aware"), "deciding", false};
  EXPECT_EQ(ReviewChangeText(Lang::kChinese, stage), "采购阶段：由 初步了解 改为 决策中");
  EXPECT_EQ(ReviewChangeText(Lang::kEnglish, stage), "Stage: Aware → Deciding");
  // A task's and a preference's kind share the column.
  EXPECT_EQ(ReviewChangeText(Lang::kChinese, {"kind", std::nullopt, "payment_terms", false}),
            "类别为 付款方式");
  EXPECT_EQ(ReviewChangeText(Lang::kChinese, {"kind", std::nullopt, "call", false}), "类别为 电话");
  // Not a code: as typed.
  EXPECT_EQ(ReviewChangeText(Lang::kChinese, {"notes", std::nullopt, "routine", false}),
            "备注为 routine");
  EXPECT_EQ(ReviewChangeText(Lang::kChinese, {"purpose", std::nullopt, "自定义", false}),
            "拜访目的为 自定义");
}

}  // namespace
}  // namespace fieldbook::client
