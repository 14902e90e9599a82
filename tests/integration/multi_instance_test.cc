// Many instances (issue #15 items 3-4), end to end: three real `fieldbook-server serve` processes
// on ONE PostgreSQL database, six devices of three reps (hundreds of customers each, small pages
// and small pushes) syncing over and over, each round trip through a randomly chosen instance,
// while instances are killed with kill -9 and started again mid-stream. At the end every device
// equals its rep's view on the server (canonical exports) and every change a device had
// acknowledged is on the server. A second test runs the same devices through nginx in front of
// the three instances, with the load balancer config of docs/deploy.md.
//
// The choices (instances, edits, kills) come from one seed, printed; FIELDBOOK_MULTI_SEED=N
// replays it (thread timing still varies). Label `postgres`: ctest runs this binary with
// FIELDBOOK_TEST_SERVER_DB=postgres on scripts/test's cluster. Run by hand without it, it runs on
// SQLite with ONE instance (a SQLite file has one `serve`), killed and restarted the same way.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "integration/nginx_process.h"
#include "integration/server_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kReps = 3;
constexpr int kDevicesPerRep = 2;
constexpr int kCustomersPerDevice = 120;  // 240 customers per rep
constexpr int kRounds = 5;                // edit + sync rounds per device after its first sync
constexpr uint32_t kPageRows = 40;
constexpr size_t kPushRows = 60;

uint64_t Seed() {
  const char* env = std::getenv("FIELDBOOK_MULTI_SEED");
  if (env != nullptr && *env != '\0') return std::strtoull(env, nullptr, 10);
  return std::random_device{}();
}

// A device's transport that sends every round trip to a randomly chosen instance: one sync's
// pages and pushes land on different processes, as behind a load balancer with no affinity.
class AnyInstanceTransport final : public client::SyncTransport {
 public:
  AnyInstanceTransport(const std::vector<std::string>& urls, const std::string& token,
                       uint64_t seed)
      : rng_(seed) {
    for (const std::string& url : urls) {
      auto t = client::HttpSyncTransport::Create(url, token);
      EXPECT_TRUE(t.ok()) << t.status().ToString();
      if (t.ok()) instances_.push_back(std::move(*t));
    }
  }
  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    std::uniform_int_distribution<size_t> pick(0, instances_.size() - 1);
    return instances_[pick(rng_)]->Exchange(request);
  }

 private:
  std::vector<std::unique_ptr<client::HttpSyncTransport>> instances_;
  std::mt19937_64 rng_;
};

struct Device {
  std::string id;  // "d<rep>-<n>": its rows' ids start with it
  std::string rep;
  std::string token;
  std::unique_ptr<Replica> replica;
  std::mt19937_64 rng;
  int visits = 0;                   // visits recorded (ids <id>-v<k>)
  std::vector<std::string> notes;   // each own customer's latest notes ("" none)
  int syncs = 0, failed_syncs = 0;  // successful SyncOnce calls, failed attempts
};

class MultiInstanceTest : public ServerFixture {
 protected:
  // Three instances on PostgreSQL; one on SQLite.
  int Instances() const { return server_db_.postgres() ? 3 : 1; }

