#include "fieldbook/migrations.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fieldbook/catalog.h"
#include "fieldbook/hub.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

namespace fieldbook {
namespace {

int UserVersion(Db& db) {
  auto s = db.Prepare("PRAGMA user_version");
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(*(*s)->Step());
  return static_cast<int>((*s)->Int(0));
}

int ApplicationId(Db& db) {
  auto s = db.Prepare("PRAGMA application_id");
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(*(*s)->Step());
  return static_cast<int>((*s)->Int(0));
}

int64_t Count(Db& db, const std::string& sql) {
  auto s = db.Prepare(sql);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(*(*s)->Step());
  const int64_t n = (*s)->Int(0);
  (*s)->Reset();  // a statement left running makes a later DROP TABLE fail ("table is locked")
  return n;
}

// What the program built before migrations were numbered by their file names did: the side's
// hand-kept list was every file of that side up to 0019 in number order, and user_version counted
// the migrations run (its position in the list), without an application_id. Runs the first
// `positions` of them.
void MakeListPositionDatabase(Db& db, std::span<const Migration> side, size_t positions) {
  size_t position = 0;
  for (const Migration& m : side) {
    if (m.version > kLastListedMigration || position == positions) break;
    ++position;
    ASSERT_TRUE(db.ExecScript(m.sql).ok()) << m.name;
    ASSERT_TRUE(db.ExecScript("PRAGMA user_version = " + std::to_string(position)).ok());
  }
  ASSERT_EQ(position, positions);
  ASSERT_EQ(ApplicationId(db), 0);
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

TEST(Migrations, AVersionIsTheFileNumberAndTheOtherSidesNumbersAreGaps) {
  // Numbers are one sequence across domain/, replica/ and server/: a replica never sees 0011
  // (server/0011_audit.sql), the hub never sees 0014 (replica/0014_review_and_superseded.sql).
  for (const Migration& m : ReplicaMigrations()) {
    EXPECT_EQ(std::stoi(m.name), m.version) << m.name;
    EXPECT_NE(m.version, 11);
  }
  for (const Migration& m : HubMigrations()) {
    EXPECT_EQ(std::stoi(m.name), m.version) << m.name;
    EXPECT_NE(m.version, 14);
  }
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  const Migration replica[] = {{1, "0001_a", "CREATE TABLE a (x);"},
                               {3, "0003_c", "CREATE TABLE c (x);"}};
  ASSERT_EQ(*ApplyMigrations(**db, replica), 3);
  EXPECT_EQ(ApplicationId(**db), kSchemaApplicationId);
  // A later build adds 0005 on this side (0004 went to the other side): only 0005 runs.
  const Migration later[] = {{1, "0001_a", "CREATE TABLE a (x);"},
                             {3, "0003_c", "CREATE TABLE c (x);"},
                             {5, "0005_e", "CREATE TABLE e (x);"}};
  auto v = ApplyMigrations(**db, later);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, 5);
  EXPECT_EQ(UserVersion(**db), 5);
}

TEST(Migrations, RefusesAListOutOfOrderOrWithANumberTwice) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  const Migration twice[] = {{1, "0001_a", "CREATE TABLE a (x);"},
                             {1, "0001_b", "CREATE TABLE b (x);"}};
  auto v = ApplyMigrations(**db, twice);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(v.status().message().find("0001_b"), std::string::npos) << v.status().message();
  const Migration backwards[] = {{2, "0002_a", "CREATE TABLE a (x);"},
                                 {1, "0001_b", "CREATE TABLE b (x);"}};
  EXPECT_FALSE(ApplyMigrations(**db, backwards).ok());
  EXPECT_EQ(UserVersion(**db), 0);  // nothing ran
  EXPECT_EQ(Count(**db, "SELECT count(*) FROM sqlite_schema"), 0);
}

TEST(Migrations, RefusesADatabaseOfAnotherProgram) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->ExecScript("PRAGMA application_id = 1234; PRAGMA user_version = 3").ok());
  auto v = ApplyMigrations(**db, ReplicaMigrations());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(UserVersion(**db), 3);
}

// A replica made before the numbering, at every list position its program could have left it:
// the upgrade runs exactly the migrations it had not run (a re-run would fail: ALTER TABLE ADD
// COLUMN twice, CREATE TABLE twice) and its rows survive.
TEST(MigrationUpgrade, AListPositionReplicaUpgradesAtEveryPosition) {
  size_t listed = 0;
  for (const Migration& m : ReplicaMigrations()) listed += m.version <= kLastListedMigration;
  ASSERT_EQ(listed, 13u);  // 0001-0010, 0012, 0014, 0018: the list as it was
  for (size_t position = 1; position <= listed; ++position) {
    SCOPED_TRACE("list position " + std::to_string(position));
    auto db = Db::Open(":memory:");
    ASSERT_TRUE(db.ok());
    MakeListPositionDatabase(**db, ReplicaMigrations(), position);
    auto v = ApplyMigrations(**db, ReplicaMigrations());
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(*v, ReplicaMigrations().back().version);
    EXPECT_EQ(UserVersion(**db), ReplicaMigrations().back().version);
    EXPECT_EQ(ApplicationId(**db), kSchemaApplicationId);
    EXPECT_EQ(Count(**db,
                    "SELECT count(*) FROM pragma_table_info('fb_rejections') "
                    "WHERE name = 'held'"),
              1);
    EXPECT_EQ(Count(**db, "SELECT count(*) FROM sqlite_schema WHERE name = 'products'"), 1);
  }
}

