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

// The Cap'n Proto nesting a sync response needs (DecodeLimits::nesting_limit).
constexpr int kSchemaNesting = 6;

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

TEST(ChangeSetCodec, EvictionsRoundTrip) {
  ChangeSet set = SampleChangeSet();
  set.evicted_customers = {"0b7e4c52-3f1d-4e8a-9c61-2f5d8a9b1c00", "c-2", "客户-3"};
  auto decoded = DecodeChangeSet(EncodeChangeSet(set));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, set);

  ChangeSet only_evictions;  // a pull page may evict without changing any row
  only_evictions.set_id = "s";
  only_evictions.replica_id = "hub";
  only_evictions.evicted_customers = {"c-1"};
  decoded = DecodeChangeSet(EncodeChangeSet(only_evictions));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, only_evictions);
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

TEST(ChangeSetCodec, HeldColumnsOfARejectionRoundTripAndAreBounded) {
  SyncResponse response = SampleResponse();
  // Version 3: a reassignment names the held columns and the row of the set it answers.
  response.push_result.rejections.push_back(
      {"customers", "c-1", "reassigned", "moved to rep-b", {"notes", "city"}, 1});
  auto decoded = DecodeSyncResponse(EncodeSyncResponse(response));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, response);
  EXPECT_EQ(decoded->push_result.rejections[1].columns,
            (std::vector<std::string>{"notes", "city"}));
  EXPECT_EQ(decoded->push_result.rejections[1].row_index, 1u);
  response.push_result.rejections[1].columns.assign(65, "notes");
  EXPECT_FALSE(DecodeSyncResponse(EncodeSyncResponse(response)).ok());
  response.push_result.rejections[1].columns = {""};
  EXPECT_FALSE(DecodeSyncResponse(EncodeSyncResponse(response)).ok());
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
        // Dictionaries with a name per row and per column, duplicates and all, and every version
        // written out in full: unusual, but valid.
        auto tables = root.initTableNames(expected.rows.size());
        auto names = root.initColumnNames(expected.ColumnCount());
        unsigned name_index = 0;
        auto rows = root.initRows(expected.rows.size());
        for (unsigned r = 0; r < rows.size(); ++r) {
          const RowChange& row = expected.rows[r];
          tables.set(r, row.table);
          rows[r].setTable(r);
          rows[r].setRowId(row.row_id);
          auto columns = rows[r].initColumns(row.columns.size());
          for (unsigned c = 0; c < columns.size(); ++c) {
            const ColumnChange& column = row.columns[c];
            names.set(name_index, column.column);
            columns[c].setColumn(name_index++);
            columns[c].setHlc(column.hlc.packed());
            columns[c].setOrigin(column.origin);
            if (auto* i = std::get_if<int64_t>(&column.value)) columns[c].setInt(*i);
            if (auto* d = std::get_if<double>(&column.value)) columns[c].setReal(*d);
            if (auto* s = std::get_if<std::string>(&column.value)) columns[c].setText(*s);
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
// Dictionaries and row versions

TEST(ChangeSetCodec, SendsEachNameOnceAndEachRowsMostCommonVersion) {
  const ChangeSet set = SampleChangeSet();
  const std::string bytes = EncodeChangeSet(set);
  WireReader reader(bytes);
  const auto root = reader.root();

  ASSERT_EQ(root.getTableNames().size(), 2u);
  EXPECT_EQ(root.getTableNames()[0], "customers");
  EXPECT_EQ(root.getTableNames()[1], "visits");
  ASSERT_EQ(root.getColumnNames().size(), 11u);  // row 0's ten, then customer_id
  EXPECT_EQ(root.getColumnNames()[0], "name");
  EXPECT_EQ(root.getColumnNames()[10], "customer_id");

  const auto rows = root.getRows();
  ASSERT_EQ(rows.size(), 3u);
  // Row 0: eight columns of (kHlc, self); balance (kHlc + 1, hub) and notes (kHlc, hub) differ.
  EXPECT_EQ(rows[0].getTable(), 0u);
  EXPECT_EQ(rows[0].getHlc(), kHlc.packed());
  EXPECT_EQ(rows[0].getOrigin(), 0u);
  const auto columns = rows[0].getColumns();
  EXPECT_EQ(columns[0].getColumn(), 0u);
  EXPECT_EQ(columns[0].getHlc(), 0u);
  EXPECT_EQ(columns[0].getOrigin(), 0u);
  EXPECT_EQ(columns[2].getHlc(), kHlc.packed() + 1);
  EXPECT_EQ(columns[2].getOrigin(), 1u);
  EXPECT_EQ(columns[3].getHlc(), kHlc.packed());
  EXPECT_EQ(columns[3].getOrigin(), 1u);
  EXPECT_EQ(columns[3].which(), wire::ColumnChange::NULL_);
  EXPECT_EQ(columns[0].which(), wire::ColumnChange::TEXT);
  // Row 1: one column, whose version becomes the row's. Row 2: no columns, no version.
  EXPECT_EQ(rows[1].getTable(), 1u);
  EXPECT_EQ(rows[1].getHlc(), kHlc.packed());
  EXPECT_EQ(rows[1].getColumns()[0].getColumn(), 10u);
  EXPECT_EQ(rows[1].getColumns()[0].getHlc(), 0u);
  EXPECT_EQ(rows[2].getHlc(), 0u);
  EXPECT_EQ(rows[2].getOrigin(), 0u);
}

TEST(ChangeSetCodec, TiedVersionsDefaultToTheSmallest) {
  ChangeSet set;
  set.set_id = "s";
  set.replica_id = "r";
  set.origins = {"r", "hub"};
  const Hlc later(kHlc.packed() + 5);
  set.rows.push_back({"t", "x", {{"a", int64_t{1}, later, 0}, {"b", int64_t{2}, kHlc, 1}}});
  const std::string bytes = EncodeChangeSet(set);
  WireReader reader(bytes);
  const auto row = reader.root().getRows()[0];
  EXPECT_EQ(row.getHlc(), kHlc.packed());
  EXPECT_EQ(row.getOrigin(), 1u);
  EXPECT_EQ(row.getColumns()[0].getHlc(), later.packed());
  EXPECT_EQ(row.getColumns()[1].getHlc(), 0u);
  auto decoded = DecodeChangeSet(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, set);
}

TEST(ChangeSetCodec, ColumnsWithoutHlcTakeTheRowsVersion) {
  const std::string bytes = RawChangeSet([](wire::RowChange::Builder row) {
    row.setHlc(kHlc.packed());
    row.setOrigin(1);
    auto columns = row.initColumns(2);
    columns[0].setColumn(1);
    columns[0].setInt(7);  // hlc 0: (kHlc, 1)
    columns[1].setColumn(0);
    columns[1].setHlc(kHlc.packed() + 9);
    columns[1].setOrigin(0);
  });
  auto decoded = DecodeChangeSet(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  const RowChange& row = decoded->rows[0];
  EXPECT_EQ(row.table, "t");
  EXPECT_EQ(row.columns[0], (ColumnChange{"d", int64_t{7}, kHlc, 1}));
  EXPECT_EQ(row.columns[1], (ColumnChange{"c", std::monostate{}, Hlc(kHlc.packed() + 9), 0}));
}

TEST(ChangeSetCodec, RejectsNameIndicesOutOfRange) {
  auto status =
      DecodeChangeSet(RawChangeSet([](wire::RowChange::Builder row) { row.setTable(1); })).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(), "change set row 0: table name 1 out of range (1 table names)");

  status = DecodeChangeSet(RawChangeSet([](wire::RowChange::Builder row) {
             row.setHlc(kHlc.packed());
             auto columns = row.initColumns(2);
             columns[0].setColumn(1);
             columns[1].setColumn(0xFFFFFFFF);
           })).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(),
            "change set row 0 column 1: column name 4294967295 out of range (2 column names)");

  status = DecodeSyncRequest(PackRaw([](capnp::MessageBuilder& message) {
             auto request = message.initRoot<wire::SyncRequest>();
             request.setSchemaVersion(1);
             request.setReplicaId("r");
             request.setHasPush(true);
             auto push = request.initPush();
             push.setSchemaVersion(1);
             push.setSetId("s");
             push.setReplicaId("r");
             push.initOrigins(1).set(0, "r");
             push.initTableNames(1).set(0, "t");
             auto row = push.initRows(1)[0];  // no column names at all
             row.setRowId("x");
             row.setHlc(kHlc.packed());
             row.initColumns(1);
           })).status();
  EXPECT_EQ(status.message(),
            "sync request push row 0 column 0: column name 0 out of range (0 column names)");
}

TEST(ChangeSetCodec, RejectsColumnsWithoutTimestamp) {
  // On the wire: hlc 0 in a row with hlc 0.
  auto status = DecodeChangeSet(RawChangeSet([](wire::RowChange::Builder row) {
                  auto columns = row.initColumns(2);
                  columns[0].setHlc(kHlc.packed());
                  columns[1].setColumn(1);
                })).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(),
            "change set row 0 column 1: no timestamp (hlc 0, and the row's hlc is 0)");

  // An origin with hlc 0 says nothing; it is refused rather than ignored.
  status = DecodeChangeSet(RawChangeSet([](wire::RowChange::Builder row) {
             row.setHlc(kHlc.packed());
             row.initColumns(1)[0].setOrigin(1);
           })).status();
  EXPECT_EQ(status.message(), "change set row 0 column 0: origin 1 without a timestamp");
  status = DecodeChangeSet(RawChangeSet([](wire::RowChange::Builder row) {
             row.setOrigin(1);
           })).status();
  EXPECT_EQ(status.message(), "change set row 0: origin 1 without a timestamp");

  // In memory: a column with hlc 0 is invalid, and encodes to bytes that decoding rejects,
  // whether it is alone in its row or not.
  ChangeSet set = SampleChangeSet();
  set.rows[1].columns[0].hlc = Hlc();
  EXPECT_EQ(ValidateChangeSet(set).message(), "change set row 1 column 0: no timestamp (hlc 0)");
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(set)).status().message(),
            "change set row 1 column 0: no timestamp (hlc 0, and the row's hlc is 0)");
  set = SampleChangeSet();
  set.rows[0].columns[4].hlc = Hlc();
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(set)).status().message(),
            "change set row 0 column 4: no timestamp (hlc 0, and the row's hlc is 0)");
  set.rows[0].columns[4].origin = 1;
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(set)).status().message(),
            "change set row 0 column 4: origin 1 without a timestamp");
}

