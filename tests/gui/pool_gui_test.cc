// The public pool (公海) in the desktop app, headless: the device's copy of the pool as a sync
// left it, the real view model and data source, and the UI driven with ImGui input. Clicking
// Claim records the request in the replica (for the next sync) without capturing anything for
// the push; the plan warns of a customer about to return to the pool, and a visit logged through
// the UI clears the warning at once. Screenshots go to FIELDBOOK_GUI_SCREENSHOT_DIR.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gui_fixture.h"
#include "headless.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"
#include "sync/pool_sync.h"
#include "view_model.h"

namespace fieldbook::testing {
namespace {

using app::HeadlessApp;
using app::Lang;
using app::ViewModel;

constexpr const char* kPooledA = "p0000000000000000000000000000001";  // 金轮汽修, claimable
constexpr const char* kPooledB = "p0000000000000000000000000000002";  // 大众快修, tier A

// What GET /v1/pool answered at the device's last sync (2026-11-22): two pooled garages, and the
// reclaim clock of 鑫隆轮胎店 (no visit or order since 2026-09-26; 60 days: safe until 11-25).
client::PoolListing Listing() {
  client::PoolListing l;
  l.rep_id = kRep;
  l.as_of = "2026-11-22T10:30:00Z";
  l.server_day = "2026-11-22";
  l.policy.reclaim_days = {{"A", 30}, {"B", 45}, {"C", 60}, {"D", 90}, {"VIP", 0}};
  l.policy.default_reclaim_days = 60;
  l.policy.warn_days = 7;
  l.policy.upcoming_days = 14;
  l.policy.daily_claims = 5;
  l.policy.claims_today = 1;
  l.policy.holding_cap = 200;
  l.policy.holding = 29;
  l.policy.regions = {"GD-GZ"};
  client::PoolCustomer a;
  a.id = kPooledA;
  a.name = "金轮汽修";
  a.city = "广州";
  a.region = "GD-GZ";
  a.tier = "B";
  a.customer_type = "garage";
  a.since = "2026-11-01T01:00:00Z";
  a.kind = "release";
  a.reason = "李娜 moved to Shenzhen";
  client::PoolCustomer b = a;
  b.id = kPooledB;
  b.name = "大众快修";
  b.tier = "A";
  b.kind = "reclaim";
  b.reason = "no visit or order in the 30 days after 2026-09-20 (tier A); last one 2026-09-20";
  b.claimable = false;
  b.refusal = "daily claim cap reached (5/5)";
  l.pool = {a, b};
  l.clocks = {client::ServerReclaimClock{kXinlong, "鑫隆轮胎店", "", 60, "2026-09-26", "2026-09-26",
                                         "2026-11-25", false, ""}};
  return l;
}

// Plays the server's pool routes for the app's syncs: grants every claim of a customer still in
// `pool` (writing it to the hub as the server's reassignment would) and lists what is left.
// Used on the view model's worker only, while the test thread waits.
class FakePoolServer final : public client::PoolTransport {
 public:
  FakePoolServer(Hub& hub, client::PoolListing listing) : hub_(hub), listing_(std::move(listing)) {}

  Result<client::PoolListing> FetchPool() override { return listing_; }
  Result<std::vector<client::ClaimAnswer>> SendClaims(
      const std::vector<client::PoolRequest>& claims) override {
    std::vector<client::ClaimAnswer> out;
    for (const client::PoolRequest& c : claims) {
      auto it = std::find_if(listing_.pool.begin(), listing_.pool.end(),
                             [&c](const client::PoolCustomer& p) { return p.id == c.customer_id; });
      if (it == listing_.pool.end()) {
        out.push_back({c.request_id, c.customer_id, false, "not in the pool", ""});
        continue;
      }
      const std::string name = it->name;
      listing_.pool.erase(it);
      auto written = hub_.Write("customers", c.customer_id,
                                {{"name", Value(name)},
                                 {"owner_rep_id", Value(std::string(kRep))},
                                 {"created_at", Value(std::string("2025-06-01T08:00:00Z"))}});
      if (!written.ok()) return written.status();
      out.push_back(
          {c.request_id, c.customer_id, true, "claimed from the pool", "2026-11-23T09:05:00Z"});
    }
    return out;
  }
  Result<client::ReleaseAnswer> SendRelease(const client::PoolRequest&) override {
    return Status::Unavailable("not in this test");
  }

