// ServerStore rules in process: credentials, scopes, the push gate and scope-aware pulls.
#include "store/server_store.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <unordered_set>
#include <vector>

#include "support/server_store_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::Exec;
using fieldbook::testing::I;
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
  EXPECT_EQ(QueryValue(store_->sql(), "SELECT count(*) FROM srv_credentials WHERE token_hash = ?",
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
  EXPECT_EQ(QueryValue(store_->sql(), "SELECT role FROM reps WHERE id = 'rep-a'"), S("rep"));
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

// A row the database refuses (a CHECK) in the middle of a push is undone alone: the rows before
// and after it are applied with their scopes, feed entries and sequence numbers, nothing of the
// refused row is (not even its valid column), and the retried set gets the same answer. On
// PostgreSQL the refused statement is undone to its own savepoint inside the push's one
// transaction, which stays usable for the rows after it.
TEST_F(ServerStoreTest, ARowRefusedInTheMiddleOfAPushIsUndoneAloneAndTheRestIsApplied) {
  ASSERT_TRUE(store_
                  ->ApplyRepPush(rep_a_, Push("s1", {{"customers",
                                                      "c0",
                                                      {Col("name", S("老王汽修")),
                                                       Col("owner_rep_id", S("rep-a")),
                                                       Col("customer_type", S("garage"))}}}))
                  .ok());
  const uint64_t before = *store_->hub().LatestSeq();
  const ChangeSet set = Push(
      "s2",
      {{"customers", "c1", {Col("name", S("鑫达汽修")), Col("owner_rep_id", S("rep-a"))}},
       {"visits",
        "v1",
        {Col("customer_id", S("c1")), Col("rep_id", S("rep-a")), Col("check_in", S("2026-12-07"))}},
       {"customers", "c0", {Col("name", S("改名")), Col("customer_type", S("spaceship"))}},
       {"customers", "c2", {Col("name", S("顺通汽配")), Col("owner_rep_id", S("rep-a"))}},
       {"contacts", "k1", {Col("customer_id", S("c0")), Col("name", S("王师傅"))}}});
  auto result = store_->ApplyRepPush(rep_a_, set);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows_accepted, 4u);
  ASSERT_EQ(result->rejections.size(), 1u);
  EXPECT_EQ(result->rejections[0].row_index, 3u);
  EXPECT_EQ(result->rejections[0].code, "constraint");
  SqlDb& db = store_->sql();
  EXPECT_EQ(QueryValue(db, "SELECT name FROM customers WHERE id = 'c0'"), S("老王汽修"));
  EXPECT_EQ(QueryValue(db, "SELECT customer_type FROM customers WHERE id = 'c0'"), S("garage"));
  EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM customers WHERE id IN ('c1', 'c2')"), I(2));
  EXPECT_EQ(QueryValue(db, "SELECT customer_id FROM visits WHERE id = 'v1'"), S("c1"));
  EXPECT_EQ(QueryValue(db, "SELECT customer_id FROM contacts WHERE id = 'k1'"), S("c0"));
  auto scope = store_->ScopeOf("rep-a");
  ASSERT_TRUE(scope.ok());
  EXPECT_EQ(*scope, (std::unordered_set<std::string>{"c0", "c1", "c2"}));
  auto events = store_->ScopeEventsAfter("rep-a", before, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].customer_id, "c1");
  EXPECT_EQ((*events)[1].customer_id, "c2");
  // Four changed rows and two scope events, each with its own number.
  EXPECT_EQ(*store_->hub().LatestSeq(), before + 6);
  // The rep's pull from before the push brings the four rows, and nothing of c0's refused edit.
  std::set<std::string> pulled;
  uint64_t cursor = before;
  for (int i = 0; i < 20; ++i) {
    auto page = store_->PullForRep("rep-a", cursor, 2);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const RowChange& r : page->changes.rows) pulled.insert(r.table + "/" + r.row_id);
    cursor = page->changes.cursor;
    if (!page->more) break;
  }
  EXPECT_EQ(pulled,
            (std::set<std::string>{"contacts/k1", "customers/c1", "customers/c2", "visits/v1"}));
  // Sent again, the set is answered as before and changes nothing.
  auto again = store_->ApplyRepPush(rep_a_, set);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->rows_accepted, 4u);
  ASSERT_EQ(again->rejections.size(), 1u);
  EXPECT_EQ(again->rejections[0].row_index, 3u);
  EXPECT_EQ(*store_->hub().LatestSeq(), before + 6);
}

