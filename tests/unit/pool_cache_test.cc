// ClientStore's public pool (issue #7): the device's copy of the pool listing, the rep's claim and
// release requests through their lifecycle, and the reclaim warnings computed on the device from
// its own visits and orders (hand-computed dates), on a real replica file.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "fieldbook/grading.h"
#include "fieldbook/hub.h"
#include "store/client_store.h"
#include "support/fake_clock.h"
#include "support/hub_transport.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"
#include "sync/device_sync.h"

namespace fieldbook::testing {
namespace {

using client::ClientStore;
using client::NewOrder;
using client::NewOrderLine;
using client::NewVisit;
using client::PoolCustomer;
using client::PoolListing;
using client::PoolRequest;
using client::ReclaimWarning;
using client::ServerReclaimClock;

uint64_t DayMs(const std::string& date, int hour = 9) {
  return static_cast<uint64_t>(*ParseDay(date)) * 86400000ull +
         static_cast<uint64_t>(hour) * 3600000ull;
}

PoolCustomer Pooled(const std::string& id, const std::string& name, const std::string& tier) {
  PoolCustomer c;
  c.id = id;
  c.name = name;
  c.city = "广州";
  c.region = "GD-GZ";
  c.tier = tier;
  c.customer_type = "garage";
  c.since = "2026-10-02T01:00:00Z";
  c.kind = "reclaim";
  c.reason = "no visit or order in the 30 days after 2026-09-01 (tier A)";
  return c;
}

// The server's listing: tier A 30 days, B 45, VIP never, others 60; warned 7 days ahead; clocks
// listed 14 days beyond that.
PoolListing Listing(const std::string& server_day, std::vector<PoolCustomer> pool = {},
                    std::vector<ServerReclaimClock> clocks = {}) {
  PoolListing l;
  l.rep_id = "rep-a";
  l.as_of = server_day + "T08:00:00Z";
  l.server_day = server_day;
  l.policy.reclaim_days = {{"A", 30}, {"B", 45}, {"VIP", 0}};
  l.policy.default_reclaim_days = 60;
  l.policy.warn_days = 7;
  l.policy.upcoming_days = 14;
  l.policy.daily_claims = 5;
  l.policy.holding_cap = 200;
  l.policy.regions = {"GD-GZ", "GD-FS"};
  l.pool = std::move(pool);
  l.clocks = std::move(clocks);
  return l;
}

class ClientStorePoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = ClientStore::Open(dir_.File("replica.db"), wall_, ReplicaOptions{"", 2000, 42});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->SaveSettings({"http://127.0.0.1:9", "fbt_secret", "rep-a", "张伟"}).ok());
  }

  std::string AddCustomer(const std::string& name, const std::string& created_day) {
    wall_.Set(DayMs(created_day));
    auto id = store_->customers().Add({{"name", name}});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  void Visit(const std::string& customer, const std::string& check_in) {
    NewVisit v;
    v.customer_id = customer;
    v.check_in = check_in;
    auto id = store_->facts().LogVisit(v);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
  }

  void Order(const std::string& customer, const std::string& date) {
    NewOrder o;
    o.customer_id = customer;
    o.order_date = date;
    o.lines.push_back(NewOrderLine{"BP-1024", "", 1, 12800});
    auto added = store_->facts().AddOrder(o);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
  }

  std::vector<ReclaimWarning> Warnings(const std::string& today) {
    auto w = store_->pool().ReclaimWarnings(today);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return w.ok() ? *w : std::vector<ReclaimWarning>{};
  }

  static const ReclaimWarning* Find(const std::vector<ReclaimWarning>& warnings,
                                    const std::string& id) {
    for (const ReclaimWarning& w : warnings) {
      if (w.customer_id == id) return &w;
    }
    return nullptr;
  }

  TempDir dir_;
  FakeWallClock wall_;
  std::unique_ptr<ClientStore> store_;
};

