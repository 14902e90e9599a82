#include "api/assignment_api.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "api/http_json.h"
#include "fieldbook/dates.h"
#include "fieldbook/grading.h"
#include "fieldbook/json.h"
#include "fieldbook/phrase_json.h"
#include "store/grading_store.h"

namespace fieldbook::server {

namespace {

constexpr size_t kPoolViewLimit = 500;
constexpr size_t kAdminPoolLimit = 5000;
constexpr size_t kMaxAuditRows = 1000;

boost::json::value DayOrNull(int32_t day) {
  if (day < 0) return nullptr;
  return boost::json::string(FormatDay(day));
}

// A required non-empty text field of at most `max` bytes, or the error response.
std::variant<std::string, HttpResponse> TextField(const boost::json::object& o, const char* name,
                                                  size_t max) {
  const boost::json::value* f = o.if_contains(name);
  if (f == nullptr)
    return JsonError(400, "missing_field", Phrase{"http_missing_field", {{"field", name}}});
  if (!f->is_string() || f->as_string().empty() || f->as_string().size() > max) {
    return JsonError(
        400, "invalid_field",
        Phrase{"http_field_text_bytes", {{"field", name}, {"max", std::to_string(max)}}});
  }
  return std::string(f->as_string());
}

HttpResponse PoolView(ServerStore& store, WallClock& wall, const Principal& caller) {
  PoolStore pool(store, wall);
  const int32_t today = DayOfMs(static_cast<int64_t>(wall.NowMs()));
  auto view = pool.ViewFor(caller.rep_id, today, kPoolViewLimit);
  if (!view.ok()) return StatusResponse(view.status());
  return JsonResponse(RepPoolViewJson(caller.rep_id, *view));
}

HttpResponse Claims(ServerStore& store, WallClock& wall, const HttpRequest& request,
                    const Principal& caller) {
  auto body = JsonObjectBody(request, kMaxPoolBodyBytes);
  if (auto* bad = std::get_if<HttpResponse>(&body)) return *bad;
  const boost::json::object& o = std::get<boost::json::object>(body);
  const boost::json::value* list = o.if_contains("claims");
  if (list == nullptr || !list->is_array() || list->as_array().empty()) {
    return JsonError(400, "missing_field", Phrase{"http_field_list_empty", {{"field", "claims"}}});
  }
  if (list->as_array().size() > PoolStore::kMaxClaimsPerRequest) {
    const std::string max = std::to_string(PoolStore::kMaxClaimsPerRequest);
    return JsonError(413, "too_large", "at most " + max + " claims per request",
                     Phrase{"http_too_many_items", {{"max", max}}});
  }
  std::vector<ClaimRequest> claims;
  for (size_t i = 0; i < list->as_array().size(); ++i) {
    const boost::json::value& c = list->as_array()[i];
    const std::string where = "claims[" + std::to_string(i) + "]";
    if (!c.is_object()) {
      return JsonError(400, "invalid_field", where + " must be an object",
                       Phrase{"http_field_not_object", {{"field", where}}});
    }
    ClaimRequest claim;
    auto id = TextField(c.as_object(), "request_id", 64);
    if (auto* bad = std::get_if<HttpResponse>(&id)) return *bad;
    auto customer = TextField(c.as_object(), "customer", 64);
    if (auto* bad = std::get_if<HttpResponse>(&customer)) return *bad;
    claim.request_id = std::get<std::string>(id);
    claim.customer_id = std::get<std::string>(customer);
    if (const boost::json::value* at = c.as_object().if_contains("requested_at_ms")) {
      if (at->is_int64() && at->as_int64() >= 0) {
        claim.requested_at_ms = at->as_int64();
      } else if (at->is_uint64() && at->as_uint64() <= INT64_MAX) {
        claim.requested_at_ms = static_cast<int64_t>(at->as_uint64());
      } else if (!at->is_null()) {
        return JsonError(
            400, "invalid_field", where + ".requested_at_ms must be milliseconds since 1970",
            Phrase{"http_field_whole_number", {{"field", where + ".requested_at_ms"}}});
      }
    }
    claims.push_back(std::move(claim));
  }
  PoolStore pool(store, wall);
  auto answers = pool.Claim(caller.rep_id, claims);
  return ListResponse(answers, "results", [](const ClaimAnswer& a) {
    return boost::json::object{{"request_id", a.request_id},
                               {"customer", a.customer_id},
                               {"status", a.status},
                               {"reason", a.reason},
                               {"reason_code", a.why.code},
                               {"reason_values", PhraseValuesJson(a.why.values)},
                               {"decided_at", IsoTime(a.decided_ms)}};
  });
}

HttpResponse Release(ServerStore& store, WallClock& wall, const HttpRequest& request,
                     const std::string& holder, const std::string& actor) {
  auto body = JsonObjectBody(request, 8 * 1024);
  if (auto* bad = std::get_if<HttpResponse>(&body)) return *bad;
  const boost::json::object& o = std::get<boost::json::object>(body);
  auto customer = TextField(o, "customer", 64);
  if (auto* bad = std::get_if<HttpResponse>(&customer)) return *bad;
  auto reason = TextField(o, "reason", PoolStore::kMaxReasonBytes);
  if (auto* bad = std::get_if<HttpResponse>(&reason)) return *bad;
  PoolStore pool(store, wall);
  auto entry =
      pool.Release(std::get<std::string>(customer), holder, std::get<std::string>(reason), actor);
  if (!entry.ok()) return StatusResponse(entry.status());
  return JsonResponse(boost::json::object{{"customer", entry->customer_id},
                                          {"status", "released"},
                                          {"since", IsoTime(entry->since_ms)},
                                          {"reason", entry->reason}});
}

HttpResponse SetProfile(ServerStore& store, WallClock& wall, const HttpRequest& request,
                        const std::string& actor) {
  auto body = JsonObjectBody(request, 8 * 1024);
  if (auto* bad = std::get_if<HttpResponse>(&body)) return *bad;
  const boost::json::object& o = std::get<boost::json::object>(body);
  for (const auto& kv : o) {
    if (kv.key() != "rep" && kv.key() != "regions" && kv.key() != "skill" &&
        kv.key() != "capacity" && kv.key() != "capacity_a" && kv.key() != "closer") {
      return JsonError(400, "invalid_field",
                       Phrase{"http_unknown_field", {{"field", std::string(kv.key())}}});
    }
  }
  auto rep = TextField(o, "rep", 64);
  if (auto* bad = std::get_if<HttpResponse>(&rep)) return *bad;
  ProfileUpdate update;
  if (const boost::json::value* r = o.if_contains("regions")) {
    if (!r->is_array()) {
      return JsonError(400, "invalid_field", "\"regions\" must be a list",
                       Phrase{"http_field_not_list", {{"field", "regions"}}});
    }
    std::vector<std::string> regions;
    for (const boost::json::value& item : r->as_array()) {
      if (!item.is_string()) {
        return JsonError(400, "invalid_field", "\"regions\" must be a list of texts",
                         Phrase{"http_field_list_texts", {{"field", "regions"}}});
      }
      regions.emplace_back(item.as_string());
    }
    update.regions = std::move(regions);
  }
  if (const boost::json::value* s = o.if_contains("skill")) {
    std::optional<Skill> skill;
    if (s->is_string()) skill = ParseSkill(std::string(s->as_string()));
    if (!skill) {
      return JsonError(400, "invalid_field", "\"skill\" must be junior, senior or key_account",
                       Phrase{"http_field_one_of",
                              {{"field", "skill"}, {"choices", "junior, senior, key_account"}}});
    }
    update.skill = skill;
  }
  for (const char* name : {"capacity", "capacity_a"}) {
    const boost::json::value* c = o.if_contains(name);
    if (c == nullptr) continue;
    std::optional<int> value;
    if (c->is_int64() && c->as_int64() >= 0 && c->as_int64() <= 1000000) {
      value = static_cast<int>(c->as_int64());
    } else if (!c->is_null()) {
      return JsonError(
          400, "invalid_field",
          std::string("\"") + name + "\" must be 0 to 1000000, or null for no limit",
          Phrase{"http_field_number_or_null", {{"field", name}, {"lo", "0"}, {"hi", "1000000"}}});
    }
    (std::string(name) == "capacity" ? update.capacity : update.capacity_a) = value;
  }
  if (const boost::json::value* c = o.if_contains("closer")) {
    if (!c->is_bool()) {
      return JsonError(400, "invalid_field", Phrase{"http_field_not_bool", {{"field", "closer"}}});
    }
    update.closer = c->as_bool();
  }
  AssignmentStore assignment(store, wall);
  return JsonResponseIf(assignment.SetProfile(std::get<std::string>(rep), update, actor),
                        boost::json::object{{"ok", true}, {"rep", std::get<std::string>(rep)}});
}

HttpResponse Admin(ServerStore& store, WallClock& wall, const HttpRequest& request,
                   const std::string& path, const std::string& actor) {
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  const bool put = request.method == "PUT";
  AssignmentStore assignment(store, wall);
  PoolStore pool(store, wall);
  if (path == "/v1/admin/assignment" && get) {
    auto rules = assignment.CurrentRules();
    if (!rules.ok()) return StatusResponse(rules.status());
    return HttpResponse{200, "application/json", AssignmentRulesToJson(*rules), {}};
  }
  if (path == "/v1/admin/assignment" && (put || post)) {
    if (request.body.size() > kMaxPoolBodyBytes) {
      return JsonError(413, "too_large", "assignment rules are limited to 64 KiB",
                       Phrase{"http_body_limit_kib", {{"kib", "64"}}});
    }
    return SetRulesResponse(assignment, request, actor);
  }
  if (path == "/v1/admin/assignment/profiles" && get) {
    return ListResponse(assignment.Loads(), "reps", ProfileJson);
  }
  if (path == "/v1/admin/assignment/profiles" && (put || post)) {
    return SetProfile(store, wall, request, actor);
  }
  const std::string territory = QueryParam(request.target, "territory");
  if (path == "/v1/admin/assignment/plan" && get) {
    auto plan = assignment.Plan(territory);
    if (!plan.ok()) return StatusResponse(plan.status());
    return JsonResponse(PlanJson(*plan, territory, false));
  }
  if (path == "/v1/admin/assignment/apply" && post) {
    auto plan = assignment.Apply(territory, actor);
    if (!plan.ok()) return StatusResponse(plan.status());
    return JsonResponse(PlanJson(*plan, territory, true));
  }
  if (path == "/v1/admin/pool" && get) {
    const std::string region = QueryParam(request.target, "region");
    auto list = pool.List(region.empty() ? std::vector<std::string>{} : SplitRegions(region),
                          kAdminPoolLimit + 1);
    if (!list.ok()) return StatusResponse(list.status());
    const bool truncated = list->size() > kAdminPoolLimit;
    if (truncated) list->pop_back();
    return JsonResponse(boost::json::object{
        {"pool", JsonArray(*list, [](const PoolEntry& e) { return PoolEntryJson(e, true); })},
        {"truncated", truncated}});
  }
  if (path == "/v1/admin/pool/audit" && get) {
    constexpr int64_t kMax = static_cast<int64_t>(kMaxAuditRows);
    const std::optional<int64_t> limit = IntParam(request.target, "limit", 1, kMax, 200);
    if (!limit) return BadIntParam("limit", 1, kMax);
    return ListResponse(
        pool.Audit(QueryParam(request.target, "customer"), static_cast<size_t>(*limit)), "audit",
        AuditJson);
  }
  if (path == "/v1/admin/pool/assign" && post) {
    auto body = JsonObjectBody(request, 8 * 1024);
    if (auto* bad = std::get_if<HttpResponse>(&body)) return *bad;
    auto customer = TextField(std::get<boost::json::object>(body), "customer", 64);
    if (auto* bad = std::get_if<HttpResponse>(&customer)) return *bad;
    auto rep = TextField(std::get<boost::json::object>(body), "rep", 64);
    if (auto* bad = std::get_if<HttpResponse>(&rep)) return *bad;
    auto note = pool.Assign(std::get<std::string>(customer), std::get<std::string>(rep), actor);
    if (!note.ok()) return StatusResponse(note.status());
    return JsonResponse(boost::json::object{{"ok", true},
                                            {"customer", std::get<std::string>(customer)},
                                            {"rep", std::get<std::string>(rep)},
                                            {"note", *note}});
  }
  if (path == "/v1/admin/pool/release" && post) {
    return Release(store, wall, request, "", actor);
  }
  if (path == "/v1/admin/pool/reclaim" && post) {
    auto today = DayOrToday(QueryParam(request.target, "today"), wall);
    if (!today.ok()) return StatusResponse(today.status());
    const bool dry_run = !QueryParam(request.target, "dry_run").empty();
    auto report = dry_run ? pool.PlanReclaim(*today) : pool.ReclaimDue(*today, actor);
    if (!report.ok()) return StatusResponse(report.status());
    return JsonResponse(ReclaimJson(*report, !dry_run));
  }
  return JsonError(404, "not_found",
                   Phrase{"http_no_route", {{"path", request.method + " " + path}}});
}

}  // namespace

bool IsAssignmentRoute(const std::string& path) {
  return path == "/v1/pool" || path.rfind("/v1/pool/", 0) == 0 || path == "/v1/admin/assignment" ||
         path.rfind("/v1/admin/assignment/", 0) == 0 || path == "/v1/admin/pool" ||
         path.rfind("/v1/admin/pool/", 0) == 0;
}

HttpResponse HandleAssignmentRequest(ServerStore& store, WallClock& wall,
                                     const HttpRequest& request, const Principal& caller) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path.rfind("/v1/pool", 0) == 0) {
    if (caller.is_manager()) {
      return JsonError(403, "forbidden", Phrase{"http_pool_for_reps", {}});
    }
    if (path == "/v1/pool" && request.method == "GET") return PoolView(store, wall, caller);
    if (path == "/v1/pool/claims" && request.method == "POST") {
      return Claims(store, wall, request, caller);
    }
    if (path == "/v1/pool/release" && request.method == "POST") {
      return Release(store, wall, request, caller.rep_id, "rep:" + caller.rep_id);
    }
    return JsonError(404, "not_found",
                     Phrase{"http_no_route", {{"path", request.method + " " + path}}});
  }
  if (!caller.is_manager()) {
    return JsonError(403, "forbidden", Phrase{"http_admin_needs_manager", {}});
  }
  return Admin(store, wall, request, path, "manager:" + caller.rep_id);
}

