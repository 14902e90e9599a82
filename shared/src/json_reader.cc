#include "fieldbook/json_reader.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "fieldbook/dates.h"
#include "fieldbook/json.h"
#include "fieldbook/lang_text.h"
#include "fieldbook/refusal_status.h"

namespace fieldbook {

namespace json = boost::json;

namespace {

// `text` parsed within `limits`; on an error, where it stopped.
struct Parsed {
  json::value value;
  boost::system::error_code ec;
  size_t stopped_at = 0;
  bool too_large = false;
};

Parsed Parse(std::string_view text, const JsonLimits& limits) {
  Parsed out;
  if (text.size() > limits.max_bytes) {
    out.too_large = true;
    return out;
  }
  out.value = ReadJson(text, out.ec, limits.max_depth, &out.stopped_at);
  return out;
}

// The 1-based line and column (in characters) of the byte at `offset`.
TextValues Place(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return {{"line", std::to_string(line)}, {"column", std::to_string(column)}};
}

}  // namespace

Result<json::value> ParseJson(std::string_view text, std::string_view what, StatusCode code,
                              const JsonLimits& limits) {
  Parsed p = Parse(text, limits);
  if (p.too_large) {
    return Status(
        code, std::string(what) + " is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  if (p.ec) return Status(code, std::string(what) + " is not valid JSON: " + p.ec.message());
  return std::move(p.value);
}

Result<json::value> ParseJson(std::string_view text, const JsonRefusals& refusals,
                              const JsonLimits& limits) {
  Parsed p = Parse(text, limits);
  if (p.too_large) {
    return RefusalStatus(
        StatusCode::kInvalidArgument,
        {std::string(refusals.too_large), {{"max", std::to_string(limits.max_bytes)}}});
  }
  if (p.ec) {
    return Status(StatusCode::kInvalidArgument,
                  std::string(refusals.english) + ": " + p.ec.message(),
                  Phrase{std::string(refusals.invalid), Place(text, p.stopped_at)});
  }
  return std::move(p.value);
}

Result<json::object> ParseJsonObject(std::string_view text, std::string_view what,
                                     const JsonLimits& limits) {
  Result<json::value> v = ParseJson(text, what, StatusCode::kCorrupt, limits);
  if (!v.ok() || !v->is_object()) {
    return Status::Corrupt(std::string(what) + " is not a JSON object");
  }
  return std::move(v->as_object());
}

json::object JsonObjectOrEmpty(std::string_view text) {
  Result<json::object> o = ParseJsonObject(text, "");
  return o.ok() ? std::move(*o) : json::object();
}

std::string JsonPath(std::string_view where, std::string_view key) {
  std::string out(where);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

std::string JsonPath(std::string_view where, size_t index) {
  return std::string(where) + "[" + std::to_string(index) + "]";
}

std::optional<double> JsonNumber(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::nullopt;
}

Result<std::string> JsonReader::Text(const char* key, bool optional) const {
  const json::value* v = o_.if_contains(key);
  if (optional && (v == nullptr || v->is_null())) return std::string();
  if (v == nullptr || !v->is_string() || v->as_string().size() > max_text_) {
    return Bad(key, "a text of at most " + std::to_string(max_text_) + " bytes");
  }
  return std::string(v->as_string());
}

Result<std::string> JsonReader::Date(const char* key, bool optional) const {
  FB_ASSIGN_OR_RETURN(std::string text, Text(key, optional));
  if (text.empty() && optional) return text;
  if (!IsValidDate(text)) return Bad(key, "a date YYYY-MM-DD");
  return text;
}

Result<int64_t> JsonReader::Int(const char* key) const {
  const json::value* v = o_.if_contains(key);
  if (v == nullptr || !v->is_int64() || v->as_int64() < 0) return Bad(key, "a whole number");
  return v->as_int64();
}

Result<std::optional<int64_t>> JsonReader::IntOrNull(const char* key) const {
  const json::value* v = o_.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>();
  FB_ASSIGN_OR_RETURN(int64_t n, Int(key));
  return std::optional<int64_t>(n);
}

Result<std::optional<double>> JsonReader::Number(const char* key, double lo, double hi) const {
  const json::value* v = o_.if_contains(key);
  if (v == nullptr) return std::optional<double>();
  const std::optional<double> d = JsonNumber(*v);
  if (!d || !(*d >= lo && *d <= hi)) {
    char range[96];
    std::snprintf(range, sizeof range, "a number between %g and %g", lo, hi);
    return Bad(key, range);
  }
  return d;
}

Result<bool> JsonReader::Bool(const char* key, bool fallback) const {
  const json::value* v = o_.if_contains(key);
  if (v == nullptr) return fallback;
  if (!v->is_bool()) return Bad(key, "true or false");
  return v->as_bool();
}

Result<const json::array*> JsonReader::Array(const char* key, size_t max, bool optional) const {
  static const json::array kEmpty;
  const json::value* v = o_.if_contains(key);
  if (v == nullptr && optional) return &kEmpty;
  if (v == nullptr || !v->is_array() || v->as_array().size() > max) {
    return Bad(key, "a list of at most " + std::to_string(max));
  }
  return &v->as_array();
}

Result<const json::object*> JsonReader::Object(const char* key, size_t max) const {
  const json::value* v = o_.if_contains(key);
  if (v == nullptr || !v->is_object() || v->as_object().size() > max) {
    return Bad(key, "an object of at most " + std::to_string(max) + " entries");
  }
  return &v->as_object();
}

Result<JsonReader> JsonReader::Child(const char* key, size_t max) const {
  FB_ASSIGN_OR_RETURN(const json::object* o, Object(key, max));
  return JsonReader(*o, JsonPath(where_, key), max_text_, style_);
}

Status JsonReader::OnlyKeys(std::initializer_list<const char*> allowed) const {
  for (const auto& kv : o_) {
    bool known = false;
    for (const char* a : allowed) known |= kv.key() == a;
    if (!known) {
      return Status(style_ == kRules ? StatusCode::kInvalidArgument : StatusCode::kCorrupt,
                    JsonPath(where_, kv.key()) + ": unknown field");
    }
  }
  return Status::Ok();
}

Status JsonReader::Bad(const std::string& key, const std::string& expected) const {
  if (style_ == kRules) {
    return Status::InvalidArgument(JsonPath(where_, key) + ": must be " + expected);
  }
  return Status::Corrupt(JsonPath(where_, key) + " must be " + expected);
}

void JsonErrors::Fail(const std::string& field, std::string_view refusal, TextValues values) {
  if (!error_.ok()) return;
  values.insert(values.begin(), {"field", field});
  Phrase phrase{std::string(refusal), std::move(values)};
  std::string english = SayRefusal(Lang::kEnglish, phrase);
  error_ = Status(code_, std::move(english), std::move(phrase));
}

void JsonErrors::OnlyKeys(const json::object& o, std::string_view where,
                          std::initializer_list<const char*> allowed) {
  for (const auto& kv : o) {
    bool known = false;
    for (const char* a : allowed) known |= kv.key() == a;
    if (!known) Fail(JsonPath(where, kv.key()), "http_rule_unknown_field");
  }
}

const json::object* JsonErrors::Object(const json::object& o, const char* key,
                                       const std::string& field) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    Fail(field, "http_rule_not_object");
    return nullptr;
  }
  return &v->as_object();
}

void JsonErrors::Bool(const json::object& o, const char* key, const std::string& field, bool& out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return;
  if (!v->is_bool()) {
    Fail(field, "http_rule_not_bool");
    return;
  }
  out = v->as_bool();
}

}  // namespace fieldbook
