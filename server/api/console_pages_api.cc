#include "api/console_pages_api.h"

#include <boost/json.hpp>
#include <initializer_list>
#include <span>
#include <variant>
#include <vector>

#include "api/http_json.h"
#include "api/report_api.h"
#include "fieldbook/grading.h"
#include "fieldbook/json.h"
#include "fieldbook/lang_text.h"
#include "store/directory_store.h"
#include "store/duplicate_store.h"
#include "store/grading_store.h"
#include "store/pool_store.h"

namespace fieldbook::server {

namespace {

constexpr size_t kMaxBody = 8 * 1024;
constexpr size_t kMaxRulesBody = 64 * 1024;

using Parsed = std::variant<boost::json::object, HttpResponse>;

// The body as a JSON object naming only `allowed` fields, or the error answer.
Parsed ReadObject(const HttpRequest& request, size_t max_bytes,
                  std::initializer_list<const char*> allowed) {
  Parsed body = JsonObjectBody(request, max_bytes);
  if (const auto* o = std::get_if<boost::json::object>(&body)) {
    for (const auto& kv : *o) {
      bool known = false;
      for (const char* a : allowed) known |= kv.key() == a;
      if (!known) {
        return JsonError(400, "invalid_field", std::string(kv.key()) + ": unknown field",
                         Phrase{"http_unknown_field", {{"field", std::string(kv.key())}}});
      }
    }
  }
  return body;
}

// A text field of at most `max` bytes without control characters; "" when absent and optional.
std::optional<HttpResponse> ReadText(const boost::json::object& o, const char* name, bool required,
                                     size_t max, std::string* out) {
  const boost::json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (required) {
      return JsonError(400, "missing_field", std::string(name) + ": required",
                       Phrase{"http_missing_field", {{"field", name}}});
    }
    return std::nullopt;
  }
  if (!v->is_string()) {
    return JsonError(400, "invalid_field", std::string(name) + ": must be a text",
                     Phrase{"http_field_not_text", {{"field", name}}});
  }
  const boost::json::string& s = v->as_string();
  if (s.size() > max) {
    return JsonError(
        400, "invalid_field", std::string(name) + ": at most " + std::to_string(max) + " bytes",
        Phrase{"http_field_too_long", {{"field", name}, {"max", std::to_string(max)}}});
  }
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7f) {
      return JsonError(400, "invalid_field", std::string(name) + ": no control characters",
                       Phrase{"http_field_control", {{"field", name}}});
    }
  }
  if (required && s.empty()) {
    return JsonError(400, "invalid_field", std::string(name) + ": must not be empty",
                     Phrase{"http_field_empty", {{"field", name}}});
  }
  *out = std::string(s);
  return std::nullopt;
}

boost::json::value JsonOf(const Value& v) {
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) return boost::json::string(*s);
  return nullptr;
}

boost::json::object RecordJson(const Record& r) {
  boost::json::object o;
  for (const auto& [column, value] : r) o[column] = JsonOf(value);
  return o;
}

boost::json::object CustomerRowJson(const CustomerRow& c) {
  return boost::json::object{{"id", c.id},
                             {"name", c.name},
                             {"city", c.city},
                             {"phone", c.phone},
                             {"owner", c.owner_rep},
                             {"rep", c.holder},
                             {"territory", c.territory},
                             {"tier", c.tier},
                             {"lifecycle", c.lifecycle},
                             {"created_at", c.created_at},
                             {"pooled", c.pooled}};
}

boost::json::object SideJson(const DuplicateSide& s) {
  boost::json::object records;
  for (const auto& [table, n] : s.records) records[table] = n;
  return boost::json::object{
      {"id", s.id},           {"name", s.name},       {"city", s.city},
      {"phone", s.phone},     {"address", s.address}, {"owner", s.owner_rep},
      {"rep", s.holder},      {"tier", s.tier},       {"created_at", s.created_at},
      {"deleted", s.deleted}, {"records", records}};
}

