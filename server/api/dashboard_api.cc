#include "api/dashboard_api.h"

#include <boost/json.hpp>

#include "api/http_json.h"
#include "store/dashboard_store.h"
#include "store/grading_store.h"
#include "store/pool_store.h"

namespace fieldbook::server {

std::optional<HttpResponse> HandleDashboardRequest(ServerStore& store, const HttpRequest& request,
                                                   const Principal& caller) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path != "/v1/admin/dashboard") return std::nullopt;
  if (!caller.is_manager()) {
    return JsonError(403, "forbidden", Phrase{"http_admin_needs_manager", {}});
  }
  if (request.method != "GET")
    return JsonError(405, "method_not_allowed", Phrase{"http_use_get", {{"path", path}}});
  const std::optional<int64_t> limit = IntParam(request.target, "replicas", 1, 1000, 200);
  if (!limit) return BadIntParam("replicas", 1, 1000);
  DashboardStore dashboard(store);
  auto territories = dashboard.TiersByTerritory();
  if (!territories.ok()) return StatusResponse(territories.status());
  auto review = dashboard.Review();
  if (!review.ok()) return StatusResponse(review.status());
  auto checks = dashboard.LatestChecks(*limit);
  if (!checks.ok()) return StatusResponse(checks.status());
  GradingStore grading(store);
  auto runs = grading.Runs(2);
  if (!runs.ok()) return StatusResponse(runs.status());

  boost::json::array terr;
  for (const TerritoryTiers& t : *territories) {
    boost::json::object tiers;
    for (const auto& [tier, n] : t.tiers) tiers[tier] = n;
    terr.push_back(boost::json::object{
        {"id", t.territory_id}, {"name", t.name}, {"customers", t.customers}, {"tiers", tiers}});
  }
  boost::json::array replicas;
  for (const ReplicaCheck& c : *checks) {
    replicas.push_back(boost::json::object{{"rep", c.rep_id},
                                           {"replica", c.replica_id},
                                           {"checked", IsoTime(c.checked_ms)},
                                           {"outcome", c.outcome},
                                           {"rows_resent", c.rows_resent}});
  }
  return JsonResponse(boost::json::object{
      {"territories", terr},
      {"review",
       boost::json::object{{"held_edits", review->held_edits}, {"duplicates", review->duplicates}}},
      {"replicas", replicas},
      {"grading_runs", static_cast<int64_t>(runs->size())}});
}

}  // namespace fieldbook::server
