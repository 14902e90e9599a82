// Named leases on PostgreSQL (server/store/pg/pg_lease.h): the nightly job runs on one instance
// at a time, a killed holder's lease is taken over once it expires (issue #15 item 3).
#include "store/pg/pg_lease.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
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
  ASSERT_TRUE(lease.Acquire("killed", 1000).ok());
  ASSERT_TRUE(lease.Renew("killed", 1000, 3).ok());
  EXPECT_EQ(lease.Acquire("next", 60000).code(), StatusCode::kConflict);
  std::this_thread::sleep_for(1500ms);  // the holder was killed: it stops renewing
  ASSERT_TRUE(lease.Acquire("next", 60000).ok());
  auto current = lease.Current();
  ASSERT_TRUE(current.ok() && current->has_value());
  EXPECT_EQ((*current)->holder, "next");
  EXPECT_EQ((*current)->run_id, 0);  // the old holder's run is not the new one's
  EXPECT_EQ(lease.Renew("killed", 1000).code(), StatusCode::kConflict);
}

// Six instances compete for the lease many times, each on its own connection; a holder works a
// little, renews and releases; twice a holder "dies" without releasing and the others wait for the
// lease to expire. Never two holders at once: the spans in which holders knew they held it
// (from Acquire's return to the start of a Renew that succeeded) never overlap, and a Renew fails
// only when the lease had time to expire (a holder stalled longer than the TTL by the machine's
// load), never because another instance took a live lease.
TEST_F(PgLeaseTest, CompetingInstancesNeverHoldItAtOnce) {
  using Clock = std::chrono::steady_clock;
  constexpr int kInstances = 6;
  constexpr int kRuns = 60;  // successful holds wanted in all
  constexpr auto kTtl = 1500ms;
  std::mutex mu;
  std::vector<std::pair<Clock::time_point, Clock::time_point>> holds;
  std::atomic<int> runs{0}, deaths{0}, conflicts{0}, stolen{0}, expired{0};
  std::vector<std::thread> instances;
  for (int i = 0; i < kInstances; ++i) {
    instances.emplace_back([&, i] {
      auto db = PgDb::Connect(conninfo(), {.search_path = schema()});
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      PgLease lease(**db, "nightly");
      const std::string me = "instance-" + std::to_string(i);
      std::mt19937 rng(static_cast<unsigned>(i + 1));
      std::uniform_int_distribution<int> work_us(0, 3000);
      const auto deadline = Clock::now() + 60s;
      while (runs.load() < kRuns && Clock::now() < deadline) {
        const auto called = Clock::now();
        Status taken = lease.Acquire(me, kTtl.count());
        const auto acquired = Clock::now();
        if (taken.code() == StatusCode::kConflict) {
          ++conflicts;
          std::this_thread::sleep_for(std::chrono::microseconds(work_us(rng)));
          continue;
        }
        ASSERT_TRUE(taken.ok()) << taken.ToString();
        const int run = ++runs;
        std::this_thread::sleep_for(std::chrono::microseconds(work_us(rng)));
        const auto renewing = Clock::now();
        Status renewed = lease.Renew(me, kTtl.count(), run);
        if (renewed.code() == StatusCode::kConflict) {
          // Legitimate only if the lease could have expired since it was taken.
          ++(Clock::now() - called >= kTtl ? expired : stolen);
          continue;
        }
        ASSERT_TRUE(renewed.ok()) << renewed.ToString();
        {
          std::lock_guard lock(mu);
          holds.emplace_back(acquired, renewing);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(work_us(rng)));
        if (run % 25 == 0) {  // this holder dies holding the lease
          ++deaths;
          return;
        }
        ASSERT_TRUE(lease.Release(me).ok());
      }
    });
  }
  for (auto& t : instances) t.join();
  std::sort(holds.begin(), holds.end());
  int overlaps = 0;
  for (size_t i = 1; i < holds.size(); ++i) {
    if (holds[i].first < holds[i - 1].second) ++overlaps;
  }
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(stolen.load(), 0);
  EXPECT_GE(runs.load(), kRuns);
  EXPECT_GE(holds.size(), static_cast<size_t>(kRuns) - expired.load());
  EXPECT_GT(conflicts.load(), 0);  // they did compete
  EXPECT_GT(deaths.load(), 0);     // and a dead holder's lease was taken over
}

}  // namespace
}  // namespace fieldbook::pg