// A push whose gate cannot decide (a read it needs fails) is undone whole, and the hub forgets
// what it cached from it: the origin it registered for a new device. Until session 15,
// ApplyRepPush rolled back its own transaction around the hub's, whose savepoint the hub had
// released keeping the device's origin index: the device's later rows were stored under an index
// fb_origins no longer held (on SQLite, the next new device's).
TEST_F(ServerStoreTest, APushWhoseGateFailsIsUndoneWholeAndItsDevicesOriginIsRegisteredAgain) {
  ASSERT_TRUE(
      store_
          ->Write({RowWrite{"customers", "ca", {{"name", S("A's")}, {"owner_rep_id", S("rep-a")}}},
                   RowWrite{"customers", "cb", {{"name", S("B's")}, {"owner_rep_id", S("rep-b")}}}})
          .ok());
  auto from = [](const std::string& device, const std::string& set_id,
                 std::vector<RowChange> rows) {
    ChangeSet set = Push(set_id, std::move(rows));
    set.replica_id = device;
    set.origins = {device};
    return set;
  };
  auto visit = [&](const char* id, const char* customer) {
    return RowChange{
        "visits",
        id,
        {Col("customer_id", S(customer)), Col("rep_id", S("rep-a")), Col("notes", S(id))}};
  };
  // kb's customer is not rep-a's: the gate looks for a removal in srv_scope_events, made to fail.
  const ChangeSet first =
      from("device-x", "x1",
           {visit("va", "ca"),
            RowChange{"contacts", "kb", {Col("customer_id", S("cb")), Col("name", S("planted"))}}});
  SqlDb& db = store_->sql();
  // What a push writes besides its rows: the sequence, the reps' feeds, the origins, the stored
  // answers. A failed push leaves each as it was.
  auto bookkeeping = [&] {
    std::vector<Value> out;
    for (const char* q : {"SELECT count(*) FROM srv_feed", "SELECT max(seq) FROM srv_feed",
                          "SELECT count(*) FROM fb_origins", "SELECT max(idx) FROM fb_origins",
                          "SELECT count(*) FROM fb_applied_sets"}) {
      out.push_back(QueryValue(db, q));
    }
    return out;
  };
  const uint64_t seq_before = *store_->hub().LatestSeq();
  const std::vector<Value> kept = bookkeeping();
  ASSERT_TRUE(Exec(db, "ALTER TABLE srv_scope_events RENAME TO srv_scope_events_away").ok());
  auto failed = store_->ApplyRepPush(rep_a_, first);
  ASSERT_TRUE(Exec(db, "ALTER TABLE srv_scope_events_away RENAME TO srv_scope_events").ok());
  // The gate's read failed, and the push says so (SQLite's kIo, PostgreSQL's kInternal for the
  // missing table; not a refusal of the device's rows).
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().code(), StatusCode::kRejected) << failed.status().ToString();
  EXPECT_NE(failed.status().code(), StatusCode::kInvalidArgument) << failed.status().ToString();
  EXPECT_NE(failed.status().message().find("srv_scope_events"), std::string::npos)
      << failed.status().ToString();
  EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM visits"), I(0));
  EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM fb_origins WHERE replica_id = 'device-x'"), I(0));
  EXPECT_EQ(*store_->hub().LatestSeq(), seq_before);
  EXPECT_EQ(bookkeeping(), kept);
  // Another device registers next, then device-x sends its set again: applied this time. The
  // push after the failure takes the next number after what was stored (on SQLite the counter
  // may skip the numbers the failed push used: a gap, never a number used twice).
  auto next = store_->ApplyRepPush(rep_a_, from("device-y", "y1", {visit("vy", "ca")}));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->rows_accepted, 1u);
  EXPECT_TRUE(next->rejections.empty());
  const uint64_t seq_next = *store_->hub().LatestSeq();
  EXPECT_GT(seq_next, seq_before);
  EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM srv_feed"),
            I(std::get<int64_t>(kept[0]) + 1));  // vy, for rep-a
  EXPECT_EQ(QueryValue(db, "SELECT max(seq) FROM srv_feed"), I(static_cast<int64_t>(seq_next)));
  EXPECT_EQ(QueryValue(db, "SELECT _seq FROM visits WHERE id = 'vy'"),
            I(static_cast<int64_t>(seq_next)));
  EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM fb_origins"), I(std::get<int64_t>(kept[2]) + 1));
  auto again = store_->ApplyRepPush(rep_a_, first);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->rows_accepted, 1u);
  ASSERT_EQ(again->rejections.size(), 1u);
  EXPECT_EQ(again->rejections[0].code, "out_of_scope");
  EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM fb_origins WHERE replica_id = 'device-x'"), I(1));
  // Each visit's columns name the device that wrote them, as a pull carries them.
  std::map<std::string, std::set<std::string>> origins;
  uint64_t cursor = 0;
  for (int i = 0; i < 20; ++i) {
    auto page = store_->PullForRep("rep-a", cursor, 50);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const RowChange& r : page->changes.rows) {
      for (const ColumnChange& c : r.columns) {
        ASSERT_LT(c.origin, page->changes.origins.size());
        origins[r.row_id].insert(page->changes.origins[c.origin]);
      }
    }
    cursor = page->changes.cursor;
    if (!page->more) break;
  }
  EXPECT_EQ(origins["va"], std::set<std::string>{"device-x"});
  EXPECT_EQ(origins["vy"], std::set<std::string>{"device-y"});
}

