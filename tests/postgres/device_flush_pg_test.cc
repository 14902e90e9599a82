// Device activity on PostgreSQL with several instances (issue #15): every instance keeps the
// devices that synced through it and flushes their latest sync times into srv_credentials
// (DeviceTokens::RecordSyncs) under its writer's lock. A device syncs through any instance, so two
// instances flush overlapping devices at the same moment. Updated one device at a time in the
// order each instance saw them, two flushes took the same rows' locks in opposite orders and
// PostgreSQL ended one with "deadlock detected" after deadlock_timeout (1 s, the writer's lock
// held meanwhile: the fleet benchmark's 2-instance tail); RecordSyncs now locks in id order.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "postgres/pg_test_env.h"
#include "store/device_tokens.h"
#include "store/pg/pg_sql_db.h"
#include "support/fake_clock.h"

namespace fieldbook::pg {
namespace {

using fieldbook::testing::FakeWallClock;
using server::DeviceSync;
using server::DeviceTokens;
using testing::PgMigratedTest;

// More devices than one statement of RecordSyncs takes (256), and not a multiple of it.
constexpr int kDevices = 600;
constexpr int kFlushes = 12;

class DeviceFlushPgTest : public PgMigratedTest {
 protected:
  void SetUp() override {
    PgMigratedTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db_->Exec("INSERT INTO srv_credentials (rep_id, device, token_hash, created_ms) "
                          "SELECT 'rep-' || (n % 7), 'device-' || n, 'hash-' || n, 1 "
                          "FROM generate_series(1, $1) AS n",
                          {static_cast<int64_t>(kDevices)})
                    .ok());
    auto ids = db_->Exec("SELECT id FROM srv_credentials ORDER BY id");
    ASSERT_TRUE(ids.ok());
    for (int i = 0; i < ids->size(); ++i) ids_.push_back(ids->Int(i, 0));
    ASSERT_EQ(ids_.size(), static_cast<size_t>(kDevices));
  }

  std::vector<int64_t> ids_;
};

TEST_F(DeviceFlushPgTest, TwoInstancesFlushingTheSameDevicesInOppositeOrdersNeverDeadlock) {
  // Two "instances", each its own connection, flushing every device kFlushes times: one saw them
  // in id order, the other in reverse; each report of a flush is later than the last.
  std::atomic<int> failed{0};
  std::string first_error;
  std::mutex error_mu;
  auto instance = [&](int which) {
    auto conn = Connect();
    PgSqlDb sql(*conn);
    FakeWallClock wall;
    auto tokens = DeviceTokens::Open(sql, wall);
    if (!tokens.ok()) {
      ++failed;
      return;
    }
    for (int flush = 1; flush <= kFlushes; ++flush) {
      std::vector<DeviceSync> syncs;
      for (size_t k = 0; k < ids_.size(); ++k) {
        const size_t i = which == 0 ? k : ids_.size() - 1 - k;
        syncs.push_back({ids_[i], 1000 * flush + which, "10.0." + std::to_string(which) + ".1"});
      }
      Status s = (*tokens)->RecordSyncs(syncs);
      if (!s.ok()) {
        ++failed;
        std::lock_guard lock(error_mu);
        if (first_error.empty()) first_error = s.ToString();
      }
    }
  };
  std::thread a(instance, 0), b(instance, 1);
  a.join();
  b.join();
  EXPECT_EQ(failed.load(), 0) << first_error;
  // Every device holds the latest time reported by either (instance 1's, a millisecond later).
  auto rows = db_->Exec(
      "SELECT count(*) FROM srv_credentials WHERE last_sync_ms = $1 AND last_address = '10.0.1.1'",
      {static_cast<int64_t>(1000 * kFlushes + 1)});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->Int(0, 0), kDevices);
}

TEST_F(DeviceFlushPgTest, OneFlushKeepsEachDevicesLatestSyncAndNeverGoesBack) {
  PgSqlDb sql(*db_);
  FakeWallClock wall;
  auto tokens = DeviceTokens::Open(sql, wall);
  ASSERT_TRUE(tokens.ok());
  std::vector<DeviceSync> syncs;
  for (size_t i = 0; i < ids_.size(); ++i) syncs.push_back({ids_[i], 5000, "a"});
  // Reported twice: an older time is ignored, an equal one's later report wins.
  syncs.push_back({ids_[0], 4000, "older"});
  syncs.push_back({ids_[1], 5000, "equal"});
  syncs.push_back({ids_[2], 6000, "newer"});
  ASSERT_TRUE((*tokens)->RecordSyncs(syncs).ok());
  auto rows = db_->Exec("SELECT id, last_sync_ms, last_address FROM srv_credentials ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), kDevices);
  EXPECT_EQ(rows->Text(0, 2), "a");
  EXPECT_EQ(rows->Int(1, 1), 5000);
  EXPECT_EQ(rows->Text(1, 2), "equal");
  EXPECT_EQ(rows->Int(2, 1), 6000);
  EXPECT_EQ(rows->Text(2, 2), "newer");
  for (int i = 3; i < rows->size(); ++i) EXPECT_EQ(rows->Int(i, 1), 5000) << i;
  // A flush that comes late (an instance that saw an older sync) changes nothing.
  ASSERT_TRUE((*tokens)->RecordSyncs({{ids_[5], 100, "late"}}).ok());
  auto late =
      db_->Exec("SELECT last_sync_ms, last_address FROM srv_credentials WHERE id = $1", {ids_[5]});
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->Int(0, 0), 5000);
  EXPECT_EQ(late->Text(0, 1), "a");
}

}  // namespace
}  // namespace fieldbook::pg
