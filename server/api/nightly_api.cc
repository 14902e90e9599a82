#include "api/nightly_api.h"

#include <boost/json.hpp>

#include "api/http_json.h"
#include "nightly/nightly_report.h"
#include "store/nightly_store.h"

namespace fieldbook::server {

namespace {

constexpr const char* kPrefix = "/v1/admin/nightly/";

}  // namespace

std::optional<HttpResponse> HandleNightlyAdminRequest(ServerStore& store,
                                                      const HttpRequest& request,
                                                      const Principal& caller) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path.rfind(kPrefix, 0) != 0) return std::nullopt;
  if (!caller.is_manager()) {
    return JsonError(403, "forbidden", "the admin API needs a manager's token");
  }
  if (path != "/v1/admin/nightly/runs") {
    return JsonError(404, "not_found", "no admin route " + request.method + " " + path);
  }
  if (request.method != "GET") {
    return JsonError(405, "method_not_allowed", "use GET for " + path);
  }
  const std::optional<int64_t> last = IntParam(request.target, "last", 1, 100, 10);
  if (!last) return BadIntParam("last", 1, 100);
  NightlyStore nightly(store);
  auto runs = nightly.Runs(static_cast<size_t>(*last));
  if (!runs.ok()) return JsonError(500, "internal", runs.status().ToString());
  boost::json::array out;
  for (const NightlyRunRecord& run : *runs) out.push_back(NightlyRunJson(run));
  return JsonResponse(boost::json::object{{"runs", out}});
}

}  // namespace fieldbook::server
