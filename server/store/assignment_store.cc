#include "store/assignment_store.h"

#include <algorithm>

#include "fieldbook/columns.h"
#include "fieldbook/dates.h"
#include "fieldbook/json.h"
#include "fieldbook/phrase_json.h"
#include "fieldbook/phrase_nest.h"
#include "fieldbook/refusal_status.h"
#include "store/audit_store.h"
#include "store/grading_store.h"
#include "store/not_found.h"
#include "store/store_dialect.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

constexpr int kMaxCapacity = 1000000;

// A profile as the audit log records it.
boost::json::object ProfileState(const RepProfile& p) {
  boost::json::array regions;
  for (const std::string& r : p.regions) regions.push_back(boost::json::string(r));
  auto cap = [](const std::optional<int>& c) {
    return c ? boost::json::value(*c) : boost::json::value(nullptr);
  };
  return boost::json::object{{"regions", regions},
                             {"skill", SkillName(p.skill)},
                             {"capacity", cap(p.capacity)},
                             {"capacity_a", cap(p.capacity_a)},
                             {"closer", p.closer}};
}

}  // namespace

std::vector<std::string> SplitRegions(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(pos, comma - pos);
    const size_t first = item.find_first_not_of(" \t");
    const size_t last = item.find_last_not_of(" \t");
    if (first != std::string::npos) {
      item = item.substr(first, last - first + 1);
      if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
    }
    pos = comma + 1;
  }
  return out;
}

Result<AssignmentRules> AssignmentStore::CurrentRules() {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      store_.sql().Prepare("SELECT version, rules_json FROM "
                                           "srv_assignment_rules ORDER BY version DESC "
                                           "LIMIT 1"));
  FB_ASSIGN_OR_RETURN(auto stored, ReadOneRow(*stmt, [](SqlStatement& s) {
                        return std::make_pair(static_cast<int>(s.Int(0)), s.Text(1));
                      }));
  if (!stored) return AssignmentRules{};
  const auto& [version, json] = *stored;
  // Stored rules were validated when set; tiers renamed since then simply match nothing.
  FB_ASSIGN_OR_RETURN(AssignmentRules rules, ParseAssignmentRules(json, {}));
  rules.version = version;
  return rules;
}

Result<int> AssignmentStore::SetRules(const std::string& json, const std::string& actor) {
  FB_ASSIGN_OR_RETURN(std::vector<std::string> tiers, TierOrder());
  FB_ASSIGN_OR_RETURN(AssignmentRules parsed, ParseAssignmentRules(json, tiers));
  return StoreRules(std::move(parsed), actor);
}

Result<int> AssignmentStore::SetParsedRules(const boost::json::value& json,
                                            const std::string& actor) {
  FB_ASSIGN_OR_RETURN(std::vector<std::string> tiers, TierOrder());
  FB_ASSIGN_OR_RETURN(AssignmentRules parsed, ParseAssignmentRules(json, tiers));
  return StoreRules(std::move(parsed), actor);
}

Result<int> AssignmentStore::StoreRules(AssignmentRules parsed, const std::string& actor) {
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(AssignmentRules current, CurrentRules());
  parsed.version = current.version + 1;
  FB_ASSIGN_OR_RETURN(SqlStatement * insert,
                      db.Prepare("INSERT INTO srv_assignment_rules (version, rules_json, set_by, "
                                 "set_ms) VALUES (?, ?, ?, ?)"));
  BindValues(*insert, {int64_t{parsed.version}, AssignmentRulesToJson(parsed), actor,
                       static_cast<int64_t>(wall_.NowMs())});
  FB_RETURN_IF_ERROR(insert->Run());
  boost::system::error_code ec;
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "assignment.rules";
  audit.subject = "assignment";
  audit.before = {{"version", current.version},
                  {"rules", ReadJson(AssignmentRulesToJson(current), ec)}};
  audit.after = {{"version", parsed.version},
                 {"rules", ReadJson(AssignmentRulesToJson(parsed), ec)}};
  FB_RETURN_IF_ERROR(store_.Audit(std::move(audit)));
  FB_RETURN_IF_ERROR(txn->Commit());
  return parsed.version;
}

Result<std::vector<std::string>> AssignmentStore::TierOrder() {
  GradingStore grading(store_);
  FB_ASSIGN_OR_RETURN(auto rules, grading.CurrentRules());
  std::vector<std::string> out = {rules.first.vip_tier};
  for (const TierRule& t : rules.first.tiers) {
    if (t.name != rules.first.vip_tier) out.push_back(t.name);
  }
  return out;
}

namespace {

// Every rep with their profile (p.rep_id IS NULL: never configured).
constexpr const char* kProfilesSql =
    "SELECT r.id, r.name, coalesce(r.role, 'rep'), coalesce(r.active, 1), r.regions, "
    "p.rep_id IS NOT NULL, p.regions, p.skill, p.capacity, p.capacity_a, p.closer "
    "FROM reps r LEFT JOIN srv_rep_profiles p ON p.rep_id = r.id WHERE r.deleted = 0 "
    "ORDER BY ";

}  // namespace

