// fieldbook-cli's words in both languages (issue #19; the cli_ entries of lang/messages.cc): every
// message code the CLI's sources name is in the one message table with English and Chinese (a
// code missing from the table would print as the code itself), every cli_ entry of the table is
// used, each renders with every value filled, the Chinese without an English sentence (LangTest
// walks the same table for equal values on both sides); the review list shows enumeration codes by
// their labels in the reader's language.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fieldbook/lang_text.h"
#include "fieldbook/phrase_json.h"
#include "lang/messages.h"
#include "lang/store_errors.h"
#include "store/review.h"
#include "sync/http_client.h"
#include "sync/pool_sync.h"

namespace fieldbook::client {
namespace {

bool HasCjk(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0xE3 && c <= 0xE9) return true;
  }
  return false;
}

// The string literals of `files` that are codes: a prefix of `prefixes` ("cli_") and one or more
// of [a-z_] after it. Read by hand: std::regex over every source file took seconds under the
// sanitizers.
std::set<std::string> CodesIn(const std::vector<std::filesystem::path>& files,
                              const std::vector<std::string>& prefixes) {
  std::set<std::string> out;
  for (const std::filesystem::path& file : files) {
    std::ifstream in(file);
    EXPECT_TRUE(in.good()) << file;
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (size_t quote = s.find('"'); quote != std::string::npos;) {
      size_t end = quote + 1;
      while (end < s.size() && ((s[end] >= 'a' && s[end] <= 'z') || s[end] == '_')) ++end;
      if (end == s.size() || s[end] != '"') {
        quote = s.find('"', quote + 1);
        continue;
      }
      const std::string word = s.substr(quote + 1, end - quote - 1);
      for (const std::string& prefix : prefixes) {
        if (word.size() > prefix.size() && word.rfind(prefix, 0) == 0) {
          out.insert(word);
          break;
        }
      }
      quote = s.find('"', end + 1);
    }
  }
  return out;
}

// The "cli_..." string literals of client/cli/*.cc and *.h: whole codes, and prefixes a code is
// made from ("cli_search_matched_" + what matched).
std::set<std::string> CodesNamedInTheCliSources() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(FIELDBOOK_CLI_SOURCE_DIR)) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".cc" || ext == ".h") files.push_back(entry.path());
  }
  EXPECT_GT(files.size(), 10u) << FIELDBOOK_CLI_SOURCE_DIR;
  return CodesIn(files, {"cli_"});
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
        static const std::regex kCommand("fieldbook-cli [a-z -]+"), kFlag("--[a-z]+( [A-Z]+)?");
        std::string latin = std::regex_replace(shown, kCommand, "");
        latin = std::regex_replace(latin, kFlag, "");
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

// The server's own texts that reach a rep or a manager (the pool's answers to a claim, the
// assignment rules a rep breaks, the assignment plan's reasons) are codes with values: every code
// the server's sources name is a common text with English and Chinese, renders with every value
// filled, and its Chinese holds no English sentence.
std::set<std::string> CodesNamedInTheServerSources() {
  const std::string root = FIELDBOOK_SOURCE_DIR;
  return CodesIn({root + "/server/store/pool_store.cc", root + "/server/domain/assignment_rules.cc",
                  root + "/server/domain/assignment_engine.cc"},
                 {"pool_", "fit_", "assign_", "need_"});
}

// A text with every value the server's reasons name filled (a label's code, a time for a date).
std::string FilledForTest(Lang lang, std::string_view tmpl) {
  static const TextValues kSamples = {{"n", "3"},
                                      {"cap", "3"},
                                      {"customer", "c1"},
                                      {"who", "Li Na"},
                                      {"at", "2026-12-07 14:05 UTC"},
                                      {"tier", "A"},
                                      {"needed", "senior+"},
                                      {"skill", "junior"},
                                      {"rep", "r1"},
                                      {"region", "GD-SZ"},
                                      {"regions", "GD-GZ"},
                                      {"stage", "deciding"},
                                      {"from", "r1"},
                                      {"from_share", "80%"},
                                      {"to", "r2"},
                                      {"to_share", "10%"},
                                      {"needs", "..."},
                                      {"why", "assign_no_rep"},  // a nested phrase (phrase_nest.h)
                                      {"days", "45"},
                                      {"last", "2026-11-02"},
                                      {"max", "5"},
                                      {"due", "2026-11-20"},
                                      {"until", "2026-11-25"}};
  return FillText(lang, tmpl, kSamples);
}

