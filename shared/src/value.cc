#include "fieldbook/value.h"

#include <charconv>

namespace fieldbook {

std::string ValueToDebugString(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return "NULL";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, res.ptr);
  }
  return "'" + std::get<std::string>(v) + "'";
}

}  // namespace fieldbook
