// Fuzz target for change_set_codec's decoders: bytes from the network must never crash, hang or
// exhaust memory, and whatever they decode to must survive a round trip.
//
// Each input is offered to all three decoders. For every decoder that accepts it, the oracle
// re-encodes the value and checks that (1) the re-encoding decodes, (2) to an equal value, and
// (3) encoding that value again yields the same bytes. A violation traps, which libFuzzer (or
// standalone_fuzz_driver.cc) reports as a crash with the input saved.
//
// Built with -fsanitize=fuzzer under clang; with other compilers it is linked with
// standalone_fuzz_driver.cc, which supplies main().
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fieldbook/change_set_codec.h"

namespace {

// Small enough that a fuzzer's inputs reach every limit quickly, large enough for real seeds.
fieldbook::DecodeLimits FuzzLimits() {
  fieldbook::DecodeLimits limits{.max_message_bytes = 1 << 20};
  limits.max_rows = 1000;
  limits.max_origins = 64;
  return limits;
}

template <typename Model, typename DecodeFn, typename EncodeFn>
void CheckRoundTrip(std::string_view bytes, const fieldbook::DecodeLimits& limits, DecodeFn decode,
                    EncodeFn encode) {
  fieldbook::Result<Model> first = decode(bytes, limits);
  if (!first.ok()) return;  // rejecting is fine; crashing is not
  const std::string encoded = encode(*first);
  fieldbook::Result<Model> second = decode(encoded, limits);
  if (!second.ok()) __builtin_trap();                // we wrote bytes we cannot read back
  if (!(*second == *first)) __builtin_trap();        // the round trip changed the value
  if (encode(*second) != encoded) __builtin_trap();  // encoding is not a function of the value
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fieldbook::DecodeLimits limits = FuzzLimits();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckRoundTrip<fieldbook::ChangeSet>(bytes, limits, fieldbook::DecodeChangeSet,
                                       fieldbook::EncodeChangeSet);
  CheckRoundTrip<fieldbook::SyncRequest>(bytes, limits, fieldbook::DecodeSyncRequest,
                                         fieldbook::EncodeSyncRequest);
  CheckRoundTrip<fieldbook::SyncResponse>(bytes, limits, fieldbook::DecodeSyncResponse,
                                          fieldbook::EncodeSyncResponse);
  return 0;
}