TEST(CliLangTest, EveryServerReasonCodeIsACommonTextInBothLanguages) {
  std::set<std::string> named = CodesNamedInTheServerSources();
  ASSERT_GT(named.size(), 20u);
  named.insert("pool_released");  // the device's own word for a granted release
  for (const std::string& code : {"fit_skill", "fit_region", "fit_closer"}) {
    named.insert(code + "_you");  // the rep's own wording (CheckFit to_the_rep)
  }
  static const std::regex kWords("(^|[^-a-z])([a-z]+ ){2}[a-z]+");
  for (const std::string& code : named) {
    const LangText* t = FindText(CommonTexts(), code);
    ASSERT_NE(t, nullptr) << code << " is named by the server but has no text";
    EXPECT_FALSE(t->en.empty()) << code;
    EXPECT_TRUE(HasCjk(t->zh)) << code << " reads \"" << t->zh << "\"";
    for (Lang lang : {Lang::kEnglish, Lang::kChinese}) {
      const std::string shown = FilledForTest(lang, t->In(lang));
      EXPECT_EQ(shown.find('{'), std::string::npos) << code << ": " << shown;
      if (lang == Lang::kChinese) {
        EXPECT_FALSE(std::regex_search(shown, kWords)) << code << ": " << shown;
      } else {
        EXPECT_FALSE(HasCjk(shown)) << code << ": " << shown;
      }
    }
  }
  // The pool's refusals and the rules a rep breaks, as a rep in 中文 reads them.
  EXPECT_EQ(Say(Lang::kChinese, {"pool_holding_cap", {{"n", "5"}, {"cap", "5"}}}),
            "持有客户数已达上限（5/5）");
  EXPECT_EQ(Say(Lang::kEnglish, {"pool_holding_cap", {{"n", "5"}, {"cap", "5"}}}),
            "holding cap reached (5/5)");
  EXPECT_EQ(Say(Lang::kChinese, {"pool_daily_cap", {{"n", "3"}, {"cap", "3"}}}),
            "今日认领次数已达上限（3/3）");
  EXPECT_EQ(Say(Lang::kChinese, {"pool_tier_a_cap", {{"n", "2"}, {"cap", "2"}}}),
            "A 级客户容量已满（2/2）");
  EXPECT_EQ(Say(Lang::kChinese,
                {"fit_skill_you", {{"tier", "A"}, {"needed", "senior+"}, {"skill", "junior"}}}),
            "A 级客户需要高级及以上业务员：您是初级");
  EXPECT_EQ(Say(Lang::kChinese, {"pool_already_claimed",
                                 {{"who", "李娜 Li Na (rep-b)"}, {"at", "2026-11-23 07:00 UTC"}}}),
            "已被 李娜 Li Na (rep-b) 认领（2026年11月23日 07:00 UTC）");
  EXPECT_EQ(Say(Lang::kChinese, {"fit_closer_you", {{"stage", "deciding"}}}),
            "采购阶段为决策中的客户需要成交专员：您不是");
}

