// Tests for change_set_codec: round trips of every message, and decoding of hostile bytes.
#include "fieldbook/change_set_codec.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <gtest/gtest.h>
#include <kj/io.h>

#include "sync.capnp.h"

namespace fieldbook {
namespace {

constexpr Hlc kHlc = Hlc::FromParts(1'795'000'000'000, 3);  // late 2026

ChangeSet SampleChangeSet() {
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

SyncRequest SampleRequest() {
  SyncRequest request;
  request.replica_id = "replica-laptop-li";
  request.has_push = true;
  request.push = SampleChangeSet();
  request.pull_cursor = std::numeric_limits<uint64_t>::max();
  request.page_limit = 500;
  return request;
}

SyncResponse SampleResponse() {
  SyncResponse response;
  response.has_push_result = true;
  response.push_result.set_id = "set-7f3a";
  response.push_result.rows_accepted = 2;
  response.push_result.rejections.push_back(
      {"visits", "visit-2", "immutable_fact", "拜访记录已锁定，不能修改。"});
  response.push_result.restamps.push_back({"customers", "c-9", kHlc});
  response.pull = SampleChangeSet();
  response.pull.set_id.clear();  // hub pages may be anonymous
  response.pull.replica_id.clear();
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

// The in-memory value decoded from `bytes` as each of the three messages, re-encoded and decoded
// again: must be stable. Returns how many of the three decoders accepted the bytes.
int CheckAnyDecodeIsStable(const std::string& bytes) {
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

// ------------------------------------------------------------------------------------------------
// Round trips

TEST(ChangeSetCodec, ChangeSetRoundTrips) {
  const ChangeSet set = SampleChangeSet();
  auto decoded = DecodeChangeSet(EncodeChangeSet(set));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, set);
  EXPECT_EQ(std::get<std::string>(decoded->rows[0].columns[0].value), "鑫达汽修");
  EXPECT_TRUE(IsNull(decoded->rows[0].columns[3].value));
  EXPECT_TRUE(std::signbit(std::get<double>(decoded->rows[0].columns[8].value)));
}

TEST(ChangeSetCodec, EmptyChangeSetRoundTrips) {
  ChangeSet set;
  set.set_id = "s";
  set.replica_id = "r";
  auto decoded = DecodeChangeSet(EncodeChangeSet(set));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, set);
}

TEST(ChangeSetCodec, SyncRequestRoundTrips) {
  const SyncRequest request = SampleRequest();
  auto decoded = DecodeSyncRequest(EncodeSyncRequest(request));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, request);
}

TEST(ChangeSetCodec, PullOnlyRequestRoundTripsWithoutPush) {
  SyncRequest request;
  request.replica_id = "replica-1";
  request.pull_cursor = 7;
  auto decoded = DecodeSyncRequest(EncodeSyncRequest(request));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, request);
  EXPECT_FALSE(decoded->has_push);
}

TEST(ChangeSetCodec, PushIsIgnoredWhenHasPushIsFalse) {
  SyncRequest request = SampleRequest();
  request.has_push = false;  // push holds data, but is not meant to be sent
  auto decoded = DecodeSyncRequest(EncodeSyncRequest(request));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_FALSE(decoded->has_push);
  EXPECT_EQ(decoded->push, ChangeSet());
}

TEST(ChangeSetCodec, SyncResponseRoundTrips) {
  const SyncResponse response = SampleResponse();
  auto decoded = DecodeSyncResponse(EncodeSyncResponse(response));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, response);
}

TEST(ChangeSetCodec, EmptyRebuildResponseRoundTrips) {
  SyncResponse response;
  response.rebuild = true;
  auto decoded = DecodeSyncResponse(EncodeSyncResponse(response));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, response);
}

TEST(ChangeSetCodec, EncodingIsDeterministic) {
  EXPECT_EQ(EncodeChangeSet(SampleChangeSet()), EncodeChangeSet(SampleChangeSet()));
  EXPECT_EQ(EncodeSyncResponse(SampleResponse()), EncodeSyncResponse(SampleResponse()));
}

