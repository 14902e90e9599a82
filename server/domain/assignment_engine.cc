#include "domain/assignment_engine.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace fieldbook::server {

namespace {

struct Load {
  int total = 0;
  int tier_a = 0;
};

std::string Percent(double share) {
  return std::to_string(static_cast<int>(std::lround(share * 100))) + "%";
}

class Planner {
 public:
  Planner(const AssignmentRules& rules, const std::vector<std::string>& tier_order,
          const std::vector<RepProfile>& reps, const std::vector<HeldCustomer>& customers,
          const std::string& territory)
      : rules_(rules), tier_order_(tier_order), customers_(customers), territory_(territory) {
    for (const RepProfile& r : reps) reps_.push_back(&r);
    std::sort(reps_.begin(), reps_.end(),
              [](const RepProfile* a, const RepProfile* b) { return a->rep_id < b->rep_id; });
    for (const RepProfile* r : reps_) {
      if (r->active && r->assignable && r->capacity) {
        reference_capacity_ = std::max(reference_capacity_, *r->capacity);
      }
    }
    if (reference_capacity_ == 0) reference_capacity_ = 100;
    for (const HeldCustomer& c : customers_) {
      if (c.holder.empty()) continue;
      Load& l = load_[c.holder];
      ++l.total;
      if (rules_.IsTierA(c.tier)) ++l.tier_a;
    }
    settled_.assign(customers_.size(), false);
    for (size_t i = 0; i < customers_.size(); ++i) {
      if (territory_.empty() || customers_[i].territory_id == territory_) considered_.push_back(i);
    }
  }

  AssignmentPlan Run() {
    plan_.rules_version = rules_.version;
    plan_.customers_considered = considered_.size();
    PlaceRuleBreakers();
    if (rules_.enforce_capacity) {
      for (const RepProfile* r : reps_) {
        ShedOverCapacity(*r, /*tier_a=*/true);
        ShedOverCapacity(*r, /*tier_a=*/false);
      }
    }
    if (!rules_.keep_current_rep) Rebalance();
    return std::move(plan_);
  }

 private:
  size_t Rank(const std::string& tier) const {
    auto it = std::find(tier_order_.begin(), tier_order_.end(), tier);
    return static_cast<size_t>(it - tier_order_.begin());
  }

  // Most valuable first.
  std::vector<size_t> ByValue(std::vector<size_t> ids) const {
    std::sort(ids.begin(), ids.end(), [&](size_t a, size_t b) {
      const HeldCustomer &x = customers_[a], &y = customers_[b];
      return std::make_tuple(Rank(x.tier), x.id) < std::make_tuple(Rank(y.tier), y.id);
    });
    return ids;
  }

  // Cheapest to move first: lowest tier, then most recently assigned, then id.
  std::vector<size_t> CheapestFirst(std::vector<size_t> ids) const {
    std::sort(ids.begin(), ids.end(), [&](size_t a, size_t b) {
      const HeldCustomer &x = customers_[a], &y = customers_[b];
      if (Rank(x.tier) != Rank(y.tier)) return Rank(x.tier) > Rank(y.tier);
      if (x.since_day != y.since_day) return x.since_day > y.since_day;
      return x.id < y.id;
    });
    return ids;
  }

  const RepProfile* FindRep(const std::string& id) const {
    for (const RepProfile* r : reps_) {
      if (r->rep_id == id) return r;
    }
    return nullptr;
  }

  double Share(const RepProfile& rep, int load) const {
    const int cap = rep.capacity ? *rep.capacity : reference_capacity_;
    if (cap <= 0) return 1e9 + load;
    return static_cast<double>(load) / cap;
  }

  std::string LoadText(const RepProfile& rep) const {
    auto it = load_.find(rep.rep_id);
    const int n = it == load_.end() ? 0 : it->second.total;
    return std::to_string(n) + (rep.capacity ? "/" + std::to_string(*rep.capacity) : "");
  }

  bool HasRoom(const RepProfile& rep, const HeldCustomer& c) const {
    auto it = load_.find(rep.rep_id);
    const Load l = it == load_.end() ? Load{} : it->second;
    if (rep.capacity && l.total >= *rep.capacity) return false;
    if (rules_.IsTierA(c.tier) && rep.capacity_a && l.tier_a >= *rep.capacity_a) return false;
    return true;
  }

  // The fitting rep with room whose load is the smallest share of capacity; nullptr if none.
  const RepProfile* Best(const HeldCustomer& c, const std::string& exclude) const {
    const RepProfile* best = nullptr;
    std::tuple<double, int> best_key;
    for (const RepProfile* r : reps_) {
      if (!r->active || !r->assignable || r->rep_id == exclude) continue;
      if (!CheckFit(rules_, *r, c).ok()) continue;
      if (rules_.enforce_capacity && !HasRoom(*r, c)) continue;
      auto it = load_.find(r->rep_id);
      const int n = it == load_.end() ? 0 : it->second.total;
      const std::tuple<double, int> key{Share(*r, n), n};
      if (best == nullptr || key < best_key) {  // reps_ is in id order: ties keep the first
        best = r;
        best_key = key;
      }
    }
    return best;
  }

