// PoolSync and the pool's wire format: the server's JSON read with every field checked, and the
// rep's requests carried along a real sync (DeviceSync::ExchangeChanges over an in-process hub)
// with a fake pool transport — offline nothing is lost, a granted claim's customer arrives in the
// same sync, claims go in bounded batches.
#include "sync/pool_sync.h"
#include "sync/device_sync.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "fieldbook/hub.h"
#include "fieldbook/phrase_json.h"
#include "support/fake_clock.h"
#include "support/hub_transport.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;
using client::ClaimAnswer;
using client::ClientStore;
using client::PoolCustomer;
using client::PoolListing;
using client::PoolRequest;
using client::ReleaseAnswer;

// What GET /v1/pool answers (server/assignment_api.cc, RepPoolViewJson).
constexpr const char* kServerListing = R"json({
  "as_of": "2026-11-23T08:00:00Z", "today": "2026-11-23", "rep": "rep-a",
  "policy": {"rules_version": 2, "reclaim_days": {"A": 30, "B": 45, "VIP": 0},
             "default_reclaim_days": 60, "warn_days": 7, "max_wait_days": 14,
             "upcoming_days": 14, "daily_claims": 5, "claims_today": 1, "holding_cap": 200,
             "holding": 12, "tier_a_cap": null, "tier_a_holding": 3, "regions": ["GD-GZ"]},
  "pool": [{"id": "c1", "name": "鑫达汽修", "city": "广州", "region": "GD-GZ", "tier": "A",
            "type": "garage", "since": "2026-11-01T01:00:00Z", "kind": "reclaim",
            "reason": "no visit or order in the 30 days after 2026-10-01 (tier A)",
            "claimable": false, "refusal": "needs a senior+ rep: you are junior"}],
  "pool_truncated": false,
  "warnings": [{"id": "c2", "name": "老王修理厂", "rep": "rep-a", "tier": "C", "reclaim_days": 60,
                "counting_from": "2026-09-25", "last_activity": null, "deadline": "2026-11-24",
                "days_left": 1, "waiting_for_sync": false}],
  "upcoming": [{"id": "c3", "name": "Bright Auto", "rep": "rep-a", "tier": "B", "reclaim_days": 45,
                "counting_from": "2026-10-20", "last_activity": "2026-10-20",
                "deadline": "2026-12-04", "days_left": 11, "waiting_for_sync": false}]
})json";

TEST(PoolWireTest, TheServersListingIsReadField) {
  auto l = client::ParsePoolListing(kServerListing);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(l->rep_id, "rep-a");
  EXPECT_EQ(l->server_day, "2026-11-23");
  EXPECT_EQ(l->policy.ReclaimDays("A"), 30);
  EXPECT_EQ(l->policy.ReclaimDays("VIP"), 0);
  EXPECT_EQ(l->policy.ReclaimDays("D"), 60);
  EXPECT_EQ(l->policy.claims_today, 1);
  EXPECT_FALSE(l->policy.tier_a_cap.has_value());
  EXPECT_EQ(l->policy.regions, std::vector<std::string>{"GD-GZ"});
  ASSERT_EQ(l->pool.size(), 1u);
  EXPECT_EQ(l->pool[0].name, "鑫达汽修");
  EXPECT_FALSE(l->pool[0].claimable);
  EXPECT_EQ(l->pool[0].refusal, "needs a senior+ rep: you are junior");
  ASSERT_EQ(l->clocks.size(), 2u);
  EXPECT_EQ(l->clocks[0].last_activity, "");
  EXPECT_EQ(l->clocks[1].deadline, "2026-12-04");
}

