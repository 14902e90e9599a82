// PlanAssignment: every rule, capacities (tier-A too), stability, the reasons and determinism.
#include "domain/assignment_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

namespace fieldbook::server {
namespace {

const std::vector<std::string> kTiers = {"VIP", "A", "B", "C", "D"};

RepProfile Rep(const std::string& id, Skill skill, std::vector<std::string> regions,
               std::optional<int> capacity = std::nullopt,
               std::optional<int> capacity_a = std::nullopt, bool closer = false) {
  RepProfile p;
  p.rep_id = id;
  p.name = id;
  p.skill = skill;
  p.regions = std::move(regions);
  p.capacity = capacity;
  p.capacity_a = capacity_a;
  p.closer = closer;
  p.configured = true;
  return p;
}

HeldCustomer Customer(const std::string& id, const std::string& holder, const std::string& tier,
                      const std::string& region = "GD-GZ", const std::string& stage = "customer",
                      int32_t since_day = -1) {
  HeldCustomer c;
  c.id = id;
  c.name = "name of " + id;
  c.holder = holder;
  c.tier = tier;
  c.region = region;
  c.purchase_stage = stage;
  c.territory_id = "t-" + region;
  c.since_day = since_day;
  return c;
}

AssignmentPlan Plan(const std::vector<RepProfile>& reps, const std::vector<HeldCustomer>& customers,
                    const AssignmentRules& rules = {}, const std::string& territory = "") {
  return PlanAssignment(rules, kTiers, reps, customers, territory);
}

TEST(PlanAssignment, CustomersWhoseRepFitsStayPut) {
  const auto plan = Plan({Rep("r1", Skill::kSenior, {"GD-GZ"}), Rep("r2", Skill::kJunior, {})},
                         {Customer("c1", "r1", "A"), Customer("c2", "r2", "B")});
  EXPECT_TRUE(plan.moves.empty());
  EXPECT_TRUE(plan.unplaced.empty());
  EXPECT_EQ(plan.customers_considered, 2u);
}

TEST(PlanAssignment, ATierANeedsASeniorRep) {
  const auto plan =
      Plan({Rep("r1", Skill::kSenior, {"GD-GZ"}), Rep("r3", Skill::kJunior, {"GD-GZ"})},
           {Customer("c1", "r3", "A"), Customer("c2", "r3", "B")});
  ASSERT_EQ(plan.moves.size(), 1u);
  EXPECT_EQ(plan.moves[0].customer, "c1");
  EXPECT_EQ(plan.moves[0].from, "r3");
  EXPECT_EQ(plan.moves[0].to, "r1");
  EXPECT_EQ(plan.moves[0].rule, "skill");
  EXPECT_EQ(plan.moves[0].reason, "tier A needs senior+: r3 is junior");
  EXPECT_EQ(plan.moves[0].to_load, "1");
}

TEST(PlanAssignment, AVipNeedsAKeyAccountRepNotJustASenior) {
  const auto plan = Plan({Rep("ka", Skill::kKeyAccount, {}), Rep("sr", Skill::kSenior, {})},
                         {Customer("v1", "sr", "VIP")});
  ASSERT_EQ(plan.moves.size(), 1u);
  EXPECT_EQ(plan.moves[0].to, "ka");
  EXPECT_EQ(plan.moves[0].reason, "tier VIP needs key_account: sr is senior");
}

TEST(PlanAssignment, ACustomerGoesToARepOfItsRegion) {
  const auto plan =
      Plan({Rep("gz", Skill::kJunior, {"GD-GZ"}), Rep("sz", Skill::kJunior, {"GD-SZ"})},
           {Customer("c1", "gz", "B", "GD-SZ")});
  ASSERT_EQ(plan.moves.size(), 1u);
  EXPECT_EQ(plan.moves[0].to, "sz");
  EXPECT_EQ(plan.moves[0].rule, "region");
  EXPECT_EQ(plan.moves[0].reason, "region mismatch: customer in GD-SZ, gz serves GD-GZ");
  AssignmentRules off;
  off.region_match = false;
  EXPECT_TRUE(Plan({Rep("gz", Skill::kJunior, {"GD-GZ"}), Rep("sz", Skill::kJunior, {"GD-SZ"})},
                   {Customer("c1", "gz", "B", "GD-SZ")}, off)
                  .moves.empty());
}

TEST(PlanAssignment, AProspectInAClosingStageGoesToACloser) {
  const auto plan = Plan({Rep("hunter", Skill::kJunior, {}, 100, std::nullopt, true),
                          Rep("farmer", Skill::kJunior, {})},
                         {Customer("p1", "farmer", "C", "GD-GZ", "deciding"),
                          Customer("p2", "farmer", "C", "GD-GZ", "aware")});
  ASSERT_EQ(plan.moves.size(), 1u);
  EXPECT_EQ(plan.moves[0].customer, "p1");
  EXPECT_EQ(plan.moves[0].to, "hunter");
  EXPECT_EQ(plan.moves[0].rule, "closer");
  EXPECT_EQ(plan.moves[0].reason, "stage deciding needs a closer: farmer is not one");
}

TEST(PlanAssignment, CustomersOfDisabledOrMissingRepsAndOfNobodyArePlaced) {
  RepProfile gone = Rep("gone", Skill::kSenior, {});
  gone.active = false;
  RepProfile boss = Rep("boss", Skill::kKeyAccount, {});
  boss.assignable = false;
  const auto plan = Plan({gone, boss, Rep("r1", Skill::kJunior, {})},
                         {Customer("c1", "gone", "C"), Customer("c2", "", "C"),
                          Customer("c3", "left-the-company", "C"), Customer("c4", "boss", "C")});
  ASSERT_EQ(plan.moves.size(), 4u);
  for (const ProposedMove& m : plan.moves) EXPECT_EQ(m.to, "r1") << m.customer;  // never boss
  EXPECT_EQ(plan.moves[0].reason, "rep gone is disabled");
  EXPECT_EQ(plan.moves[1].reason, "no rep holds this customer");
  EXPECT_EQ(plan.moves[1].rule, "no_rep");
  EXPECT_EQ(plan.moves[2].reason, "rep left-the-company no longer exists");
  EXPECT_EQ(plan.moves[3].reason, "boss is a manager, not a rep");
}

TEST(PlanAssignment, ARepOverCapacityGivesUpTheCheapestCustomersFirst) {
  // r2 holds 5 with capacity 3: the two lowest-tier customers move, most recent first.
  const auto plan = Plan({Rep("r1", Skill::kSenior, {}, 10), Rep("r2", Skill::kSenior, {}, 3)},
                         {Customer("a1", "r2", "A", "GD-GZ", "customer", 100),
                          Customer("b1", "r2", "B", "GD-GZ", "customer", 100),
                          Customer("d1", "r2", "D", "GD-GZ", "customer", 50),
                          Customer("d2", "r2", "D", "GD-GZ", "customer", 90),
                          Customer("d3", "r2", "D", "GD-GZ", "customer", 10)});
  ASSERT_EQ(plan.moves.size(), 2u);
  EXPECT_EQ(plan.moves[0].customer, "d2");  // most recently assigned D
  EXPECT_EQ(plan.moves[1].customer, "d1");
  for (const ProposedMove& m : plan.moves) {
    EXPECT_EQ(m.rule, "capacity");
    EXPECT_EQ(m.reason, "rep r2 over capacity 5/3");
    EXPECT_EQ(m.to, "r1");
  }
  EXPECT_EQ(plan.moves[1].to_load, "2/10");
}

TEST(PlanAssignment, TierACapacityCountsOnlyTierACustomersAndTargetsRespectIt) {
  // r1 may hold 1 tier-A customer but holds 3; r2 has tier-A room for 1, r3 for plenty but is
  // junior. One A moves to r2, the other cannot go anywhere.
  const auto plan =
      Plan({Rep("r1", Skill::kSenior, {}, 100, 1), Rep("r2", Skill::kSenior, {}, 100, 1),
            Rep("r3", Skill::kJunior, {}, 100, 50)},
           {Customer("v1", "r1", "VIP"), Customer("a1", "r1", "A"), Customer("a2", "r1", "A"),
            Customer("b1", "r1", "B")},
           [] {
             AssignmentRules r;
             r.tier_skill = {{"A", Skill::kSenior}, {"VIP", Skill::kSenior}};
             return r;
           }());
  ASSERT_EQ(plan.moves.size(), 1u);
  EXPECT_EQ(plan.moves[0].rule, "capacity_a");
  EXPECT_EQ(plan.moves[0].reason, "rep r1 over tier-A capacity 3/1");
  EXPECT_EQ(plan.moves[0].to, "r2");
  EXPECT_EQ(plan.moves[0].customer, "a1");  // an A before the VIP; then by id
  ASSERT_EQ(plan.unplaced.size(), 1u);
  EXPECT_EQ(plan.unplaced[0].customer, "a2");
  EXPECT_EQ(plan.unplaced[0].reason,
            "rep r1 over tier-A capacity 3/1; no other rep is senior+, serves GD-GZ and has room");
}

TEST(PlanAssignment, CapacityIsRespectedWhenPlacingAndIgnoredWhenNotEnforced) {
  const std::vector<RepProfile> reps = {Rep("full", Skill::kSenior, {}, 1),
                                        Rep("junior", Skill::kJunior, {})};
  const std::vector<HeldCustomer> customers = {Customer("x", "full", "B"),
                                               Customer("a", "junior", "A")};
  const auto plan = Plan(reps, customers);
  EXPECT_TRUE(plan.moves.empty());
  ASSERT_EQ(plan.unplaced.size(), 1u);
  EXPECT_EQ(plan.unplaced[0].reason,
            "tier A needs senior+: junior is junior; no other rep is senior+, serves GD-GZ and has "
            "room");
  AssignmentRules loose;
  loose.enforce_capacity = false;
  const auto plan2 = Plan(reps, customers, loose);
  ASSERT_EQ(plan2.moves.size(), 1u);
  EXPECT_EQ(plan2.moves[0].to, "full");
}

TEST(PlanAssignment, TheLeastLoadedFittingRepIsChosenWithIdsBreakingTies) {
  const auto plan = Plan({Rep("b", Skill::kSenior, {}, 100), Rep("a", Skill::kSenior, {}, 100),
                          Rep("c", Skill::kSenior, {}, 10), Rep("j", Skill::kJunior, {})},
                         {Customer("x1", "j", "A"), Customer("x2", "j", "A"),
                          Customer("x3", "j", "A"), Customer("h1", "c", "B")});
  ASSERT_EQ(plan.moves.size(), 3u);
  EXPECT_EQ(plan.moves[0].to, "a");  // a and b both at 0%: the smaller id
  EXPECT_EQ(plan.moves[1].to, "b");
  EXPECT_EQ(plan.moves[2].to, "a");  // c is at 10% already
}

TEST(PlanAssignment, StabilityOffRebalancesBeyondTheTolerance) {
  const std::vector<RepProfile> reps = {Rep("busy", Skill::kJunior, {}, 10),
                                        Rep("idle", Skill::kJunior, {}, 10)};
  std::vector<HeldCustomer> customers;
  for (int i = 0; i < 8; ++i) customers.push_back(Customer("c" + std::to_string(i), "busy", "C"));
  EXPECT_TRUE(Plan(reps, customers).moves.empty());  // stable by default: no rule is broken
  AssignmentRules rebalance;
  rebalance.keep_current_rep = false;
  rebalance.rebalance_tolerance = 0.15;
  const auto plan = Plan(reps, customers, rebalance);
  // 80% against 10% after a move, 70/20, 60/30: three moves; a fourth would be 50% against 40%,
  // within the tolerance.
  ASSERT_EQ(plan.moves.size(), 3u);
  EXPECT_EQ(plan.moves[0].rule, "rebalance");
  EXPECT_EQ(plan.moves[0].reason, "rebalance: busy at 80% of capacity, idle at 10% after the move");
  for (const ProposedMove& m : plan.moves) EXPECT_EQ(m.to, "idle");
}

TEST(PlanAssignment, TheTerritoryFilterOnlyMovesThatTerritorysCustomers) {
  const auto plan =
      Plan({Rep("sr", Skill::kSenior, {}), Rep("jr", Skill::kJunior, {})},
           {Customer("gz", "jr", "A", "GD-GZ"), Customer("sz", "jr", "A", "GD-SZ")}, {}, "t-GD-SZ");
  EXPECT_EQ(plan.customers_considered, 1u);
  ASSERT_EQ(plan.moves.size(), 1u);
  EXPECT_EQ(plan.moves[0].customer, "sz");
}

TEST(PlanAssignment, TheSameInputInAnyOrderGivesTheSamePlan) {
  std::vector<RepProfile> reps;
  const char* regions[] = {"GD-GZ", "GD-FS", "GD-SZ"};
  for (int r = 0; r < 9; ++r) {
    reps.push_back(Rep("r" + std::to_string(r), static_cast<Skill>(r % 3), {regions[r % 3]}, 20 + r,
                       4 + r % 3, r % 4 == 0));
  }
  std::mt19937 rng(7);
  std::vector<HeldCustomer> customers;
  const char* stages[] = {"aware", "interested", "deciding", "customer"};
  for (int i = 0; i < 300; ++i) {
    customers.push_back(Customer("c" + std::to_string(1000 + i), "r" + std::to_string(rng() % 9),
                                 kTiers[rng() % kTiers.size()], regions[rng() % 3],
                                 stages[rng() % 4], static_cast<int32_t>(rng() % 400)));
  }
  const auto first = Plan(reps, customers);
  EXPECT_FALSE(first.moves.empty());
  std::shuffle(customers.begin(), customers.end(), rng);
  std::shuffle(reps.begin(), reps.end(), rng);
  const auto second = Plan(reps, customers);
  ASSERT_EQ(first.moves.size(), second.moves.size());
  for (size_t i = 0; i < first.moves.size(); ++i) {
    EXPECT_EQ(first.moves[i].customer, second.moves[i].customer);
    EXPECT_EQ(first.moves[i].to, second.moves[i].to);
    EXPECT_EQ(first.moves[i].reason, second.moves[i].reason);
  }
  ASSERT_EQ(first.unplaced.size(), second.unplaced.size());

  // And the plan keeps its promises: applied, nobody ends over capacity because of it and every
  // moved customer fits its new rep.
  std::map<std::string, int> load;
  for (const HeldCustomer& c : customers) ++load[c.holder];
  std::map<std::string, const HeldCustomer*> by_id;
  for (const HeldCustomer& c : customers) by_id[c.id] = &c;
  for (const ProposedMove& m : first.moves) {
    --load[m.from];
    ++load[m.to];
    const RepProfile& to = *std::find_if(reps.begin(), reps.end(),
                                         [&](const RepProfile& r) { return r.rep_id == m.to; });
    EXPECT_TRUE(CheckFit(AssignmentRules{}, to, *by_id[m.customer]).ok()) << m.customer;
  }
  for (const RepProfile& r : reps) {
    const bool shed_all =
        std::none_of(first.unplaced.begin(), first.unplaced.end(),
                     [&](const UnplacedCustomer& u) { return u.from == r.rep_id; });
    if (shed_all) EXPECT_LE(load[r.rep_id], *r.capacity) << r.rep_id;
  }
}

}  // namespace
}  // namespace fieldbook::server
