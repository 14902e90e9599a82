// The JSON APIs' own refusals as values (issue #19): every refusal of the server's HTTP layer, its
// JSON APIs' field checks and the store errors that reach an HTTP body is a code of ONE table
// (fieldbook/lang_text.h HttpRefusals, shared/src/http_refusals.cc) with English and Chinese, and
// goes on the wire as "error_code" + "error_values" beside the English "error"."message" an old
// reader reads, unchanged.
//
// The walk fails on a code the sources use that the table lacks, on a code of the table no source
// uses, and on a text missing in either language (or whose Chinese names other values than its
// English). The requests go through SyncService (Admit, then Handle: what the HTTP server calls),
// with bad fields for the admin, console pages, products, pool, import, nightly, reports, audit
// and console (login, setup code) routes, each answer checked for its code, values and English.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>

#include "api/sync_service.h"
#include "domain/assignment_rules.h"
#include "fieldbook/grading.h"
#include "fieldbook/lang_text.h"
#include "http/metrics.h"
#include "lang/store_errors.h"
#include "store/setup_codes.h"
#include "support/server_store_fixture.h"
#include "sync/http_client.h"

namespace fieldbook::server {
namespace {

namespace json = boost::json;

bool HasCjk(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0xE3 && c <= 0xE9) return true;
  }
  return false;
}

// The names of a template's {placeholders} ("{at:date}" -> "at").
std::set<std::string> Placeholders(std::string_view text) {
  static const std::regex kPlaceholder(R"(\{([a-z_]+)(:[a-z_:]+)?\})");
  std::set<std::string> out;
  const std::string s(text);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kPlaceholder);
       it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

// The "http_..." string literals of the server's and the shared library's sources (the table's
// own file left out): the codes the code sends.
std::set<std::string> CodesUsed() {
  const std::filesystem::path root = FIELDBOOK_SOURCE_DIR;
  std::set<std::string> out;
  size_t files = 0;
  for (const char* dir : {"server", "shared/src"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root / dir)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".cc" && ext != ".h") continue;
      if (entry.path().filename() == "http_refusals.cc") continue;
      ++files;
      std::ifstream in(entry.path());
      const std::string source{std::istreambuf_iterator<char>(in), {}};
      // "http_[a-z0-9_]+" by hand: std::regex over ~200 files took 3 s of the sanitized suite.
      for (size_t at = source.find("\"http_"); at != std::string::npos;
           at = source.find("\"http_", at + 1)) {
        size_t end = at + 6;  // past "http_
        while (end < source.size() &&
               (std::islower(static_cast<unsigned char>(source[end])) ||
                std::isdigit(static_cast<unsigned char>(source[end])) || source[end] == '_')) {
          ++end;
        }
        if (end > at + 6 && end < source.size() && source[end] == '"')
          out.insert(source.substr(at + 1, end - at - 1));
      }
    }
  }
  EXPECT_GT(files, 100u) << root;
  return out;
}

TEST(ApiErrorCodesTest, EveryCodeIsInTheTableInBothLanguagesAndUsed) {
  const std::set<std::string> used = CodesUsed();
  std::set<std::string> table;
  for (const LangText& t : HttpRefusals()) {
    const std::string code(t.code);
    EXPECT_TRUE(table.insert(code).second) << "twice in the table: " << code;
    EXPECT_FALSE(t.en.empty()) << code;
    EXPECT_FALSE(t.zh.empty()) << code;
    EXPECT_NE(t.en, t.zh) << code;
    EXPECT_TRUE(HasCjk(t.zh)) << code << ": " << t.zh;
    EXPECT_EQ(Placeholders(t.en), Placeholders(t.zh)) << code;
    EXPECT_TRUE(used.count(code) == 1) << "unused: " << code;
  }
  for (const std::string& code : used) {
    EXPECT_TRUE(table.count(code) == 1) << "sent but not in the table: " << code;
  }
  EXPECT_GT(table.size(), 90u);
}

