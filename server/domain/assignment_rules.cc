#include "domain/assignment_rules.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <set>
#include "fieldbook/json.h"
#include "fieldbook/json_reader.h"
#include "fieldbook/refusal_status.h"

namespace fieldbook::server {

namespace {

constexpr const char* kPurchaseStages[] = {"aware", "interested", "deciding", "customer"};

std::string Num(double v) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  }
  return buf;
}

std::string Join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Reads fields of a JSON object into rules, remembering the first error with the field's path
// (JsonErrors).
class Reader : public JsonErrors {
 public:
  // JsonErrors' Object and Bool, with the error naming "<where>.<key>".
  const boost::json::object* Object(const boost::json::object& o, const char* key,
                                    const std::string& where) {
    return JsonErrors::Object(o, key, JsonPath(where, key));
  }

  void Integer(const boost::json::value& v, const std::string& field, int lo, int hi, int& out) {
    const std::optional<double> n = JsonNumber(v);
    if (!n) {
      Fail(field, "http_rule_whole_between", {{"lo", Num(lo)}, {"hi", Num(hi)}});
      return;
    }
    const double d = *n;
    if (d != std::floor(d) || d < lo || d > hi) {
      Fail(field, "http_rule_whole_between_not",
           {{"lo", Num(lo)}, {"hi", Num(hi)}, {"value", Num(d)}});
      return;
    }
    out = static_cast<int>(d);
  }

  void Integer(const boost::json::object& o, const char* key, const std::string& where, int lo,
               int hi, int& out) {
    if (const boost::json::value* v = o.if_contains(key))
      Integer(*v, JsonPath(where, key), lo, hi, out);
  }

  void Fraction(const boost::json::object& o, const char* key, const std::string& where,
                double& out) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr) return;
    const double d = JsonNumber(*v).value_or(-1);
    if (!(d >= 0 && d <= 1)) {
      Fail(JsonPath(where, key), "http_rule_fraction");
      return;
    }
    out = d;
  }

  void Bool(const boost::json::object& o, const char* key, const std::string& where, bool& out) {
    JsonErrors::Bool(o, key, JsonPath(where, key), out);
  }

  // A list of distinct names, each one of `allowed` (or any short text when `allowed` is empty).
  void Names(const boost::json::object& o, const char* key, const std::string& where,
             const std::vector<std::string>& allowed, std::vector<std::string>& out) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr) return;
    const std::string field = JsonPath(where, key);
    if (!v->is_array() || v->as_array().size() > 32) {
      Fail(field, "http_rule_names");
      return;
    }
    std::vector<std::string> names;
    for (size_t i = 0; i < v->as_array().size(); ++i) {
      const std::string item = JsonPath(field, i);
      const boost::json::value& n = v->as_array()[i];
      if (!n.is_string() || n.as_string().empty() || n.as_string().size() > 32) {
        Fail(item, "http_rule_short_text");
        return;
      }
      std::string name(n.as_string());
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        Fail(item, "http_rule_one_of", {{"choices", Join(allowed)}, {"value", name}});
        return;
      }
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        Fail(item, "http_rule_repeats_quoted", {{"value", name}});
        return;
      }
      names.push_back(std::move(name));
    }
    out = std::move(names);
  }

  void Tier(const std::string& field, const std::string& tier,
            const std::vector<std::string>& known_tiers) {
    if (tier.empty() || tier.size() > 32) {
      Fail(field, "http_rule_tier_bytes");
      return;
    }
    if (!known_tiers.empty() &&
        std::find(known_tiers.begin(), known_tiers.end(), tier) == known_tiers.end()) {
      Fail(field, "http_rule_no_tier", {{"tiers", Join(known_tiers)}});
    }
  }
};

}  // namespace

const char* SkillName(Skill skill) {
  switch (skill) {
    case Skill::kJunior:
      return "junior";
    case Skill::kSenior:
      return "senior";
    case Skill::kKeyAccount:
      return "key_account";
  }
  return "junior";
}

std::optional<Skill> ParseSkill(std::string_view text) {
  if (text == "junior") return Skill::kJunior;
  if (text == "senior") return Skill::kSenior;
  if (text == "key_account") return Skill::kKeyAccount;
  return std::nullopt;
}

