#include "ui_strings.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "lang/store_errors.h"

namespace fieldbook::app {

namespace {

constexpr Strings kEnglish = {
#define FIELDBOOK_UI_STRING_EN(name, en, zh) en,
    FIELDBOOK_UI_STRINGS(FIELDBOOK_UI_STRING_EN)
#undef FIELDBOOK_UI_STRING_EN
        Lang::kEnglish,
};

constexpr Strings kChinese = {
#define FIELDBOOK_UI_STRING_ZH(name, en, zh) zh,
    FIELDBOOK_UI_STRINGS(FIELDBOOK_UI_STRING_ZH)
#undef FIELDBOOK_UI_STRING_ZH
        Lang::kChinese,
};

// The table as entries of the one string-table type (lang_text.h), for walking it.
constexpr LangText kUiTexts[] = {
#define FIELDBOOK_UI_STRING_TEXT(name, en, zh) {#name, en, zh},
    FIELDBOOK_UI_STRINGS(FIELDBOOK_UI_STRING_TEXT)
#undef FIELDBOOK_UI_STRING_TEXT
};

}  // namespace

const Strings& StringsFor(Lang lang) { return lang == Lang::kChinese ? kChinese : kEnglish; }

std::span<const LangText> UiTexts() { return kUiTexts; }

std::string_view CodeLabel(Lang lang, std::string_view code) {
  return fieldbook::CodeLabel(lang, "", code);
}

const std::vector<std::string>& CodesOf(std::string_view enumeration) {
  static const auto* const kByEnumeration = [] {
    auto* m = new std::map<std::string, std::vector<std::string>, std::less<>>();
    for (const LangText& c : CodeLabels()) {
      const size_t dot = c.code.find('.');
      (*m)[std::string(c.code.substr(0, dot))].emplace_back(c.code.substr(dot + 1));
    }
    return m;
  }();
  static const std::vector<std::string> kNone;
  auto it = kByEnumeration->find(enumeration);
  return it == kByEnumeration->end() ? kNone : it->second;
}

std::string AllText(Lang lang) {
  std::string out;
  for (std::span<const LangText> table : {UiTexts(), CodeLabels(), client::DeviceMessages(),
                                          CommonTexts(), client::StoreErrors(), HttpRefusals()}) {
    for (const LangText& t : table) out += t.In(lang);
  }
  return out;
}

}  // namespace fieldbook::app