namespace {

// A reason of the plan in both languages for the console ("reason_text": {"en", "zh"}); "reason"
// stays its English sentence.
boost::json::object ReasonTexts(const std::function<std::string(Lang)>& render) {
  return boost::json::object{{"en", render(Lang::kEnglish)}, {"zh", render(Lang::kChinese)}};
}

boost::json::object MoveJson(const ProposedMove& m) {
  boost::json::object o = FieldsJson(m);
  o["reason_text"] = ReasonTexts([&](Lang lang) { return PlanReasonText(lang, m.why); });
  return o;
}

boost::json::object UnplacedJson(const UnplacedCustomer& u) {
  boost::json::object o = FieldsJson(u);
  o["reason_text"] = ReasonTexts([&](Lang lang) { return PlanReasonText(lang, u.why, u.needs); });
  return o;
}

}  // namespace

boost::json::object PlanJson(const AssignmentPlan& plan, const std::string& territory,
                             bool applied) {
  return boost::json::object{{"rules_version", plan.rules_version},
                             {"territory", territory},
                             {"customers_considered", plan.customers_considered},
                             {"applied", applied},
                             {"moves", JsonArray(plan.moves, MoveJson)},
                             {"unplaced", JsonArray(plan.unplaced, UnplacedJson)}};
}

