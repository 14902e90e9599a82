// The texts both sides share (issue #19): the one choice of language (fieldbook/lang_text.h
// ParseLang, ChooseLang: the rep's app and CLI and fieldbook-server alike), the one rendering of
// a phrase whose code either side knows (SayKnown, SayPhrase), and a phrase's values read off the
// network cut to whole characters (fieldbook/phrase_json.h PhraseValuesFrom).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <optional>
#include <string>

#include "fieldbook/lang_text.h"
#include "fieldbook/phrase_json.h"
#include "fieldbook/phrase_nest.h"
#include "fieldbook/utf8.h"

namespace fieldbook {
namespace {

// Sets the locale variables for one test and puts them back.
class Locale {
 public:
  Locale(const char* lc_all, const char* lc_messages, const char* lang) {
    for (int i = 0; i < 3; ++i) {
      const char* v = std::getenv(kVars[i]);
      saved_[i] = v ? std::optional<std::string>(v) : std::nullopt;
    }
    Set(0, lc_all);
    Set(1, lc_messages);
    Set(2, lang);
  }
  ~Locale() {
    for (int i = 0; i < 3; ++i) Set(i, saved_[i] ? saved_[i]->c_str() : nullptr);
  }

 private:
  static void Set(int i, const char* v) {
    if (v == nullptr) {
      unsetenv(kVars[i]);
    } else {
      setenv(kVars[i], v, 1);
    }
  }
  static constexpr const char* kVars[3] = {"LC_ALL", "LC_MESSAGES", "LANG"};
  std::optional<std::string> saved_[3];
};

TEST(SharedTextsTest, TheLanguageIsReadInAnyCaseWithARegionOrAnEncoding) {
  for (const char* zh : {"zh", "ZH", "zh-CN", "zh_CN", "ZH_CN", "zh_CN.UTF-8", "zh_TW", "zh.GBK"}) {
    EXPECT_EQ(ParseLang(zh), Lang::kChinese) << zh;
  }
  for (const char* en : {"en", "EN", "en_US.UTF-8", "en-GB"}) {
    EXPECT_EQ(ParseLang(en), Lang::kEnglish) << en;
  }
  for (const char* other : {"", "z", "zhx", "zhong", "fr_FR.UTF-8", "C", "POSIX", "C.UTF-8"}) {
    EXPECT_EQ(ParseLang(other), std::nullopt) << other;
  }
}

TEST(SharedTextsTest, TheFlagDecidesThenTheFirstLocaleVariableSet) {
  {
    const Locale locale(nullptr, nullptr, "ZH_CN");  // the re-read's case: English before
    EXPECT_EQ(ChooseLang(""), Lang::kChinese);
    EXPECT_EQ(ChooseLang("en"), Lang::kEnglish);
    EXPECT_EQ(ChooseLang("fr"), Lang::kEnglish);  // a flag it does not know: English
  }
  {
    const Locale locale("en_US.UTF-8", "zh_CN.UTF-8", "zh_CN.UTF-8");
    EXPECT_EQ(ChooseLang(""), Lang::kEnglish);  // LC_ALL first
    EXPECT_EQ(ChooseLang("zh"), Lang::kChinese);
  }
  {
    const Locale locale("", "zh_CN.UTF-8", "en_US.UTF-8");  // an empty one is not set
    EXPECT_EQ(ChooseLang(""), Lang::kChinese);
  }
  {
    const Locale locale(nullptr, nullptr, "zhong");  // not "zh" followed by a region
    EXPECT_EQ(ChooseLang(""), Lang::kEnglish);
  }
  {
    const Locale locale(nullptr, nullptr, nullptr);
    EXPECT_EQ(ChooseLang(""), Lang::kEnglish);
  }
}

TEST(SharedTextsTest, APhraseEitherSideKnowsRendersElseTheEnglishKeptBesideIt) {
  const Phrase refusal{"http_no_conflict", {{"id", "9"}}};
  EXPECT_EQ(SayKnown(Lang::kChinese, refusal), SayRefusal(Lang::kChinese, refusal));
  const Phrase common{"pool_holding_cap", {{"n", "5"}, {"cap", "5"}}};
  EXPECT_EQ(SayKnown(Lang::kEnglish, common), Say(Lang::kEnglish, common));
  EXPECT_EQ(SayKnown(Lang::kChinese, Phrase{"no_such_code", {}}), std::nullopt);
  EXPECT_EQ(SayPhrase(Lang::kChinese, Phrase{"no_such_code", {}}, "old words"), "old words");
  EXPECT_EQ(SayPhrase(Lang::kChinese, common, "old words"), Say(Lang::kChinese, common));
}

TEST(SharedTextsTest, AValueOffTheNetworkIsCutToWholeCharacters) {
  // 200 three-byte characters: 600 bytes, over the 500 a value keeps.
  std::string long_name;
  for (int i = 0; i < 200; ++i) long_name += "鑫";
  const boost::json::object o{{"name", long_name}, {"short", "达"}, {"n", 5}};
  const TextValues values = PhraseValuesFrom(o);
  ASSERT_EQ(values.size(), 3u);
  const std::string& cut = values[0].second;
  EXPECT_LE(cut.size(), 500u);
  EXPECT_TRUE(IsValidUtf8(cut)) << cut.size();
  EXPECT_EQ(cut.rfind("…"), cut.size() - 3);
  EXPECT_EQ(cut.size(), 165u * 3 + 3);  // 497 bytes hold 165 whole characters, then "…"
  EXPECT_EQ(values[1].second, "达");
  EXPECT_EQ(values[2].second, "5");
  // A short bound still ends whole.
  const TextValues tight = PhraseValuesFrom(o, 7);
  EXPECT_TRUE(IsValidUtf8(tight[0].second));
  EXPECT_LE(tight[0].second.size(), 7u);
}

// A phrase nested in a phrase (fieldbook/phrase_nest.h): the inner code and its values travel as
// flat values (a stored phrase, the wire), and each reader renders the whole in their language.
TEST(SharedTextsTest, APhraseNestedInAPhraseIsRenderedInTheReadersLanguage) {
  Phrase why{"assign_unplaced", {}};
  NestPhrase(why.values, "why",
             Phrase{"fit_region", {{"region", "GD-SZ"}, {"rep", "rep-07"}, {"regions", "GD-GZ"}}});
  NestPhrases(why.values, "needs",
              {Phrase{"need_skill", {{"skill", "senior"}}},
               Phrase{"need_region", {{"region", "GD-SZ"}}}, Phrase{"need_room", {}}});
  Phrase pooled{"pool_imported", {{"file", "客户.csv"}}};
  NestPhrase(pooled.values, "reason", why);
  EXPECT_EQ(Say(Lang::kEnglish, pooled),
            "imported from 客户.csv: region mismatch: customer in GD-SZ, rep-07 serves GD-GZ; no "
            "other rep is senior, serves GD-SZ and has room");
  EXPECT_EQ(
      Say(Lang::kChinese, pooled),
      "从 客户.csv 导入：区域不符：客户在 GD-SZ，rep-07 负责 GD-GZ；没有其他业务员同时满足：是高级"
      "业务员、负责 GD-SZ、有余量");
  // Flat values: a device keeps them all (within the bounds of what it reads off the network).
  EXPECT_LE(pooled.values.size(), kMaxPhraseValues);
  for (const auto& [name, value] : pooled.values) EXPECT_LE(name.size(), kMaxPhraseValueName);
  // Stored and read back (the pool's column, a device's copy): the same in either language.
  const std::string stored = StorePhrase(pooled);
  EXPECT_EQ(SayStored(Lang::kChinese, stored), Say(Lang::kChinese, pooled));
  EXPECT_EQ(ReadStoredPhrase(stored).detail, Say(Lang::kEnglish, pooled));
  // A refusal nested in a common text, one item, none; an inner code this build does not know
  // shows as its code.
  Phrase refused{"pool_imported", {{"file", "a.csv"}}};
  NestPhrase(refused.values, "reason", Phrase{"http_import_no_rep_can_take", {}});
  EXPECT_EQ(
      Say(Lang::kEnglish, refused),
      "imported from a.csv: " + SayRefusal(Lang::kEnglish, {"http_import_no_rep_can_take", {}}));
  Phrase one{"assign_unplaced", {}};
  NestPhrase(one.values, "why", Phrase{"assign_no_rep", {}});
  NestPhrases(one.values, "needs", {Phrase{"need_closer", {}}});
  EXPECT_EQ(Say(Lang::kEnglish, one), "no rep holds this customer; no other rep is a closer");
  Phrase none{"assign_unplaced_none", {}};
  NestPhrase(none.values, "why", Phrase{"from_a_newer_build", {}});
  EXPECT_EQ(Say(Lang::kEnglish, none), "from_a_newer_build; no other active rep");
}

// A list off the network is bounded before it is spelled out: a device's 2,000-byte reason can
// name ~1,000 codes, each a long text, and the pool screen renders it every frame.
TEST(SharedTextsTest, ANestedListOffTheNetworkIsSpelledOutToEightItems) {
  std::string codes;
  for (int i = 0; i < 1000; ++i) codes += (codes.empty() ? "" : " ") + std::string("need_room");
  const Phrase hostile{"assign_unplaced", {{"why", "assign_no_rep"}, {"needs", codes}}};
  for (const Lang lang : {Lang::kEnglish, Lang::kChinese}) {
    const std::string text = Say(lang, hostile);
    EXPECT_LT(text.size(), 300u) << text;
    EXPECT_EQ(text.rfind("…"), text.size() - 3) << text;
  }
  EXPECT_EQ(
      Say(Lang::kChinese, hostile),
      "没有业务员负责该客户；没有其他业务员同时满足：有余量、有余量、有余量、有余量、有余量、有"
      "余量、有余量、有余量、…");
  // Stored and read back (the pool's column, a device's copy): a value not UTF-8 (a file's name
  // from a GBK disk) is replaced, not left to make the JSON unreadable.
  const std::string stored =
      StorePhrase({"pool_imported", {{"file", "\xB9\xE3.csv"}, {"reason", "assign_no_rep"}}});
  EXPECT_TRUE(IsValidUtf8(stored));
  EXPECT_EQ(ReadStoredPhrase(stored).phrase.code, "pool_imported") << stored;
  EXPECT_EQ(SayStored(Lang::kChinese, stored),
            "从 \xEF\xBF\xBD\xEF\xBF\xBD.csv 导入：没有业务员负责该客户");
}

}  // namespace
}  // namespace fieldbook
