#include "api/audit_api.h"

#include "api/http_json.h"
#include "fieldbook/dates.h"
#include "store/audit_store.h"

namespace fieldbook::server {

std::optional<HttpResponse> HandleAuditAdminRequest(ServerStore& store,
                                                    const HttpRequest& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path != "/v1/admin/audit") return std::nullopt;
  if (request.method != "GET")
    return JsonError(405, "method_not_allowed", Phrase{"http_use_get", {{"path", path}}});
  AuditFilter filter;
  filter.customer = QueryParam(request.target, "customer");
  filter.actor = QueryParam(request.target, "actor");
  filter.action = QueryParam(request.target, "action");
  if (auto refused = LongQueryParam(
          {{"customer", &filter.customer}, {"actor", &filter.actor}, {"action", &filter.action}},
          200, "a filter is at most 200 bytes")) {
    return *refused;
  }
  const std::string since = QueryParam(request.target, "since");
  if (!since.empty()) {
    const std::optional<int64_t> ms = ParseIsoUtc(since);
    if (!ms) {
      return JsonError(400, "invalid_field",
                       "since must be a UTC time like 2026-11-23T10:00:00Z or a day 2026-11-23",
                       Phrase{"http_field_time", {{"field", "since"}}});
    }
    filter.since_ms = *ms;
  }
  const std::optional<int64_t> after = IntParam(request.target, "after", 0, INT64_MAX, 0);
  if (!after) return BadIntParam("after", 0, INT64_MAX);
  filter.after_id = *after;
  const std::optional<int64_t> limit =
      IntParam(request.target, "limit", 1, static_cast<int64_t>(AuditStore::kMaxPage), 100);
  if (!limit) return BadIntParam("limit", 1, static_cast<int64_t>(AuditStore::kMaxPage));
  filter.limit = static_cast<size_t>(*limit);
  AuditStore audit(store);
  auto page = audit.List(filter);
  if (!page.ok()) return StatusResponse(page.status());
  boost::json::array entries;
  for (const AuditEntry& e : page->entries) entries.push_back(AuditEntryJson(e));
  return JsonResponse(boost::json::object{
      {"entries", entries},
      {"next", page->next > 0 ? boost::json::value(page->next) : boost::json::value(nullptr)}});
}

}  // namespace fieldbook::server