boost::json::object ClockJson(const ReclaimClock& c, int32_t today) {
  boost::json::object o{{"id", c.customer_id},
                        {"name", c.name},
                        {"rep", c.rep_id},
                        {"tier", c.tier},
                        {"reclaim_days", c.reclaim_days},
                        {"counting_from", FormatDay(c.counting_from)},
                        {"last_activity", DayOrNull(c.last_activity_day)},
                        {"deadline", FormatDay(c.deadline_day)},
                        {"days_left", c.deadline_day - today},
                        {"waiting_for_sync", c.waiting_for_sync}};
  if (!c.reason.empty()) o["reason"] = c.reason;
  // The console's text in both languages: the English sentence as it is, the Chinese from the
  // value (pool_reclaim_*).
  if (!c.why.code.empty()) {
    o["reason_text"] = boost::json::object{{"en", c.reason}, {"zh", Say(Lang::kChinese, c.why)}};
  }
  return o;
}

boost::json::object ReclaimJson(const ReclaimReport& report, bool applied) {
  boost::json::array reclaimed, waiting;
  for (const ReclaimClock& c : report.reclaimed) reclaimed.push_back(ClockJson(c, report.today));
  for (const ReclaimClock& c : report.waiting) waiting.push_back(ClockJson(c, report.today));
  return boost::json::object{
      {"today", FormatDay(report.today)}, {"rules_version", report.rules_version},
      {"checked", report.checked},        {"applied", applied},
      {"reclaimed", reclaimed},           {"waiting", waiting}};
}

