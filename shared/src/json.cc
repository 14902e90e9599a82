#include "fieldbook/json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <charconv>
#include <cmath>

#include "json_text.h"

namespace fieldbook {

namespace json = boost::json;

void AppendJsonDouble(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";  // JSON has no NaN or infinity
    return;
  }
  char buf[400];  // the longest fixed form below 1e21 needs about 330 characters
  const double magnitude = std::fabs(d);
  const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e21);
  const auto res = plain ? std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed)
                         : std::to_chars(buf, buf + sizeof buf, d);
  std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
  out += text;
  // Without a fraction or an exponent a reader would take it for an integer.
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

namespace {

void Append(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      break;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      break;
    case json::kind::int64:
      out += std::to_string(v.get_int64());
      break;
    case json::kind::uint64:
      out += std::to_string(v.get_uint64());
      break;
    case json::kind::double_:
      AppendJsonDouble(out, v.get_double());
      break;
    case json::kind::string:
      AppendJsonString(out, std::string_view(v.get_string().data(), v.get_string().size()));
      break;
    case json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const json::value& e : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        Append(out, e);
      }
      out.push_back(']');
      break;
    }
    case json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const json::key_value_pair& kv : v.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        AppendJsonString(out, std::string_view(kv.key().data(), kv.key().size()));
        out.push_back(':');
        Append(out, kv.value());
      }
      out.push_back('}');
      break;
    }
  }
}

// Builds a json::value like Boost's own parser does, except that a number with a fraction or an
// exponent is converted from its text with std::from_chars.
struct ExactHandler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack st;
  std::string number;  // the parts of a number split across input buffers

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number.clear();
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, json::error_code&) {
    number.append(s.data(), s.size());
    double exact = 0;
    const char* first = number.data();
    const char* last = first + number.size();
    auto res = std::from_chars(first, last, exact);
    // Out of range (1e999) keeps Boost's value (an infinity or zero).
    if (res.ec == std::errc() && res.ptr == last) d = exact;
    number.clear();
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

}  // namespace

std::string WriteJson(const json::value& v) {
  std::string out;
  Append(out, v);
  return out;
}

json::value ReadJson(std::string_view text, boost::system::error_code& ec, size_t max_depth,
                     size_t* stopped_at) {
  json::parse_options options;
  options.max_depth = max_depth;
  json::basic_parser<ExactHandler> parser{options};
  parser.handler().st.reset();
  ec = {};
  const std::size_t n = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && n < text.size()) ec = json::error::extra_data;
  if (ec || !parser.done()) {
    if (!ec) ec = json::error::incomplete;
    if (stopped_at != nullptr) *stopped_at = n;
    return nullptr;
  }
  return parser.handler().st.release();
}

}  // namespace fieldbook