TEST_F(ClientStorePoolTest, AClaimIsRecordedOfflineAnsweredOnceAndLeavesThePoolWhenGranted) {
  // Nothing to claim from before the pool was ever fetched.
  EXPECT_EQ(store_->pool().RequestClaim("c1000000000000000000000000000001").status().code(),
            StatusCode::kNotFound);
  auto none = store_->pool().Cached();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  const std::string xinda = "c1000000000000000000000000000001";
  const std::string shuntong = "c2000000000000000000000000000002";
  ASSERT_TRUE(store_->pool()
                  .Save(Listing("2026-11-23", {Pooled(xinda, "鑫达汽修", "A"),
                                               Pooled(shuntong, "顺通汽配", "B")}))
                  .ok());
  auto claim = store_->pool().RequestClaim(xinda);
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_EQ(claim->state, PoolRequest::State::kPending);
  EXPECT_EQ(claim->customer_name, "鑫达汽修");
  EXPECT_EQ(claim->requested_at, "2026-11-23T00:00:00Z");
  EXPECT_FALSE(claim->request_id.empty());

  // The same customer again: refused while the first waits. Unknown ones: not in the pool.
  auto again = store_->pool().RequestClaim(xinda);
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  EXPECT_NE(again.status().message().find("already waits"), std::string::npos);
  auto unknown = store_->pool().RequestClaim("c9999999999999999999999999999999");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("not in the public pool as of 2026-11-23T08:00:00Z"),
            std::string::npos)
      << unknown.status().message();
  EXPECT_EQ(store_->pool().RequestClaim("c1").status().code(), StatusCode::kNotFound);  // too short
  // By its exact name too.
  auto by_name = store_->pool().RequestClaim("顺通汽配");
  ASSERT_TRUE(by_name.ok()) << by_name.status().ToString();
  EXPECT_EQ(by_name->customer_id, shuntong);

  auto cached = store_->pool().Cached();
  ASSERT_TRUE(cached.ok() && cached->has_value());
  ASSERT_EQ((*cached)->pool.size(), 2u);
  EXPECT_TRUE((*cached)->pool[0].claim_pending);
  EXPECT_EQ((*cached)->policy.regions, (std::vector<std::string>{"GD-GZ", "GD-FS"}));
  EXPECT_EQ((*cached)->policy.ReclaimDays("B"), 45);
  EXPECT_EQ((*cached)->policy.ReclaimDays(""), 60);

  auto pending = store_->pool().Requests(/*pending_only=*/true);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  auto summary = store_->pool().RequestSummary();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->pending, 2);

  // The server's answers.
  wall_.Advance(3600000);
  ASSERT_TRUE(store_->pool()
                  .RecordAnswer(claim->request_id, PoolRequest::State::kGranted,
                                "claimed from the pool", "2026-11-23T01:00:00Z")
                  .ok());
  ASSERT_TRUE(store_->pool()
                  .RecordAnswer(by_name->request_id, PoolRequest::State::kRefused,
                                "already claimed by 李娜 Li Na (rep-b) at 2026-11-23 00:30 UTC",
                                "2026-11-23T01:00:00Z")
                  .ok());
  // An answer comes once.
  EXPECT_EQ(store_->pool()
                .RecordAnswer(claim->request_id, PoolRequest::State::kRefused, "again",
                              "2026-11-23T01:00:00Z")
                .code(),
            StatusCode::kNotFound);

  auto all = store_->pool().Requests(/*pending_only=*/false);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(store_->pool().Requests(true)->size(), 0u);
  for (const PoolRequest& r : *all) {
    if (r.request_id == claim->request_id) {
      EXPECT_EQ(r.state, PoolRequest::State::kGranted);
      EXPECT_EQ(r.answered_at, "2026-11-23T01:00:00Z");
    } else {
      EXPECT_EQ(r.state, PoolRequest::State::kRefused);
      EXPECT_NE(r.reason.find("already claimed by 李娜"), std::string::npos);
    }
  }
  summary = store_->pool().RequestSummary();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->pending, 0);
  ASSERT_EQ(summary->recent_refusals.size(), 1u);
  EXPECT_EQ(summary->recent_refusals[0].customer_id, shuntong);
  // A granted customer is no longer listed in the pool, even before the next listing.
  cached = store_->pool().Cached();
  ASSERT_EQ((*cached)->pool.size(), 1u);
  EXPECT_EQ((*cached)->pool[0].id, shuntong);
  // A week later the refusal is no longer "recent".
  wall_.Advance(8 * 86400000ull);
  EXPECT_TRUE(store_->pool().RequestSummary()->recent_refusals.empty());
}

