#include "domain/assignment_engine.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "fieldbook/phrase_nest.h"

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

  // "no other rep is senior+, serves GD-SZ, is a closer and has room", as values.
  std::vector<Phrase> Needs(const HeldCustomer& c) const {
    std::vector<Phrase> parts;
    const Skill skill = rules_.RequiredSkill(c.tier);
    if (skill != Skill::kJunior) parts.push_back({"need_skill", {{"skill", SkillNeeded(skill)}}});
    if (rules_.region_match && !c.region.empty()) {
      parts.push_back({"need_region", {{"region", c.region}}});
    }
    if (rules_.NeedsCloser(c.purchase_stage)) parts.push_back({"need_closer", {}});
    if (rules_.enforce_capacity) parts.push_back({"need_room", {}});
    return parts;
  }

  void Move(size_t i, const RepProfile& to, const std::string& rule, const Phrase& why) {
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
    plan_.moves.push_back(ProposedMove{c.id, c.name, c.holder, to.rep_id, rule,
                                       PlanReasonText(Lang::kEnglish, why), LoadText(to), why});
  }

  void Unplaced(size_t i, const std::string& rule, const Phrase& why) {
    const HeldCustomer& c = customers_[i];
    settled_[i] = true;
    std::vector<Phrase> needs = Needs(c);
    std::string reason = PlanReasonText(Lang::kEnglish, why, needs);
    plan_.unplaced.push_back(
        UnplacedCustomer{c.id, c.name, c.holder, rule, std::move(reason), why, std::move(needs)});
  }

  void PlaceRuleBreakers() {
    for (size_t i : ByValue(considered_)) {
      const HeldCustomer& c = customers_[i];
      std::string rule;
      Phrase why;
      if (c.holder.empty()) {
        rule = "no_rep";
        why = {"assign_no_rep", {}};
      } else if (const RepProfile* rep = FindRep(c.holder); rep == nullptr) {
        rule = "inactive";
        why = {"assign_rep_gone", {{"rep", c.holder}}};
      } else if (!rep->active) {
        rule = "inactive";
        why = {"assign_rep_disabled", {{"rep", c.holder}}};
      } else if (!rep->assignable) {
        rule = "inactive";
        why = {"assign_rep_manager", {{"rep", c.holder}}};
      } else {
        const Fit fit = CheckFit(rules_, *rep, c);
        rule = fit.rule;
        why = fit.why;
      }
      if (rule.empty()) continue;
      if (const RepProfile* to = Best(c, c.holder)) {
        Move(i, *to, rule, why);
      } else {
        Unplaced(i, rule, why);
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
    const Phrase why{tier_a ? "assign_over_capacity_a" : "assign_over_capacity",
                     {{"rep", rep.rep_id},
                      {"n", std::to_string(tier_a ? l.tier_a : l.total)},
                      {"cap", std::to_string(*cap)}}};
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
        Move(i, *to, rule, why);
      } else {
        Unplaced(i, rule, why);
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
           {"assign_rebalance",
            {{"from", from->rep_id},
             {"from_share", Percent(share_from)},
             {"to", to->rep_id},
             {"to_share", Percent(share_to)}}});
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

std::string PlanReasonText(Lang lang, const Phrase& why) { return Say(lang, why); }

Phrase UnplacedWhy(const Phrase& why, const std::vector<Phrase>& needs) {
  Phrase out{needs.empty() ? "assign_unplaced_none" : "assign_unplaced", {}};
  NestPhrase(out.values, "why", why);
  if (!needs.empty()) NestPhrases(out.values, "needs", needs);
  return out;
}

std::string PlanReasonText(Lang lang, const Phrase& why, const std::vector<Phrase>& needs) {
  return Say(lang, UnplacedWhy(why, needs));
}

AssignmentPlan PlanAssignment(const AssignmentRules& rules,
                              const std::vector<std::string>& tier_order,
                              const std::vector<RepProfile>& reps,
                              const std::vector<HeldCustomer>& customers,
                              const std::string& territory) {
  return Planner(rules, tier_order, reps, customers, territory).Run();
}

}  // namespace fieldbook::server
