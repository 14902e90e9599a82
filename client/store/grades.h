// Grades: the customers' grades on the device (issue #6) — the server's grade (customers.grade_*,
// replicated, read-only here) and the provisional grade the device computes when the rep records
// an order, a visit or feedback (fb_provisional_grades, schema/sql/replica/0007), the tier and
// at-risk reports over the replica, and the device's copy of the server's reports.
//
// A provisional grade is computed with the shared grading engine and the replicated rules, and is
// shown instead of the server's, marked provisional, until the server's next grade for the
// customer arrives (a pulled graded_at for a later day than the one the rep recorded on). It
// changes only what the recorded facts change: each part (recency, frequency and monetary scores,
// tier, ticket class, lifecycle, churn risk, stage, relationship) is graded on the device with and
// without the facts recorded here, and only a part that differs takes the device's value; the
// rest stay the server's. So a quintile computed among the device's customers instead of
// everyone's, or days passing, never moves a grade by themselves. A customer the server never
// graded takes the device's grade whole.
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_GRADES_H_
#define FIELDBOOK_CLIENT_STORE_GRADES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/grading.h"
#include "fieldbook/hlc.h"
#include "fieldbook/status.h"
#include "store/grade_population.h"

namespace fieldbook {
class Replica;
}

namespace fieldbook::client {

class SettingsTable;

// A customer's grade as the device knows it.
struct CustomerGrade {
  bool provisional = false;
  std::string tier;                                     // "" = not graded
  std::optional<int64_t> recency, frequency, monetary;  // 1..5; 0 = no order in the window
  std::string ticket_class;                             // high / low / ""
  std::string lifecycle;                                // new, active, at_risk, churned, won_back
  std::optional<double> churn_risk;                     // 0..1
  std::optional<double> visits_per_30_days;             // provisional grades only
  std::string purchase_stage;                           // provisional grades: what the data decide
  std::string relationship;
  std::vector<GradeReason> reasons;  // the explanation, one rule each
  int64_t rules_version = 0;
  // Server grade: its date. Provisional: the server grade it was based on ("" = never graded).
  std::string graded_at;
  std::string computed_at;  // provisional: when it was computed (ISO-8601 UTC)
  int64_t local_facts = 0;  // provisional: orders, visits and feedback recorded here since
};

struct GradeView {
  CustomerGrade server;                      // tier "" when the server has not graded it yet
  std::optional<CustomerGrade> provisional;  // while one is pending
  // What to show: the provisional grade when there is one, else the server's.
  const CustomerGrade& shown() const { return provisional ? *provisional : server; }
};

// Reports over the replica (they work offline). Tiers count the grade shown (provisional first).
struct TierShare {
  std::string tier;  // "" = not graded
  int64_t customers = 0;
  int64_t provisional = 0;  // of which with a provisional grade
};

struct AtRiskEntry {
  std::string customer_id;
  std::string name;
  std::string tier;
  std::string lifecycle;  // at_risk or churned
  double churn_risk = 0;
  std::string reasons;           // the lifecycle and churn-risk explanations, in English
  std::vector<GradeReason> why;  // the same as values (rendered per language: grading.h)
  bool provisional = false;
};

// The server's reports for this rep (/v1/reports/...), as last fetched and kept on the device.
struct CachedServerReports {
  std::string json;  // as FetchServerReports returned it (sync/rep_reports.h)
  int64_t fetched_ms = 0;
};

class Grades {
 public:
  Grades(Replica& replica, WallClock& wall, SettingsTable& settings);

  // A customer's server grade and its provisional grade, if one is pending (the customer by id or
  // unique id prefix).
  Result<GradeView> ForCustomer(const std::string& customer);
  // Customers (not deleted) per tier of the grade shown, in the rules' order (VIP, A, B, C, D,
  // other tiers, then not graded).
  Result<std::vector<TierShare>> TierDistribution();
  // At-risk and churned customers by the grade shown, riskiest first, at most `limit`.
  Result<std::vector<AtRiskEntry>> AtRiskCustomers(size_t limit = 50);
  // The server's reports as last fetched for this device's rep (nullopt: never, or fetched for
  // another rep), and storing a new copy.
  Result<std::optional<CachedServerReports>> ServerReports();
  Status SaveServerReports(const std::string& json);

  // Grades `customer_id` provisionally after the fact `table` ("orders", "visits" or "feedback")
  // `id` was recorded; Facts calls it inside its transaction, so the fact and its grade land
  // together.
  Status RegradeProvisionally(const std::string& customer_id, const char* table,
                              const std::string& id);

 private:
  Replica& replica_;
  WallClock& wall_;
  SettingsTable& settings_;
  GradePopulation population_;  // the quintiles' population, kept incrementally
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_GRADES_H_