TEST(PoolWireTest, AnythingMalformedIsRefusedNamingTheField) {
  auto bad = [](std::string from, const std::string& to) {
    const size_t at = from.find(to.substr(0, to.find('|')));
    EXPECT_NE(at, std::string::npos) << to;
    const std::string needle = to.substr(0, to.find('|'));
    from.replace(at, needle.size(), to.substr(to.find('|') + 1));
    return client::ParsePoolListing(from).status();
  };
  Status s = bad(kServerListing, R"("warn_days": 7|"warn_days": -7)");
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_NE(s.message().find("policy.warn_days"), std::string::npos) << s.message();
  s = bad(kServerListing, R"("deadline": "2026-11-24"|"deadline": "soon")");
  EXPECT_NE(s.message().find("warnings[].deadline"), std::string::npos) << s.message();
  s = bad(kServerListing, R"("today": "2026-11-23"|"today": 20261123)");
  EXPECT_NE(s.message().find("answer.today"), std::string::npos) << s.message();
  s = bad(kServerListing, R"("claimable": false|"claimable": "no")");
  EXPECT_NE(s.message().find("pool[].claimable"), std::string::npos) << s.message();
  s = bad(kServerListing, R"("regions": ["GD-GZ"]|"regions": ["GD-GZ,GD-FS"])");
  EXPECT_NE(s.message().find("policy.regions"), std::string::npos) << s.message();
  EXPECT_EQ(client::ParsePoolListing("[1, 2]").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(client::ParsePoolListing("{\"as_of\": ").status().code(), StatusCode::kCorrupt);
  // Bounded: a listing of more customers than any server sends is not read.
  std::string huge = kServerListing;
  std::string many;
  for (int i = 0; i < 5001; ++i)
    many += std::string(i ? "," : "") + "{\"id\":\"c" + std::to_string(i) + "\"}";
  const size_t pool_at = huge.find("\"pool\": [") + 9;
  huge.insert(pool_at, many + ",");
  s = client::ParsePoolListing(huge).status();
  EXPECT_NE(s.message().find("answer.pool must be a list of at most 5000"), std::string::npos)
      << s.message();
  // Texts are bounded too.
  s = bad(kServerListing, "\"name\": \"鑫达汽修\"|\"name\": \"" + std::string(3000, 'x') + "\"");
  EXPECT_NE(s.message().find("pool[].name"), std::string::npos) << s.message();
}

TEST(PoolWireTest, ClaimAnswersAndTheClaimsBody) {
  auto answers = client::ParseClaimAnswers(
      R"json({"results": [
        {"request_id": "r1", "customer": "c1", "status": "granted",
         "reason": "claimed from the pool", "decided_at": "2026-11-23T08:00:01Z"},
        {"request_id": "r2", "customer": "c2", "status": "refused",
         "reason": "daily claim cap reached (5/5)"}]})json");
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  ASSERT_EQ(answers->size(), 2u);
  EXPECT_TRUE((*answers)[0].granted);
  EXPECT_EQ((*answers)[0].decided_at, "2026-11-23T08:00:01Z");
  EXPECT_FALSE((*answers)[1].granted);
  EXPECT_EQ((*answers)[1].decided_at, "");
  EXPECT_EQ(client::ParseClaimAnswers(R"({"results":[{"request_id":"r1","status":"maybe"}]})")
                .status()
                .code(),
            StatusCode::kCorrupt);
  PoolRequest r;
  r.request_id = "r1";
  r.customer_id = "c1";
  r.requested_ms = 1795392000000;
  EXPECT_EQ(client::ClaimsBody({r}),
            R"({"claims":[{"request_id":"r1","customer":"c1","requested_at_ms":1795392000000}]})");
}

