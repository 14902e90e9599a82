// AssignmentStore: versioned rules, reps' profiles, and `assign` on live data — the plan and
// applying it as ordinary reassignments (scope events, the assignment log).
#include "store/assignment_store.h"

#include <gtest/gtest.h>

#include <map>

#include "support/pool_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::PoolFixture;
using fieldbook::testing::QueryValue;
using fieldbook::testing::S;

class AssignmentStoreTest : public PoolFixture {};

TEST_F(AssignmentStoreTest, RulesAreVersionedValidatedAndKept) {
  auto rules = assignment_->CurrentRules();
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->version, 0);  // the built-in defaults
  EXPECT_EQ(rules->pool.daily_claims, 5);

  auto v1 = assignment_->SetRules(R"({"pool":{"daily_claims":3}})", "cli");
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(*v1, 1);
  auto v2 = assignment_->SetRules(R"({"pool":{"daily_claims":4},"version":99})", "manager:mgr");
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(*v2, 2);  // the server numbers versions
  rules = assignment_->CurrentRules();
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->version, 2);
  EXPECT_EQ(rules->pool.daily_claims, 4);

  // A bad set names the field and stores nothing; tiers are checked against the grading rules.
  auto bad = assignment_->SetRules(R"({"pool":{"reclaim_days":{"Z":3}}})", "cli");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().rfind("pool.reclaim_days.Z: no such tier", 0), 0u);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_assignment_rules"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_assignment_rules WHERE version = 1 AND set_by = 'cli'"),
            1);
  auto tiers = assignment_->TierOrder();
  ASSERT_TRUE(tiers.ok());
  EXPECT_EQ(*tiers, (std::vector<std::string>{"VIP", "A", "B", "C", "D"}));
}

TEST_F(AssignmentStoreTest, ProfilesHaveDefaultsAndChangeOnlyWhatIsGiven) {
  ASSERT_TRUE(store_->AddRep(NewRep{"rep-r", "Regional", "rep", "", "", "GD-FS, GD-ZH"}).ok());
  auto p = assignment_->ProfileOf("rep-r");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->configured);
  EXPECT_EQ(p->skill, Skill::kJunior);
  EXPECT_EQ(p->regions, (std::vector<std::string>{"GD-FS", "GD-ZH"}));  // from `rep add --regions`
  EXPECT_FALSE(p->capacity.has_value());

  ProfileUpdate u;
  u.skill = Skill::kSenior;
  u.capacity = 120;
  u.capacity_a = 20;
  ASSERT_TRUE(assignment_->SetProfile("rep-r", u, "cli").ok());
  ProfileUpdate closer;
  closer.closer = true;
  ASSERT_TRUE(assignment_->SetProfile("rep-r", closer, "cli").ok());
  p = assignment_->ProfileOf("rep-r");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->configured);
  EXPECT_EQ(p->skill, Skill::kSenior);
  EXPECT_EQ(p->capacity, 120);
  EXPECT_EQ(p->capacity_a, 20);
  EXPECT_TRUE(p->closer);
  EXPECT_EQ(p->regions, (std::vector<std::string>{"GD-FS", "GD-ZH"}));

  ProfileUpdate unlimited;
  unlimited.capacity = std::optional<int>();
  ASSERT_TRUE(assignment_->SetProfile("rep-r", unlimited, "cli").ok());
  EXPECT_FALSE(assignment_->ProfileOf("rep-r")->capacity.has_value());

  ProfileUpdate too_many_a;
  too_many_a.capacity = 10;
  too_many_a.capacity_a = 11;
  Status s = assignment_->SetProfile("rep-r", too_many_a, "cli");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "capacity_a: 11 tier-A customers cannot exceed the capacity of 10");
  ProfileUpdate bad_region;
  bad_region.regions = std::vector<std::string>{""};
  EXPECT_EQ(assignment_->SetProfile("rep-r", bad_region, "cli").code(),
            StatusCode::kInvalidArgument);
  ProfileUpdate negative;
  negative.capacity = -1;
  EXPECT_EQ(assignment_->SetProfile("rep-r", negative, "cli").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(assignment_->SetProfile("nobody", u, "cli").code(), StatusCode::kNotFound);
  EXPECT_EQ(assignment_->ProfileOf("rep-r")->capacity_a, 20);  // nothing changed by the failures
}

TEST_F(AssignmentStoreTest, LoadsCountCustomersAndTierA) {
  AddCustomer("a1", "rep-a", "A");
  AddCustomer("v1", "rep-a", "VIP");
  AddCustomer("b1", "rep-a", "B");
  AddCustomer("b2", "rep-b", "B");
  auto loads = assignment_->Loads();
  ASSERT_TRUE(loads.ok());
  for (const RepLoad& l : *loads) {
    if (l.profile.rep_id == "rep-a") {
      EXPECT_EQ(l.customers, 3);
      EXPECT_EQ(l.tier_a, 2);
    }
    if (l.profile.rep_id == "mgr") EXPECT_EQ(l.role, "manager");
  }
}

