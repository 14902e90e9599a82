// A push retried after the server died (docs/sync.md, "Pushing"): the real fieldbook-server is
// killed with SIGKILL after it applied a push and before the device heard the answer, or at a
// random moment while a push is in flight, and restarted on the same port; the device (the real
// Replica, SyncEngine and HTTP transport) syncs again. Every retry sends the first attempt's
// bytes, and every change reaches the server exactly once: 600 garages and 600 visits in sets of
// 80 (15 sets: a kill every third push), pages of 20, from a device whose clock runs an hour ahead,
// so that the hub re-stamps every garage it applies and a set applied twice would show as more hub
// changes than the same work makes from a device that is never interrupted.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "fieldbook/change_set_codec.h"
#include "integration/server_fixture.h"
#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "sync/sync_engine.h"

namespace fieldbook::testing {
namespace {

using namespace std::chrono_literals;

class RetriedPushIntegrationTest : public ServerFixture {
 protected:
  static constexpr int kGarages = 600;
  static constexpr int kSetRows = 80;

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    token_ = AddRep("rep-a", "张伟 Zhang Wei", "rep");
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
  }

  // A device of rep-a with kGarages new garages and a visit at each, not pushed yet.
  std::unique_ptr<Replica> OpenDevice(const std::string& name, const std::string& prefix,
                                      WallClock& wall) {
    auto opened = Replica::Open(dir_.File(name + ".db"), wall,
                                ReplicaOptions{name, /*max_push_rows=*/kSetRows, std::nullopt});
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return nullptr;
    Db& db = (*opened)->db();
    EXPECT_TRUE(Exec(db, "BEGIN").ok());
    for (int i = 0; i < kGarages; ++i) {
      const std::string id = prefix + std::to_string(100000 + i);
      EXPECT_TRUE(Exec(db,
                       "INSERT INTO customers (id, name, city, owner_rep_id, customer_type) "
                       "VALUES (?, ?, '佛山', 'rep-a', 'garage')",
                       {S(id.c_str()), S(("鑫达汽修 " + std::to_string(i)).c_str())})
                      .ok());
      EXPECT_TRUE(Exec(db,
                       "INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES "
                       "(?, ?, 'rep-a', '2026-11-23T09:00:00Z', '换刹车片')",
                       {S(("v" + id).c_str()), S(id.c_str())})
                      .ok());
    }
    EXPECT_TRUE(Exec(db, "COMMIT").ok());
    return std::move(*opened);
  }

  // The hub's sequence: one more for every row change it applies.
  // (On PostgreSQL the counter is fb_hub_seq's one row.)
  int64_t HubSeq() {
    return server_db_.QueryInt(server_db_.postgres()
                                   ? "SELECT value FROM fb_hub_seq"
                                   : "SELECT value FROM fb_meta WHERE key = 'seq'");
  }
  int64_t HubCount(const std::string& sql) { return server_db_.QueryInt(sql); }

  std::string token_;
};

// The real HTTP transport, recording each push as it went out, that kills the server on a chosen
// push: after its answer arrived (the server had committed it) or at a random moment while it is
// in flight; the device then sees a lost connection.
class KillingTransport final : public client::SyncTransport {
 public:
  KillingTransport(client::SyncTransport& http, ServerProcess& server, int kill_at, bool in_flight,
                   std::mt19937& random)
      : http_(http), server_(server), kill_at_(kill_at), in_flight_(in_flight), random_(random) {}

  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    if (!request.has_push) return http_.Exchange(request);
    {
      std::lock_guard<std::mutex> lock(mu_);
      pushes.emplace_back(request.push.set_id, request.push_bytes.empty()
                                                   ? EncodeChangeSet(request.push)
                                                   : request.push_bytes);
      if (static_cast<int>(pushes.size()) != kill_at_) return http_.Exchange(request);
    }
    if (!in_flight_) {
      Result<SyncResponse> answer = http_.Exchange(request);
      killed = answer.ok();  // it was applied and answered: the answer never reaches the device
      server_.Stop(SIGKILL);
      return Status::Unavailable("connection reset by peer");
    }
    auto answer = std::async(std::launch::async, [&] { return http_.Exchange(request); });
    std::this_thread::sleep_for(std::chrono::milliseconds(random_() % 40));
    server_.Stop(SIGKILL);
    killed = true;
    return answer.get();
  }

