// GradingStore: grading on the server — versions of the rules, grading runs that write every
// customer's grade as ordinary hub changes (so grades reach devices at their next sync; only the
// grade columns whose value differs from the stored one are written, a customer with none is
// not written at all), each
// customer's grade history, and the reports built on them. Together with ServerStore it forms the
// server's repository layer; all grading SQL lives here.
//
// A run grades every live customer in one transaction (a run killed halfway leaves nothing
// half-written; running it again completes it). History gets a row only when a customer's grade
// (tier, R, F, M, ticket class or lifecycle) differs from the last one, and is kept for as long
// as the customer exists, so movement can be shown between any two runs.
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore it wraps.
#ifndef FIELDBOOK_SERVER_GRADING_STORE_H_
#define FIELDBOOK_SERVER_GRADING_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fieldbook/grading.h"
#include "fieldbook/hlc.h"
#include "store/server_store.h"

namespace fieldbook::server {

// The day a grading run or a report is "as of": `text` (YYYY-MM-DD) when given, else today (UTC)
// by `wall`. kInvalidArgument naming the bad text otherwise. The one place the server turns a
// clock into a grading day (commands, admin API and report API all use it).
Result<int32_t> DayOrToday(std::string_view text, WallClock& wall);

struct GradeRun {
  int64_t run_id = 0;
  std::string today;
  int rules_version = 0;
  int customers = 0;
  int changed = 0;  // customers whose grade moved
  double seconds = 0;
};

struct TierCount {
  std::string tier;
  int64_t customers = 0;
};

struct TierMovement {
  int64_t from_run = 0, to_run = 0;  // from_run 0: there is only one run (everyone comes from "-")
  std::string from_today, to_today;  // the runs' "as of" days
  // (tier before, tier after) -> customers; "-" before = not graded in the earlier run.
  std::map<std::pair<std::string, std::string>, int64_t> cells;
};

struct AtRiskCustomer {
  std::string id, name, owner_rep, tier, lifecycle;
  double churn_risk = 0;
  std::string reasons;           // the lifecycle and churn-risk explanations, in English
  std::vector<GradeReason> why;  // the same as values (grading.h renders them per language)
};

struct PortfolioRow {
  std::string rep_id, rep_name;
  std::map<std::string, int64_t> customers_by_tier;
  int64_t customers = 0;
  int64_t follow_ups_due = 0, follow_ups_overdue = 0;  // open tasks due today / before today
  // Customers whose latest visit promised a follow-up for today / before today (a later visit
  // settles it), as in the rep's plan.
  int64_t visits_due = 0, visits_overdue = 0;
  int64_t revenue_cents = 0;  // orders in the window, voided ones excluded
  // (Deleted customers count nowhere here: not their tasks, promised visits or orders, as the
  // grading run and the rep's device leave them out.)
};

// What new rules would do to the tiers (GradingStore::Preview).
struct GradePreview {
  int rules_version = 0;  // the rules in force it compares with
  int customers = 0;
  int changed = 0;  // customers whose tier the new rules change
  // (tier under the rules in force, tier under the new ones) -> customers, changed ones only.
  std::map<std::pair<std::string, std::string>, int64_t> moves;
};

class GradingStore {
 public:
  explicit GradingStore(ServerStore& store) : store_(store) {}

  // The rules in force and their version (version 0: the built-in defaults, never set).
  Result<std::pair<GradingRules, int>> CurrentRules();
  // Rules as JSON with their version in "version" (0: the built-in defaults), as shown to managers.
  static std::string RulesJson(const std::pair<GradingRules, int>& rules_and_version);
  // Validates, stores a new version and replicates it to every device. Returns the new version.
  Result<int> SetRules(const std::string& json, const std::string& actor);
  // The same for a body already parsed as JSON.
  Result<int> SetParsedRules(const boost::json::value& json, const std::string& actor);

  Result<GradeRun> GradeAll(int32_t today);
  // The same in steps, for a caller beside running syncs (an import of orders, docs/import.md):
  // `lock` (unset: none) is held to read every customer's history, then released while the
  // grades are computed, and held again for each `step` customers (0: all at once), whose grades
  // and history are written in one transaction. Devices sync between the steps. A run cut short
  // keeps the steps written (its finished_ms stays empty); the next run grades everyone again.
  Result<GradeRun> GradeAllInSteps(int32_t today, size_t step,
                                   const std::function<std::unique_lock<std::mutex>()>& lock);
  // Every live customer graded as of `today` with the rules in force and with `rules`, nothing
  // written: how many tiers the new rules would move, and between which tiers.
  Result<GradePreview> Preview(const GradingRules& rules, int32_t today);
  Result<std::vector<GradeRun>> Runs(size_t last);

  // Reports; `rep` empty = everyone.
  Result<std::vector<TierCount>> Tiers(const std::string& rep);
  // Between run `from` and run `to` (0, 0 = the two latest runs). kNotFound when there is no run
  // yet or a named run does not exist.
  Result<TierMovement> Movement(const std::string& rep, int64_t from, int64_t to);
  Result<std::vector<AtRiskCustomer>> AtRisk(const std::string& rep, size_t limit);
  // Reps (role 'rep') with their customers by tier, follow-ups and revenue in the `window_days`
  // days up to `today`.
  Result<std::vector<PortfolioRow>> Portfolio(const std::string& rep, int32_t today,
                                              int window_days);

 private:
  Result<int> StoreRules(GradingRules parsed, const std::string& actor);
  ServerStore& store_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_GRADING_STORE_H_