Result<std::vector<RepProfile>> AssignmentStore::Profiles() {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      store_.sql().Prepare(kProfilesSql + ByteOrder(store_.sql(), "r.id")));
  return ReadRows(*stmt, [](SqlStatement& s) {
    RepProfile p;
    p.rep_id = s.Text(0);
    p.name = s.Text(1);
    p.assignable = s.Text(2) == "rep";
    p.active = s.Int(3) != 0;
    p.configured = s.Int(5) != 0;
    if (p.configured) {
      p.regions = SplitRegions(s.Text(6));
      p.skill = ParseSkill(s.Text(7)).value_or(Skill::kJunior);
      if (!s.IsNull(8)) p.capacity = static_cast<int>(s.Int(8));
      if (!s.IsNull(9)) p.capacity_a = static_cast<int>(s.Int(9));
      p.closer = s.Int(10) != 0;
    } else {
      p.regions = SplitRegions(s.Text(4));  // as given to `rep add --regions`
    }
    return p;
  });
}

Result<RepProfile> AssignmentStore::ProfileOf(const std::string& rep_id) {
  FB_ASSIGN_OR_RETURN(std::vector<RepProfile> all, Profiles());
  for (RepProfile& p : all) {
    if (p.rep_id == rep_id) return std::move(p);
  }
  return NoRep(rep_id);
}

Status AssignmentStore::SetProfile(const std::string& rep_id, const ProfileUpdate& update,
                                   const std::string& actor) {
  FB_ASSIGN_OR_RETURN(auto txn, store_.sql().Begin());
  FB_ASSIGN_OR_RETURN(RepProfile p, ProfileOf(rep_id));
  const boost::json::object before = ProfileState(p);
  if (update.regions) {
    if (update.regions->size() > 32) {
      return Status(StatusCode::kInvalidArgument, "regions: at most 32",
                    {"http_field_list_max", {{"field", "regions"}, {"max", "32"}}});
    }
    for (const std::string& r : *update.regions) {
      if (r.empty() || r.size() > 32 || r.find(',') != std::string::npos) {
        return RefusalStatus(StatusCode::kInvalidArgument,
                             {"http_region_code", {{"field", "regions"}, {"region", r}}});
      }
    }
    p.regions = *update.regions;
  }
  if (update.skill) p.skill = *update.skill;
  auto check = [](const char* field, const std::optional<int>& v) -> Status {
    if (v && (*v < 0 || *v > kMaxCapacity)) {
      return RefusalStatus(
          StatusCode::kInvalidArgument,
          {"http_capacity_range",
           {{"field", field}, {"hi", std::to_string(kMaxCapacity)}, {"n", std::to_string(*v)}}});
    }
    return Status::Ok();
  };
  if (update.capacity) {
    FB_RETURN_IF_ERROR(check("capacity", *update.capacity));
    p.capacity = *update.capacity;
  }
  if (update.capacity_a) {
    FB_RETURN_IF_ERROR(check("capacity_a", *update.capacity_a));
    p.capacity_a = *update.capacity_a;
  }
  if (p.capacity && p.capacity_a && *p.capacity_a > *p.capacity) {
    return RefusalStatus(StatusCode::kInvalidArgument, {"http_capacity_a_exceeds",
                                                        {{"field", "capacity_a"},
                                                         {"n", std::to_string(*p.capacity_a)},
                                                         {"cap", std::to_string(*p.capacity)}}});
  }
  if (update.closer) p.closer = *update.closer;

  std::string regions;
  for (const std::string& r : p.regions) regions += (regions.empty() ? "" : ",") + r;
  FB_ASSIGN_OR_RETURN(
      SqlStatement * save,
      store_.sql().Prepare(
          "INSERT INTO srv_rep_profiles (rep_id, regions, skill, capacity, capacity_a, closer, "
          "updated_by, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (rep_id) "
          "DO UPDATE SET regions = ?2, skill = ?3, capacity = ?4, capacity_a = ?5, closer = ?6, "
          "updated_by = ?7, updated_ms = ?8"));
  save->Bind(1, rep_id).Bind(2, regions).Bind(3, SkillName(p.skill));
  if (p.capacity) {
    save->Bind(4, int64_t{*p.capacity});
  } else {
    save->BindNull(4);
  }
  if (p.capacity_a) {
    save->Bind(5, int64_t{*p.capacity_a});
  } else {
    save->BindNull(5);
  }
  save->Bind(6, int64_t{p.closer ? 1 : 0})
      .Bind(7, actor)
      .Bind(8, static_cast<int64_t>(wall_.NowMs()));
  FB_RETURN_IF_ERROR(save->Run());
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "rep.profile";
  audit.subject = rep_id;
  audit.before = before;
  audit.after = ProfileState(p);
  FB_RETURN_IF_ERROR(store_.Audit(std::move(audit)));
  return txn->Commit();
}

