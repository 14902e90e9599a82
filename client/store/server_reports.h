// The server's grading reports for this device's rep as plain values: the tier migration between
// the two latest grading runs and the rep's portfolio. The device keeps the server's answer as JSON
// (Grades::SaveServerReports); sync/rep_reports.h fetches it and reads it back into these values,
// which the app's data source shows (app/data_source.h), so the app depends on the store's types
// and not on the sync layer.
//
// Thread safety: plain values; copy them freely between threads.
#ifndef FIELDBOOK_CLIENT_STORE_SERVER_REPORTS_H_
#define FIELDBOOK_CLIENT_STORE_SERVER_REPORTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fieldbook::client {

struct MigrationCell {
  std::string from;  // tier in the earlier run; "-" = not graded then
  std::string to;    // tier in the later run
  int64_t customers = 0;
};

struct TierMigration {
  int64_t from_run = 0, to_run = 0;  // from_run 0: only one run so far
  std::string from_day, to_day;      // the runs' "as of" days
  std::vector<MigrationCell> cells;
};

struct RepPortfolio {
  std::string rep_id, rep_name;
  std::string today;    // the day the figures are for
  int window_days = 0;  // revenue window
  int64_t customers = 0;
  std::vector<std::pair<std::string, int64_t>> tiers;  // by tier name
  int64_t follow_ups_due = 0, follow_ups_overdue = 0;  // open tasks
  int64_t visits_due = 0, visits_overdue = 0;          // follow-ups promised at visits
  int64_t revenue_cents = 0;
};

struct ServerReports {
  std::optional<TierMigration> movement;  // nullopt: no grading run yet
  std::optional<RepPortfolio> portfolio;  // nullopt: the token is a manager's, not a rep's
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_SERVER_REPORTS_H_