TEST(ChangeSetCodec, NewerSchemaVersionIsAccepted) {
  ChangeSet set = SampleChangeSet();
  set.schema_version = kWireSchemaVersion + 5;
  auto decoded = DecodeChangeSet(EncodeChangeSet(set));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->schema_version, kWireSchemaVersion + 5);
}

TEST(ChangeSetCodec, DecodesMultiSegmentMessages) {
  // Tiny fixed-size segments force the rows into many segments joined by far pointers.
  const ChangeSet expected = SampleChangeSet();
  size_t segment_count = 0;
  const std::string bytes = PackRaw(
      [&](capnp::MessageBuilder& message) {
        auto root = message.initRoot<wire::ChangeSet>();
        root.setSchemaVersion(expected.schema_version);
        root.setSetId(expected.set_id);
        root.setReplicaId(expected.replica_id);
        root.setCursor(expected.cursor);
        auto origins = root.initOrigins(expected.origins.size());
        for (unsigned i = 0; i < origins.size(); ++i) origins.set(i, expected.origins[i]);
        auto rows = root.initRows(expected.rows.size());
        for (unsigned r = 0; r < rows.size(); ++r) {
          const RowChange& row = expected.rows[r];
          rows[r].setTable(row.table);
          rows[r].setRowId(row.row_id);
          auto columns = rows[r].initColumns(row.columns.size());
          for (unsigned c = 0; c < columns.size(); ++c) {
            const ColumnChange& column = row.columns[c];
            columns[c].setColumn(column.column);
            columns[c].setHlc(column.hlc.packed());
            columns[c].setOrigin(column.origin);
            auto value = columns[c].initValue();
            if (auto* i = std::get_if<int64_t>(&column.value)) value.setInt(*i);
            if (auto* d = std::get_if<double>(&column.value)) value.setReal(*d);
            if (auto* s = std::get_if<std::string>(&column.value)) value.setText(*s);
          }
        }
      },
      /*first_segment_words=*/8, capnp::AllocationStrategy::FIXED_SIZE, &segment_count);
  EXPECT_GT(segment_count, 10u);
  auto decoded = DecodeChangeSet(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, expected);
}

// ------------------------------------------------------------------------------------------------
// Malformed framing

TEST(ChangeSetCodec, RejectsEmptyInput) {
  EXPECT_EQ(DecodeChangeSet("").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(DecodeSyncRequest("").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(DecodeSyncResponse("").status().code(), StatusCode::kCorrupt);
}

TEST(ChangeSetCodec, RejectsEveryTruncation) {
  for (const std::string& bytes :
       {EncodeChangeSet(SampleChangeSet()), EncodeSyncRequest(SampleRequest()),
        EncodeSyncResponse(SampleResponse())}) {
    for (size_t length = 0; length < bytes.size(); ++length) {
      const std::string prefix = bytes.substr(0, length);
      EXPECT_FALSE(DecodeChangeSet(prefix).ok()) << length;
      EXPECT_FALSE(DecodeSyncRequest(prefix).ok()) << length;
      EXPECT_FALSE(DecodeSyncResponse(prefix).ok()) << length;
    }
  }
}

TEST(ChangeSetCodec, RejectsTrailingBytes) {
  auto decoded = DecodeChangeSet(EncodeChangeSet(SampleChangeSet()) + std::string(1, '\0') + "x");
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(decoded.status().message().find("segment table claims"), std::string::npos)
      << decoded.status().message();
}

TEST(ChangeSetCodec, RandomByteFlipsNeverCrash) {
  const std::vector<std::string> seeds = {EncodeChangeSet(SampleChangeSet()),
                                          EncodeSyncRequest(SampleRequest()),
                                          EncodeSyncResponse(SampleResponse())};
  std::mt19937_64 random(20261123);
  int accepted = 0;
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string bytes = seeds[trial % seeds.size()];
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int f = 0; f < flips; ++f) {
      bytes[random() % bytes.size()] ^= static_cast<char>(1u << (random() % 8));
    }
    const int accepts = CheckAnyDecodeIsStable(bytes);
    accepted += accepts;
    rejected += 3 - accepts;
  }
  RecordProperty("accepted", accepted);
  RecordProperty("rejected", rejected);
  // Flips in text bytes or integers yield valid messages; flips in pointers mostly do not.
  EXPECT_GT(accepted, 0);
  EXPECT_GT(rejected, 0);
}

