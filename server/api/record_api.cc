#include "api/record_api.h"

#include <boost/json.hpp>

#include "api/http_json.h"
#include "store/record_store.h"

namespace fieldbook::server {

namespace {

constexpr std::string_view kPrefix = "/v1/admin/records";

}  // namespace

std::optional<HttpResponse> HandleRecordAdminRequest(ServerStore& store,
                                                     const HttpRequest& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path != kPrefix && path.rfind(std::string(kPrefix) + "/", 0) != 0) return std::nullopt;
  if (request.method != "GET") {
    return JsonError(405, "method_not_allowed", Phrase{"http_records_get", {}});
  }
  RecordStore records(store);
  if (path == kPrefix) {
    boost::json::array tables;
    for (const std::string& t : records.Tables()) tables.emplace_back(t);
    return JsonResponse(boost::json::object{{"tables", std::move(tables)}});
  }
  RecordQuery q;
  q.table = path.substr(kPrefix.size() + 1);
  q.customer = QueryParam(request.target, "customer");
  q.after = QueryParam(request.target, "after");
  if (auto refused = LongQueryParam({{"customer", &q.customer}, {"after", &q.after}}, 200,
                                    "customer and after are at most 200 bytes")) {
    return *refused;
  }
  q.include_deleted = QueryParam(request.target, "deleted") == "1";
  auto limit = IntParam(request.target, "limit", 1, 1000, 100);
  if (!limit) return BadIntParam("limit", 1, 1000);
  q.limit = static_cast<size_t>(*limit);
  auto page = records.List(q);
  if (!page.ok()) return StatusResponse(page.status());
  boost::json::array rows;
  for (boost::json::object& row : page->rows) rows.emplace_back(std::move(row));
  boost::json::value next = nullptr;
  if (!page->next.empty()) next = boost::json::string(page->next);
  return JsonResponse(
      boost::json::object{{"table", q.table}, {"rows", std::move(rows)}, {"next", next}});
}

}  // namespace fieldbook::server
