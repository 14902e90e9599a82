#include "store/search_text.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace fieldbook::client {

namespace {

// Other readings of polyphonic characters common in garage, shop, street and place names, added
// after ICU's own (which is kept first). Not a dictionary: what a rep is likely to type for a
// name, e.g. 长沙 changsha where ICU says zhang, 厦门 xiamen, 银行 yinhang, 成都 chengdu.
constexpr std::pair<char32_t, const char*> kOtherReadings[] = {
    {U'长', "chang"}, {U'厦', "xia"},   {U'行', "hang"},  {U'重', "chong"}, {U'重', "zhong"},
    {U'都', "du"},    {U'曾', "zeng"},  {U'乐', "yue"},   {U'会', "kuai"},  {U'朝', "zhao"},
    {U'单', "shan"},  {U'藏', "zang"},  {U'调', "tiao"},  {U'传', "zhuan"}, {U'还', "huan"},
    {U'沈', "shen"},  {U'仇', "qiu"},   {U'区', "ou"},    {U'解', "xie"},   {U'朴', "piao"},
    {U'查', "zha"},   {U'盛', "cheng"}, {U'大', "dai"},   {U'差', "chai"},  {U'地', "de"},
    {U'薄', "bao"},   {U'种', "zhong"}, {U'种', "chong"}, {U'六', "lu"},    {U'尉', "yu"},
    {U'莘', "shen"},  {U'车', "ju"},    {U'参', "shen"},  {U'蚌', "beng"},  {U'秘', "bi"},
    {U'广', "guang"}, {U'华', "hua"},   {U'奇', "ji"},    {U'便', "pian"},  {U'缪', "miao"},
    {U'折', "she"},   {U'铅', "yan"},   {U'宿', "xiu"},   {U'弄', "long"},  {U'家', "jia"},
};

struct PinyinCache {
  std::mutex mu;
  std::unique_ptr<icu::Transliterator> icu;
  bool icu_failed = false;
  std::unordered_map<char32_t, std::vector<std::string>> readings;
};

PinyinCache& Cache() {
  static PinyinCache* cache = new PinyinCache();  // never destroyed: used until exit
  return *cache;
}

// ICU's reading of one character: lowercase letters only ("" when it has none).
std::string IcuReading(PinyinCache& cache, char32_t c) {
  if (cache.icu == nullptr && !cache.icu_failed) {
    UErrorCode status = U_ZERO_ERROR;
    cache.icu.reset(icu::Transliterator::createInstance(
        icu::UnicodeString::fromUTF8("Han-Latin; Latin-ASCII"), UTRANS_FORWARD, status));
    if (U_FAILURE(status)) {
      cache.icu.reset();
      cache.icu_failed = true;  // no ICU data: search works without pinyin
    }
  }
  if (cache.icu == nullptr) return "";
  icu::UnicodeString s(static_cast<UChar32>(c));
  cache.icu->transliterate(s);
  std::string utf8;
  s.toUTF8String(utf8);
  std::string out;
  for (char ch : utf8) {
    if (ch >= 'a' && ch <= 'z') {
      out += ch;
    } else if (ch >= 'A' && ch <= 'Z') {
      out += static_cast<char>(ch - 'A' + 'a');
    }
  }
  return out;
}

bool IsSpace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r'; }

}  // namespace

bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    int len = 0;
    char32_t c = 0;
    if (b < 0x80) {
      len = 1;
      c = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      c = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      c = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      c = b & 0x07;
    } else {
      ++i;  // a stray continuation or invalid byte
      continue;
    }
    if (i + static_cast<size_t>(len) > text.size()) break;
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      const auto cb = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
      if ((cb & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      c = (c << 6) | (cb & 0x3F);
    }
    if (!ok || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
      ++i;
      continue;
    }
    out.push_back(c);
    i += static_cast<size_t>(len);
  }
  return out;
}

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::vector<std::string> PinyinReadings(char32_t c) {
  if (!IsHan(c)) return {};
  PinyinCache& cache = Cache();
  std::lock_guard<std::mutex> lock(cache.mu);
  auto it = cache.readings.find(c);
  if (it != cache.readings.end()) return it->second;
  std::vector<std::string> readings;
  std::string first = IcuReading(cache, c);
  if (!first.empty()) readings.push_back(std::move(first));
  for (const auto& [ch, reading] : kOtherReadings) {
    if (ch != c) continue;
    bool seen = false;
    for (const std::string& r : readings) seen = seen || r == reading;
    if (!seen) readings.emplace_back(reading);
  }
  cache.readings.emplace(c, readings);
  return readings;
}

std::string PinyinOf(std::string_view text) {
  const std::u32string chars = DecodeUtf8(text);
  std::string out;
  size_t i = 0;
  while (i < chars.size()) {
    if (!IsHan(chars[i])) {
      ++i;
      continue;
    }
    // One run of Han characters: its readings, character by character.
    std::vector<std::vector<std::string>> run;
    for (; i < chars.size() && IsHan(chars[i]); ++i) {
      std::vector<std::string> r = PinyinReadings(chars[i]);
      if (!r.empty()) run.push_back(std::move(r));
    }
    if (run.empty()) continue;
    // The first spelling takes every first reading; each further one changes one character to
    // another reading, until kMaxPinyinSpellings.
    std::vector<std::vector<size_t>> spellings{std::vector<size_t>(run.size(), 0)};
    for (size_t k = 0; k < run.size() && spellings.size() < kMaxPinyinSpellings; ++k) {
      for (size_t alt = 1; alt < run[k].size() && spellings.size() < kMaxPinyinSpellings; ++alt) {
        std::vector<size_t> s(run.size(), 0);
        s[k] = alt;
        spellings.push_back(std::move(s));
      }
    }
    for (const std::vector<size_t>& s : spellings) {
      std::string full, initials;
      for (size_t k = 0; k < run.size(); ++k) {
        const std::string& r = run[k][s[k]];
        full += r;
        initials += r[0];
      }
      if (!out.empty()) out += ' ';
      out += full;
      if (run.size() > 1) {
        out += ' ';
        out += initials;
      }
    }
  }
  return out;
}

std::string ShortQueryText(std::string_view text) {
  const std::u32string chars = DecodeUtf8(text);
  std::string out;
  out.reserve(text.size() * 3);
  size_t i = 0;
  while (i < chars.size()) {
    if (!IsHan(chars[i])) {
      AppendUtf8(chars[i], out);
      ++i;
      continue;
    }
    size_t end = i;
    while (end < chars.size() && IsHan(chars[end])) ++end;
    if (i > 0 && !IsSpace(chars[i - 1])) out += ' ';
    for (size_t k = i; k < end; ++k) {
      if (k > i) out += ' ';
      AppendUtf8(chars[k], out);
    }
    for (size_t k = i; k + 1 < end; ++k) {
      out += ' ';
      AppendUtf8(chars[k], out);
      AppendUtf8(chars[k + 1], out);
    }
    if (end < chars.size() && !IsSpace(chars[end])) out += ' ';
    i = end;
  }
  return out;
}

}  // namespace fieldbook::client