TEST(ChangeSetCodec, RejectsSegmentTableClaimingHugeSize) {
  // Unpacked first word: segment count - 1 = 0, first segment = 0x10000000 words (2 GiB). Packed:
  // tag 0x80 (only byte 7 is non-zero), then that byte; then a zero word standing for the root.
  const std::string bytes("\x80\x10\x00\x00", 4);
  for (auto status : {DecodeChangeSet(bytes).status(), DecodeSyncRequest(bytes).status()}) {
    EXPECT_EQ(status.code(), StatusCode::kResourceExhausted) << status.ToString();
    EXPECT_NE(status.message().find("traversal limit"), std::string::npos) << status.message();
  }
  // Within the traversal limit but far beyond the data that follows.
  const std::string modest("\x20\x01\x00\x00", 4);  // byte 5 = 1: 0x10000 words
  EXPECT_EQ(DecodeChangeSet(modest).status().code(), StatusCode::kCorrupt);
}

TEST(ChangeSetCodec, RejectsSegmentTableClaimingTooManySegments) {
  // Segment count - 1 = 0xFFFFFFFF (which wraps to 0 in 32-bit arithmetic).
  const std::string bytes("\x0F\xFF\xFF\xFF\xFF\x00\x00", 7);
  auto status = DecodeChangeSet(bytes).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_NE(status.message().find("segments"), std::string::npos) << status.message();
}

TEST(ChangeSetCodec, RejectsZeroRunsThatUnpackPastTheLimit) {
  // Each "\x00\xFF" unpacks to 256 zero words: 4 KiB from 2 bytes.
  std::string bytes;
  for (int i = 0; i < 100; ++i) bytes += std::string("\x00\xFF", 2);
  DecodeLimits limits;
  limits.traversal_limit_words = 10000;
  EXPECT_EQ(DecodeChangeSet(bytes, limits).status().code(), StatusCode::kResourceExhausted);
}

TEST(ChangeSetCodec, RejectsGarbageAsCorrupt) {
  auto status = DecodeSyncResponse("this is not a capnp message").status();
  EXPECT_FALSE(status.ok());
}

TEST(ChangeSetCodec, RejectsPointerOfWrongKind) {
  // A SyncRequest read as a ChangeSet: the request's push (a struct pointer) lands where a change
  // set keeps its replica id (a text pointer).
  const std::string bytes = PackRaw([](capnp::MessageBuilder& message) {
    auto request = message.initRoot<wire::SyncRequest>();
    request.setSchemaVersion(1);
    request.setReplicaId("r");
    request.setHasPush(true);
    request.initPush().setSetId("s");
  });
  auto status = DecodeChangeSet(bytes).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_NE(status.message().find("change set: malformed message: "), std::string::npos)
      << status.message();
}

TEST(ChangeSetCodec, RejectsUnknownValueKind) {
  // A future union member: discriminant 9, which this build does not know.
  const std::string bytes = PackRaw([](capnp::MessageBuilder& message) {
    auto set = message.initRoot<wire::ChangeSet>();
    set.setSchemaVersion(2);
    set.setSetId("s");
    set.setReplicaId("r");
    set.initOrigins(1).set(0, "r");
    auto column = set.initRows(1)[0];
    column.setTable("t");
    column.setRowId("x");
    auto value = column.initColumns(1)[0];
    value.setColumn("c");
    // The discriminant is the first 16 bits of Value's data section (see sync.capnp.h).
    capnp::toAny(value.initValue()).getDataSection()[0] = 9;
  });
  auto status = DecodeChangeSet(bytes).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(), "change set row 0 column 0: unknown value kind 9");
}

// ------------------------------------------------------------------------------------------------
// Validation

TEST(ChangeSetCodec, RejectsOriginOutOfRange) {
  ChangeSet set = SampleChangeSet();
  set.rows[0].columns[2].origin = 9;
  auto status = DecodeChangeSet(EncodeChangeSet(set)).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(), "change set row 0 column 2: origin 9 out of range (2 origins)");

  set.rows[0].columns[2].origin = 2;  // one past the end
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(set)).status().message(),
            "change set row 0 column 2: origin 2 out of range (2 origins)");
  set.rows[0].columns[2].origin = 1;
  EXPECT_TRUE(DecodeChangeSet(EncodeChangeSet(set)).ok());
}