// The filter object of a bulk move ({"text","rep","territory","tier","city"}).
std::optional<HttpResponse> ReadFilter(const boost::json::object& body, CustomerFilter* f) {
  const boost::json::value* v = body.if_contains("filter");
  if (v == nullptr || !v->is_object()) {
    return JsonError(400, "missing_field", "filter: required, an object",
                     Phrase{"http_field_not_object", {{"field", "filter"}}});
  }
  const boost::json::object& o = v->as_object();
  for (const auto& kv : o) {
    if (kv.key() != "text" && kv.key() != "rep" && kv.key() != "territory" && kv.key() != "tier" &&
        kv.key() != "city") {
      const std::string field = "filter." + std::string(kv.key());
      return JsonError(400, "invalid_field", field + ": unknown field",
                       Phrase{"http_unknown_field", {{"field", field}}});
    }
  }
  for (const auto& [name, out] : {std::pair{"text", &f->text}, std::pair{"rep", &f->rep},
                                  std::pair{"territory", &f->territory},
                                  std::pair{"tier", &f->tier}, std::pair{"city", &f->city}}) {
    if (auto bad = ReadText(o, name, false, 200, out)) return bad;
  }
  return std::nullopt;
}

CustomerFilter FilterFromQuery(const std::string& target) {
  CustomerFilter f;
  f.text = QueryParam(target, "q");
  f.rep = QueryParam(target, "rep");
  f.territory = QueryParam(target, "territory");
  f.tier = QueryParam(target, "tier");
  f.city = QueryParam(target, "city");
  return f;
}

HttpResponse Customers(ServerStore& store, const HttpRequest& request) {
  const auto limit = IntParam(request.target, "limit", 1, DirectoryStore::kMaxSearch, 50);
  if (!limit) return BadIntParam("limit", 1, DirectoryStore::kMaxSearch);
  const auto offset = IntParam(request.target, "offset", 0, 1000000, 0);
  if (!offset) return BadIntParam("offset", 0, 1000000);
  CustomerFilter filter = FilterFromQuery(request.target);
  if (auto refused = LongQueryParam({{"q", &filter.text},
                                     {"rep", &filter.rep},
                                     {"territory", &filter.territory},
                                     {"tier", &filter.tier},
                                     {"city", &filter.city}},
                                    200, "a filter is at most 200 bytes")) {
    return *refused;
  }
  int64_t total = 0;
  DirectoryStore directory(store);
  auto rows =
      directory.Search(filter, static_cast<size_t>(*offset), static_cast<size_t>(*limit), &total);
  if (!rows.ok()) return StatusResponse(rows.status());
  return JsonResponse(
      boost::json::object{{"customers", JsonArray(*rows, CustomerRowJson)}, {"total", total}});
}

// Each stored reason of a grade gains its texts in both languages ("text", "rule_text": {"en",
// "zh"}) for the console, rendered from its code and values (old rows: their words).
boost::json::value WithReasonTexts(boost::json::value grade_reasons) {
  constexpr size_t kMaxReasonText = 4096;
  boost::json::object* o = grade_reasons.if_object();
  boost::json::value* list = o == nullptr ? nullptr : o->if_contains("reasons");
  if (list == nullptr || !list->is_array()) return grade_reasons;
  for (boost::json::value& entry : list->as_array()) {
    const std::vector<GradeReason> one = ReasonsFromJson(boost::json::array{entry}, kMaxReasonText);
    if (one.size() != 1) continue;
    auto both = [](auto render) {
      return boost::json::object{{"en", render(Lang::kEnglish)}, {"zh", render(Lang::kChinese)}};
    };
    entry.as_object()["text"] = both([&](Lang l) { return ReasonText(l, one[0]); });
    entry.as_object()["rule_text"] =
        both([&](Lang l) { return std::string(CodeLabel(l, "rule", one[0].rule)); });
  }
  return grade_reasons;
}

HttpResponse Archive(ServerStore& store, const HttpRequest& request) {
  const std::string id = QueryParam(request.target, "id");
  if (id.empty() || id.size() > 64) {
    return JsonError(400, "invalid_field", "id: a customer id of 1 to 64 bytes",
                     Phrase{"http_field_text_bytes", {{"field", "id"}, {"max", "64"}}});
  }
  DirectoryStore directory(store);
  auto a = directory.Archive(id);
  if (!a.ok()) return StatusResponse(a.status());
  boost::json::object records, totals;
  for (const auto& [table, rows] : a->records) {
    records[table] = JsonArray(rows, RecordJson);
  }
  for (const auto& [table, n] : a->totals) totals[table] = n;
  boost::json::object customer = RecordJson(a->customer);
  boost::json::value reasons = nullptr;
  if (const auto* text = customer.if_contains("grade_reasons"); text && text->is_string()) {
    boost::system::error_code ec;
    boost::json::value parsed = ReadJson(std::string(text->as_string()), ec);
    if (!ec) reasons = WithReasonTexts(std::move(parsed));
  }
  return JsonResponse(
      boost::json::object{{"customer", std::move(customer)},
                          {"rep", a->holder},
                          {"pooled", a->pooled},
                          {"grade_reasons", std::move(reasons)},
                          {"grade_history", JsonArray(a->grades, FieldsJson<GradePoint>)},
                          {"records", std::move(records)},
                          {"totals", std::move(totals)}});
}