// A hostile server's values (a reason's, a refusal's error_values) are bounded before the device
// keeps them: at most kMaxPhraseValues, names of at most kMaxPhraseValueName bytes, each value cut.
TEST(PoolWireTest, AServersValuesAreBoundedInNumberAndSize) {
  json::object values{{"n", "5"}, {"cap", "5"}, {std::string(40, 'k'), "named too long"}};
  for (int i = 0; i < 100; ++i) values["v" + std::to_string(i)] = std::string(3000, 'x');
  const json::object answer{{"request_id", "r1"},
                            {"customer", "c1"},
                            {"status", "refused"},
                            {"reason", "holding cap reached (5/5)"},
                            {"reason_code", "pool_holding_cap"},
                            {"reason_values", values}};
  auto answers =
      client::ParseClaimAnswers(json::serialize(json::object{{"results", json::array{answer}}}));
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  const StoredPhrase kept = ReadStoredPhrase((*answers)[0].reason);
  EXPECT_EQ(kept.phrase.code, "pool_holding_cap");
  ASSERT_EQ(kept.phrase.values.size(), kMaxPhraseValues);
  EXPECT_EQ(kept.phrase.values[0], (std::pair<std::string, std::string>{"n", "5"}));
  EXPECT_EQ(kept.phrase.values[1], (std::pair<std::string, std::string>{"cap", "5"}));
  EXPECT_EQ(kept.phrase.values[2].first, "v0");  // the long name left out
  EXPECT_LT((*answers)[0].reason.size(), kMaxPhraseValues * 2100);
  EXPECT_EQ(SayStored(Lang::kChinese, (*answers)[0].reason), "持有客户数已达上限（5/5）");

  // A refusal's error_values (kept as a refused request's reason) likewise.
  client::HttpReply reply;
  reply.status = 409;
  reply.body = json::serialize(json::object{
      {"error", json::object{{"message", "no"}}}, {"error_code", "x"}, {"error_values", values}});
  const std::optional<Phrase> refusal = client::ServerErrorPhrase(reply);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->values.size(), kMaxPhraseValues);
  for (const auto& [name, value] : refusal->values) EXPECT_LE(value.size(), 500u) << name;
}

// Plays the server's pool routes: grants claims of customers in `pool` (writing the customer to
// the hub as the server's reassignment would, so the next pull brings it) and refuses the rest.
class FakePoolServer final : public client::PoolTransport {
 public:
  explicit FakePoolServer(Hub& hub) : hub_(hub) {}

  Result<PoolListing> FetchPool() override {
    ++fetches;
    if (!online) return Status::Unavailable("cannot reach http://fieldbook.test: no route");
    PoolListing l;
    l.rep_id = "rep-a";
    l.as_of = "2026-11-23T08:00:00Z";
    l.server_day = "2026-11-23";
    for (const std::string& id : pool) {
      PoolCustomer c;
      c.id = id;
      c.name = "pooled " + id.substr(0, 4);
      l.pool.push_back(c);
    }
    return l;
  }

  Result<std::vector<ClaimAnswer>> SendClaims(const std::vector<PoolRequest>& claims) override {
    batches.push_back(claims.size());
    if (unreadable) {
      return Status::InvalidArgument(
          "the server could not read the claims: field \"customer\" must be a text of 1 to 64 "
          "bytes");
    }
    if (!online ||
        (fail_after_batches >= 0 && static_cast<int>(batches.size()) > fail_after_batches)) {
      return Status::Unavailable("cannot reach http://fieldbook.test: no route");
    }
    std::vector<ClaimAnswer> out;
    out.push_back(ClaimAnswer{"not-ours", "c?", true, "claimed from the pool", ""});
    for (const PoolRequest& c : claims) {
      auto it = std::find(pool.begin(), pool.end(), c.customer_id);
      if (it == pool.end()) {
        out.push_back(ClaimAnswer{c.request_id, c.customer_id, false,
                                  "already claimed by 李娜 Li Na (rep-b) at 2026-11-23 07:00 UTC",
                                  "2026-11-23T08:00:00Z"});
        continue;
      }
      pool.erase(it);
      EXPECT_TRUE(hub_.Write("customers", c.customer_id,
                             {{"name", S("Claimed garage")}, {"owner_rep_id", S("rep-a")}})
                      .ok());
      out.push_back(ClaimAnswer{c.request_id, c.customer_id, true, "claimed from the pool",
                                "2026-11-23T08:00:00Z"});
    }
    return out;
  }