// Issue 13, write isolation: rep-a attacks rep-b's customer cb with crafted pushes.
class WriteIsolationTest : public ServerStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreTest::SetUp());
    auto t = store_->AddTerritory("天河", "GD-GZ", "广州");
    ASSERT_TRUE(t.ok());
    territory_ = *t;
    ASSERT_TRUE(store_->AssignTerritory(territory_, "rep-b", "test").ok());
    ASSERT_TRUE(
        store_
            ->Write(
                {RowWrite{"customers", "ca", {{"name", S("A's")}, {"owner_rep_id", S("rep-a")}}},
                 RowWrite{"customers", "cb", {{"name", S("B's")}, {"owner_rep_id", S("rep-b")}}},
                 RowWrite{"contacts", "ka", {{"customer_id", S("ca")}, {"name", S("A's man")}}},
                 RowWrite{"orders",
                          "ob",
                          {{"customer_id", S("cb")},
                           {"rep_id", S("rep-b")},
                           {"order_date", S("2026-11-20")},
                           {"amount_cents", I(990000)}}},
                 RowWrite{"orders",
                          "oa",
                          {{"customer_id", S("ca")},
                           {"rep_id", S("rep-a")},
                           {"order_date", S("2026-11-20")},
                           {"amount_cents", I(100)}}}})
            .ok());
    b_before_ = ExportB();
  }

  std::string ExportB() {
    std::ostringstream out;
    EXPECT_TRUE(store_->ExportForRep("rep-b", out).ok());
    return out.str();
  }

  // Pushes one row as rep-a; returns the rejection code ("" when accepted).
  std::string PushOne(const std::string& set_id, RowChange row) {
    auto result = store_->ApplyRepPush(rep_a_, Push(set_id, {std::move(row)}));
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok() || result->rejections.empty()) return "";
    return result->rejections[0].code;
  }

  int64_t Count(const std::string& sql) {
    Value v = QueryValue(store_->sql(), sql);
    return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : -1;
  }

  std::string territory_;
  std::string b_before_;
};

