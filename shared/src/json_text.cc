#include "json_text.h"

#include "fieldbook/json.h"

namespace fieldbook {

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void AppendJsonValue(std::string& out, const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) {
    out += std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    AppendJsonDouble(out, *d);  // fieldbook/json.h: exact, plain decimals, null when not finite
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    AppendJsonString(out, *s);
  } else {
    out += "null";
  }
}

std::string ColumnsToJson(const std::vector<std::pair<std::string, Value>>& columns) {
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : columns) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, name);
    out.push_back(':');
    AppendJsonValue(out, value);
  }
  out.push_back('}');
  return out;
}

}  // namespace fieldbook
