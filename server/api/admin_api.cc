#include "api/admin_api.h"

#include <boost/json.hpp>
#include <charconv>
#include <optional>
#include <sstream>

#include "api/audit_api.h"
#include "api/console_pages_api.h"
#include "api/dashboard_api.h"
#include "api/device_api.h"
#include "api/http_json.h"
#include "api/nightly_api.h"
#include "api/product_api.h"
#include "api/record_api.h"
#include "api/report_api.h"
#include "fieldbook/json.h"
#include "store/grading_store.h"
#include "store/review_store.h"

namespace fieldbook::server {

namespace {

// The named string fields of a JSON object body, or a 400 naming the first missing one; then its
// optional "reason" (for the audit log) into `reason`, or a 400 when that is not a text of at most
// 2000 bytes. The body is the one SyncService parsed before taking the store's lock
// (request.json); a request that did not come through it is parsed here.
std::optional<HttpResponse> ReadFields(
    const HttpRequest& request, std::initializer_list<std::pair<const char*, std::string*>> fields,
    std::string* reason) {
  boost::json::value parsed;
  const boost::json::value& v = RequestJson(request, parsed);
  if (!v.is_object()) return JsonError(400, "malformed", Phrase{"http_body_not_object", {}});
  for (const auto& [name, out] : fields) {
    const boost::json::value* f = v.as_object().if_contains(name);
    if (f == nullptr)
      return JsonError(400, "missing_field", Phrase{"http_missing_field", {{"field", name}}});
    if (f->is_string()) {
      *out = std::string(f->as_string());
    } else if (f->is_int64()) {
      *out = std::to_string(f->as_int64());
    } else {
      return JsonError(400, "invalid_field", std::string("field \"") + name + "\" must be a string",
                       Phrase{"http_field_not_text", {{"field", name}}});
    }
    if (out->empty())
      return JsonError(400, "invalid_field", std::string("field \"") + name + "\" is empty",
                       Phrase{"http_field_empty", {{"field", name}}});
  }
  const boost::json::value* r = v.as_object().if_contains("reason");
  if (r == nullptr || r->is_null()) return std::nullopt;
  if (!r->is_string() || r->as_string().size() > 2000) {
    return JsonError(400, "invalid_field", "field \"reason\" must be a text of at most 2000 bytes",
                     Phrase{"http_field_too_long", {{"field", "reason"}, {"max", "2000"}}});
  }
  *reason = std::string(r->as_string());
  return std::nullopt;
}

// The value a held edit's column has now on the server (null when the row or column is not there;
// for a record held whole, its row as an object, or null when it was never written), and the
// customer's name, so that a reviewer sees both sides. Table and column names come from the
// catalog, never from the request.
boost::json::value CurrentValue(ServerStore& store, const Conflict& c) {
  const TableInfo* table = store.hub().catalog().Find(c.table);
  if (table == nullptr) return nullptr;
  const bool whole = c.column == "*";
  if (!whole && table->ColumnIndex(c.column) < 0) return nullptr;
  const std::vector<std::string> columns = whole ? table->columns : std::vector{c.column};
  auto values = store.CurrentValues(*table, c.row_id, columns);
  if (!values.ok() || !values->has_value()) return nullptr;
  auto cell = [](const Value& v) -> boost::json::value {
    if (const auto* n = std::get_if<int64_t>(&v)) return *n;
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* s = std::get_if<std::string>(&v)) return boost::json::string(*s);
    return nullptr;
  };
  const std::vector<Value>& row = **values;
  if (!whole) return cell(row[0]);
  boost::json::object out;
  for (size_t i = 0; i < columns.size(); ++i) out[columns[i]] = cell(row[i]);
  return out;
}

std::string CustomerName(ServerStore& store, const std::string& customer_id) {
  auto name = store.CustomerName(customer_id);
  return name.ok() ? *name : std::string();
}

// The list of /v1/conflicts and /v1/admin/conflicts: ConflictJson with the customer's name, the
// value the server has now and the edit's stamp.
HttpResponse ConflictsResponse(ServerStore& store, const Result<std::vector<Conflict>>& list) {
  return ListResponse(list, "conflicts", [&store](const Conflict& c) {
    boost::json::object o = ConflictJson(c);
    o["customer_name"] = CustomerName(store, c.customer_id);
    o["current"] = CurrentValue(store, c);
    o["stamped"] = c.hlc.ToString();
    return o;
  });
}

boost::json::object RepJson(const RepInfo& r) {
  return boost::json::object{{"id", r.id},
                             {"name", r.name},
                             {"role", r.role},
                             {"active", r.active},
                             {"customers", r.customers}};
}

// POST /v1/conflicts/status, a rep's device asking what became of its held edits (its review
// list): {"edits":[{"table","row_id","column","hlc"},...]} -> the same list, each with "status"
// ("open", "applied", "dismissed" or "unknown"). Only the caller's own edits are found.
constexpr size_t kMaxHeldEditsAsked = 1000;

HttpResponse HeldEditStatusResponse(ServerStore& store, const HttpRequest& request,
                                    const Principal& caller) {
  // The body SyncService parsed before taking the store's lock, or (not through it) parsed here.
  boost::json::value parsed;
  const boost::json::value& body = RequestJson(request, parsed);
  const boost::json::array* list = nullptr;
  if (body.is_object()) {
    if (const auto* edits = body.as_object().if_contains("edits")) list = edits->if_array();
  }
  if (list == nullptr) {
    return JsonError(400, "malformed",
                     Phrase{"http_body_shape", {{"shape", "{\"edits\": [...]}"}}});
  }
  if (list->size() > kMaxHeldEditsAsked) {
    return JsonError(413, "too_many",
                     "at most " + std::to_string(kMaxHeldEditsAsked) + " edits per request",
                     Phrase{"http_too_many_items", {{"max", std::to_string(kMaxHeldEditsAsked)}}});
  }
  std::vector<HeldEdit> edits;
  for (size_t i = 0; i < list->size(); ++i) {
    const boost::json::object* e = (*list)[i].if_object();
    auto text = [&](const char* key) -> const boost::json::string* {
      const boost::json::value* v = e != nullptr ? e->if_contains(key) : nullptr;
      const boost::json::string* s = v != nullptr ? v->if_string() : nullptr;
      return s != nullptr && !s->empty() && s->size() <= 128 ? s : nullptr;
    };
    const boost::json::value* hlc = e != nullptr ? e->if_contains("hlc") : nullptr;
    const auto* table = text("table");
    const auto* row = text("row_id");
    const auto* column = text("column");
    if (table == nullptr || row == nullptr || column == nullptr || hlc == nullptr ||
        !hlc->is_int64() || hlc->as_int64() <= 0) {
      return JsonError(400, "invalid_field",
                       Phrase{"http_held_edit_fields", {{"index", std::to_string(i)}}});
    }
    edits.push_back(HeldEdit{std::string(*table), std::string(*row), std::string(*column),
                             Hlc(static_cast<uint64_t>(hlc->as_int64()))});
  }
  auto status = store.HeldEditStatus(caller.rep_id, edits);
  if (!status.ok()) return StatusResponse(status.status());
  boost::json::array out;
  for (size_t i = 0; i < edits.size(); ++i) {
    out.push_back(boost::json::object{{"table", edits[i].table},
                                      {"row_id", edits[i].row_id},
                                      {"column", edits[i].column},
                                      {"hlc", static_cast<int64_t>(edits[i].hlc.packed())},
                                      {"status", (*status)[i]}});
  }
  return JsonResponse(boost::json::object{{"edits", std::move(out)}});
}

}  // namespace

