#include "api/routes.h"

#include <iterator>

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
  // By enumerator, in the order of enum Route.
  static constexpr const char* kNames[] = {"healthz", "metrics", "sync",    "whoami",  "pool",
                                           "import",  "admin",   "reports", "console", "session"};
  static_assert(std::size(kNames) == static_cast<size_t>(Route::kNone));
  const auto i = static_cast<size_t>(route);
  return i < std::size(kNames) ? kNames[i] : "not_found";
}

bool SessionsAllowed(Route route, const std::string& path) {
  return route == Route::kWhoami ||
         ((route == Route::kAdmin || route == Route::kPool || route == Route::kImport) &&
          path.rfind("/v1/admin/", 0) == 0);
}

}  // namespace fieldbook::server
