// Shared by the change set codec's tests (change_set_codec_test.cc: round trips and the wire
// form; change_set_codec_hostile_test.cc: malformed and hostile input): sample messages, raw
// Cap'n Proto messages that bypass the encoder, and a look at the wire form.
#ifndef FIELDBOOK_TESTS_UNIT_CHANGE_SET_CODEC_TEST_UTIL_H_
#define FIELDBOOK_TESTS_UNIT_CHANGE_SET_CODEC_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <variant>

#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <kj/io.h>

#include "fieldbook/change_set_codec.h"
#include "sync.capnp.h"

namespace fieldbook::codec_test {

inline constexpr Hlc kHlc = Hlc::FromParts(1'795'000'000'000, 3);  // late 2026

// The Cap'n Proto nesting a sync response needs (DecodeLimits::nesting_limit).
inline constexpr int kSchemaNesting = 6;

inline ChangeSet SampleChangeSet() {
  ChangeSet set;
  set.set_id = "set-7f3a";
  set.replica_id = "replica-laptop-li";
  set.cursor = 41;
  const uint32_t self = set.OriginIndex("replica-laptop-li");
  const uint32_t hub = set.OriginIndex("hub");
  set.rows.push_back(RowChange{"customers",
                               "0b7e4c52-3f1d-4e8a-9c61-2f5d8a9b1c00",
                               {
                                   {"name", std::string("鑫达汽修"), kHlc, self},
                                   {"credit_limit", int64_t{50000}, kHlc, self},
                                   {"balance", -1234.5, Hlc(kHlc.packed() + 1), hub},
                                   {"notes", std::monostate{}, kHlc, hub},
                                   {"min", std::numeric_limits<int64_t>::min(), kHlc, self},
                                   {"max", std::numeric_limits<int64_t>::max(), kHlc, self},
                                   {"tiny", std::numeric_limits<double>::denorm_min(), kHlc, self},
                                   {"inf", -std::numeric_limits<double>::infinity(), kHlc, self},
                                   {"negative_zero", -0.0, kHlc, self},
                                   {"empty_text", std::string(), kHlc, self},
                               }});
  set.rows.push_back(
      RowChange{"visits", "visit-1", {{"customer_id", std::string("c-1"), kHlc, 0}}});
  set.rows.push_back(RowChange{"visits", "visit-2", {}});
  return set;
}

inline SyncRequest SampleRequest() {
  SyncRequest request;
  request.replica_id = "replica-laptop-li";
  request.has_push = true;
  request.push = SampleChangeSet();
  request.pull_cursor = std::numeric_limits<uint64_t>::max();
  request.page_limit = 500;
  return request;
}

inline SyncResponse SampleResponse() {
  SyncResponse response;
  response.has_push_result = true;
  response.push_result.set_id = "set-7f3a";
  response.push_result.rows_accepted = 2;
  response.push_result.rejections.push_back(
      {"visits", "visit-2", "immutable_fact", "拜访记录已锁定，不能修改。", {}, 3});
  response.push_result.restamps.push_back({"customers", "c-9", kHlc});
  response.pull = SampleChangeSet();
  response.pull.set_id.clear();  // hub pages may be anonymous
  response.pull.replica_id.clear();
  response.pull.evicted_customers = {"c-reassigned-1", "c-reassigned-2"};
  response.more = true;
  response.rebuild = false;
  response.hub_time_ms = 1'795'000'000'123;
  return response;
}

// Bytes of a message built directly with Cap'n Proto, bypassing the encoder.
template <typename Fill>
std::string PackRaw(Fill fill, unsigned first_segment_words = 1024,
                    capnp::AllocationStrategy strategy = capnp::SUGGESTED_ALLOCATION_STRATEGY,
                    size_t* segment_count = nullptr) {
  capnp::MallocMessageBuilder message(first_segment_words, strategy);
  fill(message);
  if (segment_count != nullptr) *segment_count = message.getSegmentsForOutput().size();
  kj::VectorOutputStream out;
  capnp::writePackedMessage(out, message);
  return std::string(reinterpret_cast<const char*>(out.getArray().begin()), out.getArray().size());
}

// A change set built directly with Cap'n Proto: origins {"r", "hub"}, table names {"t"}, column
// names {"c", "d"}, and one row (table 0, row id "x") that `fill_row` completes.
template <typename FillRow>
std::string RawChangeSet(FillRow fill_row) {
  return PackRaw([&](capnp::MessageBuilder& message) {
    auto set = message.initRoot<wire::ChangeSet>();
    set.setSchemaVersion(1);
    set.setSetId("s");
    set.setReplicaId("r");
    auto origins = set.initOrigins(2);
    origins.set(0, "r");
    origins.set(1, "hub");
    set.initTableNames(1).set(0, "t");
    auto column_names = set.initColumnNames(2);
    column_names.set(0, "c");
    column_names.set(1, "d");
    auto row = set.initRows(1)[0];
    row.setRowId("x");
    fill_row(row);
  });
}

// The ChangeSet struct of packed bytes, for looking at the wire form.
class WireReader {
 public:
  explicit WireReader(const std::string& bytes)
      : input_(kj::ArrayPtr<const kj::byte>(reinterpret_cast<const kj::byte*>(bytes.data()),
                                            bytes.size())),
        message_(input_) {}
  wire::ChangeSet::Reader root() { return message_.getRoot<wire::ChangeSet>(); }

 private:
  kj::ArrayInputStream input_;
  capnp::PackedMessageReader message_;
};

// The in-memory value decoded from `bytes` as each of the three messages, re-encoded and decoded
// again: must be stable. Returns how many of the three decoders accepted the bytes.
inline int CheckAnyDecodeIsStable(const std::string& bytes) {
  int accepted = 0;
  if (auto set = DecodeChangeSet(bytes); set.ok()) {
    ++accepted;
    EXPECT_TRUE(ValidateChangeSet(*set).ok());
    auto again = DecodeChangeSet(EncodeChangeSet(*set));
    EXPECT_TRUE(again.ok() && *again == *set);
  }
  if (auto request = DecodeSyncRequest(bytes); request.ok()) {
    ++accepted;
    EXPECT_TRUE(ValidateSyncRequest(*request).ok());
    auto again = DecodeSyncRequest(EncodeSyncRequest(*request));
    EXPECT_TRUE(again.ok() && *again == *request);
  }
  if (auto response = DecodeSyncResponse(bytes); response.ok()) {
    ++accepted;
    EXPECT_TRUE(ValidateSyncResponse(*response).ok());
    auto again = DecodeSyncResponse(EncodeSyncResponse(*response));
    EXPECT_TRUE(again.ok() && *again == *response);
  }
  return accepted;
}

}  // namespace fieldbook::codec_test

#endif  // FIELDBOOK_TESTS_UNIT_CHANGE_SET_CODEC_TEST_UTIL_H_
