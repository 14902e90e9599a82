// Fuzz target for the device's readers of the server's JSON answers: the pool listing, claim
// answers and the grading reports (pool_sync.h, rep_reports.h). The input is offered to each.
// Nothing may crash; a reader either accepts or says what is wrong.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_target.h"
#include "sync/pool_sync.h"
#include "sync/rep_reports.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  (void)fieldbook::client::ParsePoolListing(input);
  (void)fieldbook::client::ParseClaimAnswers(input);
  (void)fieldbook::client::ParseServerReports(input);
  return 0;
}