// A refusal with values for every placeholder reads in Chinese with no English sentence left and
// in English as its template filled.
TEST(ApiErrorCodesTest, EachCodeReadsInChineseWithItsValuesFilled) {
  static const std::regex kWords("(^|[^-a-z_/.])([a-z]+ ){2}[a-z]+");
  for (const LangText& t : HttpRefusals()) {
    TextValues values;
    for (const std::string& name : Placeholders(t.en)) {
      values.emplace_back(name, name == "at" || name == "until" ? "2026-12-07T10:15:00Z" : "x9");
    }
    const Phrase phrase{std::string(t.code), values};
    const std::string zh = SayRefusal(Lang::kChinese, phrase);
    EXPECT_EQ(zh.find('{'), std::string::npos) << t.code << ": " << zh;
    EXPECT_FALSE(std::regex_search(zh, kWords)) << t.code << ": " << zh;
    EXPECT_EQ(SayRefusal(Lang::kEnglish, phrase), FillText(Lang::kEnglish, t.en, values));
  }
  EXPECT_EQ(SayRefusal(Lang::kChinese,
                       {"http_nightly_running", {{"by", "mgr"}, {"at", "2026-12-07T10:15:00Z"}}}),
            "mgr 于 2026年12月7日 10:15 UTC 启动的夜间任务仍在运行；请等它结束");
}

// The grading and assignment rules' checks (issue #19): every refusal is a code of the table with
// its field and values, its English the message as it always was, its Chinese free of English;
// and every rules code of the table is met by one of these texts, so a new check is walked too.
TEST(ApiErrorCodesTest, EveryRulesRefusalIsACodeInBothLanguages) {
  struct Bad {
    const char* rules;  // "grading" or "assignment"
    std::string text;
    const char* code;
  };
  const Bad cases[] = {
      {"grading", "{", "http_grading_rules_json"},
      {"grading", std::string(65u << 20, ' '), "http_grading_rules_too_large"},
      {"grading", "[1]", "http_grading_rules_object"},
      {"grading", R"({"colour": 1})", "http_rule_unknown_field"},
      {"grading", R"({"vip": 3})", "http_rule_not_object"},
      {"grading", R"({"vip": {"by_relationship": "yes"}})", "http_rule_not_bool"},
      {"grading", R"({"ticket": {"high_average_yuan": "many"}})", "http_rule_not_number"},
      {"grading", R"({"window_days": 2})", "http_rule_between"},
      {"grading", R"({"window_days": 30.5})", "http_rule_whole"},
      {"grading", R"({"vip": {"tier": ""}})", "http_rule_short_text"},
      {"grading", R"({"recency": {"method": "guess"}})", "http_rule_method"},
      {"grading", R"({"recency": {"thresholds": [1, 2]}})", "http_rule_thresholds"},
      {"grading", R"({"recency": {"thresholds": [4, 3, 2, 1]}})", "http_rule_thresholds_between"},
      {"grading", R"({"frequency": {"method": "thresholds"}})", "http_rule_thresholds_required"},
      {"grading", R"({"tiers": []})", "http_rule_tiers"},
      {"grading", R"({"tiers": [{"min_score": 0}]})", "http_rule_required"},
      {"grading", R"({"tiers": [{"name": "A", "min_score": 5}, {"name": "A", "min_score": 0}]})",
       "http_rule_repeats"},
      {"grading", R"({"tiers": [{"name": "A", "min_score": 5}, {"name": "B", "min_score": 9}]})",
       "http_rule_tier_order"},
      {"grading", R"({"tiers": [{"name": "A", "min_score": 5}]})", "http_rule_last_tier"},
      {"grading", R"({"lifecycle": {"at_risk_factor": 3, "churned_factor": 2}})",
       "http_rule_greater"},
      {"assignment", "{", "http_assignment_rules_json"},
      {"assignment", std::string(65u << 20, ' '), "http_assignment_rules_too_large"},
      {"assignment", "[1]", "http_assignment_rules_object"},
      {"assignment", R"({"comment": 1})", "http_rule_not_text"},
      {"assignment", R"({"pool": {"warn_days": "x"}})", "http_rule_whole_between"},
      {"assignment", R"({"pool": {"warn_days": 900}})", "http_rule_whole_between_not"},
      {"assignment", R"({"stability": {"rebalance_tolerance": 2}})", "http_rule_fraction"},
      {"assignment", R"({"capacity": {"tier_a_tiers": "A"}})", "http_rule_names"},
      {"assignment", R"({"closer": {"purchase_stages": ["signed"]}})", "http_rule_one_of"},
      {"assignment", R"({"capacity": {"tier_a_tiers": ["A", "A"]}})", "http_rule_repeats_quoted"},
      {"assignment", R"({"capacity": {"tier_a_tiers": [""]}})", "http_rule_short_text"},
      {"assignment", R"({"pool": {"reclaim_days": {"": 3}}})", "http_rule_tier_bytes"},
      {"assignment", R"({"skill_for_tier": {"Z": "senior"}})", "http_rule_no_tier"},
      {"assignment", R"({"skill_for_tier": {"A": "guru"}})", "http_rule_skill"},
  };
  static const std::regex kWords("(^|[^-a-z_/.])([a-z]+ ){2}[a-z]+");
  std::set<std::string> met;
  for (const Bad& c : cases) {
    const Status s = std::string(c.rules) == "grading"
                         ? ParseGradingRules(c.text).status()
                         : ParseAssignmentRules(c.text, {"A", "B", "C"}).status();
    const std::string shown = c.text.substr(0, 80);
    ASSERT_FALSE(s.ok()) << shown;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << shown;
    ASSERT_NE(s.phrase(), nullptr) << shown << ": " << s.message();
    EXPECT_EQ(s.phrase()->code, c.code) << shown << ": " << s.message();
    met.insert(s.phrase()->code);
    if (s.phrase()->code.ends_with("_rules_json")) {
      // The parser's English stays on the wire after the old words; the value is the place.
      const std::string before = std::string(c.rules) == "grading"
                                     ? "grading rules are not valid JSON: "
                                     : "assignment rules is not valid JSON: ";
      EXPECT_EQ(s.message().rfind(before, 0), 0u) << s.message();
      EXPECT_GT(s.message().size(), before.size()) << s.message();
      EXPECT_EQ(s.phrase()->values, (TextValues{{"line", "1"}, {"column", "2"}})) << shown;
    } else {
      EXPECT_EQ(SayRefusal(Lang::kEnglish, *s.phrase()), s.message()) << shown;
    }
    const std::string zh = SayRefusal(Lang::kChinese, *s.phrase());
    EXPECT_TRUE(HasCjk(zh)) << shown << ": " << zh;
    EXPECT_EQ(zh.find('{'), std::string::npos) << zh;
    EXPECT_FALSE(std::regex_search(zh, kWords)) << shown << ": " << zh;
  }
  for (const LangText& t : HttpRefusals()) {
    const std::string code(t.code);
    if (code.rfind("http_rule_", 0) == 0 || code.find("_rules_") != std::string::npos) {
      EXPECT_EQ(met.count(code), 1u) << "no bad rules text meets " << code;
    }
  }
}

