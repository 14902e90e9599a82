#include "store/money.h"

#include "store/rows.h"

namespace fieldbook::client {

using internal::ParseInt;
using internal::Trim;

std::optional<int64_t> ParseYuan(const std::string& raw) {
  const std::string text = Trim(raw);
  const size_t dot = text.find('.');
  const std::string whole = text.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 12 || frac.size() > 2) return std::nullopt;
  if (dot != std::string::npos && frac.empty()) return std::nullopt;
  for (char c : whole + frac) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  while (frac.size() < 2) frac += '0';
  int64_t yuan = 0, fen = 0;
  if (!ParseInt(whole, &yuan) || !ParseInt(frac, &fen)) return std::nullopt;
  return yuan * 100 + fen;
}

std::string FormatYuan(int64_t cents) {
  const bool negative = cents < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  std::string frac = std::to_string(abs % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return (negative ? "-" : "") + std::to_string(abs / 100) + "." + frac;
}

}  // namespace fieldbook::client