TEST_F(AssignmentStoreTest, ApplyingThePlanReassignsLogsAndLeavesNothingToDo) {
  Profile("rep-a", {"GD-GZ"}, Skill::kJunior, 100);
  Profile("rep-b", {"GD-GZ"}, Skill::kSenior, 100, 10);
  Profile("rep-c", {"GD-SZ"}, Skill::kSenior, 100, 10, /*closer=*/true);
  AddCustomer("a-gz", "rep-a", "A");                          // skill: to rep-b
  AddCustomer("b-sz", "rep-a", "B", "t-sz");                  // region: to rep-c
  AddCustomer("b-gz", "rep-a", "B");                          // fine
  AddCustomer("deal", "rep-b", "C", "t-sz", -1, "deciding");  // closer and region: to rep-c
  AddCustomer("orphan", "", "C");                             // nobody: placed
  AddCustomer("pooled", "rep-a", "A");
  ASSERT_TRUE(pool_->Release("pooled", "", "closed", "test").ok());

  auto plan = assignment_->Plan("");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::map<std::string, std::pair<std::string, std::string>> moves;
  for (const ProposedMove& m : plan->moves) moves[m.customer] = {m.to, m.rule};
  EXPECT_EQ(moves.count("pooled"), 0u);  // the pool is left to claims and managers
  EXPECT_EQ(moves["a-gz"], std::make_pair(std::string("rep-b"), std::string("skill")));
  EXPECT_EQ(moves["b-sz"], std::make_pair(std::string("rep-c"), std::string("region")));
  EXPECT_EQ(moves["deal"], std::make_pair(std::string("rep-c"), std::string("region")));
  EXPECT_EQ(moves["orphan"].second, "no_rep");
  EXPECT_EQ(moves.size(), 4u);
  EXPECT_TRUE(Holds("rep-a", "a-gz"));  // a plan changes nothing

  SetDay(start_ + 1);
  auto applied = assignment_->Apply("", "cli");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->moves.size(), 4u);
  EXPECT_TRUE(Holds("rep-b", "a-gz"));
  EXPECT_TRUE(Holds("rep-c", "b-sz"));
  EXPECT_TRUE(Holds("rep-c", "deal"));
  EXPECT_FALSE(Holds("rep-a", "a-gz"));
  EXPECT_EQ(QueryValue(store_->sql(), "SELECT owner_rep_id FROM customers WHERE id = 'a-gz'"),
            S("rep-b"));
  // Ordinary reassignments: scope events carry them to devices.
  EXPECT_EQ(Count("SELECT count(*) FROM srv_scope_events WHERE customer_id = 'a-gz' AND "
                  "rep_id = 'rep-a' AND kind = 'removed'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_assignment_log WHERE customer_id = 'a-gz' AND "
                  "from_rep = 'rep-a' AND to_rep = 'rep-b' AND rule = 'skill' AND reason = "
                  "'tier A needs senior+: rep-a is junior' AND actor = 'cli'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_assignment_log"), 4);
  EXPECT_TRUE(*pool_->InPool("pooled"));

  auto again = assignment_->Plan("");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->moves.empty());
  EXPECT_TRUE(again->unplaced.empty());
}

TEST_F(AssignmentStoreTest, APlanForOneTerritoryMovesOnlyItsCustomers) {
  Profile("rep-a", {}, Skill::kJunior);
  Profile("rep-b", {}, Skill::kSenior);
  AddCustomer("a-gz", "rep-a", "A");
  AddCustomer("a-sz", "rep-a", "A", "t-sz");
  auto plan = assignment_->Plan("t-sz");
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->moves.size(), 1u);
  EXPECT_EQ(plan->moves[0].customer, "a-sz");
  EXPECT_EQ(assignment_->Plan("t-nowhere").status().code(), StatusCode::kNotFound);
}

TEST_F(AssignmentStoreTest, TheDayACustomerCameToItsRepOrdersCapacityMoves) {
  Profile("rep-a", {}, Skill::kSenior, 2);
  Profile("rep-b", {}, Skill::kSenior, 10);
  AddCustomer("old", "rep-a", "C");
  SetDay(start_ + 5);
  AddCustomer("mid", "rep-a", "C");
  SetDay(start_ + 9);
  AddCustomer("new", "rep-a", "C");
  auto held = assignment_->HeldCustomers();
  ASSERT_TRUE(held.ok());
  for (const HeldCustomer& c : *held) {
    if (c.id == "mid") EXPECT_EQ(c.since_day, start_ + 5);
  }
  auto plan = assignment_->Plan("");
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->moves.size(), 1u);
  EXPECT_EQ(plan->moves[0].customer, "new");  // the newest relationship moves first
  EXPECT_EQ(plan->moves[0].reason, "rep rep-a over capacity 3/2");
}

}  // namespace
}  // namespace fieldbook::server
