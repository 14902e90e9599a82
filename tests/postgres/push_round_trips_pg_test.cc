// What a device's push costs in round trips on PostgreSQL (issue #15; tests/perf/pg_push_bench.cc
// measures the same on a fleet): counted exactly by PgDb::round_trips, so a statement added to
// the push path, or one batched away, shows here. The cost of one more new customer in a set is
// the difference between two sets of the same shape: 1 and 5 new customers, the fixed cost of a
// push (BEGIN, the claim, the counters, the change log, the stored answer, COMMIT) cancelling out.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fieldbook/change_set.h"
#include "postgres/pg_test_env.h"
#include "store/pg/pg_sql_db.h"
#include "store/server_store.h"
#include "support/fake_clock.h"

namespace fieldbook::pg {
namespace {

using fieldbook::testing::FakeWallClock;
using server::Principal;
using server::ServerStore;
using testing::PgTest;

class PushRoundTripsPgTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto opened = ServerStore::Open(ConninfoWithSchema(), wall_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    pg_ = dynamic_cast<PgSqlDb*>(&store_->sql());
    ASSERT_NE(pg_, nullptr);
    ASSERT_TRUE(store_->AddRep(server::NewRep{"rep-a", "A", "rep", "", "", ""}).ok());
  }

  // A set of `customers` new customers of rep-a (names of their own: no possible duplicates).
  ChangeSet NewCustomers(int customers) {
    ChangeSet set;
    set.set_id = "set-" + std::to_string(++sets_);
    set.replica_id = "device-a";
    const uint32_t self = set.OriginIndex(set.replica_id);
    wall_.Advance(1000);
    const Hlc hlc(wall_.NowMs() << 16);
    for (int i = 0; i < customers; ++i) {
      const std::string id = "cus-" + std::to_string(++next_customer_);
      RowChange c{"customers", id, {}};
      c.columns.push_back({"name", "鑫达汽修 " + id, hlc, self});
      c.columns.push_back({"owner_rep_id", "rep-a", hlc, self});
      c.columns.push_back({"city", "广州", hlc, self});
      set.rows.push_back(std::move(c));
    }
    return set;
  }

  // The round trips of one push, which must apply every row.
  uint64_t Push(const ChangeSet& set) {
    const uint64_t before = pg_->db().round_trips();
    auto pushed = store_->ApplyRepPush(Principal("rep-a", "A", "rep", 0, "phone"), set);
    EXPECT_TRUE(pushed.ok()) << pushed.status().ToString();
    if (pushed.ok()) {
      EXPECT_EQ(pushed->rows_accepted, set.rows.size());
      EXPECT_TRUE(pushed->rejections.empty());
    }
    return pg_->db().round_trips() - before;
  }

  FakeWallClock wall_;
  std::unique_ptr<ServerStore> store_;
  PgSqlDb* pg_ = nullptr;
  int sets_ = 0, next_customer_ = 0;
};

// A new customer costs 7 round trips: the gate's read of the row, its INSERT, its feed's holders
// (srv_scope), who holds it now, its srv_scope row with its scope event (one statement), its
// values for the duplicate keys, its keys with the look-up of other customers' (one statement).
// Until session 16 it cost 10: the scope row and event, the keys and the look-up, two
// statements each, and its verification digest (fb_owner_digests) one of its own, where a push's
// digests now go up to 64 in one statement.
TEST_F(PushRoundTripsPgTest, ANewCustomerCostsSevenRoundTrips) {
  ASSERT_GT(Push(NewCustomers(5)), 0u);  // every statement prepared
  const uint64_t one = Push(NewCustomers(1));
  const uint64_t five = Push(NewCustomers(5));
  EXPECT_EQ(five - one, 4u * 7u) << "one new customer: " << one << ", five: " << five;
  // Each is in rep-a's scope with its scope event, and in the duplicate keys.
  auto scope = store_->ScopeOf("rep-a");
  ASSERT_TRUE(scope.ok()) << scope.status().ToString();
  EXPECT_EQ(scope->size(), 11u);
  auto counts = db_->Exec(
      "SELECT (SELECT count(*) FROM srv_scope_events WHERE kind = 'added' AND rep_id = 'rep-a'), "
      "(SELECT count(*) FROM fb_customer_keys WHERE name_city_key IS NOT NULL), "
      "(SELECT count(*) FROM fb_possible_duplicates)");
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->Int(0, 0), 11);
  EXPECT_EQ(counts->Int(0, 1), 11);
  EXPECT_EQ(counts->Int(0, 2), 0);
}

}  // namespace
}  // namespace fieldbook::pg
