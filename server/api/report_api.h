// ReportApi: the grading reports (GradingStore) as JSON over HTTP, for managers and for reps.
//
//   GET /v1/admin/reports/tiers[?rep=R]                      customers per tier
//   GET /v1/admin/reports/movement[?rep=R&from=N&to=M]       tier migration between grading runs
//                                                            N and M (default: the two latest)
//   GET /v1/admin/reports/at-risk[?rep=R&limit=N]            at-risk and churned customers with
//                                                            their reasons (N: 1..1000, 200)
//   GET /v1/admin/reports/portfolio[?rep=R&window_days=D&today=YYYY-MM-DD]
//                                                            per rep: customers by tier,
//                                                            follow-ups and promised visits due
//                                                            and overdue, revenue in the D days
//                                                            (1..3650, 365) up to today
//   GET /v1/reports/{tiers,movement,at-risk,portfolio}       the same for a rep's device, always
//                                                            scoped to the caller's customers
//
// /v1/admin/reports needs a manager's token; everyone else gets 403. On /v1/reports a rep's token
// always means that rep: asking for another rep (?rep=) is 403, never someone else's data. A
// manager's token may pass ?rep=R there too (without it: everyone). An unknown rep is 404, a
// malformed parameter 400 naming it, a grading run that does not exist (or none yet) 404.
//
// Shapes (every report also carries "rep": R or null):
//   tiers      {"tiers": {"A": 12, "B": 30, "not graded": 2}}
//   movement   {"from_run": 3, "to_run": 4, "from_today": "2026-11-22", "to_today": "2026-11-23",
//               "cells": [{"from": "B", "to": "A", "customers": 2}, ...]}   ("-": not graded
//               before)
//   at-risk    {"customers": [{"id","name","rep","tier","lifecycle","churn_risk","reasons"}, ...]}
//   portfolio  {"today": "2026-11-23", "window_days": 365, "reps": [{"rep","name","customers",
//               "tiers": {...}, "follow_ups_due", "follow_ups_overdue", "visits_due",
//               "visits_overdue", "revenue_cents"}, ...]}
//
// Thread safety: call with `store` owned by the calling thread: the writer with its mutex held, or
// a leased read connection inside a read snapshot (SyncService answers these GETs there).
#ifndef FIELDBOOK_SERVER_REPORT_API_H_
#define FIELDBOOK_SERVER_REPORT_API_H_

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "fieldbook/hlc.h"
#include "fieldbook/status.h"
#include "http/http_types.h"
#include "store/server_store.h"

namespace fieldbook::server {

// Serves /v1/admin/reports/* and /v1/reports/*. `wall` gives "today" for the portfolio.
// Tier migration cells (a movement report's, a rules preview's moves) as
// [{"from": "B", "to": "A", "customers": 2}, ...].
boost::json::array TierCellsJson(
    const std::map<std::pair<std::string, std::string>, int64_t>& cells);

HttpResponse HandleReportRequest(ServerStore& store, const HttpRequest& request,
                                 const Principal& caller, WallClock& wall);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_REPORT_API_H_
