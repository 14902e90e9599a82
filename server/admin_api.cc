#include "admin_api.h"

#include <boost/json.hpp>
#include <ctime>
#include <sstream>

#include "grading_store.h"

namespace fieldbook::server {

namespace {

HttpResponse Json(const boost::json::value& v, int status = 200) {
  return HttpResponse{status, "application/json", boost::json::serialize(v), {}};
}

HttpResponse FromStatus(const Status& s) {
  switch (s.code()) {
    case StatusCode::kNotFound:
      return JsonError(404, "not_found", s.message());
    case StatusCode::kInvalidArgument:
      return JsonError(400, "invalid", s.message());
    case StatusCode::kConflict:
      return JsonError(409, "conflict", s.message());
    case StatusCode::kRejected:
      return JsonError(422, "rejected", s.message());
    default:
      return JsonError(500, "internal", s.ToString());
  }
}

std::string QueryParam(const std::string& target, const std::string& name) {
  const size_t q = target.find('?');
  if (q == std::string::npos) return {};
  std::string query = target.substr(q + 1);
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    const std::string pair = query.substr(pos, amp - pos);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string::npos ? "1" : pair.substr(eq + 1);
    pos = amp + 1;
  }
  return {};
}

// The named string fields of a JSON object body, or a 400 naming the first missing one.
std::optional<HttpResponse> ReadFields(
    const std::string& body, std::initializer_list<std::pair<const char*, std::string*>> fields) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return JsonError(400, "malformed", "the body must be a JSON object");
  for (const auto& [name, out] : fields) {
    const boost::json::value* f = v.as_object().if_contains(name);
    if (f == nullptr)
      return JsonError(400, "missing_field", std::string("missing field \"") + name + "\"");
    if (f->is_string()) {
      *out = std::string(f->as_string());
    } else if (f->is_int64()) {
      *out = std::to_string(f->as_int64());
    } else {
      return JsonError(400, "invalid_field",
                       std::string("field \"") + name + "\" must be a string");
    }
    if (out->empty())
      return JsonError(400, "invalid_field", std::string("field \"") + name + "\" is empty");
  }
  return std::nullopt;
}

boost::json::array ConflictsJson(const std::vector<Conflict>& conflicts) {
  boost::json::array out;
  for (const Conflict& c : conflicts) {
    boost::system::error_code ec;
    out.push_back(boost::json::object{{"id", c.id},
                                      {"customer", c.customer_id},
                                      {"table", c.table},
                                      {"row", c.row_id},
                                      {"column", c.column},
                                      {"value", boost::json::parse(c.value_json, ec)},
                                      {"stamped", c.hlc.ToString()},
                                      {"from_rep", c.from_rep},
                                      {"owner_rep", c.owner_rep},
                                      {"status", c.status}});
  }
  return out;
}

}  // namespace

