#include "fieldbook/migrations.h"

#include <gtest/gtest.h>

#include "fieldbook/catalog.h"
#include "fieldbook/sqlite_db.h"

namespace fieldbook {
namespace {

int UserVersion(Db& db) {
  auto s = db.Prepare("PRAGMA user_version");
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(*(*s)->Step());
  return static_cast<int>((*s)->Int(0));
}

TEST(Migrations, ApplyInOrderAndOnlyOnce) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  const Migration list[] = {
      {1, "one", "CREATE TABLE a (x);"},
      {2, "two", "INSERT INTO a VALUES (1);"},
  };
  auto v = ApplyMigrations(**db, list);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, 2);
  auto again = ApplyMigrations(**db, list);  // nothing left to run: the insert is not repeated
  ASSERT_TRUE(again.ok());
  auto count = (*db)->Prepare("SELECT count(*) FROM a");
  ASSERT_TRUE(*(*count)->Step());
  EXPECT_EQ((*count)->Int(0), 1);
}

TEST(Migrations, AFailingMigrationLeavesTheDatabaseAtThePreviousVersion) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  const Migration list[] = {
      {1, "one", "CREATE TABLE a (x);"},
      {2, "broken", "CREATE TABLE b (y); THIS IS NOT SQL;"},
  };
  auto v = ApplyMigrations(**db, list);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("migration 2 (broken)"), std::string::npos);
  EXPECT_EQ(UserVersion(**db), 1);
  auto b = (*db)->Prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'b'");
  ASSERT_TRUE(*(*b)->Step());
  EXPECT_EQ((*b)->Int(0), 0);
}

TEST(Migrations, RefusesADatabaseNewerThanTheProgram) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->ExecScript("PRAGMA user_version = 99").ok());
  auto v = ApplyMigrations(**db, ReplicaMigrations());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kConflict);
}

TEST(Migrations, ReplicaAndHubSchemasDescribeTheSameReplicatedTables) {
  auto replica = Db::Open(":memory:");
  auto hub = Db::Open(":memory:");
  ASSERT_TRUE(replica.ok() && hub.ok());
  ASSERT_TRUE(ApplyMigrations(**replica, ReplicaMigrations()).ok());
  ASSERT_TRUE(ApplyMigrations(**hub, HubMigrations()).ok());
  auto a = Catalog::Load(**replica);
  auto b = Catalog::Load(**hub);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->tables().size(), b->tables().size());
  for (size_t i = 0; i < a->tables().size(); ++i) {
    EXPECT_EQ(a->tables()[i].name, b->tables()[i].name);
    EXPECT_EQ(a->tables()[i].columns, b->tables()[i].columns);
  }
  const TableInfo* customers = a->Find("customers");
  ASSERT_NE(customers, nullptr);
  EXPECT_GE(customers->ColumnIndex("grade_tier"), 0);
  EXPECT_EQ(customers->ColumnIndex("_v"), -1);  // bookkeeping is not replicated
  EXPECT_EQ(customers->ColumnIndex("id"), -1);
  EXPECT_TRUE(a->Find("visits")->is_fact());
}

}  // namespace
}  // namespace fieldbook
