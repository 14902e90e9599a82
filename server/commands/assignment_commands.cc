#include "commands/assignment_commands.h"

#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <iostream>

#include "api/assignment_api.h"
#include "commands/command_actor.h"
#include "commands/command_lang.h"
#include "commands/server_commands.h"
#include "fieldbook/grading.h"
#include "fieldbook/json.h"
#include "store/assignment_store.h"
#include "store/grading_store.h"
#include "store/pool_store.h"

namespace fieldbook::server {

namespace {

// "unlimited" -> no limit; else a whole number 0..1000000.
Result<std::optional<int>> ParseCapacity(const char* option, const std::string& text) {
  if (text == "unlimited") return std::optional<int>();
  try {
    size_t used = 0;
    const long v = std::stol(text, &used);
    if (used == text.size() && v >= 0 && v <= 1000000) {
      return std::optional<int>(static_cast<int>(v));
    }
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument(std::string(option) +
                                 " must be a number from 0 to 1000000 or 'unlimited', not '" +
                                 text + "'");
}

std::string Capacity(const std::optional<int>& c) {
  return c ? std::to_string(*c) : std::string("-");
}

const char* Or(const std::string& s, const char* fallback) {
  return s.empty() ? fallback : s.c_str();
}

}  // namespace

int RunRepProfile(const std::string& db, const std::string& rep, const ProfileArgs& args) {
  ProfileUpdate update;
  if (args.regions) update.regions = SplitRegions(*args.regions);
  if (args.skill) {
    update.skill = ParseSkill(*args.skill);
    if (!update.skill) {
      return CommandFailed("rep profile",
                           Status::InvalidArgument("--skill must be junior, senior or "
                                                   "key_account, not '" +
                                                   *args.skill + "'"));
    }
  }
  if (args.capacity) {
    auto c = ParseCapacity("--capacity", *args.capacity);
    if (!c.ok()) return CommandFailed("rep profile", c.status());
    update.capacity = *c;
  }
  if (args.capacity_a) {
    auto c = ParseCapacity("--capacity-a", *args.capacity_a);
    if (!c.ok()) return CommandFailed("rep profile", c.status());
    update.capacity_a = *c;
  }
  update.closer = args.closer;
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("rep profile", opened.status());
  AssignmentStore assignment(*(*opened)->store, (*opened)->wall);
  const bool change =
      update.regions || update.skill || update.capacity || update.capacity_a || update.closer;
  if (change) {  // without options: only show the profile
    Status s = assignment.SetProfile(rep, update, CommandActor());
    if (!s.ok()) return CommandFailed("rep profile", s);
  }
  auto p = assignment.ProfileOf(rep);
  if (!p.ok()) return CommandFailed("rep profile", p.status());
  std::printf("rep %s: %s, regions %s, capacity %s, tier-A capacity %s%s\n", rep.c_str(),
              SkillName(p->skill), p->RegionsText().c_str(), Capacity(p->capacity).c_str(),
              Capacity(p->capacity_a).c_str(), p->closer ? ", closer" : "");
  return 0;
}

int RunRepProfiles(const std::string& db, bool json) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("rep list", opened.status());
  AssignmentStore assignment(*(*opened)->store, (*opened)->wall);
  auto loads = assignment.Loads();
  if (!loads.ok()) return CommandFailed("rep list", loads.status());
  boost::json::array out;
  for (const RepLoad& l : *loads) {
    const RepProfile& p = l.profile;
    if (json) {
      boost::json::object profile = ProfileJson(l);
      out.push_back(boost::json::object{{"id", p.rep_id},
                                        {"name", p.name},
                                        {"role", l.role},
                                        {"active", p.active},
                                        {"customers", l.customers},
                                        {"tier_a_customers", l.tier_a},
                                        {"profile", profile}});
      continue;
    }
    std::string load = std::to_string(l.customers) + (p.capacity ? "/" + Capacity(p.capacity) : "");
    std::string load_a =
        std::to_string(l.tier_a) + (p.capacity_a ? "/" + Capacity(p.capacity_a) : "");
    if (l.role == "manager") {
      std::printf("%-20s %-8s %-9s %-44s %s\n", p.rep_id.c_str(), l.role.c_str(),
                  p.active ? "active" : "disabled", "", p.name.c_str());
    } else {
      std::printf("%-20s %-8s %-9s %-11s %-9s A %-7s %-6s %-14s %s\n", p.rep_id.c_str(),
                  l.role.c_str(), p.active ? "active" : "disabled", SkillName(p.skill),
                  load.c_str(), load_a.c_str(), p.closer ? "closer" : "", p.RegionsText().c_str(),
                  p.name.c_str());
    }
  }
  if (json) std::cout << WriteJson(out) << "\n";
  return 0;
}

int RunAssignmentShow(const std::string& db) {
  return OnStore(db, "assignment show", [&](Opened& opened) -> Status {
    AssignmentStore assignment(*opened.store, opened.wall);
    FB_ASSIGN_OR_RETURN(AssignmentRules rules, assignment.CurrentRules());
    std::cout << AssignmentRulesToJson(rules) << "\n";
    if (rules.version == 0) std::cerr << "(built-in defaults: no rules have been set yet)\n";
    return Status::Ok();
  });
}

int RunAssignmentSet(const std::string& db, const std::string& file) {
  auto text = ReadCommandFile(file, kMaxPoolBodyBytes);
  if (!text.ok()) return CommandFailed("assignment set", text.status());
  return OnStore(db, "assignment set", [&](Opened& opened) -> Status {
    AssignmentStore assignment(*opened.store, opened.wall);
    FB_ASSIGN_OR_RETURN(int version, assignment.SetRules(*text, CommandActor()));
    std::cout << "assignment rules version " << version
              << " in force; `fieldbook-server assign --dry-run` shows what they would move\n";
    return Status::Ok();
  });
}

int RunAssign(const std::string& db, const std::string& territory, bool dry_run, bool json) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("assign", opened.status());
  AssignmentStore assignment(*(*opened)->store, (*opened)->wall);
  auto plan = dry_run ? assignment.Plan(territory) : assignment.Apply(territory, CommandActor());
  if (!plan.ok()) return CommandFailed("assign", plan.status());
  if (json) {
    std::cout << WriteJson(PlanJson(*plan, territory, !dry_run)) << "\n";
    return 0;
  }
  std::printf("assignment rules v%d%s: %zu customers considered, %zu moves, %zu unplaced\n",
              plan->rules_version, plan->rules_version == 0 ? " (defaults)" : "",
              plan->customers_considered, plan->moves.size(), plan->unplaced.size());
  for (const ProposedMove& m : plan->moves) {
    std::printf("  %-20s %s\n      %s -> %s (%s): %s\n", m.customer.c_str(), m.name.c_str(),
                Or(m.from, "(no rep)"), m.to.c_str(), m.to_load.c_str(), m.reason.c_str());
  }
  if (!plan->unplaced.empty()) std::printf("unplaced (they stay where they are):\n");
  for (const UnplacedCustomer& u : plan->unplaced) {
    std::printf("  %-20s %s\n      %s: %s\n", u.customer.c_str(), u.name.c_str(),
                Or(u.from, "(no rep)"), u.reason.c_str());
  }
  if (dry_run) {
    std::printf("dry run: nothing changed; run without --dry-run to apply\n");
  } else {
    std::printf(
        "applied: %zu customers reassigned; devices pick the changes up at their next "
        "sync\n",
        plan->moves.size());
  }
  return 0;
}

