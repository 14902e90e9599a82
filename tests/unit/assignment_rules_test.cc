// AssignmentRules: the JSON form (defaults, validation naming the field, round trip) and CheckFit,
// the rule check shared by `assign` and pool claims.
#include "domain/assignment_rules.h"

#include <gtest/gtest.h>

namespace fieldbook::server {
namespace {

const std::vector<std::string> kTiers = {"VIP", "A", "B", "C", "D"};

std::string ErrorOf(const std::string& json) {
  auto r = ParseAssignmentRules(json, kTiers);
  EXPECT_FALSE(r.ok()) << json;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST(AssignmentRules, AnEmptyObjectGivesTheDocumentedDefaults) {
  auto r = ParseAssignmentRules("{}", kTiers);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->RequiredSkill("VIP"), Skill::kKeyAccount);
  EXPECT_EQ(r->RequiredSkill("A"), Skill::kSenior);
  EXPECT_EQ(r->RequiredSkill("B"), Skill::kJunior);
  EXPECT_EQ(r->RequiredSkill(""), Skill::kJunior);
  EXPECT_TRUE(r->region_match);
  EXPECT_TRUE(r->enforce_capacity);
  EXPECT_TRUE(r->keep_current_rep);
  EXPECT_TRUE(r->IsTierA("VIP"));
  EXPECT_TRUE(r->IsTierA("A"));
  EXPECT_FALSE(r->IsTierA("B"));
  EXPECT_TRUE(r->NeedsCloser("deciding"));
  EXPECT_FALSE(r->NeedsCloser("customer"));
  EXPECT_EQ(r->pool.ReclaimDays("VIP"), 0);
  EXPECT_EQ(r->pool.ReclaimDays("B"), 45);
  EXPECT_EQ(r->pool.ReclaimDays(""), 60);  // not graded: the default
  EXPECT_EQ(r->pool.warn_days, 7);
  EXPECT_EQ(r->pool.daily_claims, 5);
}

TEST(AssignmentRules, GivenValuesReplaceTheDefaultsAndSurviveARoundTrip) {
  const std::string json = R"({"skill_for_tier":{"A":"key_account"},"region_match":false,
    "capacity":{"enforce":false,"tier_a_tiers":["A"]},
    "stability":{"keep_current_rep":false,"rebalance_tolerance":0.25},
    "closer":{"purchase_stages":["deciding"]},
    "pool":{"reclaim_days":{"A":20,"D":0},"default_reclaim_days":30,"warn_days":3,
            "max_wait_days":5,"daily_claims":2,"holding_cap":50},"comment":"Q4 push"})";
  auto r = ParseAssignmentRules(json, kTiers);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->RequiredSkill("A"), Skill::kKeyAccount);
  EXPECT_EQ(r->RequiredSkill("VIP"), Skill::kJunior);  // the map given replaces the default one
  EXPECT_FALSE(r->region_match);
  EXPECT_FALSE(r->enforce_capacity);
  EXPECT_FALSE(r->IsTierA("VIP"));
  EXPECT_FALSE(r->keep_current_rep);
  EXPECT_DOUBLE_EQ(r->rebalance_tolerance, 0.25);
  EXPECT_FALSE(r->NeedsCloser("interested"));
  EXPECT_EQ(r->pool.ReclaimDays("A"), 20);
  EXPECT_EQ(r->pool.ReclaimDays("D"), 0);
  EXPECT_EQ(r->pool.ReclaimDays("B"), 30);
  EXPECT_EQ(r->pool.holding_cap, 50);

  auto again = ParseAssignmentRules(AssignmentRulesToJson(*r), kTiers);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(AssignmentRulesToJson(*again), AssignmentRulesToJson(*r));
}