boost::json::object TerritoryJson(const TerritoryInfo& t) {
  return boost::json::object{{"id", t.id},     {"name", t.name},  {"region", t.region},
                             {"city", t.city}, {"rep", t.rep_id}, {"customers", t.customers}};
}

boost::json::object ConflictJson(const Conflict& c) {
  boost::system::error_code ec;
  return boost::json::object{{"id", c.id},
                             {"customer", c.customer_id},
                             {"table", c.table},
                             {"row", c.row_id},
                             {"column", c.column},
                             {"kind", c.kind},
                             {"value", ReadJson(c.value_json, ec)},
                             {"from_rep", c.from_rep},
                             {"owner_rep", c.owner_rep},
                             {"status", c.status}};
}

HttpResponse HandleAdminRequest(ServerStore& store, const HttpRequest& request,
                                const Principal& caller, WallClock& wall) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";

  if (path == "/v1/conflicts" && get) {
    return ConflictsResponse(store, store.ListConflicts(caller.rep_id, /*open_only=*/true));
  }
  if (path == "/v1/conflicts/status" && post) return HeldEditStatusResponse(store, request, caller);
  if (!caller.is_manager()) {
    return JsonError(403, "forbidden", Phrase{"http_admin_needs_manager", {}});
  }
  const std::string actor = "manager:" + caller.rep_id;

  if (path == "/v1/admin/reps" && get) return ListResponse(store.ListReps(), "reps", RepJson);
  if (path == "/v1/admin/territories" && get) {
    return ListResponse(store.ListTerritories(), "territories", TerritoryJson);
  }
  if (path == "/v1/admin/territories/assign" && post) {
    std::string territory, rep, reason;
    if (auto bad = ReadFields(request, {{"territory", &territory}, {"rep", &rep}}, &reason)) {
      return *bad;
    }
    return JsonResponseIf(
        store.AssignTerritory(territory, rep, actor, reason),
        boost::json::object{{"ok", true}, {"territory", territory}, {"rep", rep}});
  }
  if (path == "/v1/admin/customers/reassign" && post) {
    std::string customer, to, reason;
    if (auto bad = ReadFields(request, {{"customer", &customer}, {"to", &to}}, &reason)) {
      return *bad;
    }
    return JsonResponseIf(store.ReassignCustomer(customer, to, actor, reason),
                          boost::json::object{{"ok", true}, {"customer", customer}, {"rep", to}});
  }
  if (path == "/v1/admin/conflicts" && get) {
    return ConflictsResponse(store, store.ListConflicts(QueryParam(request.target, "owner"),
                                                        QueryParam(request.target, "all").empty()));
  }
  if (path == "/v1/admin/review/dismissals" && get) {  // the reps' dismissals (review_store.h)
    return ListResponse(ReviewStore(store).Dismissals(QueryParam(request.target, "rep"), 200),
                        "dismissals", DismissalJson);
  }
  if (path == "/v1/admin/conflicts/resolve" && post) {
    std::string id, action, reason;
    if (auto bad = ReadFields(request, {{"id", &id}, {"action", &action}}, &reason)) return *bad;
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
    if (ec != std::errc() || end != id.data() + id.size() || n < 1) {
      return JsonError(400, "invalid_field", "field \"id\" must be a conflict number (1 or more)",
                       Phrase{"http_field_positive", {{"field", "id"}}});
    }
    return JsonResponseIf(store.ResolveConflict(n, action, actor, reason),
                          boost::json::object{{"ok", true}, {"id", n}, {"action", action}});
  }
  if (path == "/v1/admin/grading" && get) {
    GradingStore grading(store);
    auto rules = grading.CurrentRules();
    if (!rules.ok()) return StatusResponse(rules.status());
    return HttpResponse{200, "application/json", GradingStore::RulesJson(*rules), {}};
  }
  if (path == "/v1/admin/grading" && (post || request.method == "PUT")) {
    GradingStore grading(store);
    return SetRulesResponse(grading, request, actor);
  }
  if (path == "/v1/admin/grade" && post) {
    GradingStore grading(store);
    auto day = DayOrToday(QueryParam(request.target, "today"), wall);
    if (!day.ok()) {
      return JsonError(400, "invalid_field", day.status().message(),
                       Phrase{"http_field_date", {{"field", "today"}}});
    }
    auto run = grading.GradeAll(*day);
    if (!run.ok()) return StatusResponse(run.status());
    return JsonResponse(boost::json::object{{"run", run->run_id},
                                            {"customers", run->customers},
                                            {"changed", run->changed},
                                            {"today", run->today},
                                            {"rules_version", run->rules_version}});
  }
  if (path.rfind("/v1/admin/reports/", 0) == 0) {
    return HandleReportRequest(store, request, caller, wall);
  }
  if (path == "/v1/admin/export" && get) {
    const std::string rep = QueryParam(request.target, "rep");
    if (rep.empty()) {
      return JsonError(400, "missing_field", Phrase{"http_query_missing", {{"name", "rep"}}});
    }
    std::ostringstream out;
    Status s = store.ExportForRep(rep, out);
    if (!s.ok()) return StatusResponse(s);
    return HttpResponse{200, "application/x-ndjson", out.str(), {}};
  }
  if (auto page = HandleConsolePagesRequest(store, request, actor, wall)) return *page;
  if (auto nightly = HandleNightlyAdminRequest(store, request, caller)) return *nightly;
  if (auto dashboard = HandleDashboardRequest(store, request, caller)) return *dashboard;
  if (auto devices = HandleDeviceAdminRequest(store, request, actor)) return *devices;
  if (auto audit = HandleAuditAdminRequest(store, request)) return *audit;
  if (auto products = HandleProductAdminRequest(store, wall, request, actor)) return *products;
  if (auto records = HandleRecordAdminRequest(store, request)) return *records;
  return JsonError(404, "not_found", "no admin route " + request.method + " " + path,
                   Phrase{"http_no_route", {{"path", request.method + " " + path}}});
}

}  // namespace fieldbook::server
