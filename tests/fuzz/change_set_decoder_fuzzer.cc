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
#include <vector>

#include "fieldbook/change_set_codec.h"
#include "fuzz_target.h"

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

namespace fieldbook {
namespace {

ChangeSet SeedChangeSet() {
  ChangeSet set;
  set.set_id = "set-1";
  set.replica_id = "replica-a";
  set.cursor = 17;
  const uint32_t a = set.OriginIndex("replica-a");
  const uint32_t hub = set.OriginIndex("hub");
  const Hlc hlc = Hlc::FromParts(1'795'000'000'000, 2);
  set.rows.push_back(RowChange{"customers",
                               "c-1",
                               {{"name", std::string("鑫达汽修"), hlc, a},
                                {"credit_limit", int64_t{-5}, hlc, hub},
                                {"balance", 12.5, hlc, a},
                                {"notes", std::monostate{}, hlc, hub}}});
  // "ok" twice: a shared text. The second visit's versions differ: one is the row's, one not.
  set.rows.push_back(RowChange{"visits", "v-1", {{"outcome", std::string("ok"), hlc, a}}});
  set.rows.push_back(RowChange{"visits",
                               "v-2",
                               {{"outcome", std::string("ok"), Hlc(hlc.packed() + 1), hub},
                                {"customer_id", std::string("c-1"), hlc, a}}});
  return set;
}

std::vector<std::string> Seeds() {
  SyncRequest pull_only;
  pull_only.replica_id = "replica-a";
  pull_only.pull_cursor = 99;
  SyncRequest push;
  push.replica_id = "replica-a";
  push.has_push = true;
  push.push = SeedChangeSet();
  SyncResponse response;
  response.has_push_result = true;
  response.push_result.set_id = "set-1";
  response.push_result.rows_accepted = 1;
  response.push_result.rejections.push_back({"visits", "v-1", "immutable_fact", "已锁定", {}, 0});
  response.push_result.restamps.push_back({"customers", "c-1", Hlc(42)});
  response.pull = SeedChangeSet();
  response.pull.evicted_customers = {"c-9", "c-10"};
  response.more = true;
  response.hub_time_ms = 1'795'000'000'000;
  // Verification (schema version 2): a device's digests, and the hub's repair.
  SyncRequest digests = pull_only;
  digests.has_digests = true;
  digests.digest_buckets = 64;
  digests.digest_schema = 0x1234567890abcdefULL;
  digests.digests = {{3, 5, 2, 0xfedcba9876543210ULL}, {6, 63, 1, 7}};
  SyncResponse repair;
  repair.verify = true;
  repair.digests_checked = true;
  repair.repair_buckets = {{3, 5, 1, 9}};
  repair.repair = SeedChangeSet();
  return {EncodeChangeSet(SeedChangeSet()), EncodeSyncRequest(pull_only),
          EncodeSyncRequest(push),          EncodeSyncResponse(response),
          EncodeSyncRequest(digests),       EncodeSyncResponse(repair)};
}

}  // namespace
}  // namespace fieldbook

// Valid encodings of each message, built in code.
std::vector<std::string> FieldbookFuzzSeeds() { return fieldbook::Seeds(); }

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
