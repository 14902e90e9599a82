#include "column_versions.h"

#include <gtest/gtest.h>

#include "fieldbook/migrations.h"
#include "fieldbook/sqlite_db.h"

namespace fieldbook {
namespace {

TEST(ColumnVersions, EmptyBlobMeansNoColumnWasWritten) {
  auto v = ColumnVersions::Decode("", 4);
  ASSERT_TRUE(v.ok());
  for (size_t i = 0; i < 4; ++i) EXPECT_TRUE((*v)[i].empty());
  EXPECT_EQ(ColumnVersions(4).Encode(), "");
}

TEST(ColumnVersions, RoundTripsMixedVersions) {
  ColumnVersions v(6);
  for (size_t i = 0; i < 5; ++i) v[i] = ColumnVersion{Hlc::FromParts(1000, 1), 1, 7};
  v[2] = ColumnVersion{Hlc::FromParts(2000, 0), 3, 9};
  auto back = ColumnVersions::Decode(v.Encode(), 6);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ((*back)[i], v[i]) << "column " << i;
}

TEST(ColumnVersions, SharedVersionsCostOneBaseNotOnePerColumn) {
  ColumnVersions v(30);
  for (size_t i = 0; i < 30; ++i) v[i] = ColumnVersion{Hlc::FromParts(1795392000000, 3), 2, 1234};
  // count (1) + hlc (9 varint bytes for a 2026 timestamp) + origin (1) + seq (2) + no exceptions
  // (1).
  EXPECT_EQ(v.Encode().size(), 14u);
}

TEST(ColumnVersions, EncodingIsCanonical) {
  ColumnVersions a(3), b(3);
  a[0] = b[0] = ColumnVersion{Hlc(5), 1, 0};
  a[1] = b[1] = ColumnVersion{Hlc(6), 1, 0};
  a[2] = b[2] = ColumnVersion{Hlc(5), 1, 0};
  EXPECT_EQ(a.Encode(), b.Encode());
}

TEST(ColumnVersions, CorruptBlobsAreErrorsNotCrashes) {
  ColumnVersions v(3);
  v[0] = ColumnVersion{Hlc(5), 1, 0};
  v[1] = ColumnVersion{Hlc(9), 2, 0};
  const std::string good = v.Encode();
  for (size_t len = 1; len < good.size(); ++len) {
    EXPECT_FALSE(ColumnVersions::Decode(good.substr(0, len), 3).ok()) << "prefix " << len;
  }
  EXPECT_FALSE(ColumnVersions::Decode(good + "x", 3).ok());
  EXPECT_FALSE(ColumnVersions::Decode(good, 1).ok());  // more columns than the table has
  EXPECT_EQ(ColumnVersions::Decode("\xff\xff\xff", 3).status().code(), StatusCode::kCorrupt);
}

TEST(VersionOrder, HlcFirstThenReplicaIdBreaksTies) {
  EXPECT_TRUE(VersionGreater(Hlc(2), "a", Hlc(1), "z"));
  EXPECT_TRUE(VersionGreater(Hlc(1), "b", Hlc(1), "a"));
  EXPECT_FALSE(VersionGreater(Hlc(1), "a", Hlc(1), "a"));
}

TEST(OriginRegistry, InternsOncePersistsAndReloads) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ApplyMigrations(**db, ReplicaMigrations()).ok());
  OriginRegistry reg(**db);
  ASSERT_TRUE(reg.Load().ok());
  auto a = reg.Intern("replica-a");
  auto b = reg.Intern("replica-b");
  auto a2 = reg.Intern("replica-a");
  ASSERT_TRUE(a.ok() && b.ok() && a2.ok());
  EXPECT_EQ(*a, 1u);
  EXPECT_EQ(*b, 2u);
  EXPECT_EQ(*a2, 1u);
  OriginRegistry again(**db);
  ASSERT_TRUE(again.Load().ok());
  EXPECT_EQ(again.IdOf(2), "replica-b");
  EXPECT_EQ(again.IdOf(0), "");
}

}  // namespace
}  // namespace fieldbook