TEST(ChangeSetCodec, RejectsDictionaryNamesCopiedTooOften) {
  // A 128-byte column name, and a row of 64 columns of one data word each (Cap'n Proto accepts
  // struct lists with smaller elements than the schema's) that all name it: each 8 bytes of
  // message would copy 128 bytes of name.
  const std::string long_name(128, 'n');
  auto message_with_columns = [&](uint16_t data_words) {
    return PackRaw([&](capnp::MessageBuilder& message) {
      auto set = message.initRoot<wire::ChangeSet>();
      set.setSchemaVersion(1);
      set.setSetId("s");
      set.setReplicaId("r");
      set.initOrigins(1).set(0, "r");
      set.initTableNames(1).set(0, "t");
      set.initColumnNames(1).set(0, long_name);
      auto row = set.initRows(1)[0];
      row.setRowId("x");
      row.setHlc(kHlc.packed());
      capnp::toAny(row).getPointerSection()[1].initAsListOfAnyStruct(data_words, 0, 64);
    });
  };
  auto status = DecodeChangeSet(message_with_columns(1)).status();
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted) << status.ToString();
  EXPECT_NE(status.message().find("names and texts copied from the dictionaries exceed"),
            std::string::npos)
      << status.message();
  // Full-size column changes pay for their names: the copy budget lets them through, and only the
  // validation that follows refuses a row naming one column 64 times (issue 13).
  auto decoded = DecodeChangeSet(message_with_columns(4));
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorrupt) << decoded.status().ToString();
  EXPECT_NE(decoded.status().message().find("appears twice"), std::string::npos)
      << decoded.status().message();

  // So does whatever the encoder writes, even with the longest names.
  ChangeSet set;
  set.set_id = "s";
  set.replica_id = "r";
  set.origins = {"r"};
  for (int r = 0; r < 3; ++r) {
    RowChange row{std::string(128, 't'), std::string(128, 'x'), {}};
    for (int c = 0; c < 64; ++c) {
      std::string name = long_name;  // 128 bytes, each column its own
      name.replace(125, 3, std::to_string(100 + c));
      row.columns.push_back({name, Value(), kHlc, 0});
    }
    set.rows.push_back(std::move(row));
  }
  decoded = DecodeChangeSet(EncodeChangeSet(set));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, set);
}