HttpResponse SetTerritory(ServerStore& store, const HttpRequest& request,
                          const std::string& actor) {
  auto body = ReadObject(request, kMaxBody, {"customer", "territory", "reason"});
  if (auto* bad = std::get_if<HttpResponse>(&body)) return *bad;
  const auto& o = std::get<boost::json::object>(body);
  std::string customer, territory, reason;
  if (auto bad = ReadText(o, "customer", true, 64, &customer)) return *bad;
  if (!o.contains("territory")) {
    return JsonError(400, "missing_field", "territory: required",
                     Phrase{"http_missing_field", {{"field", "territory"}}});
  }
  if (auto bad = ReadText(o, "territory", false, 64, &territory)) return *bad;
  if (auto bad = ReadText(o, "reason", false, 2000, &reason)) return *bad;
  DirectoryStore directory(store);
  return JsonResponseIf(
      directory.SetTerritory(customer, territory, actor, reason),
      boost::json::object{{"ok", true}, {"customer", customer}, {"territory", territory}});
}

HttpResponse MoveByFilter(ServerStore& store, const HttpRequest& request,
                          const std::string& actor) {
  auto body = ReadObject(request, kMaxBody, {"filter", "to", "reason", "dry_run"});
  if (auto* bad = std::get_if<HttpResponse>(&body)) return *bad;
  const auto& o = std::get<boost::json::object>(body);
  CustomerFilter filter;
  if (auto bad = ReadFilter(o, &filter)) return *bad;
  std::string to, reason;
  if (auto bad = ReadText(o, "to", true, 64, &to)) return *bad;
  if (auto bad = ReadText(o, "reason", false, 2000, &reason)) return *bad;
  bool dry_run = false;
  if (const auto* d = o.if_contains("dry_run")) {
    if (!d->is_bool()) {
      return JsonError(400, "invalid_field", "dry_run: must be true or false",
                       Phrase{"http_field_not_bool", {{"field", "dry_run"}}});
    }
    dry_run = d->as_bool();
  }
  DirectoryStore directory(store);
  auto moved = directory.MoveMatching(filter, to, dry_run, actor, reason);
  if (!moved.ok()) return StatusResponse(moved.status());
  return JsonResponse(
      boost::json::object{{"dry_run", dry_run},
                          {"matched", moved->matched},
                          {"moved", moved->moved},
                          {"to", to},
                          {"customers", JsonArray(moved->customers, CustomerRowJson)},
                          {"skipped", boost::json::value_from(moved->skipped)}});
}

HttpResponse SaveTerritory(ServerStore& store, const HttpRequest& request, const std::string& actor,
                           bool create) {
  auto body = create ? ReadObject(request, kMaxBody, {"name", "region", "city", "rep"})
                     : ReadObject(request, kMaxBody, {"id", "name", "region", "city", "rep"});
  if (auto* bad = std::get_if<HttpResponse>(&body)) return *bad;
  const auto& o = std::get<boost::json::object>(body);
  std::string id, name, region, city, rep;
  if (!create) {
    if (auto bad = ReadText(o, "id", true, 64, &id)) return *bad;
  }
  if (auto bad = ReadText(o, "name", create, 200, &name)) return *bad;
  if (auto bad = ReadText(o, "region", false, 64, &region)) return *bad;
  if (auto bad = ReadText(o, "city", false, 200, &city)) return *bad;
  if (auto bad = ReadText(o, "rep", false, 64, &rep)) return *bad;
  DirectoryStore directory(store);
  auto saved = directory.SaveTerritory(id, name, region, city, rep, actor);
  if (!saved.ok()) return StatusResponse(saved.status());
  return JsonResponse(boost::json::object{{"ok", true}, {"id", *saved}}, create ? 201 : 200);
}