// What one refused request put on the wire.
struct Refused {
  int status = 0;
  std::string error;    // "error"."code"
  std::string message;  // "error"."message": the English, as before codes
  std::string code;     // "error_code"
  std::map<std::string, std::string> values;
};

class ApiErrorWireTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    rep_ = AddRep("rep-a", "Rep A");
    manager_ = AddRep("mgr", "Manager", "manager");
    service_ = std::make_unique<SyncService>(*store_, metrics_, wall_, SyncServiceOptions{});
  }

  // `method target` with `body` as the manager (or `token`), through Admit and Handle.
  Refused Call(const std::string& method, const std::string& target, const std::string& body = "",
               const std::string& token = "mgr", const std::string& body_path = "") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.content_type = "application/json";
    request.has_body = !body.empty() || !body_path.empty();
    if (!token.empty()) request.authorization = "Bearer " + (token == "mgr" ? manager_ : token);
    HttpAdmission admission = service_->Admit(request);
    HttpResponse response;
    if (admission.response) {
      response = *admission.response;
    } else {
      request.body = body;
      request.body_path = body_path;
      request.admitted = admission.context;
      response = service_->Handle(request);
    }
    Refused out;
    out.status = response.status;
    last_ = response;
    boost::system::error_code ec;
    const json::value v = json::parse(response.body, ec);
    EXPECT_FALSE(ec) << response.body;
    if (ec || !v.is_object()) return out;
    const json::object& o = v.as_object();
    if (const auto* e = o.if_contains("error"); e != nullptr && e->is_object()) {
      out.error = std::string(e->as_object().at("code").as_string());
      out.message = std::string(e->as_object().at("message").as_string());
    }
    if (const auto* c = o.if_contains("error_code")) out.code = std::string(c->as_string());
    if (const auto* vs = o.if_contains("error_values")) {
      for (const auto& [k, val] : vs->as_object()) out.values[k] = std::string(val.as_string());
    }
    EXPECT_NE(HttpRefusals().size(), 0u);
    if (!out.code.empty()) {
      TextValues values(out.values.begin(), out.values.end());
      const std::string zh = SayRefusal(Lang::kChinese, Phrase{out.code, values});
      EXPECT_TRUE(HasCjk(zh)) << out.code << ": " << zh;
      EXPECT_EQ(zh.find('{'), std::string::npos) << out.code << ": " << zh;
    }
    return out;
  }

  Metrics metrics_;
  std::unique_ptr<SyncService> service_;
  std::string rep_, manager_;
  HttpResponse last_;  // Call's last answer as it went on the wire
};