std::string SkillNeeded(Skill skill) {
  if (skill == Skill::kKeyAccount) return "key_account";
  return std::string(SkillName(skill)) + "+";
}

int PoolRules::ReclaimDays(const std::string& tier) const {
  auto it = reclaim_days.find(tier);
  return it == reclaim_days.end() ? default_reclaim_days : it->second;
}

Skill AssignmentRules::RequiredSkill(const std::string& tier) const {
  auto it = tier_skill.find(tier);
  return it == tier_skill.end() ? Skill::kJunior : it->second;
}

bool AssignmentRules::IsTierA(const std::string& tier) const {
  return !tier.empty() && std::find(tier_a.begin(), tier_a.end(), tier) != tier_a.end();
}

bool AssignmentRules::NeedsCloser(const std::string& purchase_stage) const {
  return !purchase_stage.empty() && std::find(closer_stages.begin(), closer_stages.end(),
                                              purchase_stage) != closer_stages.end();
}

bool RepProfile::ServesRegion(const std::string& region) const {
  return regions.empty() || region.empty() ||
         std::find(regions.begin(), regions.end(), region) != regions.end();
}

std::string RepProfile::RegionsText() const {
  return regions.empty() ? std::string("any region") : Join(regions, ",");
}

namespace {

Fit MakeFit(std::string rule, std::string code, TextValues values) {
  Phrase why{std::move(code), std::move(values)};
  std::string reason = Say(Lang::kEnglish, why);
  return Fit{std::move(rule), std::move(reason), std::move(why)};
}

}  // namespace

Fit CheckFit(const AssignmentRules& rules, const RepProfile& rep, const CustomerFacts& customer,
             bool to_the_rep) {
  const std::string you = to_the_rep ? "_you" : "";
  const Skill needed = rules.RequiredSkill(customer.tier);
  if (rep.skill < needed) {
    return MakeFit("skill", "fit_skill" + you,
                   {{"tier", customer.tier},
                    {"needed", SkillNeeded(needed)},
                    {"rep", rep.rep_id},
                    {"skill", SkillName(rep.skill)}});
  }
  if (rules.region_match && !rep.ServesRegion(customer.region)) {
    return MakeFit(
        "region", "fit_region" + you,
        {{"region", customer.region}, {"rep", rep.rep_id}, {"regions", rep.RegionsText()}});
  }
  if (rules.NeedsCloser(customer.purchase_stage) && !rep.closer) {
    return MakeFit("closer", "fit_closer" + you,
                   {{"stage", customer.purchase_stage}, {"rep", rep.rep_id}});
  }
  return Fit{};
}

Result<AssignmentRules> ParseAssignmentRules(std::string_view json,
                                             const std::vector<std::string>& known_tiers) {
  // What a manager wrote: the place where it stops being JSON is the value (issue #19).
  FB_ASSIGN_OR_RETURN(
      const boost::json::value root,
      ParseJson(json, JsonRefusals{"http_assignment_rules_json", "http_assignment_rules_too_large",
                                   "assignment rules is not valid JSON"}));
  return ParseAssignmentRules(root, known_tiers);
}

