// RepReports: the server's grading reports for this device's rep — the tier migration between the
// two latest grading runs and the rep's portfolio (customers by tier, follow-ups and promised
// visits due and overdue, revenue in the window) — fetched from GET /v1/reports/movement and
// /v1/reports/portfolio with the device token (report_api.h on the server; the server scopes them
// to the token's rep) and kept on the device (ClientStore::SaveServerReports) so they can be shown
// offline with the time they were fetched.
//
// FetchServerReports returns the two answers as one JSON document, the form kept on the device;
// ParseServerReports reads it back, checking every field and bounding the sizes (the text comes
// off the network or from the device's own copy).
//
// Thread safety: functions only; FetchServerReports uses the HttpClient it is given (one thread).
#ifndef FIELDBOOK_CLIENT_REP_REPORTS_H_
#define FIELDBOOK_CLIENT_REP_REPORTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/status.h"
#include "sync/http_client.h"

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

// GET /v1/reports/movement and /v1/reports/portfolio?today=`today` (the rep's local date), as one
// JSON document for the device's copy. kUnavailable when the server cannot be reached or fails,
// kRejected when it refuses the token, kCorrupt when it answers something unreadable.
Result<std::string> FetchServerReports(HttpClient& http, const std::string& token,
                                       const std::string& today);

// Reads what FetchServerReports returned. kCorrupt naming what is wrong.
Result<ServerReports> ParseServerReports(const std::string& json);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_REP_REPORTS_H_
