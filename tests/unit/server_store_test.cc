// ServerStore rules in process: credentials, scopes, the push gate and scope-aware pulls.
#include "server_store.h"

#include <gtest/gtest.h>

#include <sstream>

#include "support/server_store_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::Exec;
using fieldbook::testing::QueryValue;
using fieldbook::testing::S;

class ServerStoreTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    token_a_ = AddRep("rep-a", "A");
    ASSERT_FALSE(token_a_.empty());
    ASSERT_FALSE(AddRep("rep-b", "B").empty());
    rep_a_ = Principal{"rep-a", "A", "rep"};
  }

  ColumnChange Col(const char* name, Value v) {
    wall_.Advance(1);
    return ColumnChange{name, std::move(v), Hlc::FromParts(wall_.NowMs(), 0), 0};
  }

  std::string token_a_;
  Principal rep_a_;
};

TEST_F(ServerStoreTest, TokensAuthenticateUntilTheRepIsDisabled) {
  auto who = store_->Authenticate(token_a_);
  ASSERT_TRUE(who.ok() && who->has_value());
  EXPECT_EQ((*who)->rep_id, "rep-a");
  EXPECT_FALSE(store_->Authenticate("fbt_wrong")->has_value());
  EXPECT_FALSE(store_->Authenticate("")->has_value());
  // Only the hash is stored.
  EXPECT_EQ(
      QueryValue(store_->hub().db(), "SELECT count(*) FROM srv_credentials WHERE token_hash = ?",
                 {S(token_a_.c_str())}),
      Value(int64_t{0}));
  ASSERT_TRUE(store_->DisableRep("rep-a", "os:test").ok());
  EXPECT_FALSE(store_->Authenticate(token_a_)->has_value());
}

TEST_F(ServerStoreTest, AddingARepTwiceOrWithABadRoleIsRefused) {
  EXPECT_EQ(store_->AddRep(NewRep{"rep-a", "again", "rep", "", "", ""}).status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(store_->AddRep(NewRep{"", "x", "boss", "", "", ""}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ServerStoreTest, ANewCustomerMustBeOwnedByItsCreator) {
  auto result = store_->ApplyRepPush(
      rep_a_,
      Push("s1", {{"customers", "c1", {Col("name", S("mine")), Col("owner_rep_id", S("rep-a"))}},
                  {"customers", "c2", {Col("name", S("for b")), Col("owner_rep_id", S("rep-b"))}},
                  {"customers", "c3", {Col("name", S("nobody's"))}}}));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows_accepted, 1u);
  ASSERT_EQ(result->rejections.size(), 2u);
  EXPECT_EQ(result->rejections[0].row_id, "c2");
  auto scope = store_->ScopeOf("rep-a");
  ASSERT_TRUE(scope.ok());
  EXPECT_EQ(scope->count("c1"), 1u);
}

TEST_F(ServerStoreTest, RepsCannotEditAssignmentGradesOrServerTables) {
  ASSERT_TRUE(
      store_
          ->ApplyRepPush(rep_a_,
                         Push("s1", {{"customers",
                                      "c1",
                                      {Col("name", S("mine")), Col("owner_rep_id", S("rep-a"))}}}))
          .ok());
  auto result = store_->ApplyRepPush(
      rep_a_, Push("s2", {{"customers", "c1", {Col("owner_rep_id", S("rep-b"))}},
                          {"customers", "c1", {Col("grade_tier", S("A"))}},
                          {"reps", "rep-a", {Col("role", S("manager"))}},
                          {"customers", "c1", {Col("notes", S("fine"))}}}));
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->rejections.size(), 3u);
  EXPECT_EQ(result->rejections[0].code, "read_only_column");
  EXPECT_EQ(result->rejections[1].code, "read_only_column");
  EXPECT_EQ(result->rejections[2].code, "read_only_table");
  EXPECT_EQ(result->rows_accepted, 1u);
  EXPECT_EQ(QueryValue(store_->hub().db(), "SELECT role FROM reps WHERE id = 'rep-a'"), S("rep"));
}

TEST_F(ServerStoreTest, ARecordCannotBeMovedToAnotherCustomer) {
  ASSERT_TRUE(
      store_
          ->ApplyRepPush(
              rep_a_,
              Push("s1",
                   {{"customers", "c1", {Col("name", S("one")), Col("owner_rep_id", S("rep-a"))}},
                    {"customers", "c2", {Col("name", S("two")), Col("owner_rep_id", S("rep-a"))}},
                    {"contacts", "k1", {Col("customer_id", S("c1")), Col("name", S("王师傅"))}}}))
          .ok());
  auto result =
      store_->ApplyRepPush(rep_a_, Push("s2", {{"contacts", "k1", {Col("customer_id", S("c2"))}}}));
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->rejections.size(), 1u);
  EXPECT_EQ(result->rejections[0].code, "invalid");
}

