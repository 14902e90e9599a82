// The app's own command line in the rep's language (issue #19): the real `fieldbook --help` under
// --lang zh (or a Chinese locale) has no English word left but option names, placeholders and
// formats, through the one help table fieldbook-cli's pages use (lang/help_texts.h); the English
// page reads exactly as it always did; CLI11's usage errors come as fieldbook-cli's do, one line in
// the rep's language.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/english_words.h"
#include "support/subprocess.h"

namespace fieldbook::testing {
namespace {

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

CommandResult App(const std::vector<std::string>& args) {
  return RunCommand(FIELDBOOK_APP_BINARY, args);
}

TEST(AppHelpTest, TheHelpIsInChineseUnderZhAndAChineseLocaleChoosesIt) {
  const CommandResult zh = App({"--help", "--lang", "zh"});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  EXPECT_EQ(zh.err, "");
  for (const char* line : {"用法:", "选项:", "显示本帮助并退出", "界面语言：en 或 zh",
                           "含中文字形的 TTF 字体文件", "整数，取值 [320 - 8192]"}) {
    EXPECT_TRUE(Has(zh.out, line)) << line << "\n" << zh.out;
  }
  EXPECT_FALSE(Has(zh.out, "[help_")) << "a code the help table lacks\n" << zh.out;
  std::string words;
  // A command named as typed: `fieldbook-cli init`.
  for (const std::string& w : HelpPageEnglishWords(zh.out, {"init"}, FIELDBOOK_APP_BINARY)) {
    words += w + " ";
  }
  EXPECT_EQ(words, "") << "English left in\n" << zh.out;  // before: the whole page in English

  const char* old = std::getenv("LANG");
  const std::string saved = old == nullptr ? "" : old;
  setenv("LANG", "zh_CN.UTF-8", 1);
  unsetenv("LC_ALL");
  unsetenv("LC_MESSAGES");
  const CommandResult by_locale = App({"--help"});
  const CommandResult flag_wins = App({"--help", "--lang=en"});
  if (old == nullptr) {
    unsetenv("LANG");
  } else {
    setenv("LANG", saved.c_str(), 1);
  }
  EXPECT_EQ(by_locale.out, zh.out);
  EXPECT_TRUE(Has(flag_wins.out, "UI language: en or zh")) << flag_wins.out;
}

// The English page is CLI11's own layout with the descriptions it always had.
TEST(AppHelpTest, TheEnglishHelpIsUnchanged) {
  const CommandResult r = App({"--help", "--lang", "en"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string expected =
      std::string(
          "fieldbook: your customers, visits and follow-ups, offline. Sync with the server set up "
          "by `fieldbook-cli init`.\nUsage: ") +
      FIELDBOOK_APP_BINARY + R"( [OPTIONS]

Options:
  -h,--help                   Print this help message and exit
  --replica TEXT              replica file (default: $FIELDBOOK_REPLICA, else ~/.local/share/fieldbook/replica.db)
  --lang TEXT:{en,zh}         UI language: en or zh (default: from LANG)
  --headless                  no window: render the main screens with the software renderer, save them as PNGs in --screenshot-dir and exit
  --screenshot-dir TEXT       where --headless saves its PNGs
  --frames INT:INT in [1 - 100]
                              frames rendered per screen before a screenshot
  --search TEXT               with --headless: type this into the search box first
  --width INT:INT in [320 - 8192]
                              window or screenshot width
  --height INT:INT in [240 - 8192]
                              window or screenshot height
  --font TEXT                 TrueType font with Chinese glyphs
  --probe-file TEXT           for tests: write the window's widgets' rectangles to this file after each frame

)";
  EXPECT_EQ(r.out, expected);
}

TEST(AppHelpTest, UsageErrorsComeInTheRepsLanguage) {
  // Each error's arguments, then the line in English and in Chinese (exit code 2, as
  // fieldbook-cli's; CLI11's own two lines before, the same under zh).
  const std::vector<std::array<std::string, 4>> errors = {
      {"--frames", "0", "fieldbook: --frames: Value 0 not in range 1 to 100 (see --help)\n",
       "fieldbook: --frames：值 0 不在 1 到 100 之间（见 --help）\n"},
      {"--width", "wide", "fieldbook: --width: Value wide not in range 320 to 8192 (see --help)\n",
       "fieldbook: --width：值 wide 不在 320 到 8192 之间（见 --help）\n"},
  };
  for (const auto& [option, value, en, zh] : errors) {
    const CommandResult in_en = App({option, value, "--lang", "en"});
    const CommandResult in_zh = App({option, value, "--lang", "zh"});
    EXPECT_EQ(std::make_pair(in_en.exit_code, in_en.err), std::make_pair(2, en));
    EXPECT_EQ(std::make_pair(in_zh.exit_code, in_zh.err), std::make_pair(2, zh));
  }
  const CommandResult extra = App({"extra", "--lang", "zh"});
  EXPECT_EQ(extra.err, "fieldbook: 多余的参数：extra（见 --help）\n");
  EXPECT_EQ(extra.exit_code, 2);
}

}  // namespace
}  // namespace fieldbook::testing