#define EXPECT_REFUSED(r, status_, error_, code_, message_) \
  do {                                                      \
    EXPECT_EQ((r).status, status_) << (r).message;          \
    EXPECT_EQ((r).error, error_) << (r).message;            \
    EXPECT_EQ((r).code, code_) << (r).message;              \
    EXPECT_EQ((r).message, message_);                       \
  } while (false)

TEST_F(ApiErrorWireTest, TheAdminRoutesFieldChecksCarryTheirCodes) {
  Refused r = Call("POST", "/v1/admin/territories/assign", R"({"territory": "t1"})");
  EXPECT_REFUSED(r, 400, "missing_field", "http_missing_field", "missing field \"rep\"");
  EXPECT_EQ(r.values["field"], "rep");
  r = Call("POST", "/v1/admin/territories/assign", R"({"territory": "t1", "rep": true})");
  EXPECT_REFUSED(r, 400, "invalid_field", "http_field_not_text", "field \"rep\" must be a string");
  EXPECT_EQ(r.values["field"], "rep");
  r = Call("POST", "/v1/admin/conflicts/resolve", R"({"id": "x", "action": "apply"})");
  EXPECT_REFUSED(r, 400, "invalid_field", "http_field_positive",
                 "field \"id\" must be a conflict number (1 or more)");
  r = Call("POST", "/v1/admin/customers/reassign",
           R"({"customer": "c1", "to": "rep-a", "reason": 7})");
  EXPECT_REFUSED(r, 400, "invalid_field", "http_field_too_long",
                 "field \"reason\" must be a text of at most 2000 bytes");
  EXPECT_EQ(r.values["max"], "2000");
  r = Call("GET", "/v1/admin/export");
  EXPECT_REFUSED(r, 400, "missing_field", "http_query_missing", "missing query parameter rep");
  EXPECT_EQ(r.values["name"], "rep");
  r = Call("GET", "/v1/admin/nowhere");
  EXPECT_REFUSED(r, 404, "not_found", "http_no_route", "no admin route GET /v1/admin/nowhere");
  r = Call("POST", "/v1/admin/audit?since=yesterday");
  EXPECT_EQ(r.code, "http_use_get");
  r = Call("GET", "/v1/admin/audit?since=yesterday");
  EXPECT_REFUSED(r, 400, "invalid_field", "http_field_time",
                 "since must be a UTC time like 2026-11-23T10:00:00Z or a day 2026-11-23");
  r = Call("GET", "/v1/admin/reports/weather");
  EXPECT_REFUSED(r, 404, "not_found", "http_no_report",
                 "no report 'weather' (tiers, movement, at-risk or portfolio)");
  EXPECT_EQ(r.values["kind"], "weather");
  r = Call("POST", "/v1/conflicts/status", R"({"edits": [{"table": "customers"}]})", rep_);
  EXPECT_REFUSED(r, 400, "invalid_field", "http_held_edit_fields",
                 "edit 0 needs table, row_id and column (text) and hlc (a positive integer)");
}