TEST(ChangeSetCodec, NamesTheNestedMessageInErrors) {
  SyncRequest request = SampleRequest();
  request.push.rows[1].columns[0].origin = 5;
  EXPECT_EQ(DecodeSyncRequest(EncodeSyncRequest(request)).status().message(),
            "sync request push row 1 column 0: origin 5 out of range (2 origins)");
}

TEST(ChangeSetCodec, RejectsInvalidUtf8) {
  const std::vector<std::string> invalid = {
      "\x80",              // lone continuation byte
      "\xC0\x80",          // overlong NUL
      "\xE0\x80\xAF",      // overlong '/'
      "\xED\xA0\x80",      // UTF-16 surrogate
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xE9\x91",          // truncated 鑫
      "ok\xFF",            // never valid
  };
  for (const std::string& text : invalid) {
    ChangeSet set = SampleChangeSet();
    set.rows[0].columns[0].value = text;
    auto status = DecodeChangeSet(EncodeChangeSet(set)).status();
    EXPECT_EQ(status.code(), StatusCode::kCorrupt) << testing::PrintToString(text);
    EXPECT_EQ(status.message(), "change set row 0 column 0: text value is not valid UTF-8");
  }
  ChangeSet bad_table = SampleChangeSet();
  bad_table.rows[1].table = "vis\xC3";
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(bad_table)).status().message(),
            "change set row 1: table is not valid UTF-8");
}

TEST(ChangeSetCodec, AcceptsValidUtf8EdgeCases) {
  const std::vector<std::string> valid = {"鑫达汽修", "\xF0\x9F\x9A\x97" /* U+1F697 */,
                                          "\xEF\xBF\xBF" /* U+FFFF */,
                                          "\xF4\x8F\xBF\xBF" /* U+10FFFF */, "\xC2\x80"};
  for (const std::string& text : valid) {
    ChangeSet set = SampleChangeSet();
    set.rows[0].columns[0].value = text;
    auto decoded = DecodeChangeSet(EncodeChangeSet(set));
    EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  }
}

TEST(ChangeSetCodec, RejectsMissingSchemaVersion) {
  ChangeSet set = SampleChangeSet();
  set.schema_version = 0;
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(set)).status().message(),
            "change set: missing schema version (0)");
  SyncRequest request = SampleRequest();
  request.schema_version = 0;
  EXPECT_EQ(DecodeSyncRequest(EncodeSyncRequest(request)).status().message(),
            "sync request: missing schema version (0)");
  SyncResponse response = SampleResponse();
  response.pull.schema_version = 0;
  EXPECT_EQ(DecodeSyncResponse(EncodeSyncResponse(response)).status().message(),
            "sync response pull: missing schema version (0)");
}

TEST(ChangeSetCodec, PullPagesMayBeAnonymousButPushesMayNot) {
  ChangeSet anonymous = SampleChangeSet();
  anonymous.set_id.clear();
  SyncResponse response;
  response.pull = anonymous;
  EXPECT_TRUE(ValidateSyncResponse(response).ok());
  EXPECT_EQ(ValidateChangeSet(anonymous).message(), "change set: set id is empty");
  SyncRequest request = SampleRequest();
  request.push = anonymous;
  EXPECT_EQ(ValidateSyncRequest(request).message(), "sync request push: set id is empty");
}

TEST(ChangeSetCodec, RejectsNaN) {
  ChangeSet set = SampleChangeSet();
  set.rows[0].columns[2].value = std::numeric_limits<double>::quiet_NaN();
  auto status = DecodeChangeSet(EncodeChangeSet(set)).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(), "change set row 0 column 2: value is NaN");
}