TEST_F(WriteIsolationTest, ARowNamingCustomerIdTwiceIsRefused) {
  // Own customer first, the victim's second with a newer stamp: the copy the merge would keep.
  auto twice = [&](const char* table, const char* id) {
    ColumnChange own = Col("customer_id", S("ca"));
    ColumnChange victim = Col("customer_id", S("cb"));
    RowChange row{table, id, {own, Col("notes", S("planted")), victim}};
    if (std::string(table) == "visits") row.columns.push_back(Col("rep_id", S("rep-a")));
    if (std::string(table) == "contacts") row.columns.push_back(Col("name", S("planted")));
    return row;
  };
  EXPECT_EQ(PushOne("s1", twice("contacts", "k-new")), "invalid");
  EXPECT_EQ(PushOne("s2", twice("visits", "v-new")), "invalid");
  // Moving an existing contact of one's own into the victim's customer.
  EXPECT_EQ(PushOne("s3", RowChange{"contacts",
                                    "ka",
                                    {Col("customer_id", S("ca")), Col("customer_id", S("cb"))}}),
            "invalid");
  // A new customer owned first by the pusher, then by the victim.
  EXPECT_EQ(PushOne("s4", RowChange{"customers",
                                    "c-planted",
                                    {Col("name", S("planted")), Col("owner_rep_id", S("rep-a")),
                                     Col("owner_rep_id", S("rep-b"))}}),
            "invalid");
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE id = 'c-planted'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM contacts WHERE customer_id = 'cb'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM visits WHERE customer_id = 'cb'"), 0);
  EXPECT_EQ(QueryValue(store_->sql(), "SELECT customer_id FROM contacts WHERE id = 'ka'"), S("ca"));
  EXPECT_EQ(ExportB(), b_before_);
  EXPECT_EQ(store_->ScopeOf("rep-b")->size(), 1u);
}

TEST_F(WriteIsolationTest, AVoidMustNameAFactOfTheSameCustomer) {
  // An order on one's own customer voiding the victim's order is refused...
  EXPECT_EQ(PushOne("s1", RowChange{"orders",
                                    "o-void",
                                    {Col("customer_id", S("ca")), Col("rep_id", S("rep-a")),
                                     Col("amount_cents", I(0)), Col("voids_id", S("ob"))}}),
            "invalid");
  // ...as is a void of nothing, or of itself...
  EXPECT_EQ(PushOne("s2", RowChange{"orders",
                                    "o-void2",
                                    {Col("customer_id", S("ca")), Col("rep_id", S("rep-a")),
                                     Col("voids_id", S("no-such-order"))}}),
            "invalid");
  EXPECT_EQ(PushOne("s3", RowChange{"orders",
                                    "o-self",
                                    {Col("customer_id", S("ca")), Col("rep_id", S("rep-a")),
                                     Col("voids_id", S("o-self"))}}),
            "invalid");
  // ...while a correction of one's own customer's order is accepted.
  EXPECT_EQ(PushOne("s4", RowChange{"orders",
                                    "o-fix",
                                    {Col("customer_id", S("ca")), Col("rep_id", S("rep-a")),
                                     Col("amount_cents", I(50)), Col("voids_id", S("oa"))}}),
            "");
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE voids_id = 'ob'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE voids_id = 'oa'"), 1);
  EXPECT_EQ(ExportB(), b_before_);
}