TEST_F(ServerStoreTest, ScopeEventsFollowOwnershipAndTerritories) {
  auto t = store_->AddTerritory("天河", "GD-GZ", "广州");
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(store_
                  ->Write({RowWrite{
                      "customers", "c1", {{"name", S("x")}, {"territory_id", S(t->c_str())}}}})
                  .ok());
  EXPECT_TRUE(store_->ScopeOf("rep-a")->empty());  // no owner, territory without a rep
  ASSERT_TRUE(store_->AssignTerritory(*t, "rep-a", "test").ok());
  EXPECT_EQ(store_->ScopeOf("rep-a")->count("c1"), 1u);
  ASSERT_TRUE(store_->ReassignCustomer("c1", "rep-b", "test").ok());
  EXPECT_EQ(store_->ScopeOf("rep-a")->count("c1"), 0u);
  EXPECT_EQ(store_->ScopeOf("rep-b")->count("c1"), 1u);
  auto events_a = store_->ScopeEventsAfter("rep-a", 0, 10);
  ASSERT_TRUE(events_a.ok());
  ASSERT_EQ(events_a->size(), 2u);
  EXPECT_TRUE((*events_a)[0].added);
  EXPECT_FALSE((*events_a)[1].added);
  EXPECT_LT((*events_a)[0].seq, (*events_a)[1].seq);
  EXPECT_EQ(store_->ReassignCustomer("nope", "rep-b", "test").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ReassignCustomer("c1", "nobody", "test").code(), StatusCode::kNotFound);
}

TEST_F(ServerStoreTest, APullNeverCarriesAnotherRepsRows) {
  ASSERT_TRUE(
      store_
          ->Write({RowWrite{"customers", "ca", {{"name", S("A's")}, {"owner_rep_id", S("rep-a")}}},
                   RowWrite{"customers", "cb", {{"name", S("B's")}, {"owner_rep_id", S("rep-b")}}},
                   RowWrite{"visits", "vb", {{"customer_id", S("cb")}, {"notes", S("B only")}}},
                   RowWrite{"visits", "va", {{"customer_id", S("ca")}, {"notes", S("A only")}}}})
          .ok());
  uint64_t cursor = 0;
  std::vector<std::string> rows;
  for (int i = 0; i < 20; ++i) {
    auto page = store_->PullForRep("rep-a", cursor, 2);
    ASSERT_TRUE(page.ok());
    for (const RowChange& r : page->changes.rows) rows.push_back(r.table + "/" + r.row_id);
    cursor = page->changes.cursor;
    if (!page->more) break;
  }
  EXPECT_NE(std::find(rows.begin(), rows.end(), "customers/ca"), rows.end());
  EXPECT_NE(std::find(rows.begin(), rows.end(), "visits/va"), rows.end());
  EXPECT_EQ(std::find(rows.begin(), rows.end(), "customers/cb"), rows.end());
  EXPECT_EQ(std::find(rows.begin(), rows.end(), "visits/vb"), rows.end());
  std::ostringstream exported;
  ASSERT_TRUE(store_->ExportForRep("rep-a", exported).ok());
  EXPECT_EQ(exported.str().find("B only"), std::string::npos);
}

}  // namespace
}  // namespace fieldbook::server