TEST(ChangeSetCodec, RejectsEmptyAndOversizedIds) {
  ChangeSet set = SampleChangeSet();
  set.rows[0].columns[1].column.clear();
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(set)).status().message(),
            "change set row 0 column 1: column name is empty");

  set = SampleChangeSet();
  set.rows[0].row_id = std::string(129, 'x');
  auto status = DecodeChangeSet(EncodeChangeSet(set)).status();
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "change set row 0: row id is 129 bytes (limit 128)");

  set = SampleChangeSet();
  set.set_id.clear();
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(set)).status().message(),
            "change set: set id is empty");

  set = SampleChangeSet();
  set.origins[1] = std::string("h\0b", 3);
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(set)).status().message(),
            "change set origin 1: replica id contains a NUL byte");

  SyncRequest request = SampleRequest();
  request.replica_id.clear();
  EXPECT_EQ(DecodeSyncRequest(EncodeSyncRequest(request)).status().message(),
            "sync request: replica id is empty");

  SyncResponse response = SampleResponse();
  response.push_result.rejections[0].code.clear();
  EXPECT_EQ(DecodeSyncResponse(EncodeSyncResponse(response)).status().message(),
            "sync response push result rejection 0: code is empty");
}

TEST(ChangeSetCodec, RejectsOversizedInput) {
  const std::string bytes = EncodeChangeSet(SampleChangeSet());
  DecodeLimits limits;
  limits.max_message_bytes = bytes.size() - 1;
  auto status = DecodeChangeSet(bytes, limits).status();
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "change set: " + std::to_string(bytes.size()) + " bytes (limit " +
                                  std::to_string(bytes.size() - 1) + ")");
  limits.max_message_bytes = bytes.size();
  EXPECT_TRUE(DecodeChangeSet(bytes, limits).ok());
}

TEST(ChangeSetCodec, TraversalLimitFollowsMessageLimit) {
  const DecodeLimits limits{.max_message_bytes = 1 << 20};
  EXPECT_EQ(limits.traversal_limit_words, uint64_t{1} << 20);
  EXPECT_EQ(DecodeLimits().traversal_limit_words, uint64_t{1} << 26);

  DecodeLimits tight;
  tight.traversal_limit_words = 16;  // far less than the sample unpacks to
  auto status = DecodeChangeSet(EncodeChangeSet(SampleChangeSet()), tight).status();
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(status.message().find("traversal limit 16"), std::string::npos) << status.message();
}

TEST(ChangeSetCodec, RejectsTooManyRowsColumnsAndOrigins) {
  const std::string bytes = EncodeChangeSet(SampleChangeSet());  // 3 rows, 10 columns, 2 origins
  DecodeLimits limits;
  limits.max_rows = 2;
  auto status = DecodeChangeSet(bytes, limits).status();
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "change set: 3 rows (limit 2)");

  limits = DecodeLimits();
  limits.max_columns_per_row = 9;
  EXPECT_EQ(DecodeChangeSet(bytes, limits).status().message(),
            "change set row 0: 10 columns (limit 9)");

  limits = DecodeLimits();
  limits.max_origins = 1;
  EXPECT_EQ(DecodeChangeSet(bytes, limits).status().message(), "change set: 2 origins (limit 1)");

  limits = DecodeLimits();
  limits.max_text_bytes = 11;  // 鑫达汽修 is 12 bytes
  EXPECT_EQ(DecodeChangeSet(bytes, limits).status().message(),
            "change set row 0 column 0: text value is 12 bytes (limit 11)");

  limits = DecodeLimits();
  limits.max_rows = 0;  // rejections and restamps count as rows
  EXPECT_EQ(DecodeSyncResponse(EncodeSyncResponse(SampleResponse()), limits).status().message(),
            "sync response push result: 1 rejections (limit 0)");
}