TEST(ChangeSetCodec, SharesRepeatedShortTexts) {
  ChangeSet set;
  set.set_id = "s";
  set.replica_id = "r";
  set.origins = {"r"};
  const std::string longest(64, 'a');
  const std::string too_long(65, 'b');
  set.rows.push_back({"orders",
                      "o-1",
                      {{"rep_id", std::string("rep-1"), kHlc, 0},
                       {"note", longest, kHlc, 0},
                       {"long_note", too_long, kHlc, 0},
                       {"once", std::string("只出现一次"), kHlc, 0},
                       {"empty", std::string(), kHlc, 0},
                       {"number", int64_t{5}, kHlc, 0}}});
  set.rows.push_back({"orders",
                      "o-2",
                      {{"rep_id", std::string("rep-1"), kHlc, 0},
                       {"note", longest, kHlc, 0},
                       {"long_note", too_long, kHlc, 0},
                       {"empty", std::string(), kHlc, 0},
                       {"currency", std::string("rep-1"), kHlc, 0}}});
  const std::string bytes = EncodeChangeSet(set);
  WireReader reader(bytes);
  const auto root = reader.root();
  ASSERT_EQ(root.getSharedTexts().size(), 3u);
  EXPECT_EQ(root.getSharedTexts()[0], "rep-1");
  EXPECT_EQ(root.getSharedTexts()[1], longest);
  EXPECT_EQ(root.getSharedTexts()[2], "");
  const auto first = root.getRows()[0].getColumns();
  EXPECT_EQ(first[0].which(), wire::ColumnChange::SHARED_TEXT);
  EXPECT_EQ(first[0].getSharedText(), 0u);
  EXPECT_EQ(first[1].getSharedText(), 1u);
  EXPECT_EQ(first[2].which(), wire::ColumnChange::TEXT);  // too long to share
  EXPECT_EQ(first[3].which(), wire::ColumnChange::TEXT);  // used once
  EXPECT_EQ(first[4].getSharedText(), 2u);
  EXPECT_EQ(first[5].which(), wire::ColumnChange::INT);
  EXPECT_EQ(root.getRows()[1].getColumns()[4].getSharedText(), 0u);  // any column may share
  auto decoded = DecodeChangeSet(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, set);
}

