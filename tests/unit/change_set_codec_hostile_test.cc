// Tests for change_set_codec: decoding of malformed and hostile bytes, validation, and the
// verification fields. Round trips and the wire form: change_set_codec_test.cc.
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

#include "change_set_codec_test_util.h"
#include "sync.capnp.h"

namespace fieldbook {
namespace {

using namespace codec_test;  // NOLINT(build/namespaces): the shared samples and raw messages

// ------------------------------------------------------------------------------------------------
// Malformed framing

TEST(ChangeSetCodec, RejectsARowNamingAColumnTwice) {
  // Issue 13: a gate reading one copy while the merge applies the other let a rep write into
  // another rep's customer.
  ChangeSet set = SampleChangeSet();
  set.rows[1].columns.push_back({"notes", std::string("x"), kHlc, 0});
  set.rows[1].columns.push_back({"customer_id", std::string("c-2"), Hlc(kHlc.packed() + 9), 0});
  EXPECT_EQ(ValidateChangeSet(set).message(), "change set row 1: column customer_id appears twice");
  auto decoded = DecodeChangeSet(EncodeChangeSet(set));
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorrupt);
  SyncRequest request = SampleRequest();
  request.push = set;
  EXPECT_EQ(DecodeSyncRequest(EncodeSyncRequest(request)).status().code(), StatusCode::kCorrupt);
  // The same name in two rows is fine.
  set = SampleChangeSet();
  set.rows[2].columns.push_back({"customer_id", std::string("c-1"), kHlc, 0});
  EXPECT_TRUE(ValidateChangeSet(set).ok());
}

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
  const std::string bytes = RawChangeSet([](wire::RowChange::Builder row) {
    row.setHlc(kHlc.packed());
    auto column = row.initColumns(1)[0];
    // The discriminant is bits 32..47 of ColumnChange's data section (capnp compile -ocapnp).
    capnp::toAny(column).getDataSection()[4] = 9;
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

TEST(ChangeSetCodec, RejectsInvalidEvictions) {
  ChangeSet set = SampleChangeSet();
  set.evicted_customers = {"c-1", ""};
  EXPECT_EQ(ValidateChangeSet(set).message(),
            "change set evicted customer 1: customer id is empty");
  auto status = DecodeChangeSet(EncodeChangeSet(set)).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(), "change set evicted customer 1: customer id is empty");

  set.evicted_customers = {std::string("c\0x", 3)};
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(set)).status().message(),
            "change set evicted customer 0: customer id contains a NUL byte");
  set.evicted_customers = {"c\xFF"};
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(set)).status().message(),
            "change set evicted customer 0: customer id is not valid UTF-8");

  set.evicted_customers = {std::string(129, 'c')};
  status = DecodeChangeSet(EncodeChangeSet(set)).status();
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(),
            "change set evicted customer 0: customer id is 129 bytes (limit 128)");

  SyncResponse response = SampleResponse();
  response.pull.rows.clear();
  response.pull.evicted_customers = {"c-1", "c-2", "c-3", "c-4"};
  DecodeLimits limits;
  limits.max_rows = 3;  // evictions count as rows
  status = DecodeSyncResponse(EncodeSyncResponse(response), limits).status();
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "sync response pull: 4 evicted customers (limit 3)");
  response.pull.evicted_customers.pop_back();
  EXPECT_TRUE(DecodeSyncResponse(EncodeSyncResponse(response), limits).ok());
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
    // Word 0: the root pointer, to a struct right after it of 2 data words (1, 2) and 8 pointers
    // (3..10). Rows, pointer 6 at word 9: an inline composite list whose tag is word 11, 1 word
    // past the end of the pointer, of `count` elements of 0 data words and 0 pointers.
    std::vector<uint64_t> segment(12);
    segment[0] = uint64_t{2} << 32 | uint64_t{8} << 48;
    segment[1] = 1;  // schemaVersion 1; all else is 0: cursor 0, other pointers null
    segment[9] = 1 << 2 | 1 | uint64_t{7} << 32;
    segment[11] = count << 2;
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
// Verification fields (schema version 2)

SyncRequest DigestRequest() {
  SyncRequest request;
  request.replica_id = "replica-laptop-li";
  request.pull_cursor = 77;
  request.has_digests = true;
  request.digest_buckets = 64;
  request.digest_schema = 0xfeedfacecafebeefULL;
  request.digests = {{3, 0, 12, 0xffffffffffffffffULL}, {3, 63, 1, 5}, {6, 17, 300, 42}};
  return request;
}

SyncResponse RepairResponse() {
  SyncResponse response;
  response.pull.cursor = 77;
  response.verify = true;
  response.verify_deep = true;
  response.digests_checked = true;
  response.repair_buckets = {{3, 63, 1, 99}, {6, 17, 0, 0}};
  response.repair = SampleChangeSet();
  response.repair.set_id.clear();
  response.repair.replica_id.clear();
  return response;
}