 private:
  Hub& hub_;
  client::PoolListing listing_;
};

class ForwardingPoolTransport final : public client::PoolTransport {
 public:
  explicit ForwardingPoolTransport(client::PoolTransport& to) : to_(to) {}
  Result<client::PoolListing> FetchPool() override { return to_.FetchPool(); }
  Result<std::vector<client::ClaimAnswer>> SendClaims(
      const std::vector<client::PoolRequest>& claims) override {
    return to_.SendClaims(claims);
  }
  Result<client::ReleaseAnswer> SendRelease(const client::PoolRequest& r) override {
    return to_.SendRelease(r);
  }

 private:
  client::PoolTransport& to_;
};

class PoolGuiTest : public AppFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(AppFixture::SetUp());
    auto store = client::ClientStore::Open(replica_path_, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->pool().Save(Listing()).ok());
  }

  // Starts the app; its syncs carry the pool's requests to pool_server_ when there is one.
  void Start(Lang lang) {
    app::StoreDataSourceOptions options;
    if (pool_server_ != nullptr) {
      client::PoolTransport* pool_server = pool_server_.get();
      options.pool_transports =
          [pool_server](
              const client::ClientSettings&) -> Result<std::unique_ptr<client::PoolTransport>> {
        return std::unique_ptr<client::PoolTransport>(new ForwardingPoolTransport(*pool_server));
      };
    }
    AppFixture::Start(lang, {}, std::move(options));
  }

  std::unique_ptr<FakePoolServer> pool_server_;  // null: the app's syncs carry no pool
};

TEST_F(PoolGuiTest, ClickingClaimRecordsTheRequestForTheNextSync) {
  Start(Lang::kChinese);
  ClickOrFail("tab.pool");
  EXPECT_EQ(app_->ui().tab(), app::AppUi::Tab::kPool);
  const app::PoolView& pool = *Snap()->pool;
  ASSERT_TRUE(pool.fetched);
  ASSERT_EQ(pool.rows.size(), 2u);
  EXPECT_EQ(pool.rows[0].name, "金轮汽修");
  EXPECT_FALSE(pool.rows[1].claimable);
  EXPECT_TRUE(pool.requests.empty());
  ASSERT_TRUE(app_->Find("pool.claim:" + std::string(kPooledB)));  // the server decides
  Screenshot("zh-08-pool.png");

  ClickOrFail("pool.claim:" + std::string(kPooledA));
  ASSERT_TRUE(Snap()->last_claim.ok) << Snap()->last_claim.error.message();
  EXPECT_EQ(Snap()->last_claim.customer_id, kPooledA);
  ASSERT_EQ(Snap()->pool->rows.size(), 2u);
  EXPECT_TRUE(Snap()->pool->rows[0].claim_pending);
  EXPECT_FALSE(Snap()->pool->rows[1].claim_pending);
  ASSERT_EQ(Snap()->pool->requests.size(), 1u);
  EXPECT_EQ(Snap()->pool->requests[0].status, "pending");
  // The button became "waits for sync"; the notice says what happens next.
  EXPECT_FALSE(app_->Find("pool.claim:" + std::string(kPooledA)));
  EXPECT_TRUE(app_->Find("pool.pending:" + std::string(kPooledA)));
  EXPECT_TRUE(app_->Find("pool.notice"));
  EXPECT_TRUE(app_->Find("pool.request:" + Snap()->pool->requests[0].request_id));
  EXPECT_EQ(Snap()->status.pending_changes, 0);  // a request, not a replicated write
  Screenshot("zh-08b-pool-claimed.png");
  Stop();

  auto db = Db::Open(replica_path_, DbOptions{.read_only = true, .create = false});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto stmt = (*db)->Prepare(
      "SELECT kind, customer_id, customer_name, status, (SELECT count(*) FROM fb_outbox) FROM "
      "fb_pool_requests");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*(*stmt)->Step());
  EXPECT_EQ((*stmt)->Text(0), "claim");
  EXPECT_EQ((*stmt)->Text(1), kPooledA);
  EXPECT_EQ((*stmt)->Text(2), "金轮汽修");
  EXPECT_EQ((*stmt)->Text(3), "pending");
  EXPECT_EQ((*stmt)->Int(4), 0);
  EXPECT_FALSE(*(*stmt)->Step()) << "exactly one request";
  (*stmt)->Reset();
}