Result<AssignmentRules> ParseAssignmentRules(const boost::json::value& root,
                                             const std::vector<std::string>& known_tiers) {
  if (!root.is_object()) {
    return RefusalStatus(StatusCode::kInvalidArgument, {"http_assignment_rules_object", {}});
  }
  const boost::json::object& o = root.as_object();
  AssignmentRules r;
  Reader in;
  in.OnlyKeys(o, "",
              {"version", "comment", "skill_for_tier", "region_match", "capacity", "stability",
               "closer", "pool"});
  // The server numbers the versions it stores; a version in the text is informational.
  in.Integer(o, "version", "", 0, 1000000, r.version);
  if (const boost::json::value* c = o.if_contains("comment"); c && !c->is_string()) {
    in.Fail("comment", "http_rule_not_text");
  }
  if (const boost::json::object* t = in.Object(o, "skill_for_tier", "")) {
    r.tier_skill.clear();
    for (const auto& kv : *t) {
      const std::string field = "skill_for_tier." + std::string(kv.key());
      in.Tier(field, std::string(kv.key()), known_tiers);
      std::optional<Skill> skill;
      if (kv.value().is_string()) skill = ParseSkill(std::string(kv.value().as_string()));
      if (!skill) {
        in.Fail(field, "http_rule_skill");
        continue;
      }
      r.tier_skill[std::string(kv.key())] = *skill;
    }
  }
  in.Bool(o, "region_match", "", r.region_match);
  if (const boost::json::object* c = in.Object(o, "capacity", "")) {
    in.OnlyKeys(*c, "capacity", {"enforce", "tier_a_tiers"});
    in.Bool(*c, "enforce", "capacity", r.enforce_capacity);
    in.Names(*c, "tier_a_tiers", "capacity", known_tiers, r.tier_a);
  }
  if (const boost::json::object* s = in.Object(o, "stability", "")) {
    in.OnlyKeys(*s, "stability", {"keep_current_rep", "rebalance_tolerance"});
    in.Bool(*s, "keep_current_rep", "stability", r.keep_current_rep);
    in.Fraction(*s, "rebalance_tolerance", "stability", r.rebalance_tolerance);
  }
  if (const boost::json::object* c = in.Object(o, "closer", "")) {
    in.OnlyKeys(*c, "closer", {"purchase_stages"});
    in.Names(*c, "purchase_stages", "closer",
             std::vector<std::string>(std::begin(kPurchaseStages), std::end(kPurchaseStages)),
             r.closer_stages);
  }
  if (const boost::json::object* p = in.Object(o, "pool", "")) {
    in.OnlyKeys(*p, "pool",
                {"reclaim_days", "default_reclaim_days", "warn_days", "max_wait_days",
                 "daily_claims", "holding_cap"});
    if (const boost::json::object* days = in.Object(*p, "reclaim_days", "pool")) {
      r.pool.reclaim_days.clear();
      for (const auto& kv : *days) {
        const std::string field = "pool.reclaim_days." + std::string(kv.key());
        in.Tier(field, std::string(kv.key()), known_tiers);
        int n = 0;
        in.Integer(kv.value(), field, 0, 3650, n);
        r.pool.reclaim_days[std::string(kv.key())] = n;
      }
    }
    in.Integer(*p, "default_reclaim_days", "pool", 0, 3650, r.pool.default_reclaim_days);
    in.Integer(*p, "warn_days", "pool", 0, 365, r.pool.warn_days);
    in.Integer(*p, "max_wait_days", "pool", 0, 365, r.pool.max_wait_days);
    in.Integer(*p, "daily_claims", "pool", 0, 1000, r.pool.daily_claims);
    in.Integer(*p, "holding_cap", "pool", 0, 1000000, r.pool.holding_cap);
  }
  if (!in.ok()) return in.status();
  return r;
}

std::string AssignmentRulesToJson(const AssignmentRules& r) {
  boost::json::object skills;
  for (const auto& [tier, skill] : r.tier_skill) skills[tier] = SkillName(skill);
  boost::json::array tier_a, stages;
  for (const std::string& t : r.tier_a) tier_a.push_back(boost::json::string(t));
  for (const std::string& s : r.closer_stages) stages.push_back(boost::json::string(s));
  boost::json::object reclaim;
  for (const auto& [tier, days] : r.pool.reclaim_days) reclaim[tier] = days;
  boost::json::value tolerance = r.rebalance_tolerance;
  if (r.rebalance_tolerance == std::floor(r.rebalance_tolerance)) {
    tolerance = static_cast<int64_t>(r.rebalance_tolerance);
  }
  boost::json::object o{
      {"version", r.version},
      {"skill_for_tier", skills},
      {"region_match", r.region_match},
      {"capacity", boost::json::object{{"enforce", r.enforce_capacity}, {"tier_a_tiers", tier_a}}},
      {"stability", boost::json::object{{"keep_current_rep", r.keep_current_rep},
                                        {"rebalance_tolerance", tolerance}}},
      {"closer", boost::json::object{{"purchase_stages", stages}}},
      {"pool", boost::json::object{{"reclaim_days", reclaim},
                                   {"default_reclaim_days", r.pool.default_reclaim_days},
                                   {"warn_days", r.pool.warn_days},
                                   {"max_wait_days", r.pool.max_wait_days},
                                   {"daily_claims", r.pool.daily_claims},
                                   {"holding_cap", r.pool.holding_cap}}}};
  return WriteJson(o);
}

}  // namespace fieldbook::server
