// The storage seam (server/store/server_store.h): what the rest of the server reads and writes
// through instead of the SQLite connection — atomic writes with BeginWrite, and the values a
// reviewer of a held edit sees.
#include <gtest/gtest.h>

#include "store/audit_store.h"
#include "store/server_store.h"
#include "support/server_store_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::S;

class ServerStoreSeamTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  const TableInfo& Customers() { return *store_->hub().catalog().Find("customers"); }
  void AddCustomer(const std::string& id, Value name) {
    ASSERT_TRUE(store_->Write({RowWrite{"customers", id, {{"name", std::move(name)}}}}).ok());
  }
  Result<AuditPage> Audit() {
    AuditStore audit(*store_);
    return audit.List(AuditFilter{});
  }
};

TEST_F(ServerStoreSeamTest, AWriteIsKeptOnlyWhenItsTransactionCommits) {
  {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    AddCustomer("dropped", S("Dropped Garage"));
    AuditEntry e;
    e.actor = "test";
    e.action = "test.dropped";
    ASSERT_TRUE(store_->Audit(e).ok());
  }  // dropped without Commit: rolled back
  {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    AddCustomer("kept", S("Kept Garage"));
    AuditEntry e;
    e.actor = "test";
    e.action = "test.kept";
    ASSERT_TRUE(store_->Audit(e).ok());
    {
      auto inner = store_->BeginWrite();  // a savepoint of the outer one
      ASSERT_TRUE(inner.ok());
      AddCustomer("inner", S("Inner Garage"));
      ASSERT_TRUE((*inner)->Commit().ok());
    }
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(*store_->CustomerName("dropped"), "");
  EXPECT_EQ(*store_->CustomerName("kept"), "Kept Garage");
  EXPECT_EQ(*store_->CustomerName("inner"), "Inner Garage");
  auto audit = Audit();
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->entries.size(), 1u);
  EXPECT_EQ(audit->entries[0].action, "test.kept");
}

TEST_F(ServerStoreSeamTest, CurrentValuesReadCatalogColumnsOfOneRow) {
  ASSERT_TRUE(
      store_
          ->Write({RowWrite{
              "customers",
              "c1",
              {{"name", S("汽修厂 \"Zhang\"")}, {"city", S("Xi'an")}, {"lat", Value(34.25)}}}})
          .ok());
  auto values = store_->CurrentValues(Customers(), "c1", {"name", "city", "lat", "address"});
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  ASSERT_TRUE(values->has_value());
  const std::vector<Value>& row = **values;
  ASSERT_EQ(row.size(), 4u);
  EXPECT_EQ(std::get<std::string>(row[0]), "汽修厂 \"Zhang\"");
  EXPECT_EQ(std::get<std::string>(row[1]), "Xi'an");
  EXPECT_DOUBLE_EQ(std::get<double>(row[2]), 34.25);
  EXPECT_TRUE(IsNull(row[3]));
  // No such row: nullopt, not an error.
  auto missing = store_->CurrentValues(Customers(), "no-such", {"name"});
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_EQ(*store_->CustomerName("no-such"), "");
}

TEST_F(ServerStoreSeamTest, CurrentValuesRefuseNamesOutsideTheCatalog) {
  AddCustomer("c1", S("A"));
  // A column name that is not the table's (here an injection attempt) never reaches SQL.
  auto bad = store_->CurrentValues(Customers(), "c1", {"name\" FROM reps --"});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  TableInfo forged = Customers();
  forged.name = "srv_secrets";
  auto other = store_->CurrentValues(forged, "c1", {"name"});
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
}

// "Every answer": a cutoff past any date (TrimHistory's second argument at its largest, as a
// caller that wants all answers gone passes it) trims every stored push answer on both backends
// (PostgreSQL's timestamps end in the year 294276: the cutoff is capped at the year 9999 there
// rather than refused as out of range).
TEST_F(ServerStoreSeamTest, ACutoffPastAnyDateTrimsEveryStoredAnswer) {
  AddRep("rep-a", "A");
  for (const char* id : {"s1", "s2"}) {
    const Hlc at = Hlc::FromParts(wall_.NowMs(), 0);
    auto r = store_->ApplyRepPush(
        Principal{"rep-a", "A", "rep"},
        Push(id, {{"customers",
                   std::string("pushed-") + id,
                   {{"name", S("鑫达汽修"), at, 0}, {"owner_rep_id", S("rep-a"), at, 0}}}}));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  const char* answers = "SELECT count(*) FROM fb_applied_sets";
  ASSERT_EQ(fieldbook::testing::QueryValue(store_->sql(), answers), Value(int64_t{2}));
  auto trimmed = store_->TrimHistory(0, UINT64_MAX / 2);
  ASSERT_TRUE(trimmed.ok()) << trimmed.status().ToString();
  EXPECT_EQ(fieldbook::testing::QueryValue(store_->sql(), answers), Value(int64_t{0}));
}

}  // namespace
}  // namespace fieldbook::server