TEST(AssignmentRules, BadValuesAreRefusedNamingTheField) {
  EXPECT_NE(ErrorOf("[1]").find("must be a JSON object"), std::string::npos);
  EXPECT_NE(ErrorOf("{").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(ErrorOf(R"({"pool":{"reclaim_days":{"A":-3}}})"),
            "pool.reclaim_days.A: must be a whole number between 0 and 3650, not -3");
  EXPECT_EQ(ErrorOf(R"({"pool":{"warn_days":2.5}})").rfind("pool.warn_days:", 0), 0u);
  EXPECT_EQ(ErrorOf(R"({"pool":{"daily_claims":"five"}})").rfind("pool.daily_claims:", 0), 0u);
  EXPECT_EQ(ErrorOf(R"({"skill_for_tier":{"A":"guru"}})"),
            "skill_for_tier.A: must be junior, senior or key_account");
  EXPECT_NE(ErrorOf(R"({"skill_for_tier":{"Z":"senior"}})").find("skill_for_tier.Z: no such tier"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(R"({"pool":{"reclaim_days":{"Q":3}}})").rfind("pool.reclaim_days.Q:", 0), 0u);
  EXPECT_EQ(ErrorOf(R"({"closer":{"purchase_stages":["signed"]}})")
                .rfind("closer.purchase_stages[0]: must be one of aware", 0),
            0u);
  EXPECT_EQ(ErrorOf(R"({"capacity":{"tier_a_tiers":["A","A"]}})"),
            "capacity.tier_a_tiers[1]: repeats 'A'");
  EXPECT_EQ(ErrorOf(R"({"stability":{"rebalance_tolerance":2}})"),
            "stability.rebalance_tolerance: must be a number between 0 and 1");
  EXPECT_EQ(ErrorOf(R"({"region_match":"yes"})"), "region_match: must be true or false");
  EXPECT_EQ(ErrorOf(R"({"pool":{"reclaim_after":3}})"), "pool.reclaim_after: unknown field");
  EXPECT_EQ(ErrorOf(R"({"colour":"red"})"), "colour: unknown field");
  // Without known tiers (stored rules read back), any tier name is accepted.
  EXPECT_TRUE(ParseAssignmentRules(R"({"skill_for_tier":{"Z":"senior"}})", {}).ok());
}

RepProfile Rep(const std::string& id, Skill skill, std::vector<std::string> regions,
               bool closer = false) {
  RepProfile p;
  p.rep_id = id;
  p.skill = skill;
  p.regions = std::move(regions);
  p.closer = closer;
  return p;
}

TEST(CheckFit, SkillRegionAndCloserEachBreakWithAReason) {
  const AssignmentRules rules;
  const CustomerFacts tier_a{"c1", "鑫达汽修", "A", "customer", "GD-GZ"};
  const Fit skill = CheckFit(rules, Rep("r3", Skill::kJunior, {"GD-GZ"}), tier_a);
  EXPECT_EQ(skill.rule, "skill");
  EXPECT_EQ(skill.reason, "tier A needs senior+: r3 is junior");
  EXPECT_TRUE(CheckFit(rules, Rep("r1", Skill::kSenior, {"GD-GZ"}), tier_a).ok());
  EXPECT_TRUE(CheckFit(rules, Rep("r1", Skill::kKeyAccount, {"GD-GZ"}), tier_a).ok());
  const CustomerFacts vip{"c2", "", "VIP", "", "GD-GZ"};
  EXPECT_EQ(CheckFit(rules, Rep("r1", Skill::kSenior, {"GD-GZ"}), vip).reason,
            "tier VIP needs key_account: r1 is senior");

  const Fit region = CheckFit(rules, Rep("r2", Skill::kSenior, {"GD-FS", "GD-SZ"}), tier_a);
  EXPECT_EQ(region.rule, "region");
  EXPECT_EQ(region.reason, "region mismatch: customer in GD-GZ, r2 serves GD-FS,GD-SZ");
  EXPECT_TRUE(CheckFit(rules, Rep("any", Skill::kSenior, {}), tier_a).ok());  // no regions: all
  AssignmentRules no_region = rules;
  no_region.region_match = false;
  EXPECT_TRUE(CheckFit(no_region, Rep("r2", Skill::kSenior, {"GD-FS"}), tier_a).ok());

  const CustomerFacts prospect{"c3", "", "C", "deciding", ""};
  const Fit closer = CheckFit(rules, Rep("r4", Skill::kJunior, {"GD-GZ"}), prospect);
  EXPECT_EQ(closer.rule, "closer");
  EXPECT_EQ(closer.reason, "stage deciding needs a closer: r4 is not one");
  EXPECT_TRUE(CheckFit(rules, Rep("r4", Skill::kJunior, {"GD-GZ"}, true), prospect).ok());

  // Worded for the rep themself in claim answers.
  EXPECT_EQ(CheckFit(rules, Rep("r3", Skill::kJunior, {"GD-GZ"}), tier_a, true).reason,
            "tier A needs senior+: you are junior");
  EXPECT_EQ(CheckFit(rules, Rep("r2", Skill::kSenior, {"GD-FS"}), tier_a, true).reason,
            "not in your region: customer in GD-GZ, you serve GD-FS");
}

}  // namespace
}  // namespace fieldbook::server
