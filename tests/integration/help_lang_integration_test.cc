// fieldbook-cli's --help in the rep's language, end to end (issue #19): the real binary's help page
// of every command (found by walking the subcommand lists from the top) under --lang zh has no
// English left but option names, command names, codes shown with their labels, examples and
// placeholders; a zh locale chooses the same; the English pages read exactly as CLI11 always wrote
// them; CLI11's usage errors come in Chinese under zh and unchanged in English.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "integration/cli_process.h"
#include "support/english_words.h"

namespace fieldbook::testing {
namespace {

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The names listed in a help page's subcommand section (`title`: "Subcommands" or "子命令").
std::vector<std::string> SubcommandsOf(const std::string& page, const std::string& title) {
  std::vector<std::string> out;
  const size_t at = page.find("\n" + title + ":\n");
  if (at == std::string::npos) return out;
  static const std::regex kLine("^  ([a-z][a-z-]*) ");
  size_t pos = at + title.size() + 3;
  while (pos < page.size() && page[pos] != '\n') {
    const size_t end = page.find('\n', pos);
    const std::string line = page.substr(pos, end - pos);
    std::smatch m;
    if (std::regex_search(line, m, kLine)) out.push_back(m[1]);
    pos = end == std::string::npos ? page.size() : end + 1;
  }
  return out;
}

struct HelpPage {
  std::vector<std::string> path;
  std::string text;
};

// The --help page of every command under `lang`, walking subcommand lists from the top.
std::vector<HelpPage> AllHelpPages(const std::string& lang, const std::string& title) {
  std::vector<HelpPage> pages;
  std::vector<std::vector<std::string>> todo = {{}};
  while (!todo.empty()) {
    std::vector<std::string> path = todo.back();
    todo.pop_back();
    std::vector<std::string> args = path;
    args.insert(args.end(), {"--help", "--lang", lang});
    const CommandResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    for (const std::string& sub : SubcommandsOf(r.out, title)) {
      std::vector<std::string> next = path;
      next.push_back(sub);
      todo.push_back(next);
    }
    pages.push_back({path, r.out});
  }
  return pages;
}

TEST(HelpLangTest, EveryCommandsHelpIsInChineseUnderZh) {
  const std::vector<HelpPage> pages = AllHelpPages("zh", "子命令");
  EXPECT_GE(pages.size(), 50u);  // every command of fieldbook-cli
  // Command names and argument names are typed as they are.
  std::set<std::string> names;
  for (const HelpPage& p : pages) {
    names.insert(p.path.begin(), p.path.end());
    static const std::regex kPositional("\n  ([a-z]+) ");
    const size_t at = p.text.find("位置参数:");
    if (at == std::string::npos) continue;
    const std::string section = p.text.substr(at, p.text.find("\n\n", at) - at);
    for (auto it = std::sregex_iterator(section.begin(), section.end(), kPositional);
         it != std::sregex_iterator(); ++it) {
      names.insert((*it)[1]);
    }
  }
  for (const HelpPage& p : pages) {
    std::string where = "fieldbook-cli";
    for (const std::string& s : p.path) where += " " + s;
    EXPECT_TRUE(Has(p.text, "用法:")) << where << "\n" << p.text;
    EXPECT_TRUE(Has(p.text, "选项:")) << where;
    EXPECT_TRUE(Has(p.text, "显示本帮助并退出")) << where;
    EXPECT_FALSE(Has(p.text, "[help_")) << where << ": a code the help table lacks\n" << p.text;
    const std::set<std::string> english = HelpPageEnglishWords(p.text, names, FIELDBOOK_CLI_BINARY);
    std::string words;
    for (const std::string& w : english) words += w + " ";
    EXPECT_TRUE(english.empty()) << where << ": English left: " << words << "\n" << p.text;
  }
  // The walk saw the families that wire themselves and the nested groups.
  std::set<std::string> paths;
  for (const HelpPage& p : pages) {
    std::string s;
    for (const std::string& part : p.path) s += (s.empty() ? "" : " ") + part;
    paths.insert(s);
  }
  for (const char* path : {"customer pref add", "visit radius", "care days", "order correct",
                           "review dismiss", "pool claim", "init"}) {
    EXPECT_EQ(paths.count(path), 1u) << path;
  }
}

TEST(HelpLangTest, AChineseLocaleChoosesChineseHelpAndTheFlagWins) {
  const char* old = std::getenv("LANG");
  const std::string saved = old == nullptr ? "" : old;
  setenv("LANG", "zh_CN.UTF-8", 1);
  unsetenv("LC_ALL");
  unsetenv("LC_MESSAGES");
  const CommandResult zh = RunCli({"customer", "list", "--help"});
  const CommandResult en = RunCli({"customer", "list", "--help", "--lang", "en"});
  const CommandResult en_eq = RunCli({"--lang=en", "customer", "list", "--help"});
  if (old == nullptr) {
    unsetenv("LANG");
  } else {
    setenv("LANG", saved.c_str(), 1);
  }
  EXPECT_TRUE(Has(zh.out, "只列出跟进已逾期的客户")) << zh.out;
  EXPECT_TRUE(Has(en.out, "only customers with an overdue follow-up")) << en.out;
  EXPECT_EQ(en.out, en_eq.out);
}

// The English pages are CLI11's own layout with the descriptions they always had.
TEST(HelpLangTest, TheEnglishHelpIsUnchanged) {
  const CommandResult r = RunCli({"customer", "list", "--help", "--lang", "en"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string expected = std::string(R"(list customers
Usage: )") + FIELDBOOK_CLI_BINARY +
                               R"( customer list [OPTIONS]

Options:
  -h,--help                   Print this help message and exit
  --replica TEXT              replica file (default: $FIELDBOOK_REPLICA, else ~/.local/share/fieldbook/replica.db)
  --json                      print JSON
  --lang TEXT:{en,zh}         language of messages: en or zh (default: from the locale)
  --stage TEXT                purchase stage: aware, interested, deciding, customer
  --type TEXT                 customer type: garage, dealer, fleet, individual
  --region-class TEXT         region class: local, domestic, international
  --tier TEXT                 grade tier A-D (ungraded counts as C)
  --overdue                   only customers with an overdue follow-up
  --date TEXT                 today's date for --overdue (default: today)
  --limit UINT=0              at most this many (0 = all)
  --pref TEXT                 only customers with this preference KIND=VALUE, e.g. payment_terms=月结

)";
  EXPECT_EQ(r.out, expected);
  const CommandResult sync = RunCli({"sync", "--help", "--lang", "en"});
  EXPECT_TRUE(Has(sync.out,
                  "\n  --page-rows UINT:INT in [1 - 5000]\n"
                  "                              rows per pull page (default: growing "
                  "from 1000 to the server's cap)\n"))
      << sync.out;
  const CommandResult top = RunCli({"--help", "--lang", "en"});
  EXPECT_TRUE(Has(top.out,
                  "\nSubcommands:\n  init                        set this device up with "
                  "the server and a device token\n"))
      << top.out;
  EXPECT_TRUE(Has(top.out, " [OPTIONS] SUBCOMMAND\n")) << top.out;
}

TEST(HelpLangTest, UsageErrorsComeInTheRepsLanguage) {
  struct Case {
    std::vector<std::string> args;
    std::string en, zh;
  };
  const std::vector<Case> cases = {
      {{"init"}, "--server is required (see --help)", "缺少必需的 --server（见 --help）"},
      {{"customer"}, "A subcommand is required (see --help)", "缺少子命令（见 --help）"},
      {{"sync", "--page-rows", "0"},
       "--page-rows: Value 0 not in range 1 to 5000 (see --help)",
       "--page-rows：值 0 不在 1 到 5000 之间（见 --help）"},
      {{"customer", "list", "--limit", "abc"},
       "Could not convert: --limit = abc (see --help)",
       "--limit 的值无法读取：abc（见 --help）"},
      {{"status", "extra"},
       "The following argument was not expected: extra (see --help)",
       "多余的参数：extra（见 --help）"},
      {{"init", "--server", "x", "--token", "a", "--code", "b"},
       "--token excludes --code (see --help)",
       "--token 与 --code 不能同时使用（见 --help）"},
      {{"customer", "add", "--set", "abc"},
       "--set: must look like FIELD=VALUE (not 'abc') (see --help)",
       "格式应为 FIELD=VALUE（而不是“abc”）（见 --help）"},
  };
  for (const Case& c : cases) {
    for (const char* lang : {"en", "zh"}) {
      std::vector<std::string> args = c.args;
      args.insert(args.end(), {"--lang", lang});
      const CommandResult r = RunCli(args);
      EXPECT_EQ(r.exit_code, 2) << args[0];
      const std::string& want = std::string(lang) == "en" ? c.en : c.zh;
      EXPECT_TRUE(Has(r.err, want)) << lang << ": " << r.err;
    }
  }
  // A --lang value it does not know is refused in English (the language it falls back to).
  const CommandResult bad = RunCli({"status", "--lang", "fr"});
  EXPECT_TRUE(Has(bad.err, "--lang: fr not in {en,zh} (see --help)")) << bad.err;
}

}  // namespace
}  // namespace fieldbook::testing
