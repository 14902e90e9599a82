// PoolFixture: a ServerStore on a fake clock with reps, territories in two regions and helpers to
// add customers, visits and orders and to move the calendar — for the assignment and pool tests.
#ifndef FIELDBOOK_TESTS_SUPPORT_POOL_FIXTURE_H_
#define FIELDBOOK_TESTS_SUPPORT_POOL_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fieldbook/grading.h"
#include "store/assignment_store.h"
#include "store/pool_store.h"
#include "store/server_store.h"
#include "support/server_store_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {

class PoolFixture : public ServerStoreFixture {
 protected:
  static constexpr int64_t kDayMs = 86400000;

  void SetUp() override {
    // Everything starts on this day; tests move the calendar forward only (the hub's clock, which
    // stamps scope events, never goes back).
    start_ = *ParseDay("2026-06-01");
    SetDay(start_);
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    for (const char* rep : {"rep-a", "rep-b", "rep-c"}) {
      ASSERT_FALSE(AddRep(rep, std::string("Rep ") + rep).empty());
    }
    ASSERT_FALSE(AddRep("mgr", "Manager", "manager").empty());
    ASSERT_TRUE(
        store_
            ->Write(
                {RowWrite{"territories", "t-gz", {{"name", S("天河")}, {"region", S("GD-GZ")}}},
                 RowWrite{"territories", "t-sz", {{"name", S("宝安")}, {"region", S("GD-SZ")}}}})
            .ok());
    assignment_ = std::make_unique<server::AssignmentStore>(*store_, wall_);
    pool_ = std::make_unique<server::PoolStore>(*store_, wall_);
  }

  // Midday UTC of `day`, so that "today" is unambiguous.
  void SetDay(int32_t day, int hour = 12) {
    wall_.Set(static_cast<uint64_t>(day) * kDayMs + static_cast<uint64_t>(hour) * 3600000);
  }
  int32_t Today() { return static_cast<int32_t>(wall_.NowMs() / kDayMs); }

  void AddCustomer(const std::string& id, const std::string& owner, const std::string& tier,
                   const std::string& territory = "t-gz", int32_t created_day = -1,
                   const std::string& stage = "customer") {
    std::vector<std::pair<std::string, Value>> cols = {{"name", Value("Garage " + id)},
                                                       {"city", S("广州")},
                                                       {"customer_type", S("garage")},
                                                       {"purchase_stage", Value(stage)},
                                                       {"territory_id", Value(territory)}};
    if (!owner.empty()) cols.emplace_back("owner_rep_id", Value(owner));
    if (!tier.empty()) cols.emplace_back("grade_tier", Value(tier));
    if (created_day >= 0)
      cols.emplace_back("created_at", Value(FormatDay(created_day) + "T08:00:00Z"));
    auto w = store_->Write({RowWrite{"customers", id, cols}});
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE(w->rejections.empty()) << w->rejections[0].reason;
  }
  void AddVisit(const std::string& id, const std::string& customer, int32_t day) {
    ASSERT_TRUE(store_
                    ->Write({RowWrite{"visits",
                                      id,
                                      {{"customer_id", Value(customer)},
                                       {"check_in", Value(FormatDay(day) + "T09:30:00Z")}}}})
                    .ok());
  }
  void AddOrder(const std::string& id, const std::string& customer, int32_t day) {
    ASSERT_TRUE(store_
                    ->Write({RowWrite{"orders",
                                      id,
                                      {{"customer_id", Value(customer)},
                                       {"order_date", Value(FormatDay(day))},
                                       {"amount_cents", I(10000)}}}})
                    .ok());
  }
  // A device of `rep` syncs now (the server records it at the pull).
  void Synced(const std::string& rep) {
    auto page = store_->PullForRep(rep, 0, 1);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
  }
  bool Holds(const std::string& rep, const std::string& customer) {
    auto scope = store_->ScopeOf(rep);
    EXPECT_TRUE(scope.ok());
    return scope.ok() && scope->count(customer) > 0;
  }
  int64_t Count(const std::string& sql, std::initializer_list<Value> params = {}) {
    const Value v = QueryValue(store_->sql(), sql, params);
    const auto* n = std::get_if<int64_t>(&v);
    return n == nullptr ? -1 : *n;
  }
  void Profile(const std::string& rep, const std::vector<std::string>& regions, server::Skill skill,
               std::optional<int> capacity = std::nullopt,
               std::optional<int> capacity_a = std::nullopt, bool closer = false) {
    server::ProfileUpdate u;
    u.regions = regions;
    u.skill = skill;
    u.capacity = capacity;
    u.capacity_a = capacity_a;
    u.closer = closer;
    Status s = assignment_->SetProfile(rep, u, "test");
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void Rules(const std::string& json) {
    auto v = assignment_->SetRules(json, "test");
    ASSERT_TRUE(v.ok()) << v.status().ToString();
  }

  int32_t start_ = 0;
  std::unique_ptr<server::AssignmentStore> assignment_;
  std::unique_ptr<server::PoolStore> pool_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_POOL_FIXTURE_H_