TEST_F(ClientStorePoolTest, AReleaseNeedsAReasonAndOneOfTheDevicesCustomers) {
  const std::string mine = AddCustomer("鑫隆轮胎店", "2026-11-01");
  EXPECT_EQ(store_->pool().RequestRelease(mine, "  ").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->pool().RequestRelease(mine, std::string(501, 'x')).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      store_->pool().RequestRelease("c9999999999999999999999999999999", "closed").status().code(),
      StatusCode::kNotFound);
  auto release = store_->pool().RequestRelease(mine, "店已关门 closed for good");
  ASSERT_TRUE(release.ok()) << release.status().ToString();
  EXPECT_EQ(release->kind, PoolRequest::Kind::kRelease);
  EXPECT_EQ(release->customer_name, "鑫隆轮胎店");
  EXPECT_EQ(release->note, "店已关门 closed for good");
  EXPECT_EQ(store_->pool().RequestRelease(mine, "again").status().code(), StatusCode::kConflict);
  ASSERT_TRUE(store_->pool()
                  .RecordAnswer(release->request_id, PoolRequest::State::kGranted,
                                "released to the pool", "")
                  .ok());
  auto all = store_->pool().Requests(false);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].state, PoolRequest::State::kGranted);
  EXPECT_EQ((*all)[0].answered_at, "2026-11-01T09:00:00Z");  // no time given: the device's
}

TEST_F(ClientStorePoolTest, WaitingRequestsAreBounded) {
  std::vector<PoolCustomer> pool;
  for (size_t i = 0; i <= client::PoolCache::kMaxPendingRequests; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "c%031zu", i);
    pool.push_back(Pooled(id, "garage " + std::to_string(i), "C"));
  }
  ASSERT_TRUE(store_->pool().Save(Listing("2026-11-23", pool)).ok());
  for (size_t i = 0; i < client::PoolCache::kMaxPendingRequests; ++i) {
    ASSERT_TRUE(store_->pool().RequestClaim(pool[i].id).ok()) << i;
  }
  auto over = store_->pool().RequestClaim(pool.back().id);
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(over.status().message().find("sync first"), std::string::npos);
}

TEST_F(ClientStorePoolTest, ANewListingReplacesTheOldOneWholeAndBelongsToOneRep) {
  const std::string a = "c1000000000000000000000000000001";
  const std::string b = "c2000000000000000000000000000002";
  const std::string c = "c3000000000000000000000000000003";
  ServerReclaimClock clock{"c4000000000000000000000000000004",
                           "老客户",
                           "A",
                           30,
                           "2026-11-01",
                           "2026-11-01",
                           "2026-12-01",
                           false,
                           ""};
  PoolListing first =
      Listing("2026-11-23", {Pooled(a, "A garage", "A"), Pooled(b, "B garage", "B")}, {clock});
  first.policy.tier_a_cap = 20;
  first.truncated = true;
  ASSERT_TRUE(store_->pool().Save(first).ok());
  ASSERT_TRUE(store_->pool().RequestClaim(b).ok());

  wall_.Advance(86400000);
  PoolListing second =
      Listing("2026-11-24", {Pooled(b, "B garage", "B"), Pooled(c, "C garage", "")});
  second.policy.warn_days = 10;
  ASSERT_TRUE(store_->pool().Save(second).ok());
  auto cached = store_->pool().Cached();
  ASSERT_TRUE(cached.ok() && cached->has_value());
  const PoolListing& l = **cached;
  EXPECT_EQ(l.as_of, "2026-11-24T08:00:00Z");
  EXPECT_EQ(l.server_day, "2026-11-24");
  EXPECT_EQ(l.fetched_ms, static_cast<int64_t>(wall_.NowMs()));
  EXPECT_EQ(l.policy.warn_days, 10);
  EXPECT_FALSE(l.policy.tier_a_cap.has_value());
  EXPECT_FALSE(l.truncated);
  EXPECT_TRUE(l.clocks.empty());
  ASSERT_EQ(l.pool.size(), 2u);
  EXPECT_EQ(l.pool[0].id, b);
  EXPECT_TRUE(l.pool[0].claim_pending);  // the request outlives the listing
  EXPECT_EQ(l.pool[1].id, c);
  EXPECT_FALSE(l.pool[1].claim_pending);
  // The old listing's customer is gone.
  EXPECT_EQ(store_->pool().RequestClaim(a).status().code(), StatusCode::kNotFound);

  // Another rep's listing is refused; this device's copy stays.
  PoolListing other = Listing("2026-11-25");
  other.rep_id = "rep-b";
  EXPECT_EQ(store_->pool().Save(other).code(), StatusCode::kConflict);
  EXPECT_EQ((*store_->pool().Cached())->server_day, "2026-11-24");
  // After the device is set up for another rep (an empty replica), the copy is not shown.
  ASSERT_TRUE(store_->SaveSettings({"http://127.0.0.1:9", "fbt_other", "rep-b", "李娜"}).ok());
  EXPECT_FALSE(store_->pool().Cached()->has_value());
}