TEST(ChangeSetCodec, DigestsAndRepairsRoundTrip) {
  const SyncRequest request = DigestRequest();
  auto decoded = DecodeSyncRequest(EncodeSyncRequest(request));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, request);

  // An empty replica reports no digest at all, which is not the same as reporting none.
  SyncRequest empty = DigestRequest();
  empty.digests.clear();
  decoded = DecodeSyncRequest(EncodeSyncRequest(empty));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->has_digests);
  EXPECT_EQ(*decoded, empty);

  const SyncResponse response = RepairResponse();
  auto answer = DecodeSyncResponse(EncodeSyncResponse(response));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(*answer, response);
  EXPECT_EQ(CheckAnyDecodeIsStable(EncodeSyncResponse(response)), 1);
}

TEST(ChangeSetCodec, VerificationFieldsTravelOnlyWithTheirFlag) {
  SyncRequest request = DigestRequest();
  request.has_digests = false;
  auto decoded = DecodeSyncRequest(EncodeSyncRequest(request));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->digest_buckets, 0u);
  EXPECT_EQ(decoded->digest_schema, 0u);
  EXPECT_TRUE(decoded->digests.empty());

  SyncResponse response = RepairResponse();
  response.digests_checked = false;
  auto answer = DecodeSyncResponse(EncodeSyncResponse(response));
  ASSERT_TRUE(answer.ok());
  EXPECT_TRUE(answer->verify);
  EXPECT_TRUE(answer->repair_buckets.empty());
  EXPECT_EQ(answer->repair, ChangeSet());
}

TEST(ChangeSetCodec, AVersionOneRequestHasNoDigests) {
  // What a build from before verification sends: the version 1 fields only.
  const std::string bytes = PackRaw([](capnp::MessageBuilder& message) {
    auto request = message.initRoot<wire::SyncRequest>();
    request.setSchemaVersion(1);
    request.setReplicaId("old-laptop");
    request.setPullCursor(5);
  });
  auto decoded = DecodeSyncRequest(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_FALSE(decoded->has_digests);
  EXPECT_EQ(decoded->pull_cursor, 5u);
  // And an old build reading a version 2 answer simply does not see the new fields; here: a
  // version 2 answer that asks for digests reads fine.
  SyncResponse response;
  response.verify = true;
  EXPECT_TRUE(DecodeSyncResponse(EncodeSyncResponse(response)).ok());
}

TEST(ChangeSetCodec, RejectsMalformedDigests) {
  auto message = [](const SyncRequest& request) {
    return DecodeSyncRequest(EncodeSyncRequest(request)).status();
  };
  SyncRequest request = DigestRequest();
  request.digest_buckets = 0;
  Status status = message(request);
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(), "sync request: digest bucket count 0 not in 1..4096");
  request.digest_buckets = kMaxDigestBuckets + 1;
  EXPECT_EQ(message(request).message(), "sync request: digest bucket count 4097 not in 1..4096");

  request = DigestRequest();
  request.digest_buckets = 63;  // the second digest names bucket 63
  status = message(request);
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(), "sync request digests 1: bucket 63 out of range (63 buckets)");

  request = DigestRequest();
  request.digests.push_back(request.digests[0]);  // the same (table, bucket) twice
  request.digests.back().rows = 1;
  status = message(request);
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(), "sync request: table 3 bucket 0 appears twice in digests");
}

TEST(ChangeSetCodec, RejectsTooManyDigestsBeforeCopyingThem) {
  DecodeLimits limits;
  limits.max_digests = 2;
  Status status = DecodeSyncRequest(EncodeSyncRequest(DigestRequest()), limits).status();
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "sync request: 3 digests (limit 2)");

  limits.max_digests = 1;
  status = DecodeSyncResponse(EncodeSyncResponse(RepairResponse()), limits).status();
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "sync response: 2 repair buckets (limit 1)");

  // A list of a million digests in a few bytes is refused by the traversal budget, before the
  // count is even looked at.
  const std::string amplified = PackRaw([](capnp::MessageBuilder& message) {
    auto request = message.initRoot<wire::SyncRequest>();
    request.setSchemaVersion(2);
    request.setReplicaId("r");
    request.setHasDigests(true);
    request.setDigestBuckets(64);
    request.initDigests(100000);
  });
  status = DecodeSyncRequest(amplified, DecodeLimits{.max_message_bytes = 1 << 16}).status();
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted) << status.message();
}

