// Concurrency in one server process, end to end (issue #15 item 1): hundreds of devices syncing
// at once against the real fieldbook-server with few workers (their requests queue), small
// pages, /healthz polled all along; then kill -9 right after the last acknowledgement: nothing
// acknowledged is lost.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
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

// FIELDBOOK_CONCURRENCY_REPS overrides the number of devices (investigations, soaks: 200 took
// several minutes in an ASan build at load 20, queueing, not stalled).
int RepsToRun(int default_reps) {
  const char* env = std::getenv("FIELDBOOK_CONCURRENCY_REPS");
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : default_reps;
}

// The value of the gauge `name` in a /metrics text, or -1 when it is not there.
int64_t Gauge(const std::string& metrics, const std::string& name) {
  const size_t at = metrics.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::atoll(metrics.c_str() + at + name.size() + 2);
}

// A device's transport that marks, from the moment a request goes out until its answer is back,
// that the device waits for the server (`since`: when it began; -1 when not waiting).
class WatchedTransport final : public client::SyncTransport {
 public:
  WatchedTransport(std::unique_ptr<client::HttpSyncTransport> inner, std::atomic<int64_t>& since,
                   std::function<int64_t()> now)
      : inner_(std::move(inner)), since_(since), now_(std::move(now)) {}
  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    since_ = now_();
    auto answer = inner_->Exchange(request);
    since_ = -1;
    return answer;
  }

 private:
  std::unique_ptr<client::HttpSyncTransport> inner_;
  std::atomic<int64_t>& since_;
  std::function<int64_t()> now_;
};