// A phrase kept in a text column: rendered per language; a row written before codes (or by an
// old server), a code this build does not know and a text that only looks like JSON stay as
// they are.
TEST(CliLangTest, AStoredPhraseReadsInTheRepsLanguageAndOldTextAsItIs) {
  const Phrase cap{"pool_holding_cap", {{"n", "5"}, {"cap", "5"}}};
  const std::string stored = StorePhrase(cap);
  EXPECT_EQ(ReadStoredPhrase(stored).detail, "holding cap reached (5/5)");
  EXPECT_EQ(ReadStoredPhrase(stored).phrase.code, "pool_holding_cap");
  EXPECT_EQ(SayStored(Lang::kChinese, stored), "持有客户数已达上限（5/5）");
  EXPECT_EQ(SayStored(Lang::kEnglish, stored), "holding cap reached (5/5)");
  EXPECT_EQ(SayStored(Lang::kChinese, "holding cap reached (5/5)"), "holding cap reached (5/5)");
  EXPECT_EQ(SayStored(Lang::kChinese, StorePhrase({"pool_from_the_future", {}}, "a new reason")),
            "a new reason");
  EXPECT_EQ(SayStored(Lang::kChinese, "{not json"), "{not json");
  EXPECT_EQ(SayStored(Lang::kChinese, R"({"code":"pool_claimed"})"), R"({"code":"pool_claimed"})");
  EXPECT_EQ(SayStored(Lang::kChinese, ""), "");
  EXPECT_EQ(StorePhrase(Phrase{}), "");
}

// The server's answer to a claim and its pool listing carry the refusal as a value beside the
// English (servers since #19): the device keeps both and shows the rep's language; an answer
// from an older server (English only) is shown as it came.
TEST(CliLangTest, TheServersRefusalsArriveAsValuesAndOldServersEnglishStays) {
  auto answers = ParseClaimAnswers(
      R"json({"results": [
        {"request_id": "r1", "customer": "c1", "status": "refused",
         "reason": "holding cap reached (5/5)", "reason_code": "pool_holding_cap",
         "reason_values": {"n": "5", "cap": 5}},
        {"request_id": "r2", "customer": "c2", "status": "refused",
         "reason": "daily claim cap reached (5/5)"}]})json");
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  ASSERT_EQ(answers->size(), 2u);
  EXPECT_EQ(SayStored(Lang::kChinese, (*answers)[0].reason), "持有客户数已达上限（5/5）");
  EXPECT_EQ(SayStored(Lang::kEnglish, (*answers)[0].reason), "holding cap reached (5/5)");
  EXPECT_EQ(SayStored(Lang::kChinese, (*answers)[1].reason), "daily claim cap reached (5/5)");
  EXPECT_EQ(ParseClaimAnswers(R"({"results":[{"request_id":"r1","status":"refused",)"
                              R"("reason":"x","reason_code":7}]})")
                .status()
                .code(),
            StatusCode::kCorrupt);

  auto listing = ParsePoolListing(
      R"json({"rep": "rep-a", "as_of": "2026-11-23T08:00:00Z", "today": "2026-11-23",
        "policy": {"rules_version": 1, "reclaim_days": {}, "default_reclaim_days": 30,
                   "warn_days": 7, "max_wait_days": 5, "upcoming_days": 14, "daily_claims": 3,
                   "claims_today": 0,
                   "holding_cap": 1, "holding": 1, "tier_a_cap": null, "tier_a_holding": 0,
                   "regions": []},
        "pool": [{"id": "c1", "name": "鑫达汽修", "city": "广州", "region": "GD-GZ", "tier": "A",
                  "type": "garage", "since": "2026-11-20T00:00:00Z",
                  "kind": "release", "reason": "moved", "claimable": false,
                  "refusal": "tier A needs senior+: you are junior", "refusal_code": "fit_skill_you",
                  "refusal_values": {"tier": "A", "needed": "senior+", "skill": "junior"}}],
        "pool_truncated": false, "warnings": []})json");
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  ASSERT_EQ(listing->pool.size(), 1u);
  EXPECT_EQ(SayStored(Lang::kChinese, listing->pool[0].refusal),
            "A 级客户需要高级及以上业务员：您是初级");
  EXPECT_EQ(SayStored(Lang::kEnglish, listing->pool[0].refusal),
            "tier A needs senior+: you are junior");
}

