// Row digests: stable across builds and platforms, sensitive to every part of a row, the same
// through SQL (the triggers) and in C++, and the same definition on the hub and on replicas.
#include "fieldbook/row_digest.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "digest_tracker.h"
#include "fieldbook/migrations.h"
#include "fieldbook/sqlite_db.h"
#include "support/sync_fixture.h"

namespace fieldbook {
namespace {

using testing::QueryValue;

std::vector<Value> SampleRow() {
  return {Value(std::string("鑫达汽修")), Value(int64_t{42}), Value(23.125), Value(),
          Value(int64_t{-7})};
}

// Golden values: digests of replicas and hubs built at different times are added and compared,
// so the encoding and the hash must never change silently. If one of these fails on purpose,
// bump kRowDigestVersion (it is part of the digest schema fingerprint, so old and new builds then
// stop comparing instead of "repairing" every row). The values were cross-checked with a separate
// implementation of the encoding and hash described in row_digest.h.
TEST(RowDigest, IsStableAcrossBuilds) {
  EXPECT_EQ(Hash64(""), 0x323def0871273387ULL);
  EXPECT_EQ(Hash64("abc"), 0x50329002c4304ac1ULL);
  EXPECT_EQ(Hash64("a longer input than one word"), 0x9ec9a42622275342ULL);
  EXPECT_EQ(RowDigest(3, "c1", SampleRow()), 0x9fd1d2f2ad53bf96ULL);
}

TEST(RowDigest, ChangesWithEveryPartOfTheRow) {
  const uint64_t base = RowDigest(3, "c1", SampleRow());
  EXPECT_NE(RowDigest(4, "c1", SampleRow()), base);  // table
  EXPECT_NE(RowDigest(3, "c2", SampleRow()), base);  // id
  for (size_t i = 0; i < SampleRow().size(); ++i) {
    std::vector<Value> changed = SampleRow();
    changed[i] = Value(std::string("x"));
    EXPECT_NE(RowDigest(3, "c1", changed), base) << "column " << i;
  }
  // Types count: 1, 1.0 and "1" are different values, and so are NULL and "".
  const uint64_t as_int = RowDigest(3, "c1", std::vector<Value>{Value(int64_t{1})});
  const uint64_t as_real = RowDigest(3, "c1", std::vector<Value>{Value(1.0)});
  const uint64_t as_text = RowDigest(3, "c1", std::vector<Value>{Value(std::string("1"))});
  EXPECT_EQ(std::set<uint64_t>({as_int, as_real, as_text}).size(), 3u);
  EXPECT_NE(RowDigest(3, "c1", std::vector<Value>{Value()}),
            RowDigest(3, "c1", std::vector<Value>{Value(std::string())}));
  // -0.0 and 0.0 are one value (SQLite may store either and read back the other).
  EXPECT_EQ(RowDigest(3, "c1", std::vector<Value>{Value(-0.0)}),
            RowDigest(3, "c1", std::vector<Value>{Value(0.0)}));
  // Values are delimited: moving a character from one column to the next is a change.
  EXPECT_NE(
      RowDigest(3, "c1", std::vector<Value>{Value(std::string("ab")), Value(std::string("c"))}),
      RowDigest(3, "c1", std::vector<Value>{Value(std::string("a")), Value(std::string("bc"))}));
  // An id is delimited from the values too.
  EXPECT_NE(RowDigest(3, "c1", std::vector<Value>{Value(std::string("x"))}),
            RowDigest(3, "c1x", std::vector<Value>{}));
}

TEST(RowDigest, SqlFunctionsAgreeWithCxx) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  DigestContext context;
  context.role = DigestRole::kHub;
  ASSERT_TRUE(RegisterDigestFunctions(**db, &context).ok());
  const uint64_t expected = RowDigest(3, "c1", SampleRow());
  Value added =
      QueryValue(**db, "SELECT fb_digest_add(0, 1, 3, 1, 'c1', '鑫达汽修', 42, 23.125, NULL, -7)");
  EXPECT_EQ(added, Value(static_cast<int64_t>(expected)));
  // Adding then removing a row restores the sum, across the 2^64 wrap.
  Value round_trip = QueryValue(
      **db,
      "SELECT fb_digest_add(fb_digest_add(-5, 1, 3, 1, 'c1', '鑫达汽修', 42, 23.125, NULL, -7), "
      "-1, 3, 1, 'c1', '鑫达汽修', 42, 23.125, NULL, -7)");
  EXPECT_EQ(round_trip, Value(int64_t{-5}));
  // A tombstone (live 0) does not count.
  EXPECT_EQ(QueryValue(**db, "SELECT fb_digest_add(9, 1, 3, 0, 'c1', 'x')"), Value(int64_t{9}));
  EXPECT_EQ(QueryValue(**db, "SELECT fb_digest_wrap(-1, 2)"), Value(int64_t{1}));
  EXPECT_EQ(QueryValue(**db, "SELECT fb_digest_bucket('c1')"),
            Value(static_cast<int64_t>(DigestBucket("c1", kReplicaDigestBuckets))));
  EXPECT_EQ(QueryValue(**db, "SELECT fb_digest_bucket(NULL)"),
            Value(static_cast<int64_t>(DigestBucket("", kReplicaDigestBuckets))));
}

TEST(DigestBucket, StaysInRangeAndSpreadsKeys) {
  std::vector<int> counts(64);
  for (int i = 0; i < 6400; ++i) {
    const uint32_t b = DigestBucket("customer-" + std::to_string(i), 64);
    ASSERT_LT(b, 64u);
    ++counts[b];
  }
  for (int b = 0; b < 64; ++b) {
    EXPECT_GT(counts[b], 50) << "bucket " << b;
    EXPECT_LT(counts[b], 150) << "bucket " << b;
  }
  EXPECT_EQ(DigestBucket("anything", 1), 0u);
}

Result<Catalog> CatalogOf(Db& db, std::span<const Migration> migrations) {
  FB_ASSIGN_OR_RETURN(int version, ApplyMigrations(db, migrations));
  (void)version;
  return Catalog::Load(db);
}

TEST(DigestSchemaFingerprint, IsTheSameOnHubAndReplicaAndFollowsTheColumns) {
  auto replica_db = Db::Open(":memory:");
  auto hub_db = Db::Open(":memory:");
  ASSERT_TRUE(replica_db.ok() && hub_db.ok());
  auto replica = CatalogOf(**replica_db, ReplicaMigrations());
  auto hub = CatalogOf(**hub_db, HubMigrations());
  ASSERT_TRUE(replica.ok() && hub.ok());
  EXPECT_EQ(DigestSchemaFingerprint(*replica), DigestSchemaFingerprint(*hub));

  ASSERT_TRUE((*replica_db)->ExecScript("ALTER TABLE contacts ADD COLUMN nickname TEXT").ok());
  auto grown = Catalog::Load(**replica_db);
  ASSERT_TRUE(grown.ok());
  EXPECT_NE(DigestSchemaFingerprint(*grown), DigestSchemaFingerprint(*hub));
}

TEST(IsLiveRow, OnlyTombstonesOfMutableTablesAreNotLive) {
  TableInfo mutable_table;
  mutable_table.kind = TableKind::kMutable;
  TableInfo fact;
  fact.kind = TableKind::kFact;
  EXPECT_TRUE(IsLiveRow(mutable_table, Value(int64_t{0})));
  EXPECT_TRUE(IsLiveRow(mutable_table, Value()));
  EXPECT_FALSE(IsLiveRow(mutable_table, Value(int64_t{1})));
  EXPECT_TRUE(IsLiveRow(fact, Value(int64_t{1})));
}

}  // namespace
}  // namespace fieldbook