  Result<ReleaseAnswer> SendRelease(const PoolRequest& release) override {
    ++releases;
    if (!online) return Status::Unavailable("cannot reach http://fieldbook.test: no route");
    if (release.note.find("refuse") != std::string::npos) {
      return ReleaseAnswer{false, "customer " + release.customer_id + " is not assigned to you",
                           ""};
    }
    return ReleaseAnswer{true, "released to the pool", "2026-11-23T08:00:00Z"};
  }

  bool online = true;
  bool unreadable = false;  // answer 400 to claims
  int fail_after_batches = -1;
  std::vector<std::string> pool;
  std::vector<size_t> batches;
  int fetches = 0;
  int releases = 0;

 private:
  Hub& hub_;
};

class PoolSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto hub = Hub::Open(dir_.File("hub.db"), wall_);
    ASSERT_TRUE(hub.ok());
    hub_ = std::move(*hub);
    auto store = ClientStore::Open(dir_.File("replica.db"), wall_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(
        store_->SaveSettings({"http://fieldbook.test", "fbt_secret", "rep-a", "张伟"}).ok());
    transport_ = std::make_unique<HubTransport>(*hub_);
    server_ = std::make_unique<FakePoolServer>(*hub_);
  }

  Result<client::SyncReport> Sync() {
    client::PoolSync pool(*store_, *server_);
    auto report = client::DeviceSync(*store_).ExchangeChanges(*transport_, {}, &pool);
    answered_ = pool.answered();
    return report;
  }

  bool OnDevice(const std::string& id) { return store_->customers().Show(id).ok(); }

  TempDir dir_;
  FakeWallClock wall_;
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<ClientStore> store_;
  std::unique_ptr<HubTransport> transport_;
  std::unique_ptr<FakePoolServer> server_;
  std::vector<PoolRequest> answered_;
};

TEST_F(PoolSyncTest, OfflineTheClaimWaitsThenTheGrantedCustomerArrivesInTheSameSync) {
  const std::string pooled = "c1000000000000000000000000000001";
  const std::string taken = "c2000000000000000000000000000002";
  server_->pool = {pooled, taken};
  auto first = Sync();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->pool_refreshed);
  EXPECT_EQ(first->pool_error, "");
  ASSERT_TRUE(store_->pool().RequestClaim(pooled).ok());
  ASSERT_TRUE(store_->pool().RequestClaim(taken).ok());

  // No signal: the sync itself fails, nothing was sent, the claims wait, the old copy stays.
  transport_->online = false;
  server_->online = false;
  EXPECT_EQ(Sync().status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(server_->batches.empty());
  EXPECT_EQ(store_->pool().Requests(true)->size(), 2u);
  // Sync reachable, pool routes not (an old server, a proxy): the sync succeeds and says why.
  transport_->online = true;
  auto partial = Sync();
  ASSERT_TRUE(partial.ok()) << partial.status().ToString();
  EXPECT_FALSE(partial->pool_refreshed);
  EXPECT_NE(partial->pool_error.find("cannot reach"), std::string::npos);
  EXPECT_EQ(store_->pool().Requests(true)->size(), 2u);
  EXPECT_EQ((*store_->pool().Cached())->pool.size(), 2u);

  // Back online; meanwhile another rep took `taken`.
  server_->online = true;
  server_->pool = {pooled};
  EXPECT_FALSE(OnDevice(pooled));
  auto report = Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->pool_granted, 1u);
  EXPECT_EQ(report->pool_refused, 1u);
  EXPECT_TRUE(report->pool_refreshed);
  // The claimed customer's rows came in this very sync.
  EXPECT_TRUE(OnDevice(pooled));
  ASSERT_EQ(answered_.size(), 2u);
  auto all = store_->pool().Requests(false);
  ASSERT_TRUE(all.ok());
  for (const PoolRequest& r : *all) {
    if (r.customer_id == pooled) {
      EXPECT_EQ(r.state, PoolRequest::State::kGranted);
    } else {
      EXPECT_EQ(r.state, PoolRequest::State::kRefused);
      EXPECT_EQ(r.reason, "already claimed by 李娜 Li Na (rep-b) at 2026-11-23 07:00 UTC");
    }
  }
  EXPECT_TRUE((*store_->pool().Cached())->pool.empty());
  // Answered requests are not sent again.
  const size_t batches = server_->batches.size();
  ASSERT_TRUE(Sync().ok());
  EXPECT_EQ(server_->batches.size(), batches);
}