int RunPoolReclaim(const std::string& db, bool dry_run, const std::string& today, bool json) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("pool reclaim", opened.status());
  auto day = DayOrToday(today, (*opened)->wall);
  if (!day.ok()) return CommandFailed("pool reclaim", day.status());
  PoolStore pool(*(*opened)->store, (*opened)->wall);
  auto report = dry_run ? pool.PlanReclaim(*day) : pool.ReclaimDue(*day, CommandActor());
  if (!report.ok()) return CommandFailed("pool reclaim", report.status());
  if (json) {
    std::cout << WriteJson(ReclaimJson(*report, !dry_run)) << "\n";
    return 0;
  }
  std::printf("as of %s (rules v%d): %zu customers checked, %zu %s, %zu waiting for a sync\n",
              FormatDay(report->today).c_str(), report->rules_version, report->checked,
              report->reclaimed.size(), dry_run ? "due for reclaim" : "reclaimed",
              report->waiting.size());
  for (const ReclaimClock& c : report->reclaimed) {
    std::printf("  %-20s %-16s %s\n      %s\n", c.customer_id.c_str(), c.rep_id.c_str(),
                c.name.c_str(), c.reason.c_str());
  }
  if (!report->waiting.empty()) std::printf("waiting:\n");
  for (const ReclaimClock& c : report->waiting) {
    std::printf("  %-20s %-16s %s\n      %s\n", c.customer_id.c_str(), c.rep_id.c_str(),
                c.name.c_str(), c.reason.c_str());
  }
  if (dry_run) std::printf("dry run: nothing changed\n");
  return 0;
}

