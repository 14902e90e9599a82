// Reading JSON that someone else wrote (answers off the network, request bodies, rules an admin
// typed), the one approach for both sides, on Boost.JSON:
//   * ParseJson / ParseJsonObject: the text, bounded in size and nesting (JsonLimits), with exact
//     doubles (ReadJson); a bad text is an error naming what it is.
//   * JsonReader: typed reads of the fields of one object; every read checks the type and bounds
//     the size, and a bad field is an error naming where it is ("<where>.<key> must be ...").
//     For answers off the network the error is kCorrupt, for what a person wrote it is
//     kInvalidArgument ("<where>.<key>: must be ...", JsonReader::kRules).
//   * JsonErrors: for readers that fill a whole structure with defaults and report the FIRST bad
//     field (the grading and assignment rules): Fail(path, message), OnlyKeys, Object, Bool,
//     and JsonPath / JsonNumber to build paths and read numbers alike.
//
// Thread safety: a JsonReader refers to the object it reads and a JsonErrors is a plain value;
// use each on one thread while what it reads lives. The free functions are pure.
#ifndef FIELDBOOK_JSON_READER_H_
#define FIELDBOOK_JSON_READER_H_

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fieldbook/phrase.h"
#include "fieldbook/status.h"

namespace fieldbook {

struct JsonLimits {
  size_t max_bytes = 64u << 20;  // a longer text is refused before it is parsed
  size_t max_depth = 32;         // deeper nesting is refused while parsing
};

// `text` as one JSON document. Errors: `code` with "<what> is not valid JSON: <reason>" (or "...
// is larger than N bytes").
Result<boost::json::value> ParseJson(std::string_view text, std::string_view what,
                                     StatusCode code = StatusCode::kCorrupt,
                                     const JsonLimits& limits = {});
// The refusals (codes of fieldbook/lang_text.h HttpRefusals) a text a person wrote gets when it
// is no JSON (issue #19): the place, not the parser's English, is the value a reader sees.
struct JsonRefusals {
  std::string_view invalid;    // {line, column}: where the text stops being JSON (1-based, column
                               // in characters)
  std::string_view too_large;  // {max}: the most bytes
  std::string_view english;    // the message's words before ": <the parser's reason>", as old
                               // readers read them ("grading rules are not valid JSON")
};
// `text` as one JSON document, for what a person wrote: kInvalidArgument errors carrying
// `refusals`' codes and values; the message of a malformed text is "<english>: <the parser's
// reason>" (the English on the wire as before), of a too large one its refusal's English.
Result<boost::json::value> ParseJson(std::string_view text, const JsonRefusals& refusals,
                                     const JsonLimits& limits = {});
// `text` as a JSON object; kCorrupt "<what> is not a JSON object" otherwise (too large, too deep,
// malformed or another kind of value alike).
Result<boost::json::object> ParseJsonObject(std::string_view text, std::string_view what,
                                            const JsonLimits& limits = {});
// A JSON object the program stored itself (a step's report, an audit payload): the object, or an
// empty object when `text` is not one (empty, malformed, too deep or another kind of value).
boost::json::object JsonObjectOrEmpty(std::string_view text);

// "where.key" ("key" when `where` is empty).
std::string JsonPath(std::string_view where, std::string_view key);
// "where[i]".
std::string JsonPath(std::string_view where, size_t index);
// A JSON number (integer or not) as a double; nullopt for anything else.
std::optional<double> JsonNumber(const boost::json::value& v);

class JsonReader {
 public:
  enum Style {
    kAnswer,  // kCorrupt "<where>.<key> must be <expected>": what a program sent us
    kRules,   // kInvalidArgument "<where>.<key>: must be <expected>": what a person wrote
  };

  // `where` names the object in errors ("" at the top of a document); texts over `max_text`
  // bytes are refused.
  JsonReader(const boost::json::object& o, std::string where, size_t max_text,
             Style style = kAnswer)
      : o_(o), where_(std::move(where)), max_text_(max_text), style_(style) {}

  // A text; with `optional`, a missing or null field reads as "".
  Result<std::string> Text(const char* key, bool optional = false) const;
  // A date YYYY-MM-DD (IsValidDate); with `optional`, a missing, null or empty field reads as "".
  Result<std::string> Date(const char* key, bool optional = false) const;
  // A whole number, 0 or more.
  Result<int64_t> Int(const char* key) const;
  // Int, or nullopt for a missing or null field.
  Result<std::optional<int64_t>> IntOrNull(const char* key) const;
  // Any number in [lo, hi] (integers and fractions alike), or nullopt for a missing field.
  Result<std::optional<double>> Number(const char* key, double lo, double hi) const;
  // true or false; `fallback` when missing.
  Result<bool> Bool(const char* key, bool fallback) const;
  // A list of at most `max` values; with `optional`, a missing field reads as an empty list.
  Result<const boost::json::array*> Array(const char* key, size_t max, bool optional = false) const;
  // An object of at most `max` entries.
  Result<const boost::json::object*> Object(const char* key, size_t max) const;
  // A reader of the object field `key` (at most `max` entries), named "<where>.<key>".
  Result<JsonReader> Child(const char* key, size_t max) const;
  // Every key of the object is one of `allowed`; else "<where>.<key>: unknown field".
  Status OnlyKeys(std::initializer_list<const char*> allowed) const;

  // The error "<where>.<key> must be <expected>", for checks of the caller's own.
  Status Bad(const std::string& key, const std::string& expected) const;
  const boost::json::object& object() const { return o_; }
  const std::string& where() const { return where_; }

 private:
  const boost::json::object& o_;
  std::string where_;
  size_t max_text_;
  Style style_;
};

// The first error of a reader that goes on reading after one (so it can fill defaults).
class JsonErrors {
 public:
  // Remembers the refusal `refusal` (a code of fieldbook/lang_text.h HttpRefusals whose English
  // reads "{field}: ...") with `values` and {"field": field} first, unless an error is already
  // remembered: its message the English "<field>: <what is wrong>", its phrase the code and values
  // a reader sees in their language (issue #19).
  void Fail(const std::string& field, std::string_view refusal, TextValues values = {});
  // Fails "<where>.<key>: unknown field" for the first key of `o` not in `allowed`.
  void OnlyKeys(const boost::json::object& o, std::string_view where,
                std::initializer_list<const char*> allowed);
  // o[key] when it is an object; nullptr when absent, and when it is something else (failing
  // "<field>: must be an object"). `field` is the path the error names.
  const boost::json::object* Object(const boost::json::object& o, const char* key,
                                    const std::string& field);
  // o[key] into `out` when it is true or false; absent leaves `out`; anything else fails
  // "<field>: must be true or false".
  void Bool(const boost::json::object& o, const char* key, const std::string& field, bool& out);
  bool ok() const { return error_.ok(); }
  const Status& status() const { return error_; }

  explicit JsonErrors(StatusCode code = StatusCode::kInvalidArgument) : code_(code) {}

 private:
  StatusCode code_;
  Status error_;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_JSON_READER_H_
