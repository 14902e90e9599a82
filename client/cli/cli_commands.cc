#include "cli/cli_commands.h"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "fieldbook/canonical_export.h"
#include "fieldbook/json.h"
#include "store/replica_health.h"
#include "sync/device_sync.h"
#include "sync/http_client.h"
#include "sync/pool_sync.h"
#include "sync/rep_reports.h"
#include "sync/review_status.h"
#include "sync/sync_engine.h"

namespace fieldbook::client::cli {

namespace {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// Output.

std::string CodeName(StatusCode code) { return std::string(StatusCodeName(code)); }

// Prints the one-line reason (and the JSON error with --json) and returns `exit_code`.
int Fail(const CliContext& ctx, const std::string& what, const std::string& code,
         const std::string& message, int exit_code) {
  std::cerr << "fieldbook-cli: " << what << ": " << message << "\n";
  if (ctx.json) {
    std::cout << WriteJson(
                     json::object{{"error", json::object{{"code", code}, {"message", message}}}})
              << "\n";
  }
  return exit_code;
}

// Local failures: bad input is a usage error, the rest a failure.
int Fail(const CliContext& ctx, const std::string& what, const Status& s) {
  const int exit_code = s.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  return Fail(ctx, what, CodeName(s.code()), s.message(), exit_code);
}

void PrintJson(const json::value& v) { std::cout << WriteJson(v) << "\n"; }

json::value TextOrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

template <typename T>
json::value OptOrNull(const std::optional<T>& v) {
  if (!v) return nullptr;
  return json::value(*v);
}

json::object ToJson(const Customer& c) {
  return json::object{{"id", c.id},
                      {"name", TextOrNull(c.name)},
                      {"name_latin", TextOrNull(c.name_latin)},
                      {"customer_type", TextOrNull(c.customer_type)},
                      {"relationship", TextOrNull(c.relationship)},
                      {"purchase_stage", TextOrNull(c.purchase_stage)},
                      {"region_class", TextOrNull(c.region_class)},
                      {"address", TextOrNull(c.address)},
                      {"city", TextOrNull(c.city)},
                      {"province", TextOrNull(c.province)},
                      {"country", TextOrNull(c.country)},
                      {"lat", OptOrNull(c.lat)},
                      {"lon", OptOrNull(c.lon)},
                      {"phone", TextOrNull(c.phone)},
                      {"primary_contact", TextOrNull(c.primary_contact)},
                      {"birthday", TextOrNull(c.birthday)},
                      {"tags", TextOrNull(c.tags)},
                      {"notes", TextOrNull(c.notes)},
                      {"owner_rep_id", TextOrNull(c.owner_rep_id)},
                      {"territory_id", TextOrNull(c.territory_id)},
                      {"created_at", TextOrNull(c.created_at)},
                      {"grade_tier", TextOrNull(c.grade_tier)},
                      {"grade_lifecycle", TextOrNull(c.grade_lifecycle)},
                      {"grade_churn_risk", OptOrNull(c.grade_churn_risk)},
                      {"graded_at", TextOrNull(c.graded_at)},
                      {"last_visit", TextOrNull(c.last_visit)}};
}

// A grade (the server's or the device's provisional one) with its reasons.
json::object ToJson(const CustomerGrade& g) {
  json::array reasons;
  for (const GradeReason& r : g.reasons) {
    reasons.push_back(json::object{{"rule", r.rule}, {"detail", r.detail}});
  }
  json::object out{
      {"provisional", g.provisional},         {"tier", TextOrNull(g.tier)},
      {"recency", OptOrNull(g.recency)},      {"frequency", OptOrNull(g.frequency)},
      {"monetary", OptOrNull(g.monetary)},    {"ticket_class", TextOrNull(g.ticket_class)},
      {"lifecycle", TextOrNull(g.lifecycle)}, {"churn_risk", OptOrNull(g.churn_risk)},
      {"rules_version", g.rules_version},     {"reasons", std::move(reasons)}};
  if (g.provisional) {
    out["computed_at"] = g.computed_at;
    out["based_on_graded_at"] = TextOrNull(g.graded_at);
    out["visits_per_30_days"] = OptOrNull(g.visits_per_30_days);
    out["local_facts"] = g.local_facts;
  } else {
    out["graded_at"] = TextOrNull(g.graded_at);
  }
  // What the grading computed (a first order makes a customer); the rep's own purchase_stage and
  // relationship are the customer's fields, which grading never changes.
  out["purchase_stage"] = TextOrNull(g.purchase_stage);
  out["relationship"] = TextOrNull(g.relationship);
  return out;
}

// "grade C · R5 F1 M1 · low 客单 · new · churn risk 0.02" and a line per reason.
void PrintGrade(const GradeView& view) {
  const CustomerGrade& g = view.shown();
  if (g.tier.empty() && g.graded_at.empty() && !g.provisional) {
    std::cout << "  grade: not graded yet\n";
    return;
  }
  std::string line = "  grade " + (g.tier.empty() ? std::string("-") : g.tier);
  if (g.provisional) {
    line += " [PROVISIONAL: computed on this device " + g.computed_at.substr(0, 10) +
            "; the server's next grade replaces it]";
  } else {
    line += " (graded " + g.graded_at + ", rules v" + std::to_string(g.rules_version) + ")";
  }
  if (g.recency || g.frequency || g.monetary) {
    line += " · R" + std::to_string(g.recency.value_or(0)) + " F" +
            std::to_string(g.frequency.value_or(0)) + " M" + std::to_string(g.monetary.value_or(0));
  }
  if (!g.ticket_class.empty()) line += " · " + g.ticket_class + " 客单";
  if (!g.lifecycle.empty()) line += " · " + g.lifecycle;
  if (g.churn_risk) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", *g.churn_risk);
    line += std::string(" · churn risk ") + buf;
  }
  std::cout << line << "\n";
  for (const GradeReason& r : g.reasons) std::cout << "    " << r.rule << ": " << r.detail << "\n";
  if (g.provisional && !view.server.tier.empty()) {
    std::cout << "  server grade " << view.server.tier << " (graded " << view.server.graded_at
              << ")\n";
  }
}

json::object ToJson(const Contact& c) {
  return json::object{{"id", c.id},
                      {"name", TextOrNull(c.name)},
                      {"title", TextOrNull(c.title)},
                      {"phone", TextOrNull(c.phone)},
                      {"wechat", TextOrNull(c.wechat)},
                      {"email", TextOrNull(c.email)},
                      {"birthday", TextOrNull(c.birthday)},
                      {"is_primary", c.is_primary},
                      {"notes", TextOrNull(c.notes)}};
}

json::object ToJson(const Visit& v) {
  return json::object{{"id", v.id},
                      {"customer_id", v.customer_id},
                      {"rep_id", TextOrNull(v.rep_id)},
                      {"check_in", TextOrNull(v.check_in)},
                      {"check_out", TextOrNull(v.check_out)},
                      {"lat", OptOrNull(v.lat)},
                      {"lon", OptOrNull(v.lon)},
                      {"purpose", TextOrNull(v.purpose)},
                      {"outcome", TextOrNull(v.outcome)},
                      {"notes", TextOrNull(v.notes)},
                      {"next_follow_up", TextOrNull(v.next_follow_up)},
                      {"voids_id", TextOrNull(v.voids_id)}};
}

json::object ToJson(const Order& o) {
  json::array lines;
  for (const OrderLine& l : o.lines) {
    lines.push_back(json::object{{"id", l.id},
                                 {"part_no", l.part_no},
                                 {"description", TextOrNull(l.description)},
                                 {"quantity", l.quantity},
                                 {"unit_price_cents", l.unit_price_cents}});
  }
  return json::object{{"id", o.id},
                      {"customer_id", o.customer_id},
                      {"rep_id", TextOrNull(o.rep_id)},
                      {"order_date", TextOrNull(o.order_date)},
                      {"amount_cents", o.amount_cents},
                      {"currency", TextOrNull(o.currency)},
                      {"notes", TextOrNull(o.notes)},
                      {"voids_id", TextOrNull(o.voids_id)},
                      {"lines", std::move(lines)}};
}

json::object ToJson(const Task& t) {
  return json::object{{"id", t.id},
                      {"customer_id", t.customer_id},
                      {"customer_name", TextOrNull(t.customer_name)},
                      {"rep_id", TextOrNull(t.rep_id)},
                      {"due_date", TextOrNull(t.due_date)},
                      {"kind", TextOrNull(t.kind)},
                      {"status", TextOrNull(t.status)},
                      {"title", TextOrNull(t.title)},
                      {"notes", TextOrNull(t.notes)},
                      {"done_at", TextOrNull(t.done_at)}};
}

json::object ToJson(const Feedback& f) {
  return json::object{{"id", f.id},
                      {"customer_id", f.customer_id},
                      {"rep_id", TextOrNull(f.rep_id)},
                      {"created_at", TextOrNull(f.created_at)},
                      {"satisfaction", OptOrNull(f.satisfaction)},
                      {"complaint", TextOrNull(f.complaint)}};
}

json::object ToJson(const ReviewItem& r) {
  json::value payload;
  boost::system::error_code ec;
  payload = ReadJson(r.payload_json, ec);
  if (ec) payload = json::value(r.payload_json);
  return json::object{
      {"id", r.id},
      {"set_id", r.set_id},
      {"table", r.table},
      {"row_id", r.row_id},
      {"code", r.code},
      {"reason", r.reason},
      {"values", std::move(payload)},
      {"resolved", r.resolved},
      {"outcome", r.outcome.empty() ? json::value(nullptr) : json::value(r.outcome)}};
}

std::string Or(const std::string& s, const char* fallback) { return s.empty() ? fallback : s; }

std::string CustomerLine(const Customer& c) {
  std::string line = c.id + "  " + Or(c.grade_tier, "-") + "  " + c.name;
  if (!c.name_latin.empty()) line += " (" + c.name_latin + ")";
  if (!c.city.empty()) line += "  " + c.city;
  if (!c.phone.empty()) line += "  " + c.phone;
  line +=
      "  last visit " + (c.last_visit.empty() ? std::string("never") : c.last_visit.substr(0, 10));
  return line;
}

// ---------------------------------------------------------------------------------------------
// Opening the replica.

// Only `init` (create) makes the replica's folder; every other command opens what exists.
std::string ResolveReplicaPath(const CliContext& ctx, std::string* error, bool create) {
  std::string path = ctx.replica.empty() ? DefaultReplicaPath() : ctx.replica;
  if (path.empty()) {
    *error = "no replica path: give --replica PATH or set FIELDBOOK_REPLICA (or HOME)";
    return {};
  }
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (create && !dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
      std::filesystem::create_directories(dir, ec);
      if (ec) {
        *error = "cannot create " + dir.string() + ": " + ec.message();
        return {};
      }
      ::chmod(dir.c_str(), 0700);  // the replica holds the device token
    }
  }
  return path;
}

