#include "fieldbook/row_id.h"

namespace fieldbook {

namespace {

uint64_t RandomSeed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

void AppendHex(std::string& out, uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out.push_back(kHex[(v >> (4 * i)) & 0xf]);
}

}  // namespace

RowIdGenerator::RowIdGenerator(WallClock& clock) : clock_(clock), rng_(RandomSeed()) {}
RowIdGenerator::RowIdGenerator(WallClock& clock, uint64_t seed) : clock_(clock), rng_(seed) {}

std::string RowIdGenerator::Next() {
  std::string id;
  id.reserve(32);
  AppendHex(id, clock_.NowMs() & ((uint64_t{1} << 48) - 1), 12);
  AppendHex(id, rng_() & ((uint64_t{1} << 40) - 1), 10);
  AppendHex(id, rng_() & ((uint64_t{1} << 40) - 1), 10);
  return id;
}

}  // namespace fieldbook