TEST(ChangeSetCodec, RejectsMalformedRepairs) {
  SyncResponse response = RepairResponse();
  response.repair.rows[0].columns[1].origin = 7;
  Status status = DecodeSyncResponse(EncodeSyncResponse(response)).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(),
            "sync response repair row 0 column 1: origin 7 out of range (2 origins)");

  response = RepairResponse();
  response.repair_buckets.push_back(response.repair_buckets[0]);
  status = DecodeSyncResponse(EncodeSyncResponse(response)).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(), "sync response: table 3 bucket 63 appears twice in repair buckets");

  response = RepairResponse();
  response.repair_buckets[1].bucket = kMaxDigestBuckets;
  EXPECT_EQ(DecodeSyncResponse(EncodeSyncResponse(response)).status().message(),
            "sync response repair buckets 1: bucket 4096 out of range (4096 buckets)");

  // "Checked" with no repair set at all: the set's schema version is missing.
  const std::string bytes = PackRaw([](capnp::MessageBuilder& message) {
    auto answer = message.initRoot<wire::SyncResponse>();
    answer.setSchemaVersion(2);
    answer.initPull().setSchemaVersion(2);
    answer.setDigestsChecked(true);
  });
  status = DecodeSyncResponse(bytes).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(), "sync response repair: missing schema version (0)");
}

// ------------------------------------------------------------------------------------------------
// Push bytes (wire version 4): a message inside the request, as hostile as the request

// A request built directly with Cap'n Proto: replica "r", hasPush as given, `bytes` as pushBytes,
// and an inline push as well when `inline_push`.
std::string RawPushBytesRequest(const std::string& bytes, bool has_push, bool inline_push) {
  return PackRaw([&](capnp::MessageBuilder& message) {
    auto request = message.initRoot<wire::SyncRequest>();
    request.setSchemaVersion(kWireSchemaVersion);
    request.setReplicaId("r");
    request.setHasPush(has_push);
    request.setPushBytes(
        capnp::Data::Reader(reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()));
    if (inline_push) {
      auto set = request.initPush();
      set.setSchemaVersion(1);
      set.setSetId("s");
      set.setReplicaId("r");
    }
  });
}

TEST(ChangeSetCodec, PushBytesAreOneWayOfSendingAPushNeverTwo) {
  const std::string set = EncodeChangeSet(SampleChangeSet());
  ASSERT_TRUE(DecodeSyncRequest(RawPushBytesRequest(set, true, false)).ok());
  auto both = DecodeSyncRequest(RawPushBytesRequest(set, true, true));
  EXPECT_EQ(both.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(both.status().message(), "sync request: both a push and push bytes");
  auto without = DecodeSyncRequest(RawPushBytesRequest(set, false, false));
  EXPECT_EQ(without.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(without.status().message(), "sync request: push bytes without hasPush");
  SyncRequest request;
  request.replica_id = "r";
  request.push_bytes = set;
  EXPECT_EQ(ValidateSyncRequest(request).code(), StatusCode::kCorrupt);
}

TEST(ChangeSetCodec, PushBytesAreCheckedLikeAnInlinePush) {
  // Garbage, a truncation, and sets that break an invariant: refused, naming the push.
  const std::string set = EncodeChangeSet(SampleChangeSet());
  ChangeSet bad_origin = SampleChangeSet();
  bad_origin.rows[0].columns[0].origin = 9;
  ChangeSet twice = SampleChangeSet();
  twice.rows[1].columns.push_back({"customer_id", std::string("c-2"), Hlc(kHlc.packed() + 9), 0});
  for (const std::string& bytes :
       {std::string("not a change set at all"), set.substr(0, set.size() / 2),
        EncodeChangeSet(bad_origin), EncodeChangeSet(twice)}) {
    auto decoded = DecodeSyncRequest(RawPushBytesRequest(bytes, true, false));
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorrupt) << decoded.status().ToString();
    EXPECT_EQ(decoded.status().message().rfind("sync request push", 0), 0u)
        << decoded.status().message();
    SyncRequest request;
    request.replica_id = "r";
    request.has_push = true;
    request.push_bytes = bytes;
    EXPECT_EQ(ValidateSyncRequest(request).code(), StatusCode::kCorrupt);
  }
  // The request's limits hold inside the bytes: rows and id lengths.
  DecodeLimits tight;
  tight.max_rows = 2;
  auto too_many = DecodeSyncRequest(RawPushBytesRequest(set, true, false), tight);
  EXPECT_EQ(too_many.status().code(), StatusCode::kResourceExhausted)
      << too_many.status().ToString();
  ChangeSet long_id = SampleChangeSet();
  long_id.rows[0].row_id = std::string(200, 'x');
  EXPECT_EQ(
      DecodeSyncRequest(RawPushBytesRequest(EncodeChangeSet(long_id), true, false)).status().code(),
      StatusCode::kResourceExhausted);
  // Zero runs that unpack far past the limit, inside a request small enough to pass it.
  std::string bomb;  // each "\x00\xFF" unpacks to 256 zero words
  for (int i = 0; i < 20000; ++i) bomb += std::string("\x00\xFF", 2);
  const DecodeLimits small{.max_message_bytes = 64 << 10};
  SyncRequest carrier;
  carrier.replica_id = "r";
  carrier.has_push = true;
  carrier.push_bytes = bomb;
  auto bombed = DecodeSyncRequest(EncodeSyncRequest(carrier), small);
  EXPECT_EQ(bombed.status().code(), StatusCode::kResourceExhausted) << bombed.status().ToString();
}

}  // namespace
}  // namespace fieldbook