TEST_F(WriteIsolationTest, FactsCarryThePushingRep) {
  EXPECT_EQ(PushOne("s1", RowChange{"visits",
                                    "v-as-b",
                                    {Col("customer_id", S("ca")), Col("rep_id", S("rep-b")),
                                     Col("notes", S("in B's name"))}}),
            "invalid");
  EXPECT_EQ(PushOne("s2", RowChange{"feedback",
                                    "f-nobody",
                                    {Col("customer_id", S("ca")), Col("satisfaction", I(5))}}),
            "invalid");
  EXPECT_EQ(PushOne("s3", RowChange{"visits",
                                    "v-own",
                                    {Col("customer_id", S("ca")), Col("rep_id", S("rep-a")),
                                     Col("notes", S("mine"))}}),
            "");
  EXPECT_EQ(Count("SELECT count(*) FROM visits WHERE rep_id = 'rep-b'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM feedback"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM visits WHERE id = 'v-own'"), 1);
}

TEST_F(WriteIsolationTest, ServerOwnedColumnsAreServerOwnedOnInsertToo) {
  // A new customer in the victim's territory, so its territory's rep would hold it too.
  EXPECT_EQ(PushOne("s1", RowChange{"customers",
                                    "c-terr",
                                    {Col("name", S("mine")), Col("owner_rep_id", S("rep-a")),
                                     Col("territory_id", S(territory_.c_str()))}}),
            "read_only_column");
  EXPECT_EQ(PushOne("s2", RowChange{"customers",
                                    "c-graded",
                                    {Col("name", S("mine")), Col("owner_rep_id", S("rep-a")),
                                     Col("grade_tier", S("A"))}}),
            "read_only_column");
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE id IN ('c-terr', 'c-graded')"), 0);
  // Declared once, in the catalog.
  const TableInfo* customers = store_->hub().catalog().Find("customers");
  ASSERT_NE(customers, nullptr);
  for (const char* c : {"owner_rep_id", "territory_id", "grade_tier", "grade_reasons", "graded_at"})
    EXPECT_TRUE(customers->IsServerOwned(c)) << c;
  for (const char* c : {"name", "notes", "deleted"}) EXPECT_FALSE(customers->IsServerOwned(c)) << c;
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

// New customers of ONE push with the same phone (written two ways) or the same name and city are
// flagged as possible duplicates, a pair once; one pushed deleted keeps empty keys and is nobody's
// duplicate. The flags are written when the push finishes, customer by customer, in the push's
// one transaction: on PostgreSQL (pg.ServerStoreTest) each customer's keys are written and the
// others' looked up in ONE statement (a data-modifying WITH, duplicate_detector.cc) whose look-up
// does not see its own insert, so the second customer must find the first's keys, written by the
// statement before it. A later push's customer with that phone is a pair with each of the two.
TEST_F(ServerStoreTest, NewCustomersOfOnePushWithOnePhoneAreFlaggedAsPossibleDuplicates) {
  auto customer = [&](const char* id, const char* name, const char* city, const char* phone,
                      bool deleted = false) {
    RowChange row{"customers", id, {Col("name", S(name)), Col("city", S(city))}};
    if (phone != nullptr) row.columns.push_back(Col("phone", S(phone)));
    if (deleted) row.columns.push_back(Col("deleted", I(1)));
    row.columns.push_back(Col("owner_rep_id", S("rep-a")));
    return row;
  };
  SqlDb& db = store_->sql();
  auto pairs = [&db] {
    std::vector<std::string> out;
    auto list = db.Prepare(
        "SELECT customer_a, customer_b, reason, status FROM fb_possible_duplicates "
        "ORDER BY customer_a, customer_b");
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    if (!list.ok()) return out;
    while (true) {
      auto row = (*list)->Step();
      EXPECT_TRUE(row.ok()) << row.status().ToString();
      if (!row.ok() || !*row) break;
      out.push_back((*list)->Text(0) + " " + (*list)->Text(1) + ": " + (*list)->Text(2) + " (" +
                    (*list)->Text(3) + ")");
    }
    (*list)->Reset();
    return out;
  };
  const ChangeSet set =
      Push("s1", {customer("c1", "鑫达汽修", "广州", "+86 138-0013-8000"),
                  customer("c2", "鑫达汽车维修", "佛山", "13800138000"),
                  customer("c3", "Bright Auto (Tianhe)", "Guangzhou", nullptr),
                  customer("c4", "bright auto tianhe", "guangzhou", "020-8888 0000"),
                  customer("c5", "鑫达汽修", "广州", "0086 13800138000", /*deleted=*/true)});
  auto pushed = store_->ApplyRepPush(rep_a_, set);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_EQ(pushed->rows_accepted, 5u);
  EXPECT_TRUE(pushed->rejections.empty());
  const std::vector<std::string> want = {"c1 c2: same phone 13800138000 (open)",
                                         "c3 c4: same name and city (open)"};
  EXPECT_EQ(pairs(), want);
  EXPECT_EQ(QueryValue(db,
                       "SELECT count(*) FROM fb_customer_keys WHERE customer_id = 'c5' AND "
                       "phone_key IS NULL AND name_city_key IS NULL"),
            I(1));
  EXPECT_EQ(QueryValue(db, "SELECT phone_key FROM fb_customer_keys WHERE customer_id = 'c2'"),
            S("13800138000"));
  // Sent again: the stored answer, no pair twice.
  auto again = store_->ApplyRepPush(rep_a_, set);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->rows_accepted, 5u);
  EXPECT_EQ(pairs(), want);

  ASSERT_TRUE(
      store_->ApplyRepPush(rep_a_, Push("s2", {customer("c6", "鑫达", "广州", "138 0013 8000")}))
          .ok());
  EXPECT_EQ(pairs(),
            (std::vector<std::string>{
                "c1 c2: same phone 13800138000 (open)", "c1 c6: same phone 13800138000 (open)",
                "c2 c6: same phone 13800138000 (open)", "c3 c4: same name and city (open)"}));
}

}  // namespace
}  // namespace fieldbook::server