SystemWallClock& Wall() {
  static SystemWallClock wall;
  return wall;
}

// Opens the store or prints why not; nullptr on failure with *exit_code set. Only `init`
// (create) makes a new replica: a missing file is a usage error (a mistyped --replica creates
// nothing), a damaged one says so.
std::unique_ptr<ClientStore> OpenStore(const CliContext& ctx, const char* what, int* exit_code,
                                       bool create = false) {
  std::string error;
  const std::string path = ResolveReplicaPath(ctx, &error, create);
  if (path.empty()) {
    *exit_code = Fail(ctx, what, "invalid_argument", error, kExitUsage);
    return nullptr;
  }
  bool exists = true;
  if (Status file = CheckReplicaFile(path); !file.ok()) {
    exists = file.code() != StatusCode::kNotFound;
    if (!create || exists) {
      *exit_code = Fail(ctx, what, CodeName(file.code()), file.message(),
                        file.code() == StatusCode::kNotFound ? kExitUsage : kExitFailure);
      return nullptr;
    }
  }
  auto store = ClientStore::Open(path, Wall());
  if (!store.ok()) {
    std::string message = "cannot open the replica " + path + ": " + store.status().message();
    if (exists && store.status().code() == StatusCode::kCorrupt) {
      message +=
          ". The replica is damaged; nothing was pushed from it. Run fieldbook-cli recover "
          "to keep the writes it has not synced yet and rebuild it from the server.";
    }
    *exit_code = Fail(ctx, what, CodeName(store.status().code()), message, kExitFailure);
    return nullptr;
  }
  return std::move(store).value();
}