TEST(ChangeSetCodec, ValidatesSharedTextsWhereTheyAreUsed) {
  ChangeSet set = SampleChangeSet();
  set.rows[1].columns[0].value = std::string("ok\xFF");
  set.rows[0].columns[9].value = std::string("ok\xFF");  // shared with row 1
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(set)).status().message(),
            "change set row 0 column 9: text value is not valid UTF-8");

  set = SampleChangeSet();
  set.rows[1].columns[0].value = std::string("rep-1");
  set.rows[0].columns[9].value = std::string("rep-1");
  DecodeLimits limits;
  limits.max_text_bytes = 4;
  auto status = DecodeChangeSet(EncodeChangeSet(set), limits).status();
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "change set row 0 column 0: text value is 12 bytes (limit 4)");
  set.rows[0].columns[0].value = std::string("x");
  EXPECT_EQ(DecodeChangeSet(EncodeChangeSet(set), limits).status().message(),
            "change set row 0 column 9: text value is 5 bytes (limit 4)");
}

TEST(ChangeSetCodec, RejectsBadSharedTexts) {
  auto status = DecodeChangeSet(RawChangeSet([](wire::RowChange::Builder row) {
                  row.setHlc(kHlc.packed());
                  row.initColumns(1)[0].setSharedText(0);
                })).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(),
            "change set row 0 column 0: shared text 0 out of range (0 shared texts)");

  const std::string bytes = PackRaw([](capnp::MessageBuilder& message) {
    auto set = message.initRoot<wire::ChangeSet>();
    set.setSchemaVersion(1);
    set.setSetId("s");
    set.setReplicaId("r");
    auto texts = set.initSharedTexts(2);
    texts.set(0, std::string(64, 'a'));
    texts.set(1, std::string(65, 'a'));
  });
  status = DecodeChangeSet(bytes).status();
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.message(), "change set shared text 1: 65 bytes (at most 64 may be shared)");
}

TEST(ChangeSetCodec, NestingLimitCoversTheSchema) {
  // DecodeLimits::nesting_limit documents the depth the schema needs.
  const std::string bytes = EncodeSyncResponse(SampleResponse());
  EXPECT_TRUE(DecodeSyncResponse(bytes, DecodeLimits{.nesting_limit = kSchemaNesting}).ok());
  EXPECT_EQ(
      DecodeSyncResponse(bytes, DecodeLimits{.nesting_limit = kSchemaNesting - 1}).status().code(),
      StatusCode::kCorrupt);
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
  EXPECT_LT(per_column, 24.0);
  auto decoded = DecodeChangeSet(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, set);
}

}  // namespace
}  // namespace fieldbook
