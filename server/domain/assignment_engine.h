// PlanAssignment: the moves that bring who-holds-which-customer in line with the assignment rules,
// each with the rule it serves and a sentence saying why. Greedy and deterministic: the same
// input always gives the same plan, in the same order (ties broken by ids).
//
// The plan, in order:
//   1. Customers whose rep breaks a rule for them (disabled or no rep, skill, region, closer) move
//      to the best fitting rep with room; the most valuable customers are placed first.
//   2. With capacity enforced, a rep over their tier-A capacity, then over their capacity, gives
//      up the customers whose move costs least: lowest tier first, then the most recently
//      assigned (long relationships stay), then by id.
//   3. With stability off (keep_current_rep false), a customer also moves when another fitting
//      rep's load, as a share of capacity, is lower than its rep's by more than the tolerance.
// Otherwise a customer keeps its rep. The best rep for a customer is the fitting one with room
// whose load is the smallest share of their capacity (reps without a capacity are measured
// against the largest capacity set, or 100), then the fewest customers, then the smallest id.
// A customer no rep can take stays where it is and is listed as unplaced, with what it needs.
// Customers in the public pool are not part of the input: claims and managers place those.
//
// Thread safety: a pure function (thread-safe).
#ifndef FIELDBOOK_SERVER_ASSIGNMENT_ENGINE_H_
#define FIELDBOOK_SERVER_ASSIGNMENT_ENGINE_H_

#include <boost/describe/class.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "domain/assignment_rules.h"

namespace fieldbook::server {

struct HeldCustomer : CustomerFacts {
  std::string territory_id;
  std::string holder;      // the rep holding it now; empty = nobody
  int32_t since_day = -1;  // the day it came to its holder; -1 = unknown (counts as long ago)
};

// A move's and an unplaced customer's reason is a value too (`why`, codes assign_..., fit_... and
// need_... of lang_text.cc) that PlanReasonText renders in the console's language; `reason` is
// its English sentence (the JSON's "reason", the audit's words).
struct ProposedMove {
  std::string customer, name, from, to;
  std::string rule;     // no_rep, inactive, skill, region, closer, capacity_a, capacity, rebalance
  std::string reason;   // "tier A needs senior+: rep r3 is junior"
  std::string to_load;  // the new rep's load after the move: "46/120" (or "46" without capacity)
  Phrase why;
};
BOOST_DESCRIBE_STRUCT(ProposedMove, (), (customer, name, from, to, rule, reason, to_load))

struct UnplacedCustomer {
  std::string customer, name, from;
  std::string rule;
  std::string reason;  // why it should move, and what no rep could offer
  Phrase why;
  std::vector<Phrase> needs;  // what no rep could offer (need_...); empty: no other active rep
};
BOOST_DESCRIBE_STRUCT(UnplacedCustomer, (), (customer, name, from, rule, reason))

struct AssignmentPlan {
  int rules_version = 0;
  size_t customers_considered = 0;
  std::vector<ProposedMove> moves;
  std::vector<UnplacedCustomer> unplaced;
};

// A reason of the plan in `lang`: "why" alone (a move), or "why; what no rep could offer" (an
// unplaced customer: "...; no other rep is senior+ and has room").
std::string PlanReasonText(Lang lang, const Phrase& why);
std::string PlanReasonText(Lang lang, const Phrase& why, const std::vector<Phrase>& needs);
// An unplaced customer's reason as one phrase (assign_unplaced: `why` and `needs` nested in it,
// fieldbook/phrase_nest.h), which PlanReasonText renders: kept where it is stored (the pool's
// reason of an imported customer).
Phrase UnplacedWhy(const Phrase& why, const std::vector<Phrase>& needs);

// `tier_order`: tiers from most to least valuable (the grading tiers); `territory` non-empty
// limits the moves to that territory's customers (loads still count every customer).
AssignmentPlan PlanAssignment(const AssignmentRules& rules,
                              const std::vector<std::string>& tier_order,
                              const std::vector<RepProfile>& reps,
                              const std::vector<HeldCustomer>& customers,
                              const std::string& territory);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_ASSIGNMENT_ENGINE_H_
