// Fuzz target for the small parsers of request fields: query parameters (QueryParam, IntParam),
// the bearer token of an Authorization header (BearerToken) and dates (ParseDay, DayOrToday).
// The input is used whole as each of them. Nothing may crash; results must keep their promises
// (an IntParam inside its range, a token without surrounding blanks and at most 256 bytes).
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/http_json.h"
#include "auth/auth.h"
#include "fieldbook/grading.h"
#include "fieldbook/hlc.h"
#include "fuzz_target.h"
#include "store/grading_store.h"

namespace {

class FixedWall final : public fieldbook::WallClock {
 public:
  uint64_t NowMs() override { return 1'795'000'000'000; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string target = "/v1/admin/x?" + input;
  for (const char* name : {"rep", "all", "today", "limit", "territory", ""}) {
    (void)fieldbook::server::QueryParam(target, name);
    (void)fieldbook::server::QueryParam(input, name);
  }
  if (auto n = fieldbook::server::IntParam(target, "limit", -5, 1000, 7)) {
    if (*n < -5 || *n > 1000) __builtin_trap();
  }
  const std::string token = fieldbook::server::BearerToken(input);
  if (token.size() > 256) __builtin_trap();
  if (!token.empty() && (token.front() == ' ' || token.back() == ' ')) __builtin_trap();
  (void)fieldbook::ParseDay(input);
  FixedWall wall;
  (void)fieldbook::server::DayOrToday(input, wall);
  return 0;
}