TEST_F(PoolGuiTest, ThePlanWarnsOfAReclaimAndAVisitLoggedHereClearsIt) {
  Start(Lang::kEnglish);
  ClickOrFail("tab.plan");
  const app::Plan& plan = *Snap()->plan;
  ASSERT_EQ(plan.reclaim_warnings.size(), 1u);
  EXPECT_EQ(plan.reclaim_warnings[0].customer_id, kXinlong);
  EXPECT_EQ(plan.reclaim_warnings[0].deadline, "2026-11-25");
  EXPECT_EQ(plan.reclaim_warnings[0].days_until, 3);
  EXPECT_TRUE(app_->Find("plan.reclaim:" + std::string(kXinlong)));
  Screenshot("en-05b-plan-reclaim.png");
  ClickOrFail("tab.pool");
  Screenshot("en-08-pool.png");

  // The warning's line opens the customer; a visit logged there restarts its clock.
  ClickOrFail("tab.plan");
  ClickOrFail("plan.reclaim:" + std::string(kXinlong));
  EXPECT_EQ(app_->ui().tab(), app::AppUi::Tab::kCustomers);
  ASSERT_EQ(Snap()->customer->id, kXinlong);
  ASSERT_NO_FATAL_FAILURE(LogVisitHere("asked about winter tyres"));
  EXPECT_TRUE(Snap()->plan->reclaim_warnings.empty());
  ClickOrFail("tab.plan");
  EXPECT_FALSE(app_->Find("plan.reclaim:" + std::string(kXinlong)));
}

TEST_F(PoolGuiTest, TheSyncButtonSendsTheClaimAndTheGrantedCustomerArrives) {
  client::PoolListing after = Listing();
  after.as_of = "2026-11-23T09:05:00Z";
  after.server_day = "2026-11-23";
  pool_server_ = std::make_unique<FakePoolServer>(*hub_, after);
  Start(Lang::kEnglish);
  ASSERT_EQ(Snap()->customers->rows.size(), 29u);
  ClickOrFail("tab.pool");
  ClickOrFail("pool.claim:" + std::string(kPooledA));
  ASSERT_TRUE(Snap()->last_claim.ok) << Snap()->last_claim.error.message();

  ClickOrFail("status.sync");
  EXPECT_FALSE(Snap()->status.sync_failed) << Snap()->status.sync_message;
  EXPECT_TRUE(Snap()->pool->error.ok()) << Snap()->pool->error.message();
  // Granted: the garage is this rep's now, on the device after that one sync.
  ASSERT_EQ(Snap()->pool->requests.size(), 1u);
  EXPECT_EQ(Snap()->pool->requests[0].status, "granted");
  EXPECT_EQ(Snap()->pool->requests[0].reason, "claimed from the pool");
  EXPECT_EQ(Snap()->customers->rows.size(), 30u);
  ASSERT_EQ(Snap()->pool->rows.size(), 1u);  // the refreshed listing
  EXPECT_EQ(Snap()->pool->rows[0].id, kPooledB);
  EXPECT_FALSE(app_->Find("pool.claim:" + std::string(kPooledA)));
  EXPECT_TRUE(app_->Find("pool.request:" + Snap()->pool->requests[0].request_id));
  Screenshot("en-08b-pool-granted.png");
  bool listed = false;
  for (const app::CustomerRow& row : Snap()->customers->rows) {
    listed |= row.id == kPooledA && row.name == "金轮汽修";
  }
  EXPECT_TRUE(listed) << "the claimed garage is not in the customer list";
}

}  // namespace
}  // namespace fieldbook::testing