HttpResponse AddRep(ServerStore& store, const HttpRequest& request, const std::string& actor) {
  auto body =
      ReadObject(request, kMaxBody, {"id", "name", "role", "regions", "phone", "email", "device"});
  if (auto* bad = std::get_if<HttpResponse>(&body)) return *bad;
  const auto& o = std::get<boost::json::object>(body);
  NewRep rep;
  std::string device = "first device";
  if (auto bad = ReadText(o, "id", false, 64, &rep.id)) return *bad;
  for (char ch : rep.id) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
    if (!ok) {
      return JsonError(400, "invalid_field", "id: letters, digits, '-', '_' and '.' only",
                       Phrase{"http_field_id_chars", {{"field", "id"}}});
    }
  }
  if (auto bad = ReadText(o, "name", true, 200, &rep.name)) return *bad;
  if (auto bad = ReadText(o, "role", false, 16, &rep.role)) return *bad;
  if (rep.role.empty()) rep.role = "rep";
  if (rep.role != "rep" && rep.role != "manager") {
    return JsonError(400, "invalid_field", "role: must be rep or manager",
                     Phrase{"http_field_one_of", {{"field", "role"}, {"choices", "rep, manager"}}});
  }
  if (auto bad = ReadText(o, "phone", false, 64, &rep.phone)) return *bad;
  if (auto bad = ReadText(o, "email", false, 200, &rep.email)) return *bad;
  if (auto bad = ReadText(o, "device", false, 64, &device)) return *bad;
  if (device.empty()) device = "first device";
  if (const auto* r = o.if_contains("regions")) {
    if (!r->is_array() || r->as_array().size() > 32) {
      return JsonError(400, "invalid_field", "regions: a list of at most 32 region codes",
                       Phrase{"http_field_list_max", {{"field", "regions"}, {"max", "32"}}});
    }
    for (const auto& item : r->as_array()) {
      if (!item.is_string() || item.as_string().empty() || item.as_string().size() > 32 ||
          std::string_view(item.as_string()).find(',') != std::string_view::npos) {
        return JsonError(400, "invalid_field", "regions: region codes of 1 to 32 bytes",
                         Phrase{"http_field_text_bytes", {{"field", "regions"}, {"max", "32"}}});
      }
      rep.regions += (rep.regions.empty() ? "" : ",") + std::string(item.as_string());
    }
  }
  if (!rep.id.empty()) {
    auto reps = store.ListReps();
    if (!reps.ok()) return StatusResponse(reps.status());
    for (const RepInfo& r : *reps) {
      if (r.id == rep.id) {
        return JsonError(409, "conflict", "id: " + rep.id + " exists already",
                         Phrase{"http_rep_already_exists", {{"field", "id"}, {"rep", rep.id}}});
      }
    }
  }
  auto added = store.AddRep(rep, actor, device);
  if (!added.ok()) return StatusResponse(added.status());
  return JsonResponse(boost::json::object{{"id", added->first},
                                          {"name", rep.name},
                                          {"role", rep.role},
                                          {"device", device},
                                          {"token", added->second}},
                      201);
}

HttpResponse Duplicates(ServerStore& store, const HttpRequest& request) {
  std::string status = QueryParam(request.target, "status");
  if (status.empty()) status = "open";
  if (status != "open" && status != "merged" && status != "distinct" && status != "all") {
    return JsonError(400, "invalid_field", "status: open, merged, distinct or all",
                     Phrase{"http_field_one_of",
                            {{"field", "status"}, {"choices", "open, merged, distinct, all"}}});
  }
  const auto limit = IntParam(request.target, "limit", 1, DuplicateStore::kMaxList, 100);
  if (!limit) return BadIntParam("limit", 1, DuplicateStore::kMaxList);
  DuplicateStore duplicates(store);
  return ListResponse(duplicates.List(status == "all" ? "" : status, static_cast<size_t>(*limit)),
                      "duplicates", [](const DuplicateCase& c) {
                        return boost::json::object{{"a", SideJson(c.a)},
                                                   {"b", SideJson(c.b)},
                                                   {"reason", c.reason},
                                                   {"status", c.status},
                                                   {"detected", IsoTime(c.detected_ms)}};
                      });
}