  void SetUpServers() {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    seed_ = Seed();
    std::printf("multi-instance seed %llu (FIELDBOOK_MULTI_SEED=%llu replays the choices), %s\n",
                static_cast<unsigned long long>(seed_), static_cast<unsigned long long>(seed_),
                server_db_.postgres() ? "PostgreSQL, 3 instances" : "SQLite, 1 instance");
    std::mt19937_64 rng(seed_);
    for (int r = 0; r < kReps; ++r) {
      const std::string rep = "rep-" + std::to_string(r);
      const std::string first = AddRep(rep, "Rep " + std::to_string(r));
      ASSERT_FALSE(first.empty());
      for (int n = 0; n < kDevicesPerRep; ++n) {
        std::string token = first;
        if (n > 0) {
          CommandResult issued =
              RunServerCommand({"rep", "token", rep, "--device", "tablet-" + std::to_string(n),
                                "--json", "--db", db_});
          ASSERT_EQ(issued.exit_code, 0) << issued.err;
          token = JsonStr(ParseJson(issued.out), "token");
          ASSERT_FALSE(token.empty()) << issued.out;
        }
        auto d = std::make_unique<Device>();
        d->id = "d" + std::to_string(r) + "-" + std::to_string(n);
        d->rep = rep;
        d->token = token;
        d->rng.seed(rng());
        d->notes.assign(kCustomersPerDevice, "");
        auto opened = Replica::Open(dir_.File(d->id + ".db"), wall_,
                                    ReplicaOptions{d->id, kPushRows, d->rng()});
        ASSERT_TRUE(opened.ok()) << opened.status().ToString();
        d->replica = std::move(*opened);
        devices_.push_back(std::move(d));
      }
    }
    for (int i = 0; i < Instances(); ++i) {
      const std::string work = dir_.File("instance-" + std::to_string(i));
      std::filesystem::create_directories(work);
      instances_.push_back(std::make_unique<ServerProcess>(db_, work, /*keep_port=*/true));
      ASSERT_TRUE(instances_.back()->Start({"--page-rows", std::to_string(kPageRows)}))
          << instances_.back()->Log();
      urls_.push_back(instances_.back()->url());
    }
  }

  // Round 0 records the device's customers; every round edits some of them and records visits.
  static Status Edit(Device& d, int round) {
    std::string sql = "BEGIN;";
    if (round == 0) {
      for (int c = 0; c < kCustomersPerDevice; ++c) {
        sql += "INSERT INTO customers (id, name, city, owner_rep_id) VALUES ('" + d.id + "-c" +
               std::to_string(c) + "', '鑫达汽修 " + d.id + " " + std::to_string(c) +
               "', '佛山', '" + d.rep + "');";
      }
    }
    std::uniform_int_distribution<int> customer(0, kCustomersPerDevice - 1);
    for (int k = 0; k < 12; ++k) {
      const int c = customer(d.rng);
      const std::string notes = "round " + std::to_string(round) + " edit " + std::to_string(k);
      d.notes[static_cast<size_t>(c)] = notes;
      sql += "UPDATE customers SET notes = '" + notes + "' WHERE id = '" + d.id + "-c" +
             std::to_string(c) + "';";
    }
    for (int k = 0; k < 4; ++k) {
      sql += "INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES ('" + d.id +
             "-v" + std::to_string(d.visits++) + "', '" + d.id + "-c" +
             std::to_string(customer(d.rng)) + "', '" + d.rep +
             "', '2026-12-07T09:00:00Z', '换刹车片');";
    }
    sql += "COMMIT;";
    return d.replica->db().ExecScript(sql);
  }

  // Syncs until one whole sync succeeds (an instance may die under it); false after many tries.
  bool SyncThrough(Device& d, const std::vector<std::string>& urls, std::string* error) {
    for (int attempt = 0; attempt < 120; ++attempt) {
      AnyInstanceTransport transport(urls, d.token, d.rng());
      client::SyncOptions options{kPageRows, 10000};
      options.max_page_rows = kPageRows;  // small pages all along
      client::SyncEngine engine(*d.replica, transport, options);
      auto synced = engine.SyncOnce();
      if (synced.ok() && synced->rows_rejected == 0) {
        ++d.syncs;
        return true;
      }
      ++d.failed_syncs;
      *error = synced.ok() ? "rows refused" : synced.status().ToString();
      std::this_thread::sleep_for(std::chrono::milliseconds(100 + d.rng() % 300));
    }
    return false;
  }

