// The help table (issue #19; lang/help_texts.h): every help code fieldbook-cli's set-up names
// (client/cli/ and the customer fields of client/store/customers.cc) and the app's (app_main.cc)
// is in the table, every entry of the table is named, each has English and Chinese with the same
// values, and the Chinese keeps no English but codes, examples and placeholders. (LangTest walks
// the table with every other string table too; HelpLangTest runs the real fieldbook-cli's --help,
// AppHelpTest the app's.)
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "lang/help_texts.h"
#include "store/customers.h"
#include "support/english_words.h"

namespace fieldbook::client {
namespace {

// The `pattern` matches (group 1) in the whole text of every file named.
std::set<std::string> Matches(const std::vector<std::string>& files, const std::regex& pattern) {
  std::string all;
  for (const std::string& file : files) {
    std::ifstream in(file);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::set<std::string> out;
  for (std::sregex_iterator it(all.begin(), all.end(), pattern), end; it != end; ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

// The help codes ("help_...") named as string literals in the CLI's sources and the app's main.
std::set<std::string> HelpCodesNamed() {
  std::vector<std::string> files = {
      std::string(FIELDBOOK_SOURCE_DIR) + "/client/store/customers.cc",
      std::string(FIELDBOOK_SOURCE_DIR) + "/client/app/app_main.cc"};
  for (const auto& entry : std::filesystem::directory_iterator(FIELDBOOK_CLI_SOURCE_DIR)) {
    files.push_back(entry.path().string());
  }
  return Matches(files, std::regex("\"(help_[a-z_]+)\""));
}

TEST(CliHelpTest, EveryHelpCodeTheCliNamesIsInTheTableAndEveryEntryIsNamed) {
  const std::set<std::string> named = HelpCodesNamed();
  EXPECT_GT(named.size(), 150u);
  std::set<std::string> table;
  for (const LangText& t : HelpTexts()) {
    EXPECT_TRUE(table.insert(std::string(t.code)).second) << t.code << " twice";
  }
  for (const std::string& code : named) EXPECT_EQ(table.count(code), 1u) << code << ": no entry";
  for (const std::string& code : table) EXPECT_EQ(named.count(code), 1u) << code << ": unused";
  // Every customer field's option is described.
  for (const EditableField& f : Customers::EditableFields()) {
    EXPECT_NE(FindText(HelpTexts(), f.help), nullptr) << f.name;
  }
}

// The Latin words of a Chinese help text that are not kept: codes typed as they are (each shown
// with its label, "garage（修理厂）"), placeholders, examples, acronyms, the programs' names with
// a command's name after them (fieldbook-cli init, fieldbook-server export) and the help page's own
// command names.
std::vector<std::string> NotKept(const std::string& zh) {
  using fieldbook::testing::kCliCommands;
  using fieldbook::testing::kServerCommands;
  static const std::regex kKept(
      R"(https?://\S*|~/\S*|\$[A-Z_]+|-?-[a-z][a-z-]*|)"
      "fieldbook-cli(?: " +
      kCliCommands + ")?(?![A-Za-z-])|fieldbook-server(?: " + kServerCommands +
      ")?(?![A-Za-z-])|fieldbook\\b|" +
      R"([a-z_]+（|[a-z_]+=|\{[0-9]+\}|[A-Z_]{2,}|\b[A-Za-z]\b|\b(en|zh|sync|care days|review list)\b)");
  static const std::regex kWord("[A-Za-z]{2,}");
  const std::string rest = std::regex_replace(zh, kKept, " ");
  std::vector<std::string> out;
  for (std::sregex_iterator it(rest.begin(), rest.end(), kWord), end; it != end; ++it) {
    out.push_back(it->str());
  }
  return out;
}

// What NotKept takes out: after a program's name only a command's name (it took out any word after
// "fieldbook ", and any after fieldbook-cli and fieldbook-server).
TEST(CliHelpTest, AProgramsNameKeepsOnlyTheCommandsNameAfterIt) {
  EXPECT_TRUE(NotKept("与 `fieldbook-cli init` 设置的服务器同步").empty());
  EXPECT_TRUE(NotKept("与 fieldbook-server export 的格式相同").empty());
  EXPECT_TRUE(NotKept("fieldbook：你的客户").empty());
  EXPECT_EQ(NotKept("运行 fieldbook now 即可"), (std::vector<std::string>{"now"}));
  EXPECT_EQ(NotKept("运行 fieldbook-cli first 即可"), (std::vector<std::string>{"first"}));
  EXPECT_EQ(NotKept("与 fieldbook-server exporting 相同"), (std::vector<std::string>{"exporting"}));
}

TEST(CliHelpTest, EveryEntryHasBothLanguagesAndTheChineseKeepsNoEnglishSentence) {
  for (const LangText& t : HelpTexts()) {
    EXPECT_FALSE(t.en.empty()) << t.code;
    // Chinese: a character from U+3000 up (UTF-8 lead bytes 0xE3-0xE9).
    EXPECT_TRUE(std::any_of(t.zh.begin(), t.zh.end(),
                            [](unsigned char c) { return c >= 0xE3 && c <= 0xE9; }))
        << t.code << ": " << t.zh;
    static const std::regex kValue("\\{[0-9]+\\}");
    const std::string en(t.en), zh(t.zh);
    std::multiset<std::string> en_values, zh_values;
    for (std::sregex_iterator it(en.begin(), en.end(), kValue), end; it != end; ++it)
      en_values.insert(it->str());
    for (std::sregex_iterator it(zh.begin(), zh.end(), kValue), end; it != end; ++it)
      zh_values.insert(it->str());
    EXPECT_EQ(std::set<std::string>(en_values.begin(), en_values.end()),
              std::set<std::string>(zh_values.begin(), zh_values.end()))
        << t.code;
    EXPECT_EQ(NotKept(zh), std::vector<std::string>{}) << t.code << ": " << t.zh;
  }
}

// tests/support/english_words.h's reader of the zh walks: an error line's prefix and a command
// line hide the program and a command of it, never other words (its prefix took out any one to
// three lowercase words before a colon, so "fieldbook-cli: no such customer: c001" had no English
// word; and any two after the program's name).
TEST(EnglishWordsPrefixTest, OnlyTheProgramAndItsCommandAreTakenOut) {
  using fieldbook::testing::EnglishWords;
  using Words = std::vector<std::string>;
  EXPECT_EQ(EnglishWords("fieldbook-cli: no such customer: c001"),
            (Words{"no", "such", "customer"}));
  EXPECT_EQ(EnglishWords("fieldbook-cli: sync failed: 已离线"), (Words{"sync", "failed"}));
  EXPECT_EQ(EnglishWords("fieldbook-cli: customer pref added: 月结"),
            (Words{"customer", "pref", "added"}));
  EXPECT_EQ(EnglishWords("请运行 fieldbook-cli to sync again"), (Words{"to", "sync", "again"}));
  EXPECT_EQ(EnglishWords("请运行 fieldbook-cli pool listing"), (Words{"listing"}));
  // The program and its command, as before.
  EXPECT_TRUE(
      EnglishWords("fieldbook-cli: customer pref add: 客户 c001 已有付款方式 月结").empty());
  EXPECT_TRUE(EnglishWords("fieldbook-cli: pool claim: 已领取 c001").empty());
  EXPECT_TRUE(EnglishWords("fieldbook-cli: care days: 天数必须在 1 到 60 之间").empty());
  EXPECT_TRUE(EnglishWords("请运行 fieldbook-cli pool list 查看").empty());
  EXPECT_TRUE(EnglishWords("请先运行 fieldbook-cli init。").empty());
  EXPECT_EQ(EnglishWords("fieldbook-cli: recover: the token cannot be read"),
            (Words{"the", "token", "cannot", "be", "read"}));
}

TEST(CliHelpTest, AHelpTextFillsItsValuesAndAMissingCodeShowsItself) {
  EXPECT_EQ(HelpText(Lang::kEnglish, "help_err_required", {"--server"}), "--server is required");
  EXPECT_EQ(HelpText(Lang::kChinese, "help_err_required", {"--server"}), "缺少必需的 --server");
  EXPECT_EQ(HelpText(Lang::kChinese, "help_word_range", {"整数", "1", "500"}),
            "整数，取值 [1 - 500]");
  // A value is never filled in again.
  EXPECT_EQ(HelpText(Lang::kEnglish, "help_err_line", {"{0}"}), "{0} (see --help)");
  EXPECT_EQ(HelpText(Lang::kChinese, "help_no_such_code"), "[help_no_such_code]");
}

}  // namespace
}  // namespace fieldbook::client
