// The hub's epoch when several instances open one new PostgreSQL database at once (issue #15,
// docs/postgres.md "Serving from PostgreSQL"): ServerStore::Open starts the epoch of a database
// that has none with one conditional write (StartEpoch), so every instance ends up with the same
// epoch, whoever commits first. A device that synced with an instance whose epoch was later
// overwritten would be told to rebuild for nothing (docs/sync.md, restore epochs).
//
// ServerStoreEpochTest.InstancesOpeningAtOnceAgreeOnTheEpoch: 8 threads open ServerStores on one
// fresh schema at the same moment; each reads its epoch as soon as its Open returns; all equal the
// stored one. The race window is one round trip, so this run alone may pass without the fix.
//
// ServerStoreEpochTest.AnEpochStartedByAnotherInstanceIsKeptNotOverwritten makes the window wide
// and the failure certain: a first instance's epoch is written and not yet committed (a session
// holds fb_hub_seq's row) while 6 instances open; once it commits, every instance must read that
// epoch. Before the fix each read 0 and overwrote it in turn (6 different epochs).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "postgres/pg_test_env.h"
#include "store/pg/pg_schema.h"
#include "store/server_store.h"
#include "support/fake_clock.h"

namespace fieldbook::testing {
namespace {

using server::ServerStore;

class ServerStoreEpochTest : public pg::testing::PgTest {
 protected:
  // Opens `n` ServerStores on this test's schema from `n` threads at once; each thread's epoch as
  // read right after its Open (0 when the open failed, with a test failure). `opening` runs on
  // this thread once the threads have started.
  std::vector<uint64_t> OpenAtOnce(int n, const std::function<void()>& opening = {}) {
    std::vector<uint64_t> epochs(static_cast<size_t>(n), 0);
    std::vector<std::string> errors(static_cast<size_t>(n));
    std::latch start(n);
    std::vector<std::thread> threads;
    const std::string where = ConninfoWithSchema();
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        FakeWallClock wall;
        start.arrive_and_wait();
        auto store = ServerStore::Open(where, wall);
        if (!store.ok()) {
          errors[static_cast<size_t>(i)] = store.status().ToString();
          return;
        }
        auto epoch = (*store)->Epoch();
        if (epoch.ok()) epochs[static_cast<size_t>(i)] = *epoch;
        if (!epoch.ok()) errors[static_cast<size_t>(i)] = epoch.status().ToString();
      });
    }
    if (opening) opening();
    for (auto& t : threads) t.join();
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(errors[static_cast<size_t>(i)], "") << "instance " << i;
    }
    return epochs;
  }

  uint64_t StoredEpoch() {
    auto row = db_->Exec("SELECT epoch FROM fb_hub_seq");
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    return row.ok() && row->size() == 1 ? static_cast<uint64_t>(row->Int(0, 0)) : 0;
  }
};

TEST_F(ServerStoreEpochTest, InstancesOpeningAtOnceAgreeOnTheEpoch) {
  const std::vector<uint64_t> epochs = OpenAtOnce(8);
  const uint64_t stored = StoredEpoch();
  EXPECT_NE(stored, 0u);
  for (size_t i = 0; i < epochs.size(); ++i) EXPECT_EQ(epochs[i], stored) << "instance " << i;
}

TEST_F(ServerStoreEpochTest, AnEpochStartedByAnotherInstanceIsKeptNotOverwritten) {
  ASSERT_TRUE(pg::MigratePg(*db_).ok());
  constexpr uint64_t kFirst = 4242;
  constexpr int kInstances = 6;
  auto first = pg::PgTransaction::Begin(*db_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(db_->Exec("UPDATE fb_hub_seq SET epoch = $1", {int64_t{kFirst}}).ok());
  const std::vector<uint64_t> epochs = OpenAtOnce(kInstances, [&] {
    // Every instance has read epoch 0 and now waits for the first one's row: commit it. (Waiting
    // for all of them keeps the test certain; their lock timeout is 10 s, this waits at most 8.)
    // (Asked on another session: pg_stat_activity is read once per transaction.)
    std::unique_ptr<pg::PgDb> watcher = Connect();
    ASSERT_NE(watcher, nullptr);
    int waiting = 0;
    for (int i = 0; i < 800 && waiting < kInstances; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      auto rows = watcher->Exec(
          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
          "query LIKE 'UPDATE fb_hub_seq SET epoch%'");
      ASSERT_TRUE(rows.ok()) << rows.status().ToString();
      waiting = static_cast<int>(rows->Int(0, 0));
    }
    EXPECT_EQ(waiting, kInstances) << "instances waiting for the first one's epoch";
    EXPECT_TRUE((*first)->Commit().ok());
  });
  EXPECT_EQ(StoredEpoch(), kFirst);
  for (size_t i = 0; i < epochs.size(); ++i) EXPECT_EQ(epochs[i], kFirst) << "instance " << i;
}

}  // namespace
}  // namespace fieldbook::testing
