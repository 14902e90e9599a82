// Concurrency in one server process, end to end (issue #15 item 1): hundreds of devices syncing
// at once against the real fieldbook-server with few workers (their requests queue), small
// pages, /healthz polled all along; then kill -9 right after the last acknowledgement: nothing
// acknowledged is lost.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_fixture.h"
#include "store/server_store.h"

namespace fieldbook::testing {
namespace {

using namespace std::chrono_literals;

class ConcurrencyIntegrationTest : public ServerFixture {};

TEST_F(ConcurrencyIntegrationTest,
       HundredsOfDevicesAtOnceConvergeHealthAnswersAndKill9LosesNothing) {
  constexpr int kReps = 200;
  constexpr int kCustomers = 12;  // per rep; pages of 25 rows (the 200 reps themselves are 8 pages)
  constexpr int kRounds = 2;      // edit + sync rounds per device
  InitDb();
  std::vector<std::string> tokens;
  {
    // Hundreds of `rep add` processes would take minutes on a busy machine: the store directly.
    SystemWallClock wall;
    auto store = server::ServerStore::Open(db_, wall);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int i = 0; i < kReps; ++i) {
      const std::string id = "rep-" + std::to_string(i);
      auto added =
          (*store)->AddRep(server::NewRep{id, "Rep " + std::to_string(i), "rep", "", "", ""});
      ASSERT_TRUE(added.ok()) << added.status().ToString();
      tokens.push_back(added->second);
    }
  }
  // Few workers for many devices: requests queue (a full queue's 503 + Retry-After and the
  // client's retries are tested in concurrency_test.cc). All devices share one address.
  StartServer(false,
              {"--workers", "4", "--max-connections-per-address", "1000", "--page-rows", "25"});
  sync_page_rows_ = 25;

  std::atomic<bool> done{false};
  std::atomic<int> health_ok{0}, health_failed{0};
  std::atomic<int64_t> health_worst_ms{0};
  std::thread health([&] {
    auto http = client::HttpClient::Create(server_->url());
    ASSERT_TRUE(http.ok());
    while (!done.load()) {
      const auto t0 = std::chrono::steady_clock::now();
      auto reply = (*http)->Get("/healthz");
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
      if (reply.ok() && reply->status == 200) {
        ++health_ok;
      } else {
        ++health_failed;
      }
      int64_t worst = health_worst_ms.load();
      while (ms > worst && !health_worst_ms.compare_exchange_weak(worst, ms)) {
      }
      std::this_thread::sleep_for(20ms);
    }
  });

  std::mutex errors_mu;
  std::vector<std::string> errors;
  std::vector<std::unique_ptr<Replica>> replicas(kReps);
  for (int i = 0; i < kReps; ++i) {
    auto r = Replica::Open(dir_.File("device-" + std::to_string(i) + ".db"), wall_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    replicas[static_cast<size_t>(i)] = std::move(*r);
  }
  std::vector<std::thread> devices;
  for (int i = 0; i < kReps; ++i) {
    devices.emplace_back([&, i] {
      Replica& replica = *replicas[static_cast<size_t>(i)];
      const std::string rep = "rep-" + std::to_string(i);
      auto fail = [&](const std::string& what) {
        std::lock_guard lock(errors_mu);
        errors.push_back(rep + ": " + what);
      };
      std::string sql;
      for (int c = 0; c < kCustomers; ++c) {
        sql += "INSERT INTO customers (id, name, owner_rep_id) VALUES ('" + rep + "-c" +
               std::to_string(c) + "', 'Garage " + std::to_string(c) + "', '" + rep + "');";
      }
      if (Status s = replica.db().ExecScript(sql); !s.ok()) return fail(s.ToString());
      for (int round = 0; round <= kRounds; ++round) {
        if (round > 0) {
          const std::string edit = "UPDATE customers SET notes = 'round " + std::to_string(round) +
                                   "' WHERE id = '" + rep + "-c" + std::to_string(round) + "';";
          if (Status s = replica.db().ExecScript(edit); !s.ok()) return fail(s.ToString());
        }
        auto synced = Sync(replica, tokens[static_cast<size_t>(i)]);
        if (!synced.ok()) return fail("sync: " + synced.status().ToString());
        if (synced->rows_rejected != 0) return fail("rows refused");
      }
    });
  }
  for (auto& t : devices) t.join();
  done = true;
  health.join();
  for (const std::string& e : errors) ADD_FAILURE() << e;
  ASSERT_TRUE(errors.empty());
  // /healthz answered all along, and quickly (it never waits for the store or the workers).
  EXPECT_GT(health_ok.load(), 0);
  EXPECT_EQ(health_failed.load(), 0);
  EXPECT_LT(health_worst_ms.load(), 5000);

  // Every device converges: after one more sync its replica is exactly the rep's server view.
  for (int i : {0, 1, kReps / 2, kReps - 1}) {
    Replica& replica = *replicas[static_cast<size_t>(i)];
    ASSERT_TRUE(Sync(replica, tokens[static_cast<size_t>(i)]).ok());
    EXPECT_EQ(ReplicaExport(replica), ServerExport("rep-" + std::to_string(i))) << i;
  }

  // kill -9 right after the last acknowledgements: every acknowledged write is on disk.
  EXPECT_EQ(server_->Stop(SIGKILL), -SIGKILL);
  SystemWallClock wall;
  auto store = server::ServerStore::Open(db_, wall);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto count = (*store)->hub().db().Prepare(
      "SELECT count(*), sum(notes = 'round 2') FROM customers WHERE id LIKE 'rep-%'");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE((*count)->Step().ok());
  EXPECT_EQ((*count)->Int(0), kReps * kCustomers);
  EXPECT_EQ((*count)->Int(1), kReps);  // each device's last edit, acknowledged just before
  (*count)->Reset();
}

}  // namespace
}  // namespace fieldbook::testing
