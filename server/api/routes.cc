#include "api/routes.h"

#include "api/assignment_api.h"
#include "api/console_api.h"
#include "api/console_assets.h"
#include "api/import_api.h"

namespace fieldbook::server {

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

Route RouteOf(const std::string& path) {
  if (path == "/healthz") return Route::kHealth;
  if (ConsoleAssets::IsConsolePath(path)) return Route::kConsole;
  if (ConsoleApi::IsSessionRoute(path)) return Route::kSession;
  if (path == "/metrics") return Route::kMetrics;
  if (path == "/v1/sync") return Route::kSync;
  if (path == "/v1/whoami") return Route::kWhoami;
  if (IsAssignmentRoute(path)) return Route::kPool;  // assignment and the pool (assignment_api.h)
  if (IsImportRoute(path)) return Route::kImport;    // spreadsheets (import_api.h)
  if (path.rfind("/v1/admin/", 0) == 0 || path == "/v1/conflicts" ||
      path == "/v1/conflicts/status") {
    return Route::kAdmin;
  }
  if (path.rfind("/v1/reports/", 0) == 0) return Route::kReports;
  return Route::kNone;
}

const char* RouteName(Route route) {
  switch (route) {
    case Route::kHealth:
      return "healthz";
    case Route::kMetrics:
      return "metrics";
    case Route::kSync:
      return "sync";
    case Route::kWhoami:
      return "whoami";
    case Route::kPool:
      return "pool";
    case Route::kImport:
      return "import";
    case Route::kAdmin:
      return "admin";
    case Route::kReports:
      return "reports";
    case Route::kConsole:
      return "console";
    case Route::kSession:
      return "session";
    case Route::kNone:
      break;
  }
  return "not_found";
}

bool SessionsAllowed(Route route, const std::string& path) {
  return route == Route::kWhoami ||
         ((route == Route::kAdmin || route == Route::kPool || route == Route::kImport) &&
          path.rfind("/v1/admin/", 0) == 0);
}

}  // namespace fieldbook::server
