// RepReports: the server's grading reports for this device's rep — the tier migration between the
// two latest grading runs and the rep's portfolio (customers by tier, follow-ups and promised
// visits due and overdue, revenue in the window) — fetched from GET /v1/reports/movement and
// /v1/reports/portfolio with the device token (report_api.h on the server; the server scopes them
// to the token's rep) and kept on the device (ClientStore::SaveServerReports) so they can be shown
// offline with the time they were fetched.
//
// FetchServerReports returns the two answers as one JSON document, the form kept on the device;
// ParseServerReports reads it back into store/server_reports.h's values, checking every field and
// bounding the sizes (the text comes off the network or from the device's own copy).
//
// Thread safety: functions only; FetchServerReports uses the HttpClient it is given (one thread).
#ifndef FIELDBOOK_CLIENT_REP_REPORTS_H_
#define FIELDBOOK_CLIENT_REP_REPORTS_H_

#include <string>

#include "fieldbook/status.h"
#include "store/server_reports.h"
#include "sync/http_client.h"

namespace fieldbook::client {

// GET /v1/reports/movement and /v1/reports/portfolio?today=`today` (the rep's local date), as one
// JSON document for the device's copy. kUnavailable when the server cannot be reached or fails,
// kRejected when it refuses the token, kCorrupt when it answers something unreadable.
Result<std::string> FetchServerReports(HttpClient& http, const std::string& token,
                                       const std::string& today);

// Reads what FetchServerReports returned. kCorrupt naming what is wrong.
Result<ServerReports> ParseServerReports(const std::string& json);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_REP_REPORTS_H_