// Whether `url` is plain http:// to a host other than this machine (127.0.0.0/8, ::1, localhost).
bool IsPlainHttpToAnotherHost(const std::string& url) {
  const std::string scheme = "http://";
  if (url.size() < scheme.size()) return false;
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return false;
  }
  std::string host = url.substr(scheme.size());
  host = host.substr(0, host.find_first_of("/?#"));
  if (const size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  if (!host.empty() && host[0] == '[') {
    host = host.substr(
        1, host.find(']') == std::string::npos ? std::string::npos : host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (host == "localhost" || host == "::1") return false;
  if (host.rfind("127.", 0) == 0 && host.find_first_not_of("0123456789.") == std::string::npos) {
    return false;
  }
  return true;
}

#define FB_OPEN_STORE_OR_RETURN(store, ctx, what)                         \
  int open_exit_ = kExitFailure;                                          \
  std::unique_ptr<ClientStore> store = OpenStore(ctx, what, &open_exit_); \
  if (!store) return open_exit_

std::string Plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// ---------------------------------------------------------------------------------------------
// The public pool (issue #7).

const char* StateName(PoolRequest::State s) {
  switch (s) {
    case PoolRequest::State::kGranted:
      return "granted";
    case PoolRequest::State::kRefused:
      return "refused";
    case PoolRequest::State::kPending:
      break;
  }
  return "pending";
}

const char* KindName(PoolRequest::Kind k) {
  return k == PoolRequest::Kind::kClaim ? "claim" : "release";
}

json::object ToJson(const PoolRequest& r) {
  return json::object{{"request_id", r.request_id},
                      {"kind", KindName(r.kind)},
                      {"customer_id", r.customer_id},
                      {"customer_name", TextOrNull(r.customer_name)},
                      {"note", TextOrNull(r.note)},
                      {"requested_at", r.requested_at},
                      {"status", StateName(r.state)},
                      {"reason", TextOrNull(r.reason)},
                      {"answered_at", TextOrNull(r.answered_at)}};
}

json::object ToJson(const ReclaimWarning& w) {
  return json::object{{"customer_id", w.customer_id},
                      {"name", TextOrNull(w.name)},
                      {"tier", TextOrNull(w.tier)},
                      {"reclaim_days", w.reclaim_days},
                      {"last_activity", TextOrNull(w.last_activity)},
                      {"deadline", w.deadline},
                      {"days_until", w.days_until},
                      {"message", w.message}};
}

// "2026-11-23T08:00:00Z" -> "2026-11-23 08:00 UTC".
std::string UtcMinute(const std::string& iso) {
  if (iso.size() < 16 || iso[10] != 'T') return iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

std::string RequestWho(const PoolRequest& r) {
  return (r.customer_name.empty() ? r.customer_id : r.customer_name + " (" + r.customer_id + ")");
}

json::object PoolSyncJson(const SyncReport& r, const std::vector<PoolRequest>& pool_answered) {
  json::array answered;
  for (const PoolRequest& a : pool_answered) answered.push_back(ToJson(a));
  return json::object{{"granted", r.pool_granted},
                      {"refused", r.pool_refused},
                      {"refreshed", r.pool_refreshed},
                      {"error", TextOrNull(r.pool_error)},
                      {"answered", std::move(answered)}};
}

std::string RequestLine(const PoolRequest& r);

json::object PoolSummaryJson(const PoolRequestCounts& c) {
  json::array refused;
  for (const PoolRequest& r : c.recent_refusals) refused.push_back(ToJson(r));
  return json::object{{"pending", c.pending}, {"recent_refusals", std::move(refused)}};
}

// The pool's part of `sync`: each answer, and whether the pool could be refreshed.
void PrintPoolSync(const SyncReport& r, const std::vector<PoolRequest>& pool_answered) {
  for (const PoolRequest& a : pool_answered) {
    std::cout << "  pool:     " << RequestLine(a) << "\n";
  }
  if (!r.pool_error.empty()) {
    std::cout << "  pool:     not exchanged (" << r.pool_error
              << "); your pool requests wait for the next sync\n";
  }
}

// "claim of 鑫达汽修 (c1...): refused: already claimed by ..."
std::string RequestLine(const PoolRequest& r) {
  std::string line = std::string(KindName(r.kind)) + " of " + RequestWho(r) + ": ";
  switch (r.state) {
    case PoolRequest::State::kPending:
      line += "waiting for the next sync";
      break;
    case PoolRequest::State::kGranted:
      line += r.kind == PoolRequest::Kind::kClaim ? "granted" : "done (released to the pool)";
      break;
    case PoolRequest::State::kRefused:
      line += "refused: " + (r.reason.empty() ? std::string("no reason given") : r.reason);
      break;
  }
  return line;
}

}  // namespace

// -----------------------------------------------------------------------------------------------

std::string DefaultReplicaPath() {
  if (const char* env = std::getenv("FIELDBOOK_REPLICA"); env != nullptr && *env != '\0') {
    return env;
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.local/share/fieldbook/replica.db";
  }
  return {};
}

Result<NewOrderLine> ParseOrderLine(const std::string& spec) {
  auto bad = [&spec](const std::string& why) {
    return Status::InvalidArgument(
        "--line must look like PART:QTY:UNIT_PRICE_YUAN, e.g. "
        "BP-1024:4:128.50 (" +
        why + " in '" + spec + "')");
  };
  const size_t last = spec.rfind(':');
  if (last == std::string::npos || last == 0) return bad("missing fields");
  const size_t mid = spec.rfind(':', last - 1);
  if (mid == std::string::npos) return bad("missing fields");
  NewOrderLine line;
  line.part_no = spec.substr(0, mid);
  if (line.part_no.empty()) return bad("no part number");
  const std::string qty = spec.substr(mid + 1, last - mid - 1);
  if (qty.empty() || qty.size() > 9 || qty.find_first_not_of("0123456789") != std::string::npos) {
    return bad("the quantity is not a whole number");
  }
  line.quantity = std::stoll(qty);
  auto price = ParseYuan(spec.substr(last + 1));
  if (!price) return bad("the unit price is not an amount of yuan");
  line.unit_price_cents = *price;
  return line;
}

int RunInit(const CliContext& ctx, const InitOptions& options) {
  const char* what = "init";
  if (options.server.empty() || options.token.empty()) {
    return Fail(ctx, what, "invalid_argument", "--server and --token are required", kExitUsage);
  }
  if (IsPlainHttpToAnotherHost(options.server) && !options.insecure_http) {
    return Fail(ctx, what, "invalid_argument",
                "refusing plain http:// to " + options.server +
                    ": the device token and your customers would cross the network unencrypted. "
                    "Use https:// (with --ca-file for a private CA), or give --insecure-http if "
                    "this network is trusted",
                kExitUsage);
  }
  HttpClientOptions http_options;
  if (!options.ca_file.empty()) {
    std::error_code ec;
    const std::filesystem::path ca = std::filesystem::absolute(options.ca_file, ec);
    http_options.ca_file = ec ? options.ca_file : ca.string();
  }
  auto http = HttpClient::Create(options.server, http_options);
  if (!http.ok()) {
    return Fail(ctx, what, "invalid_argument",
                "bad server URL " + options.server + ": " + http.status().message(), kExitUsage);
  }
  ClientSettings settings;
  settings.server_url = (*http)->base_url();
  settings.device_token = options.token;
  settings.ca_file = http_options.ca_file;
  bool verified = false;
  std::string offline_reason;
  auto reply = (*http)->Get("/v1/whoami", options.token);
  if (reply.ok()) {
    if (reply->status == 401 || reply->status == 403) {
      return Fail(ctx, what, "rejected",
                  "the server refused the device token (HTTP " + std::to_string(reply->status) +
                      "); ask your manager for a new one",
                  kExitRefused);
    }
    if (reply->status != 200) {
      return Fail(ctx, what, "rejected",
                  "the server answered HTTP " + std::to_string(reply->status) + ": " +
                      reply->body.substr(0, 200),
                  kExitRefused);
    }
    boost::system::error_code ec;
    json::value who = ReadJson(reply->body, ec);
    const json::object* obj = !ec && who.is_object() ? &who.as_object() : nullptr;
    auto field = [obj](const char* key) -> std::string {
      if (obj == nullptr) return {};
      const json::value* v = obj->if_contains(key);
      return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    if (field("rep").empty()) {
      return Fail(ctx, what, "rejected", "the server's answer to /v1/whoami names no rep",
                  kExitRefused);
    }
    if (field("role") == "manager") {
      return Fail(ctx, what, "rejected",
                  "this token belongs to a manager; fieldbook-cli needs a rep's device token",
                  kExitRefused);
    }
    if (!options.rep.empty() && options.rep != field("rep")) {
      return Fail(ctx, what, "invalid_argument",
                  "the token belongs to " + field("rep") + ", not " + options.rep, kExitUsage);
    }
    settings.rep_id = field("rep");
    settings.rep_name = field("name");
    verified = true;
  } else if (reply.status().code() == StatusCode::kUnavailable) {
    if (options.rep.empty()) {
      return Fail(ctx, what, "unavailable",
                  "the server could not be reached to learn whose token this is (" +
                      reply.status().message() + "); give --rep to set up offline",
                  kExitUnreachable);
    }
    settings.rep_id = options.rep;
    settings.rep_name = options.name;
    offline_reason = reply.status().message();
  } else {
    return Fail(ctx, what, reply.status());
  }

  int open_exit = kExitFailure;
  std::unique_ptr<ClientStore> store = OpenStore(ctx, what, &open_exit, /*create=*/true);
  if (!store) return open_exit;
  auto current = store->Settings();
  if (!current.ok()) return Fail(ctx, what, current.status());
  if (!current->rep_id.empty() && current->rep_id != settings.rep_id) {
    auto status = store->GetStatus();
    if (!status.ok()) return Fail(ctx, what, status.status());
    if (status->customers > 0 || status->pending_writes > 0 || status->cursor > 0) {
      return Fail(ctx, what, "conflict",
                  "this replica belongs to " + current->rep_id + "; use another --replica for " +
                      settings.rep_id,
                  kExitFailure);
    }
  }
  if (settings.rep_name.empty() && current->rep_id == settings.rep_id) {
    settings.rep_name = current->rep_name;
  }
  Status saved = store->SaveSettings(settings);
  if (!saved.ok()) return Fail(ctx, what, saved);
  if (ctx.json) {
    PrintJson(json::object{{"server", settings.server_url},
                           {"rep", settings.rep_id},
                           {"name", TextOrNull(settings.rep_name)},
                           {"verified", verified},
                           {"replica_id", store->replica().replica_id()}});
  } else if (verified) {
    std::cout << "set up for " << settings.rep_id
              << (settings.rep_name.empty() ? "" : " (" + settings.rep_name + ")") << " with "
              << settings.server_url << "; run fieldbook-cli sync to download your customers\n";
  } else {
    std::cout << "set up offline for " << settings.rep_id << " with " << settings.server_url
              << " (the server could not be reached: " << offline_reason
              << "); the first sync checks the token\n";
  }
  return kExitOk;
}

int RunSync(const CliContext& ctx, uint32_t page_rows, int64_t batch_rows) {
  const char* what = "sync";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  // Never push from a damaged replica.
  DeviceSync device(*store);
  if (Status sound = device.CheckReplica(); !sound.ok()) {
    return Fail(ctx, what, "corrupt", sound.message(), kExitFailure);
  }
  auto settings = store->Settings();
  if (!settings.ok()) return Fail(ctx, what, settings.status());
  if (settings->server_url.empty() || settings->device_token.empty()) {
    return Fail(ctx, what, "invalid_argument",
                "this device is not set up yet: run fieldbook-cli init --server URL --token TOKEN",
                kExitUsage);
  }
  auto links = HttpServerLinks::Create(*settings);
  if (!links.ok()) {
    return Fail(ctx, what, "invalid_argument",
                "the saved server URL " + settings->server_url +
                    " is not usable: " + links.status().message(),
                kExitUsage);
  }
  SyncOptions sync_options;
  if (page_rows > 0) {
    sync_options.page_rows = page_rows;
    sync_options.max_page_rows = page_rows;
  }
  if (batch_rows >= 0) sync_options.batch_rows = static_cast<uint32_t>(batch_rows);
  // The change sets, the public pool's claims and releases, the server's reports and the review
  // list's answers (device_sync.h); the last two do not fail the sync.
  auto synced = device.Run((*links)->links(), sync_options);
  if (!synced.ok()) {
    const Status& s = synced.status();
    auto pending = store->replica().PendingWriteCount();
    const int64_t queued = pending.ok() ? *pending : 0;
    std::string kept = "nothing was lost: " + Plural(queued, "change stays", "changes stay") +
                       " queued on this device for the next sync";
    if (auto waiting = store->PoolRequestSummary(); waiting.ok() && waiting->pending > 0) {
      kept += ", and " + Plural(waiting->pending, "pool request waits", "pool requests wait");
    }
    switch (s.code()) {
      case StatusCode::kUnavailable:
        return Fail(ctx, what, "unavailable",
                    "the server could not be reached (" + s.message() + "); " + kept,
                    kExitUnreachable);
      case StatusCode::kRejected:
      case StatusCode::kInvalidArgument:
      case StatusCode::kConflict:
      case StatusCode::kResourceExhausted:
        return Fail(ctx, what, CodeName(s.code()), s.message() + "; " + kept, kExitRefused);
      default:
        return Fail(ctx, what, CodeName(s.code()), s.message() + "; " + kept, kExitFailure);
    }
  }
  const std::string& reports_error = synced->reports_error;
  const std::string& review_error = synced->review_error;
  const size_t review_resolved = synced->review_resolved;
  auto pending = store->replica().PendingWriteCount();
  const int64_t left = pending.ok() ? *pending : 0;
  const SyncReport& r = synced->sync;
  if (ctx.json) {
    PrintJson(json::object{
        {"server", settings->server_url},
        {"pushed", r.rows_pushed},
        {"rejected", r.rows_rejected},
        {"received", r.rows_received},
        {"pages", r.pages},
        {"evicted", r.customers_evicted},
        {"evictions_deferred", r.evictions_deferred},
        {"rebuilt", r.rebuilt},
        {"server_restored", r.server_restored},
        {"rows_repushed", r.rows_repushed},
        {"cursor", r.cursor},
        {"round_trips", r.round_trips},
        {"clock_skew_ms", r.hub_clock_skew_ms},
        {"pending", left},
        {"verification", json::object{{"verified", r.verified},
                                      {"buckets_repaired", r.buckets_repaired},
                                      {"rows_repaired", r.rows_repaired},
                                      {"rows_removed", r.rows_removed}}},
        {"pool", PoolSyncJson(r, synced->pool_answered)},
        {"reports", reports_error.empty() ? json::value("refreshed")
                                          : json::value("not refreshed: " + reports_error)},
        {"review", review_error.empty() ? json::value(json::object{{"resolved", review_resolved}})
                                        : json::value("not refreshed: " + review_error)}});
    return kExitOk;
  }
  std::cout << "synced with " << settings->server_url << "\n";
  std::cout << "  pushed:   " << Plural(static_cast<int64_t>(r.rows_pushed), "change", "changes")
            << "\n";
  std::cout << "  rejected: " << r.rows_rejected;
  if (r.rows_rejected > 0) std::cout << " (kept for you: see fieldbook-cli review list)";
  std::cout << "\n  received: " << Plural(static_cast<int64_t>(r.rows_received), "row", "rows")
            << "\n";
  std::cout << "  evicted:  "
            << Plural(static_cast<int64_t>(r.customers_evicted), "customer", "customers");
  if (r.customers_evicted > 0) std::cout << " no longer assigned to you";
  if (r.evictions_deferred > 0) {
    std::cout << "; " << r.evictions_deferred << " more leave once your changes to them land";
  }
  std::cout << "\n";
  if (r.server_restored) {
    std::cout << "  restored: the server had been restored from a backup and may have lost changes "
                 "you synced earlier; "
              << Plural(static_cast<int64_t>(r.rows_repushed), "record", "records")
              << " of yours on this device were sent again, so nothing of yours that this device "
                 "still holds is lost\n";
  }
  if (r.rebuilt) std::cout << "  rebuilt:  the replica was downloaded afresh\n";
  if (r.verified) {
    std::cout << "  verified: this replica was checked against the server";
    if (r.buckets_repaired == 0) {
      std::cout << ": whole\n";
    } else {
      std::cout << "; " << Plural(static_cast<int64_t>(r.buckets_repaired), "part", "parts")
                << " differed and were repaired ("
                << Plural(static_cast<int64_t>(r.rows_repaired), "row", "rows") << " restored, "
                << r.rows_removed << " removed)\n";
    }
  }
  PrintPoolSync(r, synced->pool_answered);
  if (!reports_error.empty()) {
    std::cout << "  reports:  the server's reports were not refreshed (" << reports_error << ")\n";
  }
  if (review_resolved > 0) {
    std::cout << "  review:   "
              << Plural(static_cast<int64_t>(review_resolved), "item was", "items were")
              << " resolved by a manager (fieldbook-cli review list --all)\n";
  }
  if (!review_error.empty()) {
    std::cout << "  review:   the review list was not brought up to date (" << review_error
              << ")\n";
  }
  if (left > 0) std::cout << "  queued:   " << Plural(left, "change", "changes") << "\n";
  const int64_t skew = r.hub_clock_skew_ms;
  if (skew > 5 * 60 * 1000 || skew < -5 * 60 * 1000) {
    std::cout << "  warning:  this device's clock is " << (skew > 0 ? skew : -skew) / 60000
              << " minutes " << (skew > 0 ? "ahead of" : "behind") << " the server's\n";
  }
  return kExitOk;
}

int RunStatus(const CliContext& ctx) {
  const char* what = "status";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  if (Status sound = QuickCheckReplica(store->replica().db()); !sound.ok()) {
    return Fail(ctx, what, "corrupt", sound.message(), kExitFailure);
  }
  auto st = store->GetStatus();
  if (!st.ok()) return Fail(ctx, what, st.status());
  auto pool = store->PoolRequestSummary();
  if (!pool.ok()) return Fail(ctx, what, pool.status());
  if (ctx.json) {
    json::array review;
    for (const ReviewItem& r : st->review) review.push_back(ToJson(r));
    json::array deferred;
    for (const std::string& c : st->deferred_evictions) deferred.push_back(json::value(c));
    PrintJson(
        json::object{{"replica", store->replica().db().path()},
                     {"replica_id", st->replica_id},
                     {"server", TextOrNull(st->server_url)},
                     {"rep", TextOrNull(st->rep_id)},
                     {"rep_name", TextOrNull(st->rep_name)},
                     {"has_token", st->has_token},
                     {"customers", st->customers},
                     {"pending_writes", st->pending_writes},
                     {"last_sync", st->last_sync_ms ? json::value(FormatUtc(*st->last_sync_ms))
                                                    : json::value(nullptr)},
                     {"last_sync_ms", OptOrNull(st->last_sync_ms)},
                     {"clock_skew_ms", OptOrNull(st->clock_skew_ms)},
                     {"cursor", st->cursor},
                     {"review_count", st->review.size()},
                     {"review", std::move(review)},
                     {"deferred_evictions", std::move(deferred)},
                     {"pool_requests", PoolSummaryJson(*pool)}});
    return kExitOk;
  }
  std::cout << "rep:            "
            << (st->rep_id.empty()
                    ? std::string("(not set up: run fieldbook-cli init)")
                    : st->rep_id + (st->rep_name.empty() ? "" : " (" + st->rep_name + ")"))
            << "\n";
  std::cout << "server:         " << Or(st->server_url, "(none)") << "\n";
  std::cout << "replica:        " << store->replica().db().path() << " (id " << st->replica_id
            << ")\n";
  std::cout << "customers:      " << st->customers << "\n";
  std::cout << "pending writes: " << st->pending_writes << "\n";
  std::cout << "last sync:      "
            << (st->last_sync_ms ? FormatUtc(*st->last_sync_ms) : std::string("never")) << "\n";
  if (st->clock_skew_ms) {
    const int64_t skew = *st->clock_skew_ms;
    std::cout << "clock skew:     " << (skew >= 0 ? "+" : "") << skew << " ms ("
              << (skew >= 0 ? "this device is ahead of the server"
                            : "this device is behind the server")
              << ")\n";
  }
  std::cout << "cursor:         " << st->cursor << "\n";
  std::cout << "review list:    "
            << Plural(static_cast<int64_t>(st->review.size()), "item", "items");
  if (!st->review.empty()) std::cout << " (fieldbook-cli review list)";
  std::cout << "\n";
  for (const ReviewItem& r : st->review) {
    std::cout << "  " << r.table << " " << r.row_id << ": " << r.code << ": " << r.reason << "\n";
  }
  std::cout << "deferred evictions: " << st->deferred_evictions.size() << "\n";
  for (const std::string& c : st->deferred_evictions) {
    std::cout << "  customer " << c << " leaves once your changes to it land\n";
  }
  std::cout << "pool requests:  " << pool->pending << " waiting for the next sync";
  if (pool->pending > 0 || !pool->recent_refusals.empty()) {
    std::cout << " (fieldbook-cli pool requests)";
  }
  std::cout << "\n";
  for (const PoolRequest& r : pool->recent_refusals) std::cout << "  " << RequestLine(r) << "\n";
  return kExitOk;
}

int RunCustomerAdd(const CliContext& ctx, const std::vector<FieldValue>& fields) {
  const char* what = "customer add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto id = store->AddCustomer(fields);
  if (!id.ok()) return Fail(ctx, what, id.status());
  if (ctx.json) {
    PrintJson(json::object{{"id", *id}});
  } else {
    std::string name;
    for (const FieldValue& f : fields) {
      if (f.field == "name" && f.value) name = *f.value;
    }
    std::cout << "added customer " << *id << " " << name << "\n";
  }
  return kExitOk;
}

int RunCustomerEdit(const CliContext& ctx, const std::string& customer,
                    const std::vector<FieldValue>& edits) {
  const char* what = "customer edit";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  Status s = store->EditCustomer(customer, edits);
  if (!s.ok()) return Fail(ctx, what, s);
  auto id = store->ResolveCustomer(customer);
  std::vector<std::string> names;
  json::array fields;
  for (const FieldValue& f : edits) {
    names.push_back(f.field);
    fields.push_back(json::value(f.field));
  }
  if (ctx.json) {
    PrintJson(json::object{{"id", id.ok() ? *id : customer}, {"fields", std::move(fields)}});
  } else {
    std::string list;
    for (size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + names[i];
    std::cout << "updated customer " << (id.ok() ? *id : customer) << ": " << list << "\n";
  }
  return kExitOk;
}

int RunCustomerShow(const CliContext& ctx, const std::string& customer) {
  const char* what = "customer show";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto p = store->ShowCustomer(customer);
  if (!p.ok()) return Fail(ctx, what, p.status());
  if (ctx.json) {
    json::array contacts, visits, orders, tasks, feedback;
    for (const Contact& c : p->contacts) contacts.push_back(ToJson(c));
    for (const Visit& v : p->recent_visits) visits.push_back(ToJson(v));
    for (const Order& o : p->recent_orders) orders.push_back(ToJson(o));
    for (const Task& t : p->open_tasks) tasks.push_back(ToJson(t));
    for (const Feedback& f : p->feedback) feedback.push_back(ToJson(f));
    PrintJson(json::object{{"customer", ToJson(p->customer)},
                           {"contacts", std::move(contacts)},
                           {"recent_visits", std::move(visits)},
                           {"visit_count", p->visit_count},
                           {"recent_orders", std::move(orders)},
                           {"order_count", p->order_count},
                           {"open_tasks", std::move(tasks)},
                           {"feedback", std::move(feedback)},
                           {"grade", ToJson(p->grade.shown())},
                           {"server_grade", ToJson(p->grade.server)}});
    return kExitOk;
  }
  const Customer& c = p->customer;
  std::cout << c.name << (c.name_latin.empty() ? "" : " (" + c.name_latin + ")") << "\n";
  std::cout << "  id " << c.id << "\n";
  auto line = [](const std::vector<std::pair<const char*, std::string>>& parts) {
    std::string out;
    for (const auto& [label, value] : parts) {
      if (value.empty()) continue;
      out += (out.empty() ? "" : " · ") + std::string(label) + value;
    }
    if (!out.empty()) std::cout << "  " << out << "\n";
  };
  line({{"type ", c.customer_type},
        {"stage ", c.purchase_stage},
        {"relationship ", c.relationship},
        {"region ", c.region_class}});
  PrintGrade(p->grade);
  std::string location;
  if (c.lat && c.lon) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.5f,%.5f", *c.lat, *c.lon);
    location = buf;
  }
  line({{"", c.city}, {"", c.address}, {"at ", location}});
  line({{"phone ", c.phone}, {"contact ", c.primary_contact}, {"birthday ", c.birthday}});
  line({{"owner ", c.owner_rep_id}, {"added ", c.created_at}, {"tags ", c.tags}});
  if (!c.notes.empty()) std::cout << "  notes: " << c.notes << "\n";
  if (!p->contacts.empty()) {
    std::cout << "Contacts:\n";
    for (const Contact& k : p->contacts) {
      std::cout << "  " << k.name << (k.title.empty() ? "" : " (" + k.title + ")")
                << (k.phone.empty() ? "" : "  " + k.phone)
                << (k.wechat.empty() ? "" : "  wechat " + k.wechat)
                << (k.is_primary ? "  [primary]" : "") << "\n";
    }
  }
  std::cout << "Visits (" << p->recent_visits.size() << " latest of " << p->visit_count << "):\n";
  for (const Visit& v : p->recent_visits) {
    std::cout << "  " << v.check_in;
    if (!v.purpose.empty()) std::cout << "  " << v.purpose;
    if (!v.outcome.empty()) std::cout << " → " << v.outcome;
    if (!v.notes.empty()) std::cout << "  \"" << v.notes << "\"";
    if (!v.next_follow_up.empty()) std::cout << "  next follow-up " << v.next_follow_up;
    std::cout << "\n";
  }
  std::cout << "Orders (" << p->recent_orders.size() << " latest of " << p->order_count << "):\n";
  for (const Order& o : p->recent_orders) {
    std::cout << "  " << o.order_date << "  " << FormatYuan(o.amount_cents) << " " << o.currency;
    for (size_t i = 0; i < o.lines.size(); ++i) {
      const OrderLine& l = o.lines[i];
      std::cout << (i ? ", " : "  ") << l.part_no << " x" << l.quantity << " @ "
                << FormatYuan(l.unit_price_cents);
    }
    std::cout << "\n";
  }
  if (!p->open_tasks.empty()) {
    std::cout << "Open tasks:\n";
    for (const Task& t : p->open_tasks) {
      std::cout << "  " << Or(t.due_date, "(no date)") << "  " << t.kind << "  \"" << t.title
                << "\"  " << t.id << "\n";
    }
  }
  if (!p->feedback.empty()) {
    std::cout << "Feedback:\n";
    for (const Feedback& f : p->feedback) {
      std::cout << "  " << f.created_at.substr(0, 10);
      if (f.satisfaction) std::cout << "  satisfaction " << *f.satisfaction << "/5";
      if (!f.complaint.empty()) std::cout << "  complaint: " << f.complaint;
      std::cout << "\n";
    }
  }
  return kExitOk;
}

int RunCustomerList(const CliContext& ctx, CustomerFilter filter) {
  const char* what = "customer list";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  if (filter.today.empty()) filter.today = store->Today();
  auto list = store->ListCustomers(filter);
  if (!list.ok()) return Fail(ctx, what, list.status());
  if (ctx.json) {
    json::array out;
    for (const Customer& c : *list) out.push_back(ToJson(c));
    PrintJson(out);
    return kExitOk;
  }
  for (const Customer& c : *list) std::cout << CustomerLine(c) << "\n";
  std::cout << Plural(static_cast<int64_t>(list->size()), "customer", "customers") << "\n";
  return kExitOk;
}

int RunCustomerSearch(const CliContext& ctx, const std::string& query, size_t limit) {
  const char* what = "customer search";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto hits = store->SearchCustomers(query, limit);
  if (!hits.ok()) return Fail(ctx, what, hits.status());
  if (ctx.json) {
    json::array out;
    for (const SearchHit& h : *hits) {
      json::object o = ToJson(h.customer);
      o["matched"] = h.matched;
      out.push_back(std::move(o));
    }
    PrintJson(out);
    return kExitOk;
  }
  for (const SearchHit& h : *hits) {
    std::cout << CustomerLine(h.customer)
              << (h.matched == "customer" ? "" : "  (matched in " + h.matched + "s)") << "\n";
  }
  if (hits->empty()) std::cout << "no customer matches '" << query << "'\n";
  return kExitOk;
}

int RunContactAdd(const CliContext& ctx, const std::string& customer, const Contact& contact) {
  const char* what = "contact add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto id = store->AddContact(customer, contact);
  if (!id.ok()) return Fail(ctx, what, id.status());
  if (ctx.json) {
    PrintJson(json::object{{"id", *id}});
  } else {
    std::cout << "added contact " << *id << " " << contact.name << "\n";
  }
  return kExitOk;
}

int RunVisitLog(const CliContext& ctx, const NewVisit& visit) {
  const char* what = "visit log";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto id = store->LogVisit(visit);
  if (!id.ok()) return Fail(ctx, what, id.status());
  if (ctx.json) {
    PrintJson(json::object{{"id", *id}});
  } else {
    std::cout << "logged visit " << *id << "\n";
  }
  return kExitOk;
}

int RunOrderAdd(const CliContext& ctx, NewOrder order, const std::vector<std::string>& lines) {
  const char* what = "order add";
  for (const std::string& spec : lines) {
    auto line = ParseOrderLine(spec);
    if (!line.ok()) return Fail(ctx, what, line.status());
    order.lines.push_back(*line);
  }
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto added = store->AddOrder(order);
  if (!added.ok()) return Fail(ctx, what, added.status());
  if (ctx.json) {
    PrintJson(ToJson(*added));
  } else {
    std::cout << "added order " << added->id << ": "
              << Plural(static_cast<int64_t>(added->lines.size()), "line", "lines") << ", total "
              << FormatYuan(added->amount_cents) << " " << added->currency << "\n";
  }
  return kExitOk;
}

int RunTaskAdd(const CliContext& ctx, const NewTask& task) {
  const char* what = "task add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto id = store->AddTask(task);
  if (!id.ok()) return Fail(ctx, what, id.status());
  if (ctx.json) {
    PrintJson(json::object{{"id", *id}});
  } else {
    std::cout << "added task " << *id << " due " << task.due_date << "\n";
  }
  return kExitOk;
}

int RunTaskDone(const CliContext& ctx, const std::string& task) {
  const char* what = "task done";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  Status s = store->CompleteTask(task);
  if (!s.ok()) return Fail(ctx, what, s);
  if (ctx.json) {
    PrintJson(json::object{{"id", task}, {"status", "done"}});
  } else {
    std::cout << "task " << task << " done\n";
  }
  return kExitOk;
}

int RunTaskList(const CliContext& ctx, const TaskFilter& filter) {
  const char* what = "task list";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto tasks = store->ListTasks(filter);
  if (!tasks.ok()) return Fail(ctx, what, tasks.status());
  if (ctx.json) {
    json::array out;
    for (const Task& t : *tasks) out.push_back(ToJson(t));
    PrintJson(out);
    return kExitOk;
  }
  for (const Task& t : *tasks) {
    std::cout << t.id << "  " << Or(t.due_date, "(no date)") << "  " << t.status << "  " << t.kind
              << "  \"" << t.title << "\"  " << t.customer_name << "\n";
  }
  std::cout << Plural(static_cast<int64_t>(tasks->size()), "task", "tasks") << "\n";
  return kExitOk;
}

int RunFeedbackAdd(const CliContext& ctx, const NewFeedback& feedback) {
  const char* what = "feedback add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto id = store->AddFeedback(feedback);
  if (!id.ok()) return Fail(ctx, what, id.status());
  if (ctx.json) {
    PrintJson(json::object{{"id", *id}});
  } else {
    std::cout << "recorded feedback " << *id << "\n";
  }
  return kExitOk;
}

int RunReviewList(const CliContext& ctx, bool all) {
  const char* what = "review list";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto items = store->replica().ReviewList(all);
  if (!items.ok()) return Fail(ctx, what, items.status());
  if (ctx.json) {
    json::array out;
    for (const ReviewItem& r : *items) out.push_back(ToJson(r));
    PrintJson(out);
    return kExitOk;
  }
  if (items->empty()) {
    std::cout << "nothing to review: the server accepted every change from this device\n";
    return kExitOk;
  }
  for (const ReviewItem& r : *items) {
    std::cout << "#" << r.id << "  " << r.table << " " << r.row_id << "\n"
              << "  " << r.code << ": " << r.reason << "\n"
              << "  your values: " << r.payload_json << "\n";
    if (r.resolved) std::cout << "  resolved: " << r.outcome << "\n";
  }
  std::cout << Plural(static_cast<int64_t>(items->size()), "change", "changes")
            << " the server did not take as sent; nothing was deleted\n";
  return kExitOk;
}

int RunExport(const CliContext& ctx, const std::string& out_path) {
  const char* what = "export";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  Replica& r = store->replica();
  if (out_path.empty()) {
    Status s = WriteCanonicalExport(r.db(), r.catalog(), std::cout);
    if (!s.ok()) return Fail(ctx, what, s);
    std::cout.flush();
    return kExitOk;
  }
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  if (!out) {
    return Fail(ctx, what, "io", "cannot write " + out_path, kExitFailure);
  }
  Status s = WriteCanonicalExport(r.db(), r.catalog(), out);
  out.close();
  if (s.ok() && !out) s = Status::Io("writing " + out_path + " failed");
  if (!s.ok()) return Fail(ctx, what, s);
  return kExitOk;
}

int RunPlan(const CliContext& ctx, const std::string& date, size_t limit) {
  const char* what = "plan";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  const std::string today = date.empty() ? store->Today() : date;
  auto plan = store->Plan(today, limit);
  if (!plan.ok()) return Fail(ctx, what, plan.status());
  // Computed on this device: a visit or an order logged offline counts at once.
  auto warnings = store->ReclaimWarnings(today);
  if (!warnings.ok()) return Fail(ctx, what, warnings.status());
  if (ctx.json) {
    json::array items;
    for (const PlanItem& p : *plan) {
      const bool follow_up = p.kind == PlanItem::Kind::kFollowUp;
      items.push_back(json::object{{"kind", follow_up ? "follow_up" : "suggested_visit"},
                                   {"customer_id", p.customer_id},
                                   {"customer_name", TextOrNull(p.customer_name)},
                                   {"task_id", TextOrNull(p.task_id)},
                                   {"visit_id", TextOrNull(p.visit_id)},
                                   {"due_date", TextOrNull(p.due_date)},
                                   {"days_overdue", p.days_overdue},
                                   {"tier", TextOrNull(p.tier)},
                                   {"days_since_visit", OptOrNull(p.days_since_visit)},
                                   {"churn_risk", OptOrNull(p.churn_risk)},
                                   {"reason", p.reason}});
    }
    json::array reclaim;
    for (const ReclaimWarning& w : *warnings) reclaim.push_back(ToJson(w));
    PrintJson(json::object{
        {"date", today}, {"items", std::move(items)}, {"reclaim_warnings", std::move(reclaim)}});
    return kExitOk;
  }
  // First: losing a customer to the pool is what a visit today can still prevent.
  if (!warnings->empty()) {
    std::cout << "Public pool (公海) warnings:\n";
    for (const ReclaimWarning& w : *warnings) {
      std::cout << "  ! " << w.message << "\n"
                << "    " << w.customer_id << "\n";
    }
  }
  std::cout << "Plan for " << today << ":\n";
  if (plan->empty()) std::cout << "  nothing due and no customers to suggest\n";
  for (size_t i = 0; i < plan->size(); ++i) {
    const PlanItem& p = (*plan)[i];
    std::cout << (i < 9 ? " " : "") << i + 1 << ". "
              << (p.kind == PlanItem::Kind::kFollowUp ? "[follow-up] " : "[visit]     ")
              << p.customer_name << " — " << p.reason << "\n"
              << "               " << p.customer_id << "\n";
  }
  return kExitOk;
}

// -----------------------------------------------------------------------------------------------
// The public pool (issue #7): read from the device's copy; claims and releases wait for a sync.

int RunPoolList(const CliContext& ctx) {
  const char* what = "pool list";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto cached = store->CachedPool();
  if (!cached.ok()) return Fail(ctx, what, cached.status());
  if (!cached->has_value()) {
    if (ctx.json) {
      PrintJson(json::object{{"as_of", nullptr}, {"pool", json::array()}});
    } else {
      std::cout << "this device has no copy of the public pool yet: run fieldbook-cli sync\n";
    }
    return kExitOk;
  }
  const PoolListing& l = **cached;
  const PoolPolicy& p = l.policy;
  std::string regions;
  for (const std::string& r : p.regions) regions += (regions.empty() ? "" : ", ") + r;
  if (ctx.json) {
    json::array pool;
    for (const PoolCustomer& c : l.pool) {
      pool.push_back(json::object{{"id", c.id},
                                  {"name", TextOrNull(c.name)},
                                  {"city", TextOrNull(c.city)},
                                  {"region", TextOrNull(c.region)},
                                  {"tier", TextOrNull(c.tier)},
                                  {"type", TextOrNull(c.customer_type)},
                                  {"since", TextOrNull(c.since)},
                                  {"kind", TextOrNull(c.kind)},
                                  {"reason", TextOrNull(c.reason)},
                                  {"claimable", c.claimable},
                                  {"refusal", TextOrNull(c.refusal)},
                                  {"claim_pending", c.claim_pending}});
    }
    json::array region_list;
    for (const std::string& r : p.regions) region_list.push_back(json::value(r));
    PrintJson(json::object{{"as_of", l.as_of},
                           {"fetched_at", FormatUtc(l.fetched_ms)},
                           {"regions", std::move(region_list)},
                           {"claims_today", p.claims_today},
                           {"daily_claims", p.daily_claims},
                           {"holding", p.holding},
                           {"holding_cap", p.holding_cap},
                           {"truncated", l.truncated},
                           {"pool", std::move(pool)}});
    return kExitOk;
  }
  std::cout << "Public pool (公海) as of " << UtcMinute(l.as_of) << " — "
            << (regions.empty() ? std::string("every region") : "your regions: " + regions)
            << "; claims today " << p.claims_today << " of " << p.daily_claims << "; holding "
            << p.holding << " of " << p.holding_cap << "\n";
  for (const PoolCustomer& c : l.pool) {
    std::cout << "  " << c.id << "  " << Or(c.tier, "-") << "  " << Or(c.name, "(no name)");
    if (!c.city.empty()) std::cout << "  " << c.city;
    if (!c.region.empty()) std::cout << "  " << c.region;
    std::cout << "  in the pool since " << c.since.substr(0, 10);
    if (c.claim_pending) std::cout << "  [your claim waits for the next sync]";
    std::cout << "\n";
    if (!c.reason.empty()) std::cout << "      why: " << c.reason << "\n";
    if (!c.claimable && !c.refusal.empty()) {
      std::cout << "      the server would refuse a claim now: " << c.refusal << "\n";
    }
  }
  if (l.pool.empty()) {
    std::cout << "no customers in the pool for you\n";
  } else {
    std::cout << Plural(static_cast<int64_t>(l.pool.size()), "customer", "customers")
              << (l.truncated ? " (the server listed only the first ones)" : "")
              << "; claim one with fieldbook-cli pool claim ID\n";
  }
  return kExitOk;
}

int RunPoolClaim(const CliContext& ctx, const std::string& customer) {
  const char* what = "pool claim";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto r = store->RequestClaim(customer);
  if (!r.ok()) return Fail(ctx, what, r.status());
  if (ctx.json) {
    PrintJson(ToJson(*r));
    return kExitOk;
  }
  std::cout << "claim of " << RequestWho(*r)
            << " recorded; it is sent at the next sync (fieldbook-cli sync), where the server "
               "grants or refuses it\n";
  // What the server said when the pool was listed (caps reset daily, so it may still be granted).
  if (auto cached = store->CachedPool(); cached.ok() && cached->has_value()) {
    for (const PoolCustomer& c : (*cached)->pool) {
      if (c.id == r->customer_id && !c.claimable && !c.refusal.empty()) {
        std::cout << "note: as of " << UtcMinute((*cached)->as_of)
                  << " the server would have refused it: " << c.refusal << "\n";
      }
    }
  }
  return kExitOk;
}

int RunPoolRelease(const CliContext& ctx, const std::string& customer, const std::string& reason) {
  const char* what = "pool release";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto r = store->RequestRelease(customer, reason);
  if (!r.ok()) return Fail(ctx, what, r.status());
  if (ctx.json) {
    PrintJson(ToJson(*r));
    return kExitOk;
  }
  std::cout << "release of " << RequestWho(*r)
            << " recorded; it is sent at the next sync, and the customer leaves this device once "
               "the server has put it in the pool\n";
  return kExitOk;
}

int RunPoolRequests(const CliContext& ctx) {
  const char* what = "pool requests";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto requests = store->PoolRequests(/*pending_only=*/false);
  if (!requests.ok()) return Fail(ctx, what, requests.status());
  if (ctx.json) {
    json::array out;
    for (const PoolRequest& r : *requests) out.push_back(ToJson(r));
    PrintJson(out);
    return kExitOk;
  }
  if (requests->empty()) {
    std::cout << "no pool requests: claim with fieldbook-cli pool claim ID\n";
    return kExitOk;
  }
  for (const PoolRequest& r : *requests) {
    std::cout << UtcMinute(r.requested_at) << "  " << RequestLine(r);
    if (!r.answered_at.empty()) std::cout << "  (answered " << UtcMinute(r.answered_at) << ")";
    std::cout << "\n";
    if (!r.note.empty()) std::cout << "    your reason: " << r.note << "\n";
  }
  return kExitOk;
}

}  // namespace fieldbook::client::cli
