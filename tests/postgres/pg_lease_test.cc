// Named leases on PostgreSQL (server/store/pg/pg_lease.h): the nightly job runs on one instance
// at a time, a killed holder's lease is taken over once it expires (issue #15 item 3).
#include "store/pg/pg_lease.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "postgres/pg_test_env.h"

namespace fieldbook::pg {
namespace {

using namespace std::chrono_literals;
using testing::PgMigratedTest;

using PgLeaseTest = PgMigratedTest;

TEST_F(PgLeaseTest, OneHolderAtATime) {
  PgLease lease(*db_, "nightly");
  ASSERT_TRUE(lease.Acquire("host-a:1", 60000).ok());
  Status other = lease.Acquire("host-b:2", 60000);
  EXPECT_EQ(other.code(), StatusCode::kConflict);
  EXPECT_NE(other.message().find("host-a:1"), std::string::npos) << other.message();
  EXPECT_TRUE(lease.Acquire("host-a:1", 60000).ok());  // its own: taken again
  ASSERT_TRUE(lease.Renew("host-a:1", 60000, 7).ok());
  EXPECT_EQ(lease.Renew("host-b:2", 60000).code(), StatusCode::kConflict);
  auto current = lease.Current();
  ASSERT_TRUE(current.ok() && current->has_value());
  EXPECT_EQ((*current)->holder, "host-a:1");
  EXPECT_EQ((*current)->run_id, 7);
  EXPECT_GT((*current)->expires_in_ms, 50000);
  ASSERT_TRUE(lease.Release("host-b:2").ok());  // not the holder: nothing happens
  EXPECT_EQ(lease.Acquire("host-b:2", 60000).code(), StatusCode::kConflict);
  ASSERT_TRUE(lease.Release("host-a:1").ok());
  EXPECT_TRUE(lease.Acquire("host-b:2", 60000).ok());
  EXPECT_TRUE(PgLease(*db_, "other-job").Acquire("host-a:1", 60000).ok());  // names are apart
  EXPECT_EQ(lease.Acquire("", 1000).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(lease.Acquire("x", 0).code(), StatusCode::kInvalidArgument);
}

TEST_F(PgLeaseTest, AnExpiredLeaseIsTakenOverAndItsOldHolderCannotRenew) {
  PgLease lease(*db_, "nightly");
  ASSERT_TRUE(lease.Acquire("killed", 200).ok());
  ASSERT_TRUE(lease.Renew("killed", 200, 3).ok());
  EXPECT_EQ(lease.Acquire("next", 60000).code(), StatusCode::kConflict);
  std::this_thread::sleep_for(400ms);  // the holder was killed: it stops renewing
  ASSERT_TRUE(lease.Acquire("next", 60000).ok());
  auto current = lease.Current();
  ASSERT_TRUE(current.ok() && current->has_value());
  EXPECT_EQ((*current)->holder, "next");
  EXPECT_EQ((*current)->run_id, 0);  // the old holder's run is not the new one's
  EXPECT_EQ(lease.Renew("killed", 200).code(), StatusCode::kConflict);
}

// Six instances compete for the lease many times, each on its own connection; a holder works a
// little, renews (which must succeed: it still holds it) and releases; twice a holder "dies"
// without releasing and the others wait for the lease to expire. Never two holders at once.
TEST_F(PgLeaseTest, CompetingInstancesNeverHoldItAtOnce) {
  constexpr int kInstances = 6;
  constexpr int kRuns = 60;  // successful holds wanted in all
  constexpr int64_t kTtlMs = 1500;
  std::atomic<int> inside{0}, overlaps{0}, runs{0}, deaths{0}, conflicts{0};
  std::vector<std::thread> instances;
  for (int i = 0; i < kInstances; ++i) {
    instances.emplace_back([&, i] {
      auto db = PgDb::Connect(conninfo(), {.search_path = schema()});
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      PgLease lease(**db, "nightly");
      const std::string me = "instance-" + std::to_string(i);
      std::mt19937 rng(static_cast<unsigned>(i + 1));
      std::uniform_int_distribution<int> work_us(0, 3000);
      const auto deadline = std::chrono::steady_clock::now() + 60s;
      while (runs.load() < kRuns && std::chrono::steady_clock::now() < deadline) {
        Status taken = lease.Acquire(me, kTtlMs);
        if (taken.code() == StatusCode::kConflict) {
          ++conflicts;
          std::this_thread::sleep_for(std::chrono::microseconds(work_us(rng)));
          continue;
        }
        ASSERT_TRUE(taken.ok()) << taken.ToString();
        if (inside.fetch_add(1) != 0) ++overlaps;
        const int run = ++runs;
        std::this_thread::sleep_for(std::chrono::microseconds(work_us(rng)));
        Status renewed = lease.Renew(me, kTtlMs, run);
        ASSERT_TRUE(renewed.ok()) << renewed.ToString();
        std::this_thread::sleep_for(std::chrono::microseconds(work_us(rng)));
        inside.fetch_sub(1);
        if (run % 25 == 0) {  // this holder dies holding the lease
          ++deaths;
          return;
        }
        ASSERT_TRUE(lease.Release(me).ok());
      }
    });
  }
  for (auto& t : instances) t.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_GE(runs.load(), kRuns);
  EXPECT_EQ(deaths.load(), 2);
  EXPECT_GT(conflicts.load(), 0);  // they did compete
}

}  // namespace
}  // namespace fieldbook::pg
