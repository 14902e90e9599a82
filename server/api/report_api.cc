#include "api/report_api.h"

#include <boost/json.hpp>
#include <map>
#include <optional>

#include "api/http_json.h"
#include "store/grading_store.h"

namespace fieldbook::server {

namespace {

constexpr const char* kAdminPrefix = "/v1/admin/reports/";
constexpr const char* kRepPrefix = "/v1/reports/";

boost::json::value RepJson(const std::string& rep) {
  return rep.empty() ? boost::json::value(nullptr) : boost::json::value(rep);
}

boost::json::object TiersJson(const std::map<std::string, int64_t>& tiers) {
  boost::json::object out;
  for (const auto& [tier, n] : tiers) out[tier] = n;
  return out;
}

HttpResponse Tiers(GradingStore& grading, const std::string& rep) {
  auto tiers = grading.Tiers(rep);
  if (!tiers.ok()) return StatusResponse(tiers.status());
  boost::json::object out;
  for (const TierCount& t : *tiers) out[t.tier] = t.customers;
  return JsonResponse(boost::json::object{{"rep", RepJson(rep)}, {"tiers", std::move(out)}});
}

HttpResponse Movement(GradingStore& grading, const std::string& rep, const std::string& target) {
  constexpr int64_t kMaxRun = int64_t{1} << 62;
  const std::optional<int64_t> from = IntParam(target, "from", 1, kMaxRun, 0);
  if (!from) return BadIntParam("from", 1, kMaxRun);
  const std::optional<int64_t> to = IntParam(target, "to", 1, kMaxRun, 0);
  if (!to) return BadIntParam("to", 1, kMaxRun);
  if ((*from == 0) != (*to == 0)) {
    return JsonError(400, "invalid_field", Phrase{"http_report_from_to", {}});
  }
  auto m = grading.Movement(rep, *from, *to);
  if (!m.ok()) return StatusResponse(m.status());
  return JsonResponse(
      boost::json::object{{"rep", RepJson(rep)},
                          {"from_run", m->from_run},
                          {"to_run", m->to_run},
                          {"from_today", m->from_today.empty() ? boost::json::value(nullptr)
                                                               : boost::json::value(m->from_today)},
                          {"to_today", m->to_today},
                          {"cells", TierCellsJson(m->cells)}});
}

boost::json::object AtRiskJson(const AtRiskCustomer& a) {
  return boost::json::object{
      {"id", a.id},
      {"name", a.name},
      {"rep", a.owner_rep},
      {"tier", a.tier},
      {"lifecycle", a.lifecycle},
      {"churn_risk", a.churn_risk},
      {"reasons", a.reasons},
      // The same in both languages, for the console (fieldbook/lang_text.h).
      {"reason_texts",
       boost::json::object{{"en", a.reasons}, {"zh", JoinReasons(Lang::kChinese, a.why)}}}};
}

HttpResponse AtRisk(GradingStore& grading, const std::string& rep, const std::string& target) {
  const std::optional<int64_t> limit = IntParam(target, "limit", 1, 1000, 200);
  if (!limit) return BadIntParam("limit", 1, 1000);
  auto list = grading.AtRisk(rep, static_cast<size_t>(*limit));
  if (!list.ok()) return StatusResponse(list.status());
  return JsonResponse(
      boost::json::object{{"rep", RepJson(rep)}, {"customers", JsonArray(*list, AtRiskJson)}});
}

boost::json::object PortfolioJson(const PortfolioRow& p) {
  return boost::json::object{{"rep", p.rep_id},
                             {"name", p.rep_name},
                             {"customers", p.customers},
                             {"tiers", TiersJson(p.customers_by_tier)},
                             {"follow_ups_due", p.follow_ups_due},
                             {"follow_ups_overdue", p.follow_ups_overdue},
                             {"visits_due", p.visits_due},
                             {"visits_overdue", p.visits_overdue},
                             {"revenue_cents", p.revenue_cents}};
}

HttpResponse Portfolio(GradingStore& grading, const std::string& rep, const std::string& target,
                       WallClock& wall) {
  const std::optional<int64_t> window = IntParam(target, "window_days", 1, 3650, 365);
  if (!window) return BadIntParam("window_days", 1, 3650);
  auto today = DayOrToday(QueryParam(target, "today"), wall);
  if (!today.ok()) {
    return JsonError(400, "invalid_field", today.status().message(),
                     Phrase{"http_field_date", {{"field", "today"}}});
  }
  auto rows = grading.Portfolio(rep, *today, static_cast<int>(*window));
  if (!rows.ok()) return StatusResponse(rows.status());
  return JsonResponse(boost::json::object{{"rep", RepJson(rep)},
                                          {"today", FormatDay(*today)},
                                          {"window_days", *window},
                                          {"reps", JsonArray(*rows, PortfolioJson)}});
}

}  // namespace

HttpResponse HandleReportRequest(ServerStore& store, const HttpRequest& request,
                                 const Principal& caller, WallClock& wall) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const bool admin = path.rfind(kAdminPrefix, 0) == 0;
  if (!admin && path.rfind(kRepPrefix, 0) != 0) {
    return JsonError(404, "not_found", "no report route " + path,
                     Phrase{"http_no_route", {{"path", path}}});
  }
  const std::string kind = path.substr(std::string(admin ? kAdminPrefix : kRepPrefix).size());
  if (kind != "tiers" && kind != "movement" && kind != "at-risk" && kind != "portfolio") {
    return JsonError(404, "not_found", Phrase{"http_no_report", {{"kind", kind}}});
  }
  if (request.method != "GET") {
    return JsonError(405, "method_not_allowed", Phrase{"http_reports_get", {}});
  }
  if (admin && !caller.is_manager()) {
    return JsonError(403, "forbidden", Phrase{"http_admin_needs_manager", {}});
  }

  // Whose customers: a rep only ever sees their own.
  std::string rep = QueryParam(request.target, "rep");
  if (!caller.is_manager()) {
    if (!rep.empty() && rep != caller.rep_id) {
      return JsonError(403, "forbidden", Phrase{"http_own_reports", {}});
    }
    rep = caller.rep_id;
  } else if (!rep.empty() && !store.RepExists(rep)) {
    return JsonError(404, "not_found", Phrase{"http_no_rep", {{"rep", rep}}});
  }

  GradingStore grading(store);
  if (kind == "tiers") return Tiers(grading, rep);
  if (kind == "movement") return Movement(grading, rep, request.target);
  if (kind == "at-risk") return AtRisk(grading, rep, request.target);
  return Portfolio(grading, rep, request.target, wall);
}

boost::json::array TierCellsJson(
    const std::map<std::pair<std::string, std::string>, int64_t>& cells) {
  boost::json::array out;
  for (const auto& [cell, n] : cells) {
    out.push_back(boost::json::object{{"from", cell.first}, {"to", cell.second}, {"customers", n}});
  }
  return out;
}

}  // namespace fieldbook::server
