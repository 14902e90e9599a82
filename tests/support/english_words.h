// EnglishWords: the English words left in a line of Chinese output, for the zh walks of issue #19
// (the real fieldbook-cli in tests/integration/zh_walk_integration_test.cc, the app's screens in
// tests/gui/layout_gui_test.cc); HelpPageEnglishWords the same for a whole --help page
// (HelpLangTest, AppHelpTest), stricter: only its listed words are kept. What is not an English
// word (the allow-list, kept small): words with a digit or all in capitals (ids like c001 and
// rep-01, codes and units: CNY, PART:QTY, YYYY-MM-DD, UTC), flags (--reason), command lines
// (fieldbook-cli pool list), URLs and paths, the codes a flag takes where an error lists them
// (采购阶段必须是以下之一：aware, interested, ...: the rep types the code), and the few words of
// kAllowedWords, each with its reason.
//
// Thread safety: pure functions over immutable data.
#ifndef FIELDBOOK_TESTS_SUPPORT_ENGLISH_WORDS_H_
#define FIELDBOOK_TESTS_SUPPORT_ENGLISH_WORDS_H_

#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fieldbook::testing {

// Words that may stand in Chinese text, and why.
inline const std::set<std::string> kAllowedWords = {
    "fieldbook",  // the product's name ("Fieldbook"), also the program's
    "KiB",        // a unit, written the same in Chinese
    "SQLite",     // the replica's file format, by its name ("不是 SQLite 文件头")
};

// fieldbook-cli's commands by name (client/cli/: its groups and top-level leaves, then the words
// below them: customer pref add, care days): a command line or an error line's prefix names the
// program with these words only, and no other word after the program is taken out.
inline const std::string kCliCommands =
    "(?:init|recover|sync|status|export|plan|customer|contact|visit|order|product|pool|task|care|"
    "review|feedback)";
inline const std::string kCliSubcommands =
    "(?:add|edit|show|list|search|pref|remove|note|claim|release|requests|checkin|checkout|"
    "current|locate|log|void|correct|done|dismiss|days|task)";
// fieldbook-server's commands by name (its --help), as a help text names one
// (fieldbook-server export).
inline const std::string kServerCommands =
    "(?:init|serve|rep|territory|customer|conflicts|export|import|product|seed-demo|history|"
    "grading|grade|report|assignment|assign|pool|audit|nightly|backup|restore|migrate|new-epoch|"
    "records)";

// The English words of one line: its words of two letters or more with a lowercase letter and no
// digit, once command lines, flags and URLs are taken out; words of `also_allowed` (the names of
// a test's data) are not counted.
inline std::vector<std::string> EnglishWords(const std::string& line,
                                             const std::set<std::string>& also_allowed = {}) {
  static const std::regex kNotWords(
      "https?://[^ )）]*"     // URLs
      "|(^|[ （(])/[^ ）)]*"  // paths (the replica's)
      // An error line's prefix: the program and the command that failed (fieldbook-cli: pool
      // claim:, customer pref add:), never other words before a colon (no such customer:).
      "|^fieldbook-cli: " +
      kCliCommands + "(?: " + kCliSubcommands +
      "){0,2}:"
      // The program and a command (fieldbook-cli pool list), a whole word each.
      "|fieldbook-cli(?: " +
      kCliCommands + "(?: " + kCliSubcommands +
      ")?)?(?![A-Za-z-])"
      "|--[a-z][a-z0-9-]*"    // flags
      "|以下之一：[a-z_, ]+"  // the codes a flag takes, listed after "one of"
      "|\\{[a-z_,]+\\}");     // the same in a usage error: {brand,other}
  const std::string text = std::regex_replace(line, kNotWords, " ");
  static const std::regex kWord("[A-Za-z0-9_-]+");  // rep-01 is one word (an id)
  static const std::regex kDigit("[0-9]"), kLower("[a-z]");
  std::vector<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), kWord), end; it != end; ++it) {
    const std::string w = it->str();
    if (w.size() < 2 || std::regex_search(w, kDigit)) continue;
    if (!std::regex_search(w, kLower)) continue;  // CNY, PART, YYYY: codes
    if (kAllowedWords.count(w) > 0 || also_allowed.count(w) > 0) continue;
    out.push_back(w);
  }
  return out;
}

// Latin words a Chinese help page (fieldbook-cli's, the app's) may show: codes and placeholders
// the rep types, examples, acronyms and formats, the languages' own codes, an environment
// variable named bare (LANG) and the product's name.
inline const std::set<std::string> kHelpPageWords = {
    "FIELD", "VALUE", "KIND", "PART", "QTY",   "UNIT_PRICE_YUAN",
    "YYYY",  "MM",    "DD",   "NAME", "ORDER", "ABCDE",
    "FGHJK", "JSON",  "PEM",  "CA",   "VIP",   "BP",
    "PNG",   "TTF",   "LANG", "en",   "zh",    "fieldbook"};

// The Latin words of a help page (the whole text of `program --help`, run as `binary`) that are
// none of kHelpPageWords, nor an option (--lang), a command or argument name (`names`), a code
// shown with its label (garage（修理厂）), a value list ({en,zh}), a default value (=CNY), a
// KIND=VALUE example, a path, a URL, an environment variable or a single letter (tier A-D). Words
// all in capitals count: a value's kind (TEXT, INT) is words of CLI11's to translate.
inline std::set<std::string> HelpPageEnglishWords(std::string page,
                                                  const std::set<std::string>& names,
                                                  const std::string& binary) {
  for (size_t at; (at = page.find(binary)) != std::string::npos;) page.erase(at, binary.size());
  for (const char* kept :
       {R"(fieldbook-(cli|server))", R"(https?://\S*)", R"(~/\S*)", R"(\$[A-Z_]+)",
        R"(-?-[a-z][a-z-]*)", R"(\{[^}]*\})", R"([a-z_]+（)", R"([a-z_]+=)", R"(=[A-Za-z0-9_]+)"}) {
    page = std::regex_replace(page, std::regex(kept), " ");
  }
  std::set<std::string> out;
  static const std::regex kWord("[A-Za-z][A-Za-z_]*");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), kWord);
       it != std::sregex_iterator(); ++it) {
    const std::string w = it->str();
    if (w.size() > 1 && kHelpPageWords.count(w) == 0 && names.count(w) == 0) out.insert(w);
  }
  return out;
}

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_ENGLISH_WORDS_H_