TEST_F(ApiErrorWireTest, TheConsolePagesAndProductsFieldChecksCarryTheirCodes) {
  Refused r = Call("POST", "/v1/admin/reps", R"({"name": "Li", "role": "boss"})");
  EXPECT_REFUSED(r, 400, "invalid_field", "http_field_one_of", "role: must be rep or manager");
  EXPECT_EQ(r.values["field"], "role");
  EXPECT_EQ(r.values["choices"], "rep, manager");
  r = Call("POST", "/v1/admin/reps", R"({"name": "Li", "colour": "red"})");
  EXPECT_REFUSED(r, 400, "invalid_field", "http_unknown_field", "colour: unknown field");
  r = Call("POST", "/v1/admin/reps", R"({"id": "rep-a", "name": "Li"})");
  EXPECT_REFUSED(r, 409, "conflict", "http_rep_already_exists", "id: rep-a exists already");
  EXPECT_EQ(r.values["rep"], "rep-a");
  r = Call("POST", "/v1/admin/reps", R"({"name": ""})");
  EXPECT_REFUSED(r, 400, "invalid_field", "http_field_empty", "name: must not be empty");
  r = Call("POST", "/v1/admin/reps", R"({"name": "Li\u0007"})");
  EXPECT_REFUSED(r, 400, "invalid_field", "http_field_control", "name: no control characters");
  r = Call("POST", "/v1/admin/customers/move", R"({"filter": {"city": "x"}, "to": "rep-a",
           "dry_run": "yes"})");
  EXPECT_REFUSED(r, 400, "invalid_field", "http_field_not_bool", "dry_run: must be true or false");
  for (const char* name : {"q", "rep", "territory", "tier", "city"}) {  // each named as itself
    r = Call("GET", "/v1/admin/customers?" + std::string(name) + "=" + std::string(201, 'x'));
    EXPECT_REFUSED(r, 400, "invalid_field", "http_query_too_long", "a filter is at most 200 bytes");
    EXPECT_EQ(r.values["name"], name);
    EXPECT_EQ(r.values["max"], "200");
  }

  // The audit, records and products lists name the one parameter that is too long (issue #19;
  // they named them all at once before), their English as before.
  struct Long {
    std::string route;
    const char* name;
    const char* english;
  };
  const Long longs[] = {
      {"/v1/admin/audit?", "customer", "a filter is at most 200 bytes"},
      {"/v1/admin/audit?", "actor", "a filter is at most 200 bytes"},
      {"/v1/admin/audit?", "action", "a filter is at most 200 bytes"},
      {"/v1/admin/records/visits?", "customer", "customer and after are at most 200 bytes"},
      {"/v1/admin/records/visits?", "after", "customer and after are at most 200 bytes"},
      {"/v1/admin/products?", "q", "q and after are at most 200 bytes"},
      {"/v1/admin/products?", "after", "q and after are at most 200 bytes"},
  };
  for (const Long& l : longs) {
    r = Call("GET", l.route + l.name + "=" + std::string(201, 'x'));
    EXPECT_REFUSED(r, 400, "invalid_field", "http_query_too_long", l.english);
    EXPECT_EQ(r.values["name"], l.name) << l.route;
    EXPECT_EQ(SayRefusal(Lang::kChinese, {r.code, {r.values.begin(), r.values.end()}}).find(", "),
              std::string::npos);
  }

  r = Call("POST", "/v1/admin/products", R"({"part_number": "P-1", "list_price_cents": "9"})");
  EXPECT_REFUSED(r, 400, "invalid_field", "http_field_whole_number",
                 "field \"list_price_cents\" must be a whole number of cents");
  EXPECT_EQ(r.values["field"], "list_price_cents");
  r = Call("POST", "/v1/admin/products", R"({"part_number": "P-1", "updated_at": "x"})");
  EXPECT_REFUSED(r, 400, "invalid_field", "http_field_server_set",
                 "field \"updated_at\" is set by the server");
  r = Call("GET", "/v1/admin/products/NOPE");
  EXPECT_REFUSED(r, 404, "not_found", "http_no_product", "no product with part number or id NOPE");
  EXPECT_EQ(r.values["ref"], "NOPE");
}