TEST(MigrationUpgrade, AListPositionHubUpgradesAtEveryPosition) {
  size_t listed = 0;
  for (const Migration& m : HubMigrations()) listed += m.version <= kLastListedMigration;
  ASSERT_EQ(listed, 18u);  // 0001-0013, 0015-0019: the list as it was
  for (size_t position = 1; position <= listed; ++position) {
    SCOPED_TRACE("list position " + std::to_string(position));
    auto db = Db::Open(":memory:");
    ASSERT_TRUE(db.ok());
    MakeListPositionDatabase(**db, HubMigrations(), position);
    auto v = ApplyMigrations(**db, HubMigrations());
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(*v, HubMigrations().back().version);
    EXPECT_EQ(ApplicationId(**db), kSchemaApplicationId);
    EXPECT_EQ(Count(**db,
                    "SELECT count(*) FROM sqlite_schema WHERE name = "
                    "'products_part_number_unique'"),
              1);
  }
}

// Position 11 of the replica's list was 0012 and position 12 was 0014: the list position is
// translated to the number of the last migration run, across the gaps (0011 and 0013 are the
// hub's), not read as a number.
TEST(MigrationUpgrade, AListPositionIsTranslatedAcrossTheGaps) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  MakeListPositionDatabase(**db, ReplicaMigrations(), 11);
  std::vector<Migration> upto12;
  for (const Migration& m : ReplicaMigrations()) {
    if (m.version <= 12) upto12.push_back(m);
  }
  auto v = ApplyMigrations(**db, upto12);  // nothing to run: 0012 already ran
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, 12);
  EXPECT_EQ(Count(**db,
                  "SELECT count(*) FROM pragma_table_info('fb_rejections') "
                  "WHERE name = 'held'"),
            0);  // 0014 did not run
  v = ApplyMigrations(**db, ReplicaMigrations());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(Count(**db,
                  "SELECT count(*) FROM pragma_table_info('fb_rejections') "
                  "WHERE name = 'held'"),
            1);

  auto hub = Db::Open(":memory:");
  ASSERT_TRUE(hub.ok());
  MakeListPositionDatabase(**hub, HubMigrations(), 14);  // 0015 was the hub's 14th
  std::vector<Migration> upto15;
  for (const Migration& m : HubMigrations()) {
    if (m.version <= 15) upto15.push_back(m);
  }
  v = ApplyMigrations(**hub, upto15);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, 15);
}

TEST(MigrationUpgrade, AListPositionBeyondTheOldListIsNewerThanTheProgram) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->ExecScript("PRAGMA user_version = 14").ok());  // the replica's list had 13
  auto v = ApplyMigrations(**db, ReplicaMigrations());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kConflict);
  EXPECT_EQ(UserVersion(**db), 14);  // left as it was
}

// The whole stack on files: a replica and a hub of the old scheme, with rows, open through
// Replica::Open and Hub::Open; the rows are there and a second open runs nothing.
TEST(MigrationUpgrade, OldReplicaAndHubFilesOpenWithTheirRows) {
  testing::TempDir dir;
  testing::FakeWallClock wall;
  const std::string replica_path = dir.File("replica.db");
  const std::string hub_path = dir.File("hub.db");
  {
    auto replica = Db::Open(replica_path);
    auto hub = Db::Open(hub_path);
    ASSERT_TRUE(replica.ok() && hub.ok());
    MakeListPositionDatabase(**replica, ReplicaMigrations(), 13);
    MakeListPositionDatabase(**hub, HubMigrations(), 18);
    for (Db* db : {replica->get(), hub->get()}) {
      ASSERT_TRUE(
          db->ExecScript("INSERT INTO customers (id, name) VALUES ('c1', '老王汽修')").ok());
    }
  }
  for (int open = 0; open < 2; ++open) {
    auto replica = Replica::Open(replica_path, wall);
    ASSERT_TRUE(replica.ok()) << replica.status().ToString();
    EXPECT_EQ(UserVersion((*replica)->db()), ReplicaMigrations().back().version);
    EXPECT_EQ(Count((*replica)->db(), "SELECT count(*) FROM customers WHERE name = '老王汽修'"), 1);
    auto hub = Hub::Open(hub_path, wall);
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    EXPECT_EQ(UserVersion((*hub)->db()), HubMigrations().back().version);
    EXPECT_EQ(Count((*hub)->db(), "SELECT count(*) FROM customers WHERE name = '老王汽修'"), 1);
  }
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