int RunPoolList(const std::string& db, const std::string& region, bool json) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("pool list", opened.status());
  PoolStore pool(*(*opened)->store, (*opened)->wall);
  auto list =
      pool.List(region.empty() ? std::vector<std::string>{} : SplitRegions(region), SIZE_MAX);
  if (!list.ok()) return CommandFailed("pool list", list.status());
  boost::json::array out;
  for (const PoolEntry& e : *list) {
    if (json) {
      out.push_back(PoolEntryJson(e, true));
    } else {
      std::printf("%-20s %-4s %-8s %-10s since %s from %s  %s\n      %s: %s\n",
                  e.customer_id.c_str(), Or(e.tier, "-"), Or(e.region, "-"), Or(e.city, "-"),
                  MinuteText(e.since_ms).c_str(), Or(e.from_rep, "(none)"), e.name.c_str(),
                  e.kind.c_str(), e.reason.c_str());
    }
  }
  if (json) {
    std::cout << WriteJson(out) << "\n";
  } else {
    std::printf("%zu customers in the pool%s\n", list->size(),
                region.empty() ? "" : (" (region " + region + ")").c_str());
  }
  return 0;
}

int RunPoolAssign(const std::string& db, const std::string& customer, const std::string& rep) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("pool assign", opened.status());
  PoolStore pool(*(*opened)->store, (*opened)->wall);
  auto note = pool.Assign(customer, rep, CommandActor());
  if (!note.ok()) return CommandFailed("pool assign", note.status());
  std::cout << "customer " << customer << " assigned from the pool to " << rep
            << "; their devices get it at the next sync\n";
  if (!note->empty()) std::cout << *note << "\n";
  return 0;
}

int RunPoolRelease(const std::string& db, const std::string& customer, const std::string& reason) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("pool release", opened.status());
  PoolStore pool(*(*opened)->store, (*opened)->wall);
  auto entry = pool.Release(customer, "", reason, CommandActor());
  if (!entry.ok()) return CommandFailed("pool release", entry.status());
  std::cout << "customer " << customer << " released to the pool"
            << (entry->from_rep.empty() ? "" : " from " + entry->from_rep) << "\n";
  return 0;
}

int RunPoolAudit(const std::string& db, const std::string& customer, size_t limit, bool json) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("pool audit", opened.status());
  PoolStore pool(*(*opened)->store, (*opened)->wall);
  auto audit = pool.Audit(customer, limit);
  if (!audit.ok()) return CommandFailed("pool audit", audit.status());
  boost::json::array out;
  for (const PoolAuditEntry& a : *audit) {
    if (json) {
      out.push_back(AuditJson(a));
    } else {
      std::printf("%s  %-13s %-20s %-16s by %s: %s\n", MinuteText(a.at_ms).c_str(),
                  a.action.c_str(), a.customer_id.c_str(), Or(a.rep_id, "-"), a.actor.c_str(),
                  SayPhrase(CommandLang(), a.why, a.reason).c_str());
    }
  }
  if (json) std::cout << WriteJson(out) << "\n";
  return 0;
}

}  // namespace fieldbook::server