  // "no other rep is senior+, serves GD-SZ, is a closer and has room".
  std::string Needs(const HeldCustomer& c) const {
    std::vector<std::string> parts;
    const Skill skill = rules_.RequiredSkill(c.tier);
    if (skill != Skill::kJunior) parts.push_back("is " + SkillNeeded(skill));
    if (rules_.region_match && !c.region.empty()) parts.push_back("serves " + c.region);
    if (rules_.NeedsCloser(c.purchase_stage)) parts.push_back("is a closer");
    if (rules_.enforce_capacity) parts.push_back("has room");
    if (parts.empty()) return "no other active rep";
    std::string out = "no other rep ";
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) out += i + 1 == parts.size() ? " and " : ", ";
      out += parts[i];
    }
    return out;
  }

  void Move(size_t i, const RepProfile& to, const std::string& rule, const std::string& reason) {
    const HeldCustomer& c = customers_[i];
    const bool tier_a = rules_.IsTierA(c.tier);
    if (!c.holder.empty()) {
      Load& from = load_[c.holder];
      --from.total;
      if (tier_a) --from.tier_a;
    }
    Load& dest = load_[to.rep_id];
    ++dest.total;
    if (tier_a) ++dest.tier_a;
    settled_[i] = true;
    plan_.moves.push_back(
        ProposedMove{c.id, c.name, c.holder, to.rep_id, rule, reason, LoadText(to)});
  }

  void Unplaced(size_t i, const std::string& rule, const std::string& reason) {
    const HeldCustomer& c = customers_[i];
    settled_[i] = true;
    plan_.unplaced.push_back(
        UnplacedCustomer{c.id, c.name, c.holder, rule, reason + "; " + Needs(c)});
  }

  void PlaceRuleBreakers() {
    for (size_t i : ByValue(considered_)) {
      const HeldCustomer& c = customers_[i];
      std::string rule, reason;
      if (c.holder.empty()) {
        rule = "no_rep";
        reason = "no rep holds this customer";
      } else if (const RepProfile* rep = FindRep(c.holder); rep == nullptr) {
        rule = "inactive";
        reason = "rep " + c.holder + " no longer exists";
      } else if (!rep->active) {
        rule = "inactive";
        reason = "rep " + c.holder + " is disabled";
      } else if (!rep->assignable) {
        rule = "inactive";
        reason = c.holder + " is a manager, not a rep";
      } else {
        const Fit fit = CheckFit(rules_, *rep, c);
        rule = fit.rule;
        reason = fit.reason;
      }
      if (rule.empty()) continue;
      if (const RepProfile* to = Best(c, c.holder)) {
        Move(i, *to, rule, reason);
      } else {
        Unplaced(i, rule, reason);
      }
    }
  }

  void ShedOverCapacity(const RepProfile& rep, bool tier_a) {
    const std::optional<int> cap = tier_a ? rep.capacity_a : rep.capacity;
    if (!cap) return;
    auto over = [&]() {
      const Load& l = load_[rep.rep_id];
      return (tier_a ? l.tier_a : l.total) - *cap;
    };
    int excess = over();
    if (excess <= 0) return;
    const Load& l = load_[rep.rep_id];
    const std::string rule = tier_a ? "capacity_a" : "capacity";
    const std::string reason =
        "rep " + rep.rep_id + " over " + (tier_a ? "tier-A capacity " : "capacity ") +
        std::to_string(tier_a ? l.tier_a : l.total) + "/" + std::to_string(*cap);
    std::vector<size_t> held;
    for (size_t i : considered_) {
      const HeldCustomer& c = customers_[i];
      if (!settled_[i] && c.holder == rep.rep_id && (!tier_a || rules_.IsTierA(c.tier))) {
        held.push_back(i);
      }
    }
    for (size_t i : CheapestFirst(held)) {
      if (excess <= 0) break;
      if (const RepProfile* to = Best(customers_[i], rep.rep_id)) {
        Move(i, *to, rule, reason);
      } else {
        Unplaced(i, rule, reason);
      }
      --excess;
    }
  }

  void Rebalance() {
    std::vector<size_t> open;
    for (size_t i : considered_) {
      if (!settled_[i] && !customers_[i].holder.empty()) open.push_back(i);
    }
    for (size_t i : CheapestFirst(open)) {
      const HeldCustomer& c = customers_[i];
      const RepProfile* from = FindRep(c.holder);
      if (from == nullptr) continue;
      const RepProfile* to = Best(c, c.holder);
      if (to == nullptr) continue;
      const double share_from = Share(*from, load_[from->rep_id].total);
      const double share_to = Share(*to, load_[to->rep_id].total + 1);
      if (share_from - share_to <= rules_.rebalance_tolerance) continue;
      Move(i, *to, "rebalance",
           "rebalance: " + from->rep_id + " at " + Percent(share_from) + " of capacity, " +
               to->rep_id + " at " + Percent(share_to) + " after the move");
    }
  }

  const AssignmentRules& rules_;
  const std::vector<std::string>& tier_order_;
  const std::vector<HeldCustomer>& customers_;
  const std::string& territory_;
  std::vector<const RepProfile*> reps_;
  int reference_capacity_ = 0;
  std::map<std::string, Load> load_;
  std::vector<bool> settled_;       // moved or reported unplaced: decided for this plan
  std::vector<size_t> considered_;  // indices of the customers the plan may move
  AssignmentPlan plan_;
};

}  // namespace

AssignmentPlan PlanAssignment(const AssignmentRules& rules,
                              const std::vector<std::string>& tier_order,
                              const std::vector<RepProfile>& reps,
                              const std::vector<HeldCustomer>& customers,
                              const std::string& territory) {
  return Planner(rules, tier_order, reps, customers, territory).Run();
}

}  // namespace fieldbook::server