boost::json::object PoolEntryJson(const PoolEntry& e, bool for_manager) {
  // A reclaim's reason is kept as a phrase (phrase_json.h): its English stays "reason" for old
  // devices, its value comes beside it ("reason_code", "reason_values") for new ones and the
  // console has it in both languages ("reason_text"); other reasons are a person's own words.
  const StoredPhrase reason = ReadStoredPhrase(e.reason);
  boost::json::object o{
      {"id", e.customer_id},          {"name", e.name}, {"city", e.city},
      {"region", e.region},           {"tier", e.tier}, {"type", e.customer_type},
      {"since", IsoTime(e.since_ms)}, {"kind", e.kind}, {"reason", reason.detail}};
  if (!reason.phrase.code.empty()) {
    o["reason_code"] = reason.phrase.code;
    o["reason_values"] = PhraseValuesJson(reason.phrase.values);
    o["reason_text"] =
        boost::json::object{{"en", reason.detail}, {"zh", SayStored(Lang::kChinese, e.reason)}};
  }
  if (for_manager) o["from_rep"] = e.from_rep;
  return o;
}

boost::json::object AuditJson(const PoolAuditEntry& a) {
  boost::json::object o{{"id", a.id},         {"at", IsoTime(a.at_ms)}, {"customer", a.customer_id},
                        {"action", a.action}, {"rep", a.rep_id},        {"actor", a.actor},
                        {"reason", a.reason}};
  // A reclaim's reason as PoolEntryJson gives it: its value beside the English, and the console's
  // text in both languages.
  if (!a.why.code.empty()) {
    o["reason_code"] = a.why.code;
    o["reason_values"] = PhraseValuesJson(a.why.values);
    o["reason_text"] = boost::json::object{{"en", a.reason}, {"zh", Say(Lang::kChinese, a.why)}};
  }
  return o;
}