// The store's errors a rep reads (and fieldbook-cli's own argument checks) are codes with values:
// every err_ code the client's sources name is in the table, every entry is used, the Chinese has
// no English sentence, and each error carries its code and values (its Status's phrase) beside
// its English message, to be shown in the rep's language.
TEST(CliLangTest, EveryStoreErrorCarriesItsCodeAndValuesAndReadsInBothLanguages) {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {"/client/store", "/client/cli", "/client/sync", "/client/app"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(FIELDBOOK_SOURCE_DIR) + dir)) {
      if (entry.path().extension() == ".cc") files.push_back(entry.path());
    }
  }
  // The operating system's reasons (why_os_...) are named where its errors are read.
  files.push_back(std::string(FIELDBOOK_SOURCE_DIR) + "/client/lang/os_reason.cc");
  // Errors (err_...), the reasons a network error names (why_...) and what a server's answer was
  // to (what_...).
  const std::set<std::string> named = CodesIn(files, {"err_", "why_", "what_"});
  ASSERT_GT(named.size(), 40u);
  std::set<std::string> in_table;
  for (const LangText& e : StoreErrors()) in_table.insert(std::string(e.code));
  for (const std::string& code : named) {
    EXPECT_EQ(in_table.count(code), 1u) << code << " is named by the store but not in the table";
  }
  static const std::regex kWords("(^|[^-a-z])([a-z]+ ){2}[a-z]+");
  for (const LangText& e : StoreErrors()) {
    EXPECT_EQ(named.count(std::string(e.code)), 1u) << e.code << " is in the table but unused";
    EXPECT_TRUE(HasCjk(e.zh)) << e.code;
    // Values as a rep might type them, with the template's own words in them too.
    const TextValues values = {{"field", "phone"},
                               {"fields", "name, phone"},
                               {"value", "x is given"},
                               {"what", "customer"},
                               {"min", "-90"},
                               {"max", "90"},
                               {"line", "2"},
                               {"id", "t1"},
                               {"ref", "鑫达 on this"},
                               {"allowed", "a, b"},
                               {"spec", "BP:x"},
                               {"name", "鑫达汽修"},
                               {"n", "200"},
                               {"as_of", "2026-12-07T04:15:35Z"},
                               {"origin", "http://x:8443"},
                               {"why", "tls alert"},
                               {"ms", "5000"},
                               {"detail", "bad json"},
                               {"path", "/tmp/a.db"},
                               {"part", "BP-1024"},
                               {"listed", "120.00"},
                               {"price", "99.00"},
                               {"tier", "A"},
                               {"customer", "c2"},
                               {"of", "o1"},
                               {"contact", "k1"},
                               {"total", "1000.00"},
                               {"ratio", "9.0"},
                               {"median", "100.00"},
                               {"orders", "3"},
                               {"ids", "v1 鑫达汽修"},
                               {"since", "2026-12-07T04:15:35Z"},
                               {"by", "o2"},
                               {"kind", "payment_terms"},
                               {"url", "https://x y"},
                               {"status", "503"},
                               {"rep", "rep-b"},
                               {"own", "rep-a"}};
    const Status error = Invalid(e.code, values);
    EXPECT_EQ(error.message(), FillText(Lang::kEnglish, e.en, values)) << e.code;
    ASSERT_NE(error.phrase(), nullptr) << e.code;
    EXPECT_EQ(error.phrase()->code, e.code);
    EXPECT_EQ(error.phrase()->values, values) << e.code;
    const std::string zh = RenderError(Lang::kChinese, error);
    EXPECT_EQ(zh, FillText(Lang::kChinese, e.zh, values)) << e.code;
    EXPECT_EQ(zh.find('{'), std::string::npos) << e.code << ": " << zh;
    static const std::regex kCommand("fieldbook-cli [a-z -]+"), kValues("x is given|鑫达 on this");
    std::string latin = std::regex_replace(zh, kCommand, "");
    latin = std::regex_replace(latin, kValues, "");
    EXPECT_FALSE(std::regex_search(latin, kWords)) << e.code << ": " << zh;
    EXPECT_EQ(RenderError(Lang::kEnglish, error), error.message());
  }
  // An error without a phrase (a transport's words, SQLite's) is shown as it is, even when its
  // words read like a store error's: only the carried code counts.
  EXPECT_EQ(
      RenderError(Lang::kChinese, Status::Unavailable("cannot reach http://x: connection refused")),
      "cannot reach http://x: connection refused");
  EXPECT_EQ(RenderError(Lang::kChinese, Status::InvalidArgument("no customer c9 on this device")),
            "no customer c9 on this device");
  EXPECT_EQ(RenderError(Lang::kChinese,
                        Invalid("err_not_on_device", {{"what", "customer"}, {"ref", "c9"}})),
            "本设备上没有客户 c9");
  EXPECT_EQ(StoreError(StatusCode::kNotFound, "err_not_on_device", {{"what", "task"}}).code(),
            StatusCode::kNotFound);
  // A code this build does not know (a newer server's) is its English.
  EXPECT_EQ(RenderError(Lang::kChinese, Status(StatusCode::kRejected, "brand new words",
                                               Phrase{"err_from_the_future", {}})),
            "brand new words");
  EXPECT_EQ(Invalid("err_line_quantity", {{"line", "1"}}).message(),
            "line 1: quantity must be a whole number above 0");
}

