// Hub::PurgeTombstones and Hub::AdvanceSeq (the nightly compaction, issue #8).
#include <gtest/gtest.h>

#include "fieldbook/hub.h"
#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook {
namespace {

using testing::FakeWallClock;
using testing::I;
using testing::QueryValue;
using testing::S;

class HubCompactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = Hub::Open(dir_.File("hub.db"), wall_);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    hub_ = std::move(*h);
  }
  void Write(const std::string& table, const std::string& id,
             std::vector<std::pair<std::string, Value>> cols) {
    wall_.Advance(10);
    auto written = hub_->Write(table, id, cols);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    ASSERT_TRUE(written->rejections.empty()) << written->rejections[0].reason;
  }
  int64_t Count(const std::string& sql) {
    const Value v = QueryValue(hub_->db(), sql);
    return std::get<int64_t>(v);
  }

  testing::TempDir dir_;
  FakeWallClock wall_;
  std::unique_ptr<Hub> hub_;
};

TEST_F(HubCompactionTest, PurgesOnlyTombstonesWhoseLastChangeIsBeforeTheBound) {
  Write("customers", "dead", {{"name", S("closed garage")}, {"phone", S("13800138000")}});
  Write("customers", "live", {{"name", S("open garage")}});
  Write("contacts", "k-dead", {{"customer_id", S("live")}, {"name", S("left the job")}});
  Write("visits", "v1", {{"customer_id", S("dead")}, {"notes", S("a fact stays")}});
  Write("customers", "dead", {{"deleted", I(1)}});
  Write("contacts", "k-dead", {{"deleted", I(1)}});
  const uint64_t bound = *hub_->LatestSeq() + 1;
  // Deleted after the bound: too recent to purge.
  Write("tasks", "t-late", {{"customer_id", S("live")}, {"title", S("call")}});
  Write("tasks", "t-late", {{"deleted", I(1)}});
  ASSERT_EQ(Count("SELECT count(*) FROM fb_customer_keys WHERE customer_id = 'dead'"), 1);

  auto purged = hub_->PurgeTombstones(bound, 100);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(purged->rows, 2u);
  EXPECT_FALSE(purged->more);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE id = 'dead'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM contacts WHERE id = 'k-dead'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM fb_customer_keys WHERE customer_id = 'dead'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE id = 'live'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM visits WHERE id = 'v1'"), 1);  // facts are never purged
  EXPECT_EQ(Count("SELECT count(*) FROM tasks WHERE id = 't-late'"), 1);
  // Nothing left to do: a second call is a no-op.
  auto again = hub_->PurgeTombstones(bound, 100);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rows, 0u);
}

TEST_F(HubCompactionTest, PurgesInBoundedBatches) {
  for (int i = 0; i < 5; ++i) {
    const std::string id = "c" + std::to_string(i);
    Write("customers", id, {{"name", S("x")}});
    Write("customers", id, {{"deleted", I(1)}});
  }
  const uint64_t bound = *hub_->LatestSeq() + 1;
  size_t total = 0, calls = 0;
  for (bool more = true; more; ++calls) {
    auto purged = hub_->PurgeTombstones(bound, 2);
    ASSERT_TRUE(purged.ok());
    EXPECT_LE(purged->rows, 2u);
    total += purged->rows;
    more = purged->more;
    ASSERT_LT(calls, 10u);
  }
  EXPECT_EQ(total, 5u);
  EXPECT_EQ(Count("SELECT count(*) FROM customers"), 0);
}

TEST_F(HubCompactionTest, AdvanceSeqOnlyMovesForwardAndNewChangesNumberAboveIt) {
  Write("customers", "c1", {{"name", S("x")}});
  const uint64_t before = *hub_->LatestSeq();
  ASSERT_TRUE(hub_->AdvanceSeq(before + 1000).ok());
  EXPECT_EQ(*hub_->LatestSeq(), before + 1000);
  ASSERT_TRUE(hub_->AdvanceSeq(5).ok());  // never back
  EXPECT_EQ(*hub_->LatestSeq(), before + 1000);
  Write("customers", "c2", {{"name", S("y")}});
  EXPECT_EQ(Count("SELECT _seq FROM customers WHERE id = 'c2'"),
            static_cast<int64_t>(before + 1001));
}

}  // namespace
}  // namespace fieldbook
