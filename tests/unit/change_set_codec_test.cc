// Tests for change_set_codec: round trips of every message and the wire form (dictionaries,
// row versions, shared texts, size). Hostile input: change_set_codec_hostile_test.cc.
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

// Wire version 4: a push sent as the stored bytes of its change set (a retried push goes out
// byte for byte as the first attempt) decodes as the set those bytes encode.
TEST(ChangeSetCodec, PushBytesTravelAsTheyAreAndDecodeAsTheirSet) {
  SyncRequest request = SampleRequest();
  const std::string stored = EncodeChangeSet(SampleChangeSet());
  request.push = ChangeSet();
  request.push.set_id = "only-for-the-sender";  // not sent: push_bytes goes instead
  request.push_bytes = stored;
  const std::string wire = EncodeSyncRequest(request);
  // On the wire: the bytes themselves, and no inline set.
  kj::ArrayInputStream input(
      kj::ArrayPtr<const kj::byte>(reinterpret_cast<const kj::byte*>(wire.data()), wire.size()));
  capnp::PackedMessageReader message(input);
  auto root = message.getRoot<wire::SyncRequest>();
  EXPECT_FALSE(root.hasPush());
  ASSERT_TRUE(root.hasPushBytes());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(root.getPushBytes().begin()),
                        root.getPushBytes().size()),
            stored);
  auto decoded = DecodeSyncRequest(wire);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->has_push);
  EXPECT_EQ(decoded->push, SampleChangeSet());
  EXPECT_TRUE(decoded->push_bytes.empty());
  EXPECT_EQ(decoded->pull_cursor, request.pull_cursor);
  // The same set sent inline (a hub older than version 4 reads only that) decodes the same.
  SyncRequest inline_push = SampleRequest();
  EXPECT_EQ(DecodeSyncRequest(EncodeSyncRequest(inline_push))->push, decoded->push);
  EXPECT_TRUE(ValidateSyncRequest(request).ok());
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
