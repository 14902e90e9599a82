// The catalog (catalog.h): the replicated tables from the schema, and the columns only the server
// writes, declared once (kServerOwned) with who owns them and whether the creator of a row sets
// them — what the server's push gate and the devices' editors both read.
#include "fieldbook/catalog.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "fieldbook/replica.h"
#include "support/fake_clock.h"

namespace fieldbook {
namespace {

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto replica = Replica::Open(":memory:", wall_);
    ASSERT_TRUE(replica.ok()) << replica.status().ToString();
    replica_ = std::move(*replica);
  }

  const TableInfo& Table(const char* name) {
    const TableInfo* t = replica_->catalog().Find(name);
    EXPECT_NE(t, nullptr) << name;
    return *t;
  }

  testing::FakeWallClock wall_;
  std::unique_ptr<Replica> replica_;
};

TEST_F(CatalogTest, ServerOwnedColumnsAreDeclaredWithTheirOwner) {
  const TableInfo& customers = Table("customers");
  EXPECT_EQ(customers.OwnerOf("owner_rep_id"), ColumnOwner::kAssignment);
  EXPECT_EQ(customers.OwnerOf("territory_id"), ColumnOwner::kAssignment);
  EXPECT_EQ(customers.OwnerOf("graded_at"), ColumnOwner::kGrading);
  std::set<std::string> graded;
  for (const std::string& c : customers.columns) {
    if (c.rfind("grade_", 0) == 0) {
      graded.insert(c);
      EXPECT_EQ(customers.OwnerOf(c), ColumnOwner::kGrading) << c;
    }
  }
  EXPECT_GE(graded.size(), 5u);  // tier, scores, lifecycle, ... all of them
  for (const char* c : {"name", "notes", "phone", "deleted", "relationship", "purchase_stage"}) {
    EXPECT_EQ(customers.OwnerOf(c), ColumnOwner::kDevice) << c;
    EXPECT_FALSE(customers.IsServerOwned(c)) << c;
  }
  // A column that does not exist is nobody's to refuse.
  EXPECT_EQ(customers.OwnerOf("no_such_column"), ColumnOwner::kDevice);
}

TEST_F(CatalogTest, OnlyANewCustomersOwnerIsSetByItsCreator) {
  const TableInfo& customers = Table("customers");
  EXPECT_TRUE(customers.SetByCreator("owner_rep_id"));
  for (const std::string& c : customers.columns) {
    if (c != "owner_rep_id") EXPECT_FALSE(customers.SetByCreator(c)) << c;
  }
}

TEST_F(CatalogTest, NoOtherTableHasServerOwnedColumns) {
  for (const TableInfo& t : replica_->catalog().tables()) {
    if (t.name == "customers") continue;
    for (const std::string& c : t.columns) {
      EXPECT_FALSE(t.IsServerOwned(c)) << t.name << "." << c;
      EXPECT_FALSE(t.SetByCreator(c)) << t.name << "." << c;
    }
  }
}

}  // namespace
}  // namespace fieldbook