// A value that holds the template's own words is filled in as it is: the customer "visit for a
// garage (c2)" waiting to be claimed (matching the English back against the template, as before,
// split it at its first " (": name "visit for a garage", id "c2) (c1").
TEST(CliLangTest, AValueHoldingTheTemplatesOwnWordsRendersWhole) {
  const TextValues values = {{"name", "visit for a garage (c2)"}, {"id", "c1"}};
  const Status waits = StoreError(StatusCode::kConflict, "err_pool_claim_waits", values);
  EXPECT_EQ(waits.message(),
            "a claim of visit for a garage (c2) (c1) already waits for the next sync");
  EXPECT_EQ(RenderError(Lang::kChinese, waits),
            "认领 visit for a garage (c2)（c1）已在等待下次同步");
  // The same for a value with "on this device" in it, and for a coordinate whose value reads
  // like the rest of the sentence.
  const Status missing = Invalid(
      "err_not_on_device", {{"what", "customer"}, {"ref", "visit for a garage on this device"}});
  EXPECT_EQ(RenderError(Lang::kChinese, missing),
            "本设备上没有客户 visit for a garage on this device");
  const Status coordinate = Invalid("err_coordinate", {{"what", "latitude must be a number from 1"},
                                                       {"min", "-90"},
                                                       {"max", "90"},
                                                       {"value", "to 2 (not '3"}});
  EXPECT_EQ(RenderError(Lang::kChinese, coordinate),
            "latitude must be a number from 1必须是 -90 到 90 之间的数字（不是“to 2 (not '3”）");
}