TEST(ChangeSetCodec, RejectsAmplifiedListsBeforeAllocating) {
  // Cap'n Proto builders refuse to make such a message, but a sender can write the words: a
  // change set whose rows are a list of `count` zero-sized structs (8 words in all), followed by
  // `padding` zero words, which pack into 2 bytes per 256.
  auto message_with_rows = [](uint64_t count, size_t padding) {
    std::vector<uint64_t> segment = {
        uint64_t{2} << 32 | uint64_t{4} << 48,  // root: struct right after, 2 data, 4 pointers
        1,                                      // schemaVersion 1
        0,                                      // cursor
        0,
        0,
        0,                      // setId, replicaId, origins: null
        1 | uint64_t{7} << 32,  // rows: list right after, inline composite, 0 words
        count << 2,             // list tag: count elements of 0 data, 0 pointers
    };
    segment.resize(segment.size() + padding);
    const kj::ArrayPtr<const capnp::word> segments[] = {
        kj::arrayPtr(reinterpret_cast<const capnp::word*>(segment.data()), segment.size())};
    kj::VectorOutputStream out;
    capnp::writePackedMessage(out, kj::arrayPtr(segments, 1));
    return std::string(reinterpret_cast<const char*>(out.getArray().begin()),
                       out.getArray().size());
  };

  // A million rows from 30 bytes: the traversal budget (the message's own size) refuses it.
  const std::string tiny = message_with_rows(1'000'000, 0);
  EXPECT_LT(tiny.size(), 32u);
  auto status = DecodeChangeSet(tiny).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_NE(status.message().find("traversal limit"), std::string::npos) << status.message();

  // Padded to pay for the traversal, the row limit refuses it before a row is allocated.
  const std::string padded = message_with_rows(1'000'000, 1'000'000);
  EXPECT_LT(padded.size(), 10'000u);
  status = DecodeChangeSet(padded).status();
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "change set: 1000000 rows (limit 200000)");
}

// ------------------------------------------------------------------------------------------------
// Size

TEST(ChangeSetCodec, EncodedSizePerColumnChangeIsReasonable) {
  ChangeSet set;
  set.set_id = "5d1c7a0e-8b2f-4f6a-a3c9-0e4b7d2f9a11";
  set.replica_id = "replica-3f9e2b7c";
  set.cursor = 123456;
  const uint32_t self = set.OriginIndex(set.replica_id);
  const uint32_t other = set.OriginIndex("replica-a81c0d44");
  std::mt19937_64 random(7);
  const std::vector<std::string> names = {"鑫达汽修", "Müller Kfz-Service GmbH",
                                          "Garage Dupont & Fils", "顺风物流有限公司"};
  const std::vector<std::string> cities = {"杭州", "Stuttgart", "Lyon", "宁波"};
  for (int r = 0; r < 1000; ++r) {
    char row_id[40];
    std::snprintf(row_id, sizeof row_id, "%08x-%04x-4%03x-a%03x-%012llx",
                  static_cast<unsigned>(random()), static_cast<unsigned>(random() & 0xFFFF),
                  static_cast<unsigned>(random() & 0xFFF), static_cast<unsigned>(random() & 0xFFF),
                  static_cast<unsigned long long>(random() & 0xFFFFFFFFFFFFull));
    const Hlc hlc = Hlc::FromParts(1'795'000'000'000 + static_cast<uint64_t>(r) * 1733, r % 3);
    const uint32_t origin = r % 4 == 0 ? other : self;
    RowChange row{"customers", row_id, {}};
    row.columns = {
        {"name", names[r % names.size()], hlc, origin},
        {"city", cities[r % cities.size()], hlc, origin},
        {"phone", std::string("+86 571 8") + std::to_string(1000000 + r * 37), hlc, origin},
        {"credit_limit", int64_t{10000} * (r % 50), hlc, origin},
        {"balance", (r % 7) * 1234.56, hlc, origin},
        {"visit_count", int64_t{r % 40}, hlc, origin},
        {"notes", r % 3 == 0 ? Value(std::string("回访：客户要求报价")) : Value(), hlc, origin},
        {"archived", int64_t{0}, hlc, origin},
    };
    set.rows.push_back(std::move(row));
  }
  const std::string bytes = EncodeChangeSet(set);
  const double per_column = static_cast<double>(bytes.size()) / set.ColumnCount();
  RecordProperty("bytes", static_cast<int>(bytes.size()));
  RecordProperty("bytes_per_column_change", std::to_string(per_column));
  std::cout << "[          ] " << set.ColumnCount() << " column changes in " << bytes.size()
            << " bytes: " << per_column << " bytes per column change\n";
  EXPECT_LT(per_column, 64.0);
  auto decoded = DecodeChangeSet(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, set);
}

}  // namespace
}  // namespace fieldbook