// A manager's decision on a pair of customers: merge ({"survivor","loser","reason"}: the loser's
// records move to the survivor) or mark them distinct ({"a","b","reason"}). Both customers are
// required, the reason is optional, nothing else may be sent.
HttpResponse DecidePair(ServerStore& store, const HttpRequest& request, const std::string& actor,
                        bool merge) {
  const char* first = merge ? "survivor" : "a";
  const char* second = merge ? "loser" : "b";
  auto body = ReadObject(request, kMaxBody, {first, second, "reason"});
  if (auto* bad = std::get_if<HttpResponse>(&body)) return *bad;
  const auto& o = std::get<boost::json::object>(body);
  std::string a, b, reason;
  if (auto bad = ReadText(o, first, true, 64, &a)) return *bad;
  if (auto bad = ReadText(o, second, true, 64, &b)) return *bad;
  if (auto bad = ReadText(o, "reason", false, 2000, &reason)) return *bad;
  DuplicateStore duplicates(store);
  if (!merge) {
    return JsonResponseIf(duplicates.MarkDistinct(a, b, actor, reason),
                          boost::json::object{{"ok", true}, {"a", a}, {"b", b}});
  }
  auto merged = duplicates.Merge(a, b, actor, reason);
  if (!merged.ok()) return StatusResponse(merged.status());
  return JsonResponse(boost::json::object{{"ok", true},
                                          {"survivor", merged->survivor},
                                          {"loser", merged->loser},
                                          {"moved", boost::json::value_from(merged->moved)},
                                          {"filled", boost::json::value_from(merged->filled)},
                                          {"survivor_rep", merged->survivor_holder},
                                          {"loser_rep", merged->loser_holder}});
}

HttpResponse GradingPreview(ServerStore& store, const HttpRequest& request, WallClock& wall) {
  if (request.body.size() > kMaxRulesBody) {
    return JsonError(413, "too_large", "grading rules are limited to 64 KiB",
                     Phrase{"http_body_limit_kib", {{"kib", "64"}}});
  }
  auto rules = request.json != nullptr && !request.json->is_null()
                   ? ParseGradingRules(*request.json)
                   : ParseGradingRules(request.body);
  if (!rules.ok()) {
    return JsonError(400, "invalid_field", rules.status().message(), rules.status().phrase());
  }
  auto day = DayOrToday(QueryParam(request.target, "today"), wall);
  if (!day.ok()) {
    return JsonError(400, "invalid_field", "today: " + day.status().message(),
                     Phrase{"http_field_date", {{"field", "today"}}});
  }
  GradingStore grading(store);
  auto preview = grading.Preview(*rules, *day);
  if (!preview.ok()) return StatusResponse(preview.status());
  return JsonResponse(boost::json::object{{"customers", preview->customers},
                                          {"changed", preview->changed},
                                          {"today", FormatDay(*day)},
                                          {"rules_version", preview->rules_version},
                                          {"moves", TierCellsJson(preview->moves)}});
}

// The schema's enumeration labels in both languages (fieldbook/lang_text.h CodeLabels), so the
// console shows codes as words: {"labels": {"stage.deciding": {"en": "Deciding", "zh": "决策中"}}};
// and the server's refusals (HttpRefusals), so it shows an answer's "error_code" with its
// "error_values" in its language: {"errors": {"http_no_rep": {"en": "no rep {rep}", "zh": ...}}}.
HttpResponse Labels() {
  auto both = [](std::span<const LangText> table) {
    boost::json::object out;
    for (const LangText& l : table) out[l.code] = boost::json::object{{"en", l.en}, {"zh", l.zh}};
    return out;
  };
  return JsonResponse(
      boost::json::object{{"labels", both(CodeLabels())}, {"errors", both(HttpRefusals())}});
}

}  // namespace

std::optional<HttpResponse> HandleConsolePagesRequest(ServerStore& store,
                                                      const HttpRequest& request,
                                                      const std::string& actor, WallClock& wall) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  const bool put = request.method == "PUT";
  if (path == "/v1/admin/customers" && get) return Customers(store, request);
  if (path == "/v1/admin/customers/archive" && get) return Archive(store, request);
  if (path == "/v1/admin/customers/territory" && post) return SetTerritory(store, request, actor);
  if (path == "/v1/admin/customers/move" && post) return MoveByFilter(store, request, actor);
  if (path == "/v1/admin/territories" && (post || put)) {
    return SaveTerritory(store, request, actor, post);
  }
  if (path == "/v1/admin/reps" && post) return AddRep(store, request, actor);
  if (path == "/v1/admin/duplicates" && get) return Duplicates(store, request);
  if (path == "/v1/admin/duplicates/merge" && post) return DecidePair(store, request, actor, true);
  if (path == "/v1/admin/duplicates/distinct" && post) {
    return DecidePair(store, request, actor, false);
  }
  if (path == "/v1/admin/grading/preview" && post) return GradingPreview(store, request, wall);
  if (path == "/v1/admin/labels" && get) return Labels();
  return std::nullopt;
}

}  // namespace fieldbook::server