TEST_F(PoolSyncTest, ClaimsGoInBatchesOfFiftyAndALostConnectionKeepsTheRestWaiting) {
  for (int i = 0; i < 60; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "c%031d", i);
    server_->pool.push_back(id);
  }
  ASSERT_TRUE(Sync().ok());
  for (const std::string& id : server_->pool) {
    ASSERT_TRUE(store_->pool().RequestClaim(id).ok());
    wall_.Advance(1000);  // in order
  }
  server_->fail_after_batches = 1;
  const int fetches = server_->fetches;
  auto report = Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(server_->batches, (std::vector<size_t>{50, 10}));
  EXPECT_EQ(report->pool_granted, 50u);
  EXPECT_NE(report->pool_error.find("cannot reach"), std::string::npos);
  EXPECT_EQ(server_->fetches, fetches);  // no listing fetched after a failure
  // The oldest 50 went first; the last 10 wait.
  auto waiting = store_->pool().Requests(true);
  ASSERT_EQ(waiting->size(), 10u);
  char first_waiting[40];
  std::snprintf(first_waiting, sizeof first_waiting, "c%031d", 50);
  EXPECT_EQ(waiting->back().customer_id, first_waiting);
  EXPECT_FALSE(OnDevice(first_waiting));

  server_->fail_after_batches = -1;
  report = Sync();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->pool_granted, 10u);
  EXPECT_TRUE(store_->pool().Requests(true)->empty());
  EXPECT_TRUE(OnDevice(first_waiting));
}

TEST_F(PoolSyncTest, ReleasesAreSentFirstAndRefusalsKeepTheServersReason) {
  const std::string a = store_->customers().Add({{"name", "Closed garage"}}).value();
  const std::string b = store_->customers().Add({{"name", "Not mine"}}).value();
  ASSERT_TRUE(Sync().ok());
  ASSERT_TRUE(store_->pool().RequestRelease(a, "closed for good").ok());
  ASSERT_TRUE(store_->pool().RequestRelease(b, "please refuse").ok());
  auto report = Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(server_->releases, 2);
  EXPECT_EQ(report->pool_granted, 1u);
  EXPECT_EQ(report->pool_refused, 1u);
  auto all = store_->pool().Requests(false);
  for (const PoolRequest& r : *all) {
    if (r.customer_id == b) {
      EXPECT_EQ(r.state, PoolRequest::State::kRefused);
      EXPECT_EQ(r.reason, "customer " + b + " is not assigned to you");
    } else {
      EXPECT_EQ(r.state, PoolRequest::State::kGranted);
    }
  }
}

TEST_F(PoolSyncTest, ABatchTheServerCannotReadIsRefusedRatherThanRetriedForever) {
  const std::string pooled = "c1000000000000000000000000000001";
  server_->pool = {pooled};
  ASSERT_TRUE(Sync().ok());
  ASSERT_TRUE(store_->pool().RequestClaim(pooled).ok());
  server_->unreadable = true;
  auto report = Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->pool_refused, 1u);
  EXPECT_TRUE(report->pool_refreshed);
  EXPECT_TRUE(store_->pool().Requests(true)->empty());
  auto all = store_->pool().Requests(false);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].state, PoolRequest::State::kRefused);
  EXPECT_NE((*all)[0].reason.find("could not read the claims"), std::string::npos);
  // The rep may claim it again.
  EXPECT_TRUE(store_->pool().RequestClaim(pooled).ok());
}

}  // namespace
}  // namespace fieldbook::testing