TEST_F(ApiErrorWireTest, ThePoolImportNightlyAndConsoleRefusalsCarryTheirCodes) {
  Refused r = Call("POST", "/v1/pool/claims", R"({"claims": []})", rep_);
  EXPECT_REFUSED(r, 400, "missing_field", "http_field_list_empty",
                 "\"claims\" must be a non-empty list");
  r = Call("POST", "/v1/pool/claims", R"({"claims": [{"request_id": "r1", "customer": ""}]})",
           rep_);
  EXPECT_REFUSED(r, 400, "invalid_field", "http_field_text_bytes",
                 "field \"customer\" must be a text of 1 to 64 bytes");
  EXPECT_EQ(r.values["max"], "64");
  r = Call("PUT", "/v1/admin/assignment/profiles", R"({"rep": "rep-a", "skill": "wizard"})");
  EXPECT_REFUSED(r, 400, "invalid_field", "http_field_one_of",
                 "\"skill\" must be junior, senior or key_account");

  // An upload that holds nothing, and an export of a kind there is none of.
  const std::string empty = dir_.File("empty.csv");
  std::ofstream(empty).close();
  r = Call("POST", "/v1/admin/import/customers", "", "mgr", empty);
  EXPECT_REFUSED(r, 400, "invalid_file", "http_upload_empty",
                 "the upload is empty: there is nothing to import");
  r = Call("GET", "/v1/admin/export/gadgets");
  EXPECT_EQ(r.code, "http_field_one_of") << r.message;
  EXPECT_EQ(r.values["field"], "kind");
  EXPECT_EQ(r.message,
            "the kind must be customers, contacts, orders, visits or products, not "
            "'gadgets'");

  // No launcher in this service: the route says so.
  r = Call("POST", "/v1/admin/nightly/run", "{}");
  EXPECT_REFUSED(r, 503, "unavailable", "http_nightly_off",
                 "this server cannot run the nightly job on request");
  r = Call("PUT", "/v1/admin/nightly/run", "{}");
  EXPECT_REFUSED(r, 405, "method_not_allowed", "http_use_methods",
                 "use GET or POST for /v1/admin/nightly/run");

  // The console's own routes, before any session.
  r = Call("POST", "/v1/admin/login", R"({"rep": "mgr", "password": "wrong"})", "");
  EXPECT_REFUSED(r, 401, "unauthorized", "http_wrong_password", "wrong rep id or password");
  r = Call("POST", "/v1/admin/login", R"({"rep": "mgr", "pin": "1"})", "");
  EXPECT_REFUSED(r, 400, "malformed", "http_unknown_field", "unknown field \"pin\" in a login");
  r = Call("GET", "/v1/admin/session", "", "");
  EXPECT_REFUSED(r, 401, "unauthorized", "http_no_session", "no console session (log in first)");

  // A store's error: an unknown setup code (SetupCodes), as fieldbook-cli init --code reads it.
  r = Call("POST", "/v1/setup", R"({"code": "ABCDE-FGHJK"})", "");
  EXPECT_REFUSED(r, 404, "not_found", "http_setup_code_unknown",
                 "unknown setup code: check it, or ask your manager for a new one");
  client::HttpReply reply;
  reply.status = last_.status;
  reply.body = last_.body;
  const Status refused = client::ServerError(StatusCode::kRejected, r.message, reply);
  EXPECT_EQ(client::RenderError(Lang::kChinese, refused),
            "设置码无效：请核对，或向主管索取新的设置码");
  EXPECT_EQ(client::RenderError(Lang::kEnglish, refused), r.message);
}

