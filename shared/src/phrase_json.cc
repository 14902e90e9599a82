#include "fieldbook/phrase_json.h"

#include <algorithm>
#include <cmath>

#include "fieldbook/json.h"
#include "fieldbook/utf8.h"

namespace fieldbook {

namespace {

bool Known(std::string_view code) { return FindText(CommonTexts(), code) != nullptr; }

}  // namespace

boost::json::object PhraseValuesJson(const TextValues& values) {
  boost::json::object o;
  // Well-formed UTF-8 only: a strict reader (ReadStoredPhrase, a device) refuses the whole JSON
  // otherwise, and the stored phrase would be shown as its raw text (a file's name on a GBK disk).
  for (const auto& [name, value] : values) o[Utf8Scrub(name)] = Utf8Scrub(value);
  return o;
}

TextValues PhraseValuesFrom(const boost::json::value& v, size_t max_text) {
  TextValues out;
  const boost::json::object* o = v.if_object();
  if (o == nullptr) return out;
  for (const auto& [key, value] : *o) {
    if (out.size() == kMaxPhraseValues) break;
    if (key.empty() || key.size() > kMaxPhraseValueName) continue;  // no text names it
    std::string text;
    if (const boost::json::string* s = value.if_string()) {
      // Cut to whole characters (a value is shown), the "…" within the bound.
      const std::string_view all(s->data(), s->size());
      text = all.size() <= max_text ? std::string(all)
                                    : Utf8Prefix(all, max_text - std::min<size_t>(max_text, 3));
    } else if (value.is_int64()) {
      text = std::to_string(value.as_int64());
    } else if (value.is_uint64()) {
      text = std::to_string(value.as_uint64());
    } else if (value.is_double() && std::isfinite(value.as_double())) {
      text = NumberText(value.as_double());
    } else {
      continue;
    }
    out.emplace_back(std::string(key), std::move(text));
  }
  return out;
}

std::string StorePhrase(const Phrase& p) {
  if (p.code.empty()) return "";
  return StorePhrase(p, Say(Lang::kEnglish, p));
}

std::string StorePhrase(const Phrase& p, std::string_view detail) {
  if (p.code.empty()) return std::string(detail);
  return WriteJson(boost::json::object{
      {"code", p.code}, {"detail", Utf8Scrub(detail)}, {"values", PhraseValuesJson(p.values)}});
}

StoredPhrase ReadStoredPhrase(std::string_view stored) {
  StoredPhrase out{{}, std::string(stored)};
  if (stored.empty() || stored.front() != '{') return out;
  boost::system::error_code ec;
  const boost::json::value v = ReadJson(stored, ec, 4);
  const boost::json::object* o = ec ? nullptr : v.if_object();
  if (o == nullptr) return out;  // a plain text that starts with a brace
  const boost::json::value* code = o->if_contains("code");
  const boost::json::value* detail = o->if_contains("detail");
  if (code == nullptr || !code->is_string() || detail == nullptr || !detail->is_string()) {
    return out;
  }
  out.phrase.code = std::string(code->as_string());
  out.detail = std::string(detail->as_string());
  if (const boost::json::value* values = o->if_contains("values")) {
    out.phrase.values = PhraseValuesFrom(*values);
  }
  return out;
}

std::string PersonText(std::string text) {
  if (!ReadStoredPhrase(text).phrase.code.empty()) text.insert(0, 1, ' ');
  return text;
}

std::string SayStored(Lang lang, std::string_view stored) {
  const StoredPhrase p = ReadStoredPhrase(stored);
  if (p.phrase.code.empty() || !Known(p.phrase.code)) return p.detail;
  return Say(lang, p.phrase, p.detail);
}

}  // namespace fieldbook
