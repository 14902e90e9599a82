// JsonReader: typed reads of the fields of a JSON object that came off the network (or from the
// device's own copy of such an answer) - every read checks the type and bounds the size, and a bad
// field is kCorrupt naming where it is ("<where>.<key> must be ..."). ParseJsonObject reads the
// text itself. Used by the readers of the server's JSON answers (pool_sync, rep_reports).
//
// Thread safety: a JsonReader refers to the object it reads; use it on one thread while that
// object lives.
#ifndef FIELDBOOK_CLIENT_JSON_READER_H_
#define FIELDBOOK_CLIENT_JSON_READER_H_

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "fieldbook/status.h"

namespace fieldbook::client {

// `text` as a JSON object; kCorrupt "<what> is not a JSON object" otherwise.
Result<boost::json::object> ParseJsonObject(const std::string& text, const std::string& what);

class JsonReader {
 public:
  // `where` names the object in errors; texts over `max_text` bytes are refused.
  JsonReader(const boost::json::object& o, std::string where, size_t max_text)
      : o_(o), where_(std::move(where)), max_text_(max_text) {}

  // A text; with `optional`, a missing or null field reads as "".
  Result<std::string> Text(const char* key, bool optional = false) const;
  // A date YYYY-MM-DD; with `optional`, a missing, null or empty field reads as "".
  Result<std::string> Date(const char* key, bool optional = false) const;
  // A whole number, 0 or more.
  Result<int64_t> Int(const char* key) const;
  // Int, or nullopt for a missing or null field.
  Result<std::optional<int64_t>> IntOrNull(const char* key) const;
  // true or false; `fallback` when missing.
  Result<bool> Bool(const char* key, bool fallback) const;
  // A list of at most `max` values; with `optional`, a missing field reads as an empty list.
  Result<const boost::json::array*> Array(const char* key, size_t max, bool optional = false) const;
  // An object of at most `max` entries.
  Result<const boost::json::object*> Object(const char* key, size_t max) const;

  // kCorrupt "<where>.<key> must be <expected>", for checks of the caller's own.
  Status Bad(const std::string& key, const std::string& expected) const;

 private:
  const boost::json::object& o_;
  std::string where_;
  size_t max_text_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_JSON_READER_H_