HttpResponse HandleAdminRequest(ServerStore& store, const HttpRequest& request,
                                const Principal& caller) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";

  if (path == "/v1/conflicts" && get) {
    auto conflicts = store.ListConflicts(caller.rep_id, /*open_only=*/true);
    if (!conflicts.ok()) return FromStatus(conflicts.status());
    return Json(boost::json::object{{"conflicts", ConflictsJson(*conflicts)}});
  }
  if (!caller.is_manager()) {
    return JsonError(403, "forbidden", "the admin API needs a manager's token");
  }
  const std::string actor = "manager:" + caller.rep_id;

  if (path == "/v1/admin/reps" && get) {
    auto reps = store.ListReps();
    if (!reps.ok()) return FromStatus(reps.status());
    boost::json::array out;
    for (const RepInfo& r : *reps) {
      out.push_back(boost::json::object{{"id", r.id},
                                        {"name", r.name},
                                        {"role", r.role},
                                        {"active", r.active},
                                        {"customers", r.customers}});
    }
    return Json(boost::json::object{{"reps", out}});
  }
  if (path == "/v1/admin/territories" && get) {
    auto territories = store.ListTerritories();
    if (!territories.ok()) return FromStatus(territories.status());
    boost::json::array out;
    for (const TerritoryInfo& t : *territories) {
      out.push_back(boost::json::object{{"id", t.id},
                                        {"name", t.name},
                                        {"region", t.region},
                                        {"city", t.city},
                                        {"rep", t.rep_id},
                                        {"customers", t.customers}});
    }
    return Json(boost::json::object{{"territories", out}});
  }
  if (path == "/v1/admin/territories/assign" && post) {
    std::string territory, rep;
    if (auto bad = ReadFields(request.body, {{"territory", &territory}, {"rep", &rep}}))
      return *bad;
    Status s = store.AssignTerritory(territory, rep, actor);
    if (!s.ok()) return FromStatus(s);
    return Json(boost::json::object{{"ok", true}, {"territory", territory}, {"rep", rep}});
  }
  if (path == "/v1/admin/customers/reassign" && post) {
    std::string customer, to;
    if (auto bad = ReadFields(request.body, {{"customer", &customer}, {"to", &to}})) return *bad;
    Status s = store.ReassignCustomer(customer, to, actor);
    if (!s.ok()) return FromStatus(s);
    return Json(boost::json::object{{"ok", true}, {"customer", customer}, {"rep", to}});
  }
  if (path == "/v1/admin/conflicts" && get) {
    auto conflicts = store.ListConflicts(QueryParam(request.target, "owner"),
                                         QueryParam(request.target, "all").empty());
    if (!conflicts.ok()) return FromStatus(conflicts.status());
    return Json(boost::json::object{{"conflicts", ConflictsJson(*conflicts)}});
  }
  if (path == "/v1/admin/conflicts/resolve" && post) {
    std::string id, action;
    if (auto bad = ReadFields(request.body, {{"id", &id}, {"action", &action}})) return *bad;
    int64_t n = 0;
    try {
      n = std::stoll(id);
    } catch (const std::exception&) {
      return JsonError(400, "invalid_field", "field \"id\" must be a number");
    }
    Status s = store.ResolveConflict(n, action, actor);
    if (!s.ok()) return FromStatus(s);
    return Json(boost::json::object{{"ok", true}, {"id", n}, {"action", action}});
  }
  if (path == "/v1/admin/grading" && get) {
    GradingStore grading(store);
    auto rules = grading.CurrentRules();
    if (!rules.ok()) return FromStatus(rules.status());
    return HttpResponse{200, "application/json", GradingStore::RulesJson(*rules), {}};
  }
  if (path == "/v1/admin/grading" && (post || request.method == "PUT")) {
    GradingStore grading(store);
    auto version = grading.SetRules(request.body, actor);
    if (!version.ok()) return FromStatus(version.status());
    return Json(boost::json::object{{"ok", true}, {"version", *version}});
  }
  if (path == "/v1/admin/grade" && post) {
    GradingStore grading(store);
    const std::string today = QueryParam(request.target, "today");
    std::optional<int32_t> day =
        today.empty() ? std::optional<int32_t>(static_cast<int32_t>(std::time(nullptr) / 86400))
                      : ParseDay(today);
    if (!day) return JsonError(400, "invalid_field", "today must be YYYY-MM-DD");
    auto run = grading.GradeAll(*day);
    if (!run.ok()) return FromStatus(run.status());
    return Json(boost::json::object{{"run", run->run_id},
                                    {"customers", run->customers},
                                    {"changed", run->changed},
                                    {"today", run->today},
                                    {"rules_version", run->rules_version}});
  }
  if (path == "/v1/admin/reports/tiers" && get) {
    GradingStore grading(store);
    auto tiers = grading.Tiers(QueryParam(request.target, "rep"));
    if (!tiers.ok()) return FromStatus(tiers.status());
    boost::json::object out;
    for (const TierCount& t : *tiers) out[t.tier] = t.customers;
    return Json(boost::json::object{{"tiers", out}});
  }
  if (path == "/v1/admin/reports/at-risk" && get) {
    GradingStore grading(store);
    auto list = grading.AtRisk(QueryParam(request.target, "rep"), 200);
    if (!list.ok()) return FromStatus(list.status());
    boost::json::array out;
    for (const AtRiskCustomer& a : *list) {
      out.push_back(boost::json::object{{"id", a.id},
                                        {"name", a.name},
                                        {"rep", a.owner_rep},
                                        {"tier", a.tier},
                                        {"lifecycle", a.lifecycle},
                                        {"churn_risk", a.churn_risk},
                                        {"reasons", a.reasons}});
    }
    return Json(boost::json::object{{"customers", out}});
  }
  if (path == "/v1/admin/export" && get) {
    const std::string rep = QueryParam(request.target, "rep");
    if (rep.empty()) return JsonError(400, "missing_field", "missing query parameter rep");
    std::ostringstream out;
    Status s = store.ExportForRep(rep, out);
    if (!s.ok()) return FromStatus(s);
    return HttpResponse{200, "application/x-ndjson", out.str(), {}};
  }
  return JsonError(404, "not_found", "no admin route " + request.method + " " + path);
}

}  // namespace fieldbook::server