boost::json::object ProfileJson(const RepLoad& l) {
  const RepProfile& p = l.profile;
  boost::json::value capacity = nullptr, capacity_a = nullptr;
  if (p.capacity) capacity = *p.capacity;
  if (p.capacity_a) capacity_a = *p.capacity_a;
  return boost::json::object{{"rep", p.rep_id},
                             {"name", p.name},
                             {"role", l.role},
                             {"active", p.active},
                             {"configured", p.configured},
                             {"regions", boost::json::value_from(p.regions)},
                             {"skill", SkillName(p.skill)},
                             {"capacity", capacity},
                             {"capacity_a", capacity_a},
                             {"closer", p.closer},
                             {"customers", l.customers},
                             {"tier_a_customers", l.tier_a}};
}

boost::json::object RepPoolViewJson(const std::string& rep, const RepPoolView& view) {
  boost::json::value tier_a_cap = nullptr;
  if (view.tier_a_cap) tier_a_cap = *view.tier_a_cap;
  boost::json::object policy{{"rules_version", view.rules_version},
                             {"reclaim_days", boost::json::value_from(view.policy.reclaim_days)},
                             {"default_reclaim_days", view.policy.default_reclaim_days},
                             {"warn_days", view.policy.warn_days},
                             {"max_wait_days", view.policy.max_wait_days},
                             {"upcoming_days", PoolStore::kUpcomingDays},
                             {"daily_claims", view.policy.daily_claims},
                             {"claims_today", view.claims_today},
                             {"holding_cap", view.holding_cap},
                             {"holding", view.holding},
                             {"tier_a_cap", tier_a_cap},
                             {"tier_a_holding", view.tier_a_holding},
                             {"regions", boost::json::value_from(view.regions)}};
  boost::json::array pool, warnings, upcoming;
  for (const RepPoolView::Item& item : view.pool) {
    boost::json::object o = PoolEntryJson(item.entry, false);
    o["claimable"] = item.claimable;
    o["refusal"] = item.refusal;
    o["refusal_code"] = item.refusal_why.code;
    o["refusal_values"] = PhraseValuesJson(item.refusal_why.values);
    pool.push_back(std::move(o));
  }
  for (const ReclaimClock& c : view.warnings) warnings.push_back(ClockJson(c, view.today));
  for (const ReclaimClock& c : view.upcoming) upcoming.push_back(ClockJson(c, view.today));
  return boost::json::object{{"as_of", IsoTime(view.as_of_ms)},
                             {"today", FormatDay(view.today)},
                             {"rep", rep},
                             {"policy", policy},
                             {"pool", pool},
                             {"pool_truncated", view.pool_truncated},
                             {"warnings", warnings},
                             {"upcoming", upcoming}};
}

}  // namespace fieldbook::server
