// DayPlan: the rep's plan for a day, read from the replica — overdue and due follow-ups first
// (open tasks due by the day, follow-ups promised at a customer's latest visit due by the day),
// then suggested visits by tier (A > B > C > D, ungraded as C), days since the last visit (longer
// first) and churn risk (higher first). Each item says why as values (PlanItem::why), rendered in
// the reader's language where it is shown.
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_DAY_PLAN_H_
#define FIELDBOOK_CLIENT_STORE_DAY_PLAN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/lang_text.h"
#include "fieldbook/status.h"

namespace fieldbook {
class Db;
}

namespace fieldbook::client {

struct PlanItem {
  enum class Kind { kFollowUp, kSuggestedVisit };
  Kind kind = Kind::kSuggestedVisit;
  std::string customer_id;
  std::string customer_name;
  std::string task_id;   // follow-ups from a task
  std::string visit_id;  // follow-ups promised at a visit
  std::string due_date;  // follow-ups
  int64_t days_overdue = 0;
  std::string tier;  // the grade shown: provisional while one is pending ("" = not graded)
  bool tier_provisional = false;
  std::optional<int64_t> days_since_visit;
  std::optional<double> churn_risk;
  std::vector<Phrase> why;  // why it is in the plan, as values (fieldbook/lang_text.h)
  std::string reason;       // the same in English
};

class DayPlan {
 public:
  explicit DayPlan(Db& db) : db_(db) {}

  // The plan for `today` (YYYY-MM-DD), at most `limit` items.
  Result<std::vector<PlanItem>> For(const std::string& today, size_t limit = 10);

 private:
  Db& db_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_DAY_PLAN_H_
