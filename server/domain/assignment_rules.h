// AssignmentRules: who may hold which customer, and the public pool's (公海) policy, as data — a
// documented JSON form, parsed and validated with errors that name the bad field, like the grading
// rules (docs/assignment.md). RepProfile: what the rules know about a rep (regions, skill,
// capacities, closer). CheckFit: the one place that decides whether a rep may hold a customer by
// the skill, region and closer rules; the assignment plan and pool claims both use it, so a
// customer a rep may claim is never one `assign` would take away again.
//
// Thread safety: value types and pure functions (thread-safe).
#ifndef FIELDBOOK_SERVER_ASSIGNMENT_RULES_H_
#define FIELDBOOK_SERVER_ASSIGNMENT_RULES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fieldbook/lang_text.h"
#include "fieldbook/status.h"

namespace boost::json {
class value;
}

namespace fieldbook::server {

// Ordered: a rule asking for senior is met by senior and key_account.
enum class Skill { kJunior = 0, kSenior = 1, kKeyAccount = 2 };
const char* SkillName(Skill skill);  // "junior", "senior", "key_account"
std::optional<Skill> ParseSkill(std::string_view text);

struct PoolRules {
  // Days without a visit or an order after which a customer of the tier goes back to the pool;
  // 0 = never. Tiers not listed (and customers not graded yet) use default_reclaim_days.
  std::map<std::string, int> reclaim_days = {
      {"VIP", 0}, {"A", 30}, {"B", 45}, {"C", 60}, {"D", 90}};
  int default_reclaim_days = 60;
  int warn_days = 7;       // the rep is warned this many days before the deadline
  int max_wait_days = 14;  // a reclaim waits for the rep's devices to sync at most this long
  int daily_claims = 5;    // claims granted per rep per (UTC) day
  int holding_cap = 200;   // a claim is refused when the rep already holds this many customers

  int ReclaimDays(const std::string& tier) const;
};

struct AssignmentRules {
  int version = 0;  // 0: the built-in defaults (never set)
  // The least skill a customer of the tier needs. Tiers not listed: any rep.
  std::map<std::string, Skill> tier_skill = {{"VIP", Skill::kKeyAccount}, {"A", Skill::kSenior}};
  bool region_match = true;      // a customer goes to a rep serving its territory's region
  bool enforce_capacity = true;  // reps hold at most capacity (and capacity_a tier-A) customers
  std::vector<std::string> tier_a = {"VIP", "A"};  // tiers counted against capacity_a
  // Stability: keep a customer's rep unless a rule is broken. Off: also move customers from a
  // rep whose load (share of capacity) exceeds another fitting rep's by more than the tolerance.
  bool keep_current_rep = true;
  double rebalance_tolerance = 0.15;
  // Purchase stages whose customers need a rep good at closing (RepProfile::closer).
  std::vector<std::string> closer_stages = {"interested", "deciding"};
  PoolRules pool;

  Skill RequiredSkill(const std::string& tier) const;
  bool IsTierA(const std::string& tier) const;
  bool NeedsCloser(const std::string& purchase_stage) const;
};

// Parses and validates rules. Missing fields take the defaults above (a map or list given replaces
// the default one whole); unknown fields and bad values are kInvalidArgument naming the field
// ("pool.reclaim_days.A: must be a whole number between 0 and 3650, not -3"). Tier names are
// checked against `known_tiers` (the grading tiers) unless it is empty.
Result<AssignmentRules> ParseAssignmentRules(std::string_view json,
                                             const std::vector<std::string>& known_tiers);
// The same for rules already parsed as JSON (request bodies are parsed before the store's lock).
Result<AssignmentRules> ParseAssignmentRules(const boost::json::value& root,
                                             const std::vector<std::string>& known_tiers);
std::string AssignmentRulesToJson(const AssignmentRules& rules);

struct RepProfile {
  std::string rep_id;
  std::string name;
  bool active = true;                // disabled reps hold nothing
  bool assignable = true;            // role "rep"; managers are never given customers
  std::vector<std::string> regions;  // empty: any region
  Skill skill = Skill::kJunior;
  std::optional<int> capacity;    // customers held at most; nullopt: no limit
  std::optional<int> capacity_a;  // tier-A customers held at most; nullopt: no limit
  bool closer = false;
  bool configured = false;  // a profile was stored (else these are the defaults)

  bool ServesRegion(const std::string& region) const;
  std::string RegionsText() const;  // "GD-GZ,GD-FS", or "any region"
};

// What the rules look at in a customer.
struct CustomerFacts {
  std::string id;
  std::string name;
  std::string tier;            // grade_tier; empty = not graded
  std::string purchase_stage;  // may be empty
  std::string region;          // its territory's region; empty = none
};

// A rule a rep breaks for a customer: "skill", "region" or "closer", with why as a value (codes
// fit_... of lang_text.cc, rendered in the reader's language) and its English sentence.
struct Fit {
  std::string rule;  // empty: the rep fits
  std::string reason;
  Phrase why;
  bool ok() const { return rule.empty(); }
};

// Skill, region and closer (capacity depends on what else the rep holds: the caller checks it).
// `to_the_rep` words the reason for the rep themself ("you are junior") instead of naming them.
Fit CheckFit(const AssignmentRules& rules, const RepProfile& rep, const CustomerFacts& customer,
             bool to_the_rep = false);

// "senior+" or "key_account": the wording of a required skill.
std::string SkillNeeded(Skill skill);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_ASSIGNMENT_RULES_H_