// Hand-computed: tier A returns after 30 days, B after 45, others 60, VIP never; warned 7 days
// ahead. The server listed its clocks on 2026-10-20 (so anything it did not list was due after
// 2026-10-20 + 7 + 14 = 2026-11-10).
TEST_F(ClientStorePoolTest, WarningsComeFromTheDevicesOwnVisitsAndOrdersAndAVisitClearsThem) {
  auto hub = Hub::Open(dir_.File("hub.db"), wall_);
  ASSERT_TRUE(hub.ok());
  HubTransport transport(**hub);
  const std::string claimed = AddCustomer("Claimed garage", "2026-01-05");
  const std::string overdue = AddCustomer("老王修理厂", "2026-06-01");
  const std::string unlisted = AddCustomer("Unlisted garage", "2026-08-01");
  const std::string xinda = AddCustomer("鑫达汽修", "2026-09-01");
  const std::string vip = AddCustomer("VIP garage", "2026-09-02");
  const std::string fresh = AddCustomer("New garage", "2026-10-10");
  wall_.Set(DayMs("2026-10-20"));
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());
  for (const auto& [id, tier] : std::vector<std::pair<std::string, const char*>>{
           {claimed, "A"}, {overdue, "C"}, {unlisted, "B"}, {xinda, "A"}, {vip, "VIP"}}) {
    ASSERT_TRUE((*hub)->Write("customers", id, {{"grade_tier", S(tier)}}).ok());
  }
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());

  // 鑫达汽修: visited 2026-10-01, so 2026-10-01 + 30 = 2026-10-31 is its last safe day.
  Visit(xinda, "2026-10-01T09:00:00Z");
  // 老王修理厂: ordered 2026-08-25; + 60 = 2026-10-24. A mistyped far-future order does not count.
  Order(overdue, "2026-08-25");
  Order(overdue, "2027-03-01");
  // Claimed garage: granted on 2026-10-28 (the server did not list it: it was in the pool).
  ASSERT_TRUE(
      store_->pool().Save(Listing("2026-10-20", {Pooled(claimed, "Claimed garage", "A")})).ok());
  auto claim = store_->pool().RequestClaim(claimed);
  ASSERT_TRUE(claim.ok());
  ASSERT_TRUE(store_->pool()
                  .RecordAnswer(claim->request_id, PoolRequest::State::kGranted,
                                "claimed from the pool", "2026-10-28T10:00:00Z")
                  .ok());
  ASSERT_TRUE(store_->pool()
                  .Save(Listing("2026-10-20", {},
                                {ServerReclaimClock{xinda, "鑫达汽修", "A", 30, "2026-10-01",
                                                    "2026-10-01", "2026-10-31", false, ""},
                                 ServerReclaimClock{overdue, "老王修理厂", "C", 60, "2026-08-25",
                                                    "2026-08-25", "2026-10-24", false, ""}}))
                  .ok());

  // 2026-10-20: 鑫达 is 11 days from its deadline (not yet warned); 老王 is 4 days from it.
  auto w = Warnings("2026-10-20");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].customer_id, overdue);
  EXPECT_EQ(w[0].days_until, 5);
  EXPECT_EQ(w[0].deadline, "2026-10-24");
  EXPECT_EQ(w[0].message,
            "老王修理厂: will return to the public pool in 5 days unless visited or ordered (last "
            "activity 2026-08-25)");

  // 2026-10-24: 鑫达 is exactly 7 days from its deadline: warned, 8 days before it returns.
  w = Warnings("2026-10-24");
  ASSERT_NE(Find(w, xinda), nullptr);
  EXPECT_EQ(Find(w, xinda)->days_until, 8);
  EXPECT_EQ(Find(w, overdue)->days_until, 1);
  EXPECT_NE(Find(w, overdue)->message.find("tomorrow"), std::string::npos);

  // 2026-10-29: 鑫达 returns in 3 days; 老王 is past its deadline, waiting for the server.
  w = Warnings("2026-10-29");
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].customer_id, overdue);  // soonest first
  EXPECT_EQ(w[0].days_until, -4);
  EXPECT_NE(w[0].message.find("due to return to the public pool since 2026-10-25"),
            std::string::npos)
      << w[0].message;
  EXPECT_EQ(w[1].customer_id, xinda);
  EXPECT_EQ(w[1].message,
            "鑫达汽修: will return to the public pool in 3 days unless visited or ordered (last "
            "activity 2026-10-01)");
  // Not warned: VIP never returns; the new garage counts from 2026-10-10 (deadline 12-09);
  // "Unlisted" (B, created 08-01: 09-15 by its own dates) was not listed on 10-20, so its
  // deadline is after 11-10; "Claimed" counts from its grant on 10-28 (A: 11-27).
  EXPECT_EQ(Find(w, vip), nullptr);
  EXPECT_EQ(Find(w, fresh), nullptr);
  EXPECT_EQ(Find(w, unlisted), nullptr);
  EXPECT_EQ(Find(w, claimed), nullptr);

  // 2026-11-04: "Unlisted" is within 7 days of 11-11 (the earliest its deadline can be).
  w = Warnings("2026-11-04");
  ASSERT_NE(Find(w, unlisted), nullptr);
  EXPECT_EQ(Find(w, unlisted)->days_until, 8);
  EXPECT_EQ(Find(w, unlisted)->last_activity, "");
  EXPECT_NE(Find(w, unlisted)->message.find("no visit or order on record"), std::string::npos);
  EXPECT_EQ(Find(w, claimed), nullptr);
  EXPECT_NE(Find(Warnings("2026-11-20"), claimed), nullptr);

  // A visit logged offline today clears 鑫达's warning at once (its clock restarts: 11-28).
  Visit(xinda, "2026-10-29T10:30:00Z");
  w = Warnings("2026-10-29");
  EXPECT_EQ(Find(w, xinda), nullptr);
  ASSERT_NE(Find(w, overdue), nullptr);
  // An order does the same for 老王.
  Order(overdue, "2026-10-29");
  EXPECT_EQ(Find(Warnings("2026-10-29"), overdue), nullptr);
  EXPECT_EQ(store_->pool().ReclaimWarnings("29/10/2026").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ClientStorePoolTest, NoWarningsBeforeThePolicyIsKnown) {
  const std::string old = AddCustomer("Old garage", "2025-01-01");
  EXPECT_TRUE(Warnings("2026-11-23").empty());
  ASSERT_TRUE(store_->pool().Save(Listing("2026-11-23")).ok());
  // Ungraded: 60 days from 2025-01-01 is long past, but unlisted on 11-23: not before 12-15.
  auto w = Warnings("2026-12-10");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].customer_id, old);
  EXPECT_EQ(w[0].deadline, "2026-12-15");
}

}  // namespace
}  // namespace fieldbook::testing
