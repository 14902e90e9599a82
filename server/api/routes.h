// The server's route table: which handler family a request path belongs to, the route's fixed
// name in metrics, and whether a console session cookie may stand for a manager's token on it.
// The router (sync_service.h) dispatches on Route; a new route family adds one enumerator here,
// its line in RouteOf, its name in RouteName's table, and its case in the router.
//
// Thread safety: pure functions.
#ifndef FIELDBOOK_SERVER_ROUTES_H_
#define FIELDBOOK_SERVER_ROUTES_H_

#include <string>

namespace fieldbook::server {

enum class Route {
  kHealth,   // GET /healthz
  kMetrics,  // GET /metrics
  kSync,     // POST /v1/sync
  kWhoami,   // GET /v1/whoami
  kPool,     // assignment and the public pool (assignment_api.h)
  kImport,   // spreadsheets (import_api.h)
  kAdmin,    // /v1/admin/..., /v1/conflicts, /v1/conflicts/status
  kReports,  // /v1/reports/...
  kConsole,  // the console's static files (console_assets.h)
  kSession,  // console sign-in (console_api.h)
  kNone
};

// The path of a request target (without its query string).
std::string PathOf(const std::string& target);
Route RouteOf(const std::string& path);
// The route's name in metrics: a small fixed set.
const char* RouteName(Route route);
// A console session cookie stands for a manager's token on the managers' routes only.
bool SessionsAllowed(Route route, const std::string& path);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_ROUTES_H_