  // The whole run: devices sync through `device_urls` while instances are killed and restarted.
  void Run(const std::vector<std::string>& device_urls) {
    std::atomic<int> running{static_cast<int>(devices_.size())};
    std::mutex errors_mu;
    std::vector<std::string> errors;
    std::vector<std::thread> threads;
    for (auto& dp : devices_) {
      threads.emplace_back([&, d = dp.get()] {
        for (int round = 0; round <= kRounds; ++round) {
          std::string error;
          Status edited = Edit(*d, round);
          if (!edited.ok() || !SyncThrough(*d, device_urls, &error)) {
            std::lock_guard lock(errors_mu);
            errors.push_back(d->id + " round " + std::to_string(round) + ": " +
                             (edited.ok() ? error : edited.ToString()));
            break;
          }
        }
        --running;
      });
    }
    // The killer: while devices sync, kill -9 a random instance, start it again shortly after.
    std::mt19937_64 rng(seed_ ^ 0x6b696c6cULL);
    int kills = 0;
    while (running.load() > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(400 + rng() % 1200));
      if (running.load() == 0) break;
      ServerProcess& victim = *instances_[rng() % instances_.size()];
      EXPECT_EQ(victim.Stop(SIGKILL), -SIGKILL);
      ++kills;
      std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 500));
      if (!victim.Start({"--page-rows", std::to_string(kPageRows)})) {
        ADD_FAILURE() << "a killed instance did not start again: " << victim.Log();
        break;  // the devices give up after their retries; the threads are joined below
      }
    }
    for (auto& t : threads) t.join();
    for (const std::string& e : errors) ADD_FAILURE() << e;
    ASSERT_TRUE(errors.empty());
    int syncs = 0, failed = 0;
    for (auto& d : devices_) {
      syncs += d->syncs;
      failed += d->failed_syncs;
    }
    std::printf("%d kill -9s; %d syncs acknowledged, %d attempts cut off by a kill and retried\n",
                kills, syncs, failed);
    EXPECT_GE(kills, 2) << "the run ended before the instances were killed: nothing was tested";

    // Quiet now: every device syncs twice (the second brings the others' last changes), then
    // equals its rep's view on the server, and every change it made is on the server.
    for (int pass = 0; pass < 2; ++pass) {
      for (auto& d : devices_) {
        std::string error;
        ASSERT_TRUE(SyncThrough(*d, device_urls, &error)) << d->id << ": " << error;
      }
    }
    for (auto& d : devices_) {
      EXPECT_EQ(ReplicaExport(*d->replica), ServerExport(d->rep)) << d->id;
      // Every acknowledged change: each visit it recorded, each customer's latest notes.
      EXPECT_EQ(server_db_.QueryInt("SELECT count(*) FROM visits WHERE id LIKE '" + d->id + "-v%'"),
                d->visits)
          << d->id;
      std::string values;
      int edited = 0;
      for (size_t c = 0; c < d->notes.size(); ++c) {
        if (d->notes[c].empty()) continue;
        values += std::string(edited++ == 0 ? "" : ", ") + "('" + d->id + "-c" + std::to_string(c) +
                  "', '" + d->notes[c] + "')";
      }
      EXPECT_EQ(server_db_.QueryInt("SELECT count(*) FROM customers WHERE (id, notes) IN (VALUES " +
                                    values + ")"),
                edited)
          << d->id;
      EXPECT_EQ(
          server_db_.QueryInt("SELECT count(*) FROM customers WHERE id LIKE '" + d->id + "-c%'"),
          kCustomersPerDevice)
          << d->id;
    }
  }

  uint64_t seed_ = 0;
  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<std::unique_ptr<ServerProcess>> instances_;
  std::vector<std::string> urls_;
};

TEST_F(MultiInstanceTest, DevicesThroughRandomInstancesConvergeWhileInstancesAreKilled) {
  ASSERT_NO_FATAL_FAILURE(SetUpServers());
  ASSERT_NO_FATAL_FAILURE(Run(urls_));
}

TEST_F(MultiInstanceTest, DevicesThroughNginxWithTheDeployDocsConfigConverge) {
  if (NginxBinary().empty()) GTEST_SKIP() << "nginx is not installed (scripts/setup installs it)";
  if (!server_db_.postgres()) GTEST_SKIP() << "three instances behind nginx need PostgreSQL";
  ASSERT_NO_FATAL_FAILURE(SetUpServers());
  std::vector<int> ports;
  for (const auto& i : instances_) ports.push_back(i->port());
  NginxProcess nginx(dir_.File("nginx"));
  ASSERT_TRUE(nginx.Start(ports)) << nginx.Log();
  ASSERT_NO_FATAL_FAILURE(Run({nginx.url()}));
}

}  // namespace
}  // namespace fieldbook::testing