TEST_F(ConcurrencyIntegrationTest,
       DozensOfDevicesAtOnceConvergeHealthAnswersNothingStallsAndKill9LosesNothing) {
  const int kReps = RepsToRun(48);
  constexpr int kCustomers = 12;  // per rep; pages of 25 rows (the reps themselves are 2 pages)
  constexpr int kRounds = 2;      // edit + sync rounds per device
  InitDb();
  std::vector<std::string> tokens;
  {
    // Dozens of `rep add` processes would take minutes on a busy machine: the store directly.
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
  std::vector<std::unique_ptr<Replica>> replicas(static_cast<size_t>(kReps));

  const auto t_start = std::chrono::steady_clock::now();
  auto now_ms = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 t_start)
        .count();
  };
  std::atomic<bool> done{false};
  std::atomic<int> health_ok{0}, health_failed{0};
  std::atomic<int64_t> health_worst_ms{0};
  std::thread health([&] {
    auto http = client::HttpClient::Create(server_->url());
    if (!http.ok()) return;
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

  // The stall detector: a device waiting for an answer while the server has nothing to do (no
  // request on its worker pool, no push waiting for a commit, no read connection leased) means
  // an answer was lost (a completion not posted back, a missed wakeup). Slow is not stalled: a
  // busy server shows its queues.
  std::vector<std::atomic<int64_t>> waiting_since(static_cast<size_t>(kReps));  // -1: not waiting
  for (auto& since : waiting_since) since = -1;
  std::thread watchdog([&] {
    int idle_polls = 0;
    bool reported = false;
    while (!done.load()) {
      std::this_thread::sleep_for(500ms);
      auto metrics = Get("/metrics");
      if (!metrics.ok()) continue;
      const bool idle = Gauge(metrics->body, "fieldbook_handler_jobs") == 0 &&
                        Gauge(metrics->body, "fieldbook_pushes_waiting") == 0 &&
                        Gauge(metrics->body, "fieldbook_read_connections_in_use") == 0;
      idle_polls = idle ? idle_polls + 1 : 0;
      std::string waiting;
      int waiting_count = 0;
      for (int i = 0; i < kReps; ++i) {
        const int64_t since = waiting_since[static_cast<size_t>(i)].load();
        if (since >= 0 && now_ms() - since > 10000) {
          if (++waiting_count <= 20) waiting += " rep-" + std::to_string(i);
        }
      }
      if (idle_polls >= 6 && waiting_count > 0 && !reported) {  // idle for 3 s
        reported = true;
        ADD_FAILURE() << "stalled: " << waiting_count
                      << " device(s) waiting for an answer for over 10 s while the server is idle:"
                      << waiting << "\n/metrics:\n"
                      << metrics->body;
      }
    }
  });

  std::mutex errors_mu;
  std::vector<std::string> errors;
  std::vector<std::thread> devices;
  for (int i = 0; i < kReps; ++i) {
    devices.emplace_back([&, i] {
      const auto idx = static_cast<size_t>(i);
      const std::string rep = "rep-" + std::to_string(i);
      auto fail = [&](const std::string& what) {
        std::lock_guard lock(errors_mu);
        errors.push_back(rep + ": " + what);
      };
      // Devices come online together: each opens its replica, records its customers and syncs.
      auto opened = Replica::Open(dir_.File("device-" + std::to_string(i) + ".db"), wall_);
      if (!opened.ok()) return fail(opened.status().ToString());
      replicas[idx] = std::move(*opened);
      Replica& replica = *replicas[idx];
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
        auto http = client::HttpSyncTransport::Create(server_->url(), tokens[idx]);
        if (!http.ok()) return fail(http.status().ToString());
        WatchedTransport transport(std::move(*http), waiting_since[idx], now_ms);
        client::SyncEngine engine(replica, transport, client::SyncOptions{sync_page_rows_, 10000});
        auto synced = engine.SyncOnce();
        if (!synced.ok()) {
          return fail("sync " + std::to_string(round) + " at " + std::to_string(now_ms()) +
                      " ms: " + synced.status().ToString());
        }
        if (synced->rows_rejected != 0) return fail("rows refused");
      }
    });
  }
  for (auto& t : devices) t.join();
  const int64_t all_synced_ms = now_ms();
  done = true;
  health.join();
  watchdog.join();
  for (const std::string& e : errors) ADD_FAILURE() << e;
  ASSERT_TRUE(errors.empty());
  // /healthz answered all along, and quickly (it never waits for the store or the workers).
  EXPECT_GT(health_ok.load(), 0);
  EXPECT_EQ(health_failed.load(), 0);
  EXPECT_LT(health_worst_ms.load(), 5000);
  std::printf(
      "%d devices (open, record, %d syncs) in %lld ms; /healthz: %d answers, worst %lld ms\n",
      kReps, kRounds + 1, static_cast<long long>(all_synced_ms), health_ok.load(),
      static_cast<long long>(health_worst_ms.load()));
  if (auto metrics = Get("/metrics"); metrics.ok()) {  // where the time went, server side
    for (const char* name : {"fieldbook_syncs_total{", "fieldbook_sync_latency_seconds_sum",
                             "fieldbook_store_lock_wait_seconds_sum",
                             "fieldbook_http_request_duration_seconds_sum{route=\"sync\"}"}) {
      const size_t at = metrics->body.find(name);
      if (at == std::string::npos) continue;
      std::printf("  %s\n", metrics->body.substr(at, metrics->body.find('\n', at) - at).c_str());
    }
  }

  // Every device converges: after one more sync its replica is exactly the rep's server view.
  for (int i : {0, 1, kReps / 2, kReps - 1}) {
    Replica& replica = *replicas[static_cast<size_t>(i)];
    ASSERT_TRUE(Sync(replica, tokens[static_cast<size_t>(i)]).ok());
    EXPECT_EQ(ReplicaExport(replica), ServerExport("rep-" + std::to_string(i))) << i;
  }

  // kill -9 right after the last acknowledgements: every acknowledged write is on disk.
  EXPECT_EQ(server_->Stop(SIGKILL), -SIGKILL);
  EXPECT_EQ(server_db_.QueryInt("SELECT count(*) FROM customers WHERE id LIKE 'rep-%'"),
            kReps * kCustomers);
  // Each device's last edit, acknowledged just before.
  EXPECT_EQ(server_db_.QueryInt(
                "SELECT count(*) FROM customers WHERE id LIKE 'rep-%' AND notes = 'round 2'"),
            kReps);
}

}  // namespace
}  // namespace fieldbook::testing