TEST_F(ApiErrorWireTest, TheStoresErrorsCarryTheirCodes) {
  Refused r =
      Call("POST", "/v1/admin/territories/assign", R"({"territory": "t9", "rep": "rep-a"})");
  EXPECT_REFUSED(r, 404, "not_found", "http_no_territory", "no territory t9");
  EXPECT_EQ(r.values["territory"], "t9");
  r = Call("POST", "/v1/admin/customers/reassign", R"({"customer": "c9", "to": "rep-a"})");
  EXPECT_REFUSED(r, 404, "not_found", "http_no_customer", "no customer c9");
  r = Call("POST", "/v1/admin/devices/code", R"({"rep": "nobody"})");
  EXPECT_REFUSED(r, 404, "not_found", "http_no_rep", "no rep nobody");
  r = Call("POST", "/v1/admin/devices/code", R"({"rep": "mgr"})");
  EXPECT_REFUSED(r, 422, "rejected", "http_setup_code_manager",
                 "mgr is a manager; setup codes are for reps' devices");
  r = Call("POST", "/v1/admin/devices/revoke", R"({"rep": "rep-a", "device": "tablet"})");
  EXPECT_REFUSED(r, 404, "not_found", "http_no_device", "rep-a has no device 'tablet'");
  EXPECT_EQ(r.values["device"], "'tablet'");
  r = Call("POST", "/v1/admin/products", R"({"part_number": "P-1"})");
  EXPECT_REFUSED(r, 400, "invalid", "http_missing_field", "a product needs a name (名称)");
  EXPECT_EQ(r.values["field"], "name");
  r = Call("POST", "/v1/admin/customers/move", R"({"filter": {}, "to": "rep-a"})");
  EXPECT_REFUSED(r, 400, "invalid", "http_filter_empty",
                 "filter: name at least one of text, rep, territory, tier, city");
}

// Conflicts, duplicates, the pool and profiles (ServerStore, DuplicateStore, PoolStore,
// AssignmentStore): a manager's and a rep's refusals with their codes.
TEST_F(ApiErrorWireTest, TheReviewPoolAndProfileStoresErrorsCarryTheirCodes) {
  auto written = store_->Write(
      {RowWrite{"customers",
                "cb",
                {{"name", Value(std::string("B"))}, {"owner_rep_id", Value(std::string("mgr"))}}}});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  Refused r = Call("POST", "/v1/admin/conflicts/resolve", R"({"id": "99", "action": "apply"})");
  EXPECT_REFUSED(r, 404, "not_found", "http_no_conflict", "no conflict 99");
  EXPECT_EQ(r.values["id"], "99");
  r = Call("POST", "/v1/admin/conflicts/resolve", R"({"id": "1", "action": "undo"})");
  EXPECT_REFUSED(r, 400, "invalid", "http_field_one_of",
                 "action must be apply or dismiss, not 'undo'");
  r = Call("POST", "/v1/admin/duplicates/merge", R"({"survivor": "cb", "loser": "cb"})");
  EXPECT_REFUSED(r, 400, "invalid", "http_merge_itself", "a customer cannot be merged into itself");
  r = Call("POST", "/v1/admin/duplicates/merge", R"({"survivor": "cb", "loser": "c9"})");
  EXPECT_REFUSED(r, 404, "not_found", "http_no_customer", "no customer c9");
  r = Call("POST", "/v1/pool/release", R"({"customer": "cb", "reason": "moving away"})", rep_);
  EXPECT_REFUSED(r, 409, "conflict", "http_customer_not_yours",
                 "customer cb is not assigned to you");
  EXPECT_EQ(SayRefusal(Lang::kChinese, Phrase{r.code, {{"customer", r.values["customer"]}}}),
            "客户 cb 不是分配给您的");
  r = Call("POST", "/v1/admin/pool/assign", R"({"customer": "cb", "rep": "rep-a"})");
  EXPECT_REFUSED(r, 409, "conflict", "http_customer_not_pooled", "customer cb is not in the pool");
  r = Call("PUT", "/v1/admin/assignment/profiles",
           R"({"rep": "rep-a", "capacity": 5, "capacity_a": 9})");
  EXPECT_REFUSED(r, 400, "invalid", "http_capacity_a_exceeds",
                 "capacity_a: 9 tier-A customers cannot exceed the capacity of 5");
  EXPECT_EQ(r.values["field"], "capacity_a");
  r = Call("PUT", "/v1/admin/assignment/profiles", R"({"rep": "nobody"})");
  EXPECT_REFUSED(r, 404, "not_found", "http_no_rep", "no rep nobody");
}

}  // namespace
}  // namespace fieldbook::server
