#include "sync/json_reader.h"

#include <utility>

#include "fieldbook/json.h"
#include "store/client_store.h"

namespace fieldbook::client {

namespace json = boost::json;

Result<json::object> ParseJsonObject(const std::string& text, const std::string& what) {
  boost::system::error_code ec;
  json::value v = ReadJson(text, ec);
  if (ec || !v.is_object()) return Status::Corrupt(what + " is not a JSON object");
  return std::move(v.as_object());
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

Status JsonReader::Bad(const std::string& key, const std::string& expected) const {
  return Status::Corrupt(where_ + "." + key + " must be " + expected);
}

}  // namespace fieldbook::client
