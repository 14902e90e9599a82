#include "fieldbook/status.h"

#include <iterator>

namespace fieldbook {

std::string_view StatusCodeName(StatusCode code) {
  // In the order of the enum.
  static constexpr std::string_view kNames[] = {
      "ok",      "invalid_argument",   "not_found",   "conflict", "rejected",
      "corrupt", "resource_exhausted", "unavailable", "io",       "internal"};
  const auto i = static_cast<size_t>(code);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace fieldbook