Result<std::vector<RepLoad>> AssignmentStore::Loads() {
  FB_ASSIGN_OR_RETURN(AssignmentRules rules, CurrentRules());
  FB_ASSIGN_OR_RETURN(std::vector<RepProfile> profiles, Profiles());
  std::vector<RepLoad> out;
  for (RepProfile& p : profiles) {
    RepLoad load;
    load.role = p.assignable ? "rep" : "manager";
    FB_ASSIGN_OR_RETURN(Holding held, HoldingOf(p.rep_id, rules));
    load.customers = held.customers;
    load.tier_a = held.tier_a;
    load.profile = std::move(p);
    out.push_back(std::move(load));
  }
  return out;
}

Result<AssignmentStore::Holding> AssignmentStore::HoldingOf(const std::string& rep_id,
                                                            const AssignmentRules& rules) {
  FB_ASSIGN_OR_RETURN(SqlStatement * tiers,
                      store_.sql().Prepare("SELECT coalesce(c.grade_tier, ''), count(*) "
                                           "FROM srv_scope s JOIN customers c ON c.id = "
                                           "s.customer_id WHERE s.rep_id = ? AND c.deleted = 0 "
                                           "GROUP BY 1"));
  tiers->Bind(1, rep_id);
  Holding held;
  FB_RETURN_IF_ERROR(VisitRows(*tiers, [&](SqlStatement& s) {
    held.customers += s.Int(1);
    if (rules.IsTierA(s.Text(0))) held.tier_a += s.Int(1);
  }));
  return held;
}

Result<std::vector<HeldCustomer>> AssignmentStore::HeldCustomers() {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      store_.sql().Prepare(
          "SELECT c.id, c.name, c.grade_tier, c.purchase_stage, t.region, c.territory_id, "
          "s.rep_id, (SELECT max(e.hlc) FROM srv_scope_events e WHERE e.customer_id = c.id AND "
          "e.rep_id = s.rep_id AND e.kind = 'added') FROM customers c "
          "LEFT JOIN srv_scope s ON s.customer_id = c.id "
          "LEFT JOIN territories t ON t.id = c.territory_id AND t.deleted = 0 "
          "WHERE c.deleted = 0 AND c.id NOT IN (SELECT customer_id FROM srv_pool) ORDER BY " +
          ByteOrder(store_.sql(), "c.id")));
  return ReadRows(*stmt, [](SqlStatement& s) {
    HeldCustomer c;
    ReadTextColumns(
        s, 0, {&c.id, &c.name, &c.tier, &c.purchase_stage, &c.region, &c.territory_id, &c.holder});
    if (!s.IsNull(7)) {
      const Hlc added(static_cast<uint64_t>(s.Int(7)));
      c.since_day = DayOfMs(static_cast<int64_t>(added.physical_ms()));
    }
    return c;
  });
}

Result<AssignmentPlan> AssignmentStore::Plan(const std::string& territory) {
  if (!territory.empty()) {
    const TableInfo& territories = *store_.hub().catalog().Find("territories");
    FB_ASSIGN_OR_RETURN(auto values, store_.hub().ReadValues(territories, territory));
    if (!values) {
      return NoTerritory(territory);
    }
  }
  FB_ASSIGN_OR_RETURN(AssignmentRules rules, CurrentRules());
  FB_ASSIGN_OR_RETURN(std::vector<std::string> tiers, TierOrder());
  FB_ASSIGN_OR_RETURN(std::vector<RepProfile> reps, Profiles());
  FB_ASSIGN_OR_RETURN(std::vector<HeldCustomer> customers, HeldCustomers());
  return PlanAssignment(rules, tiers, reps, customers, territory);
}

Result<AssignmentPlan> AssignmentStore::Apply(const std::string& territory,
                                              const std::string& actor) {
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(AssignmentPlan plan, Plan(territory));
  const int64_t now = static_cast<int64_t>(wall_.NowMs());
  for (const ProposedMove& m : plan.moves) {
    // The audit log keeps why as a phrase with its English as before (issue #19).
    Phrase moved{"audit_assign_move", {{"rule", m.rule}}};
    NestPhrase(moved.values, "why", m.why);
    FB_RETURN_IF_ERROR(store_.ReassignCustomer(
        m.customer, m.to, actor, StorePhrase(moved, "rule " + m.rule + ": " + m.reason),
        "assign.move"));
    FB_ASSIGN_OR_RETURN(SqlStatement * log,
                        db.Prepare("INSERT INTO srv_assignment_log (at_ms, actor, customer_id, "
                                   "from_rep, to_rep, rule, reason) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    log->Bind(1, now).Bind(2, actor).Bind(3, m.customer);
    if (m.from.empty()) {
      log->BindNull(4);
    } else {
      log->Bind(4, m.from);
    }
    log->Bind(5, m.to).Bind(6, m.rule).Bind(7, m.reason);
    FB_RETURN_IF_ERROR(log->Run());
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return plan;
}

}  // namespace fieldbook::server