// The server's own refusals at its HTTP layer (a wrong token, a body too large, a busy server)
// are codes with values in both languages: each reads in Chinese with every value filled and no
// English sentence, and the device keeps one from a reply's "error_code" and "error_values"
// as a phrased Status, shown in the rep's language; an old server's reply (no code) stays English.
TEST(CliLangTest, TheServersOwnRefusalsArriveAsValuesAndReadInTheRepsLanguage) {
  static const std::regex kWords("(^|[^-a-z_/.])([a-z]+ ){2}[a-z]+");
  ASSERT_GT(HttpRefusals().size(), 30u);
  for (const LangText& t : HttpRefusals()) {
    EXPECT_EQ(t.code.substr(0, 5), "http_") << t.code;
    TextValues values = {{"limit", "1024"},
                         {"route", "sync"},
                         {"path", "/v1/x"},
                         {"seconds", "9"},
                         {"max", "8"},
                         {"name", "days"},
                         {"lo", "1"},
                         {"hi", "9"},
                         {"field", "rep"},
                         {"error", "bad"},
                         {"choices", "a, b"},
                         {"kib", "8"},
                         {"shape", "[]"},
                         {"index", "2"},
                         {"methods", "GET"},
                         {"kind", "k"},
                         {"rep", "r1"},
                         {"ref", "p1"},
                         {"id", "7"},
                         {"by", "mgr"},
                         {"at", "2026-12-07"},
                         {"run", "3"},
                         {"holder", "h"},
                         {"until", "2026-12-08"},
                         {"device", "d"},
                         {"n", "5"},
                         {"part", "P-1"},
                         {"customer", "c"},
                         {"territory", "t"},
                         {"header", "H"},
                         {"fields", "f"},
                         {"first", "A"},
                         {"first_header", "X"},
                         {"second", "B"},
                         {"second_header", "Y"},
                         {"status", "dismissed"},
                         {"region", "GD"},
                         {"cap", "3"}};
    // Any other value the code names (the rules' and the import's), filled too.
    static const std::regex kName("\\{([a-z_]+)");
    const std::string en(t.en);
    for (std::sregex_iterator it(en.begin(), en.end(), kName), end; it != end; ++it) {
      const std::string name = (*it)[1].str();
      if (std::none_of(values.begin(), values.end(),
                       [&](const auto& v) { return v.first == name; })) {
        values.emplace_back(name, "7");
      }
    }
    const std::string zh = SayRefusal(Lang::kChinese, Phrase{std::string(t.code), values});
    EXPECT_TRUE(HasCjk(zh)) << t.code;
    EXPECT_EQ(zh.find('{'), std::string::npos) << t.code << ": " << zh;
    EXPECT_FALSE(std::regex_search(zh, kWords)) << t.code << ": " << zh;
    EXPECT_EQ(SayRefusal(Lang::kEnglish, Phrase{std::string(t.code), values}),
              FillText(Lang::kEnglish, t.en, values));
  }
  HttpReply reply;
  reply.status = 413;
  reply.body = R"({"error":{"code":"body_too_large","message":"JSON bodies are limited to 1024 )"
               R"(bytes"},"error_code":"http_json_too_large","error_values":{"limit":1024}})";
  const Status refused = ServerError(StatusCode::kResourceExhausted,
                                     "the server refused it: " + ServerErrorMessage(reply), reply);
  EXPECT_EQ(refused.message(), "the server refused it: JSON bodies are limited to 1024 bytes");
  ASSERT_NE(refused.phrase(), nullptr);
  EXPECT_EQ(refused.phrase()->code, "http_json_too_large");
  EXPECT_EQ(RenderError(Lang::kChinese, refused), "JSON 请求内容不能超过 1024 字节");
  EXPECT_EQ(RenderError(Lang::kEnglish, refused), refused.message());
  // A failed sync keeps saying what is queued, around the refusal in the rep's language.
  SyncFailure failure{false, RenderError(Lang::kChinese, refused), 3, 0};
  const std::string said = RenderSyncFailure(Lang::kChinese, failure);
  EXPECT_NE(said.find("JSON 请求内容不能超过 1024 字节"), std::string::npos) << said;
  EXPECT_NE(said.find("3"), std::string::npos) << said;
  EXPECT_FALSE(std::regex_search(said, kWords)) << said;
  // An old server (no code), a proxy's page, a hostile code: no phrase, the words as they are.
  reply.body = R"({"error":{"code":"unauthorized","message":"missing token"}})";
  EXPECT_FALSE(ServerErrorPhrase(reply).has_value());
  EXPECT_EQ(RenderError(Lang::kChinese, ServerError(StatusCode::kRejected, "missing token", reply)),
            "missing token");
  reply.body = "<html>502 Bad Gateway</html>";
  EXPECT_FALSE(ServerErrorPhrase(reply).has_value());
  reply.body = R"({"error_code":7})";
  EXPECT_FALSE(ServerErrorPhrase(reply).has_value());
  reply.body = R"({"error_code":"http_from_the_future","error_values":{"x":"y"}})";
  ASSERT_TRUE(ServerErrorPhrase(reply).has_value());
  EXPECT_EQ(RenderError(Lang::kChinese, ServerError(StatusCode::kRejected, "new words", reply)),
            "new words");
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
