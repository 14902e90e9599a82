#include "api/snapshot_token.h"

#include <limits>

namespace fieldbook::server {

namespace {

// The next ':'-terminated decimal of `text` from `at`: no sign, no leading zero (but "0"), no
// overflow.
bool ReadNumber(std::string_view text, size_t& at, uint64_t& out) {
  const size_t end = text.find(':', at);
  if (end == std::string_view::npos || end == at || end - at > 20) return false;
  if (text[at] == '0' && end - at > 1) return false;
  uint64_t v = 0;
  for (size_t i = at; i < end; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    v = v * 10 + digit;
  }
  out = v;
  at = end + 1;
  return true;
}

}  // namespace

std::string EncodeSnapshotToken(const SnapshotToken& token) {
  const SnapshotPosition& p = token.position;
  return "s1:" + std::to_string(token.epoch) + ":" + std::to_string(p.seq) + ":" +
         (p.table < 0 ? std::string("-1") : std::to_string(p.table)) + ":" +
         std::to_string(p.customer.size()) + ":" + p.customer + p.id;
}

Result<SnapshotToken> ParseSnapshotToken(std::string_view text, size_t tables,
                                         size_t max_id_bytes) {
  auto bad = [](const std::string& why) {
    return Status::InvalidArgument("malformed snapshot token: " + why);
  };
  if (text.substr(0, 3) != "s1:") return bad("unknown format");
  size_t at = 3;
  SnapshotToken out;
  uint64_t table = 0, customer_bytes = 0;
  if (!ReadNumber(text, at, out.epoch) || !ReadNumber(text, at, out.position.seq)) {
    return bad("epoch or sequence");
  }
  if (text.substr(at, 3) == "-1:") {
    out.position.table = -1;
    at += 3;
  } else {
    if (!ReadNumber(text, at, table) || table >= tables) return bad("table out of range");
    out.position.table = static_cast<int>(table);
  }
  if (!ReadNumber(text, at, customer_bytes) || customer_bytes > max_id_bytes ||
      customer_bytes > text.size() - at) {
    return bad("customer length");
  }
  out.position.customer = std::string(text.substr(at, customer_bytes));
  out.position.id = std::string(text.substr(at + customer_bytes));
  if (out.position.id.size() > max_id_bytes) return bad("row id too long");
  if (out.position.table < 0 && (!out.position.customer.empty() || !out.position.id.empty())) {
    return bad("a position before the first table names a row");
  }
  if (out.epoch == 0) return bad("no epoch");
  return out;
}

}  // namespace fieldbook::server