  std::vector<std::pair<std::string, std::string>> pushes;  // (set id, bytes), in order
  bool killed = false;

 private:
  client::SyncTransport& http_;
  ServerProcess& server_;
  int kill_at_;
  bool in_flight_;
  std::mt19937& random_;
  std::mutex mu_;
};

TEST_F(RetriedPushIntegrationTest, AServerKilledAroundAPushAppliesEveryChangeExactlyOnce) {
  // Clocks an hour ahead: the hub re-stamps every row on receipt.
  FakeWallClock ahead(wall_.NowMs() + 3600 * 1000);
  auto opened = OpenDevice("laptop-a", "g", ahead);
  ASSERT_NE(opened, nullptr);
  Replica& device = *opened;
  const int64_t seq_before = HubSeq();
  ASSERT_GT(seq_before, 0);

  // A kill at the third push of each sync (the first is the set the last kill left waiting),
  // alternating after the answer and in flight, until a sync gets through.
  std::mt19937 random(20261206);
  std::map<std::string, std::string> sent;  // set id -> the bytes of its first attempt
  int kills = 0;
  bool done = false;
  for (int attempt = 0; attempt < 20 && !done; ++attempt) {
    auto http = client::HttpSyncTransport::Create(server_->url(), token_);
    ASSERT_TRUE(http.ok()) << http.status().ToString();
    KillingTransport link(**http, *server_, /*kill_at=*/3, /*in_flight=*/attempt % 2 == 1, random);
    client::SyncOptions options;
    options.page_rows = 20;
    options.max_page_rows = 20;
    auto report = client::SyncEngine(device, link, options).SyncOnce();
    for (const auto& [set_id, bytes] : link.pushes) {
      auto [it, first] = sent.emplace(set_id, bytes);
      EXPECT_TRUE(first || it->second == bytes) << "set " << set_id << " changed between attempts";
    }
    if (link.killed) {
      ++kills;
      EXPECT_FALSE(report.ok());
      ASSERT_TRUE(server_->Start()) << server_->Log();
      continue;
    }
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    done = true;
  }
  ASSERT_TRUE(done);
  EXPECT_GE(kills, 6);
  // Nothing left on the device, and everything on the server, each change applied once: one hub
  // change per row (a set applied twice would re-stamp its garages again), one record per set.
  EXPECT_EQ(QueryValue(device.db(), "SELECT count(*) FROM fb_outbox"), Value(int64_t{0}));
  EXPECT_EQ(QueryValue(device.db(), "SELECT count(*) FROM fb_pending_push"), Value(int64_t{0}));
  EXPECT_EQ(HubCount("SELECT count(*) FROM customers WHERE owner_rep_id = 'rep-a'"), kGarages);
  EXPECT_EQ(HubCount("SELECT count(*) FROM visits WHERE rep_id = 'rep-a'"), kGarages);
  EXPECT_EQ(HubCount("SELECT count(*) FROM fb_applied_sets WHERE replica_id = 'laptop-a'"),
            static_cast<int64_t>(sent.size()));
  EXPECT_EQ(static_cast<int64_t>(sent.size()), 2 * kGarages / kSetRows);
  const int64_t killed_changes = HubSeq() - seq_before;
  // The same work from a device whose pushes are never interrupted: the hub makes as many
  // changes for it (a set applied twice would have re-stamped its garages once more).
  auto control = OpenDevice("laptop-c", "h", ahead);
  ASSERT_NE(control, nullptr);
  const int64_t control_before = HubSeq();
  ASSERT_TRUE(Sync(*control, token_).ok());
  EXPECT_EQ(killed_changes, HubSeq() - control_before);
  EXPECT_GE(killed_changes, 2 * kGarages);
  EXPECT_EQ(HubCount("SELECT count(*) FROM customers WHERE owner_rep_id = 'rep-a'"), 2 * kGarages);
  // The device holds what the server holds of its rep, once it has pulled the control's rows.
  auto http = client::HttpSyncTransport::Create(server_->url(), token_);
  ASSERT_TRUE(http.ok());
  ASSERT_TRUE(client::SyncEngine(device, **http).SyncOnce().ok());
  EXPECT_EQ(ServerExport("rep-a"), ReplicaExport(device));
}

}  // namespace
}  // namespace fieldbook::testing
