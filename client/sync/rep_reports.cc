#include "sync/rep_reports.h"

#include <algorithm>
#include <boost/json.hpp>

#include "fieldbook/dates.h"
#include "fieldbook/json.h"
#include "fieldbook/json_reader.h"

namespace fieldbook::client {

namespace {

namespace json = boost::json;

// Bounds on what is read back: a migration matrix has a cell per pair of tiers, a portfolio one
// entry per tier; anything far larger is not a report.
constexpr size_t kMaxCells = 1000;
constexpr size_t kMaxTiers = 100;
constexpr size_t kMaxText = 200;

Status ReplyStatus(const HttpReply& reply, const char* what) {
  const std::string message = std::string(what) + ": " + ServerErrorMessage(reply);
  const Phrase answered = AnsweredPhrase(reply, "what_reports");
  if (reply.status == 401 || reply.status == 403) {
    return ServerError(StatusCode::kRejected, "the server refused the " + message, reply, answered);
  }
  return ServerError(StatusCode::kUnavailable,
                     "the server answered " + std::to_string(reply.status) + " for the " + message,
                     reply, answered);
}

// The reports as fetched (both answers' bodies), checked to read back as ServerReports.
Result<std::string> ReportsCopy(const std::string& movement, bool has_movement,
                                const std::string& portfolio) {
  json::object out;
  if (has_movement) {
    FB_ASSIGN_OR_RETURN(json::object v, ParseJsonObject(movement, "the tier movement report"));
    out["movement"] = std::move(v);
  } else {
    out["movement"] = nullptr;  // no grading run yet
  }
  FB_ASSIGN_OR_RETURN(json::object v, ParseJsonObject(portfolio, "the portfolio report"));
  out["portfolio"] = std::move(v);
  std::string text = WriteJson(out);
  // What was fetched must read back; a server answering nonsense is not cached.
  FB_RETURN_IF_ERROR(ParseServerReports(text).status());
  return text;
}

Result<TierMigration> ReadMovement(const json::object& o) {
  JsonReader r(o, "movement", kMaxText);
  TierMigration m;
  FB_ASSIGN_OR_RETURN(m.from_run, r.Int("from_run"));
  FB_ASSIGN_OR_RETURN(m.to_run, r.Int("to_run"));
  FB_ASSIGN_OR_RETURN(m.from_day, r.Text("from_today", /*nullable=*/true));
  FB_ASSIGN_OR_RETURN(m.to_day, r.Text("to_today"));
  FB_ASSIGN_OR_RETURN(const json::array* cells, r.Array("cells", kMaxCells));
  for (const json::value& c : *cells) {
    if (!c.is_object()) return Status::Corrupt("movement.cells must hold objects");
    JsonReader cell(c.as_object(), "movement.cells[]", kMaxText);
    MigrationCell out;
    FB_ASSIGN_OR_RETURN(out.from, cell.Text("from"));
    FB_ASSIGN_OR_RETURN(out.to, cell.Text("to"));
    FB_ASSIGN_OR_RETURN(out.customers, cell.Int("customers"));
    m.cells.push_back(std::move(out));
  }
  return m;
}

Result<std::optional<RepPortfolio>> ReadPortfolio(const json::object& o) {
  JsonReader r(o, "portfolio", kMaxText);
  FB_ASSIGN_OR_RETURN(const json::array* reps, r.Array("reps", 1000));
  if (reps->empty()) return std::optional<RepPortfolio>();
  const json::value& first = reps->front();
  if (!first.is_object()) return Status::Corrupt("portfolio.reps must hold objects");
  RepPortfolio p;
  FB_ASSIGN_OR_RETURN(p.today, r.Text("today"));
  FB_ASSIGN_OR_RETURN(int64_t window, r.Int("window_days"));
  p.window_days = static_cast<int>(std::min<int64_t>(window, 100000));
  JsonReader rep(first.as_object(), "portfolio.reps[0]", kMaxText);
  FB_ASSIGN_OR_RETURN(p.rep_id, rep.Text("rep"));
  FB_ASSIGN_OR_RETURN(p.rep_name, rep.Text("name"));
  FB_ASSIGN_OR_RETURN(p.customers, rep.Int("customers"));
  FB_ASSIGN_OR_RETURN(p.follow_ups_due, rep.Int("follow_ups_due"));
  FB_ASSIGN_OR_RETURN(p.follow_ups_overdue, rep.Int("follow_ups_overdue"));
  FB_ASSIGN_OR_RETURN(p.visits_due, rep.Int("visits_due"));
  FB_ASSIGN_OR_RETURN(p.visits_overdue, rep.Int("visits_overdue"));
  FB_ASSIGN_OR_RETURN(p.revenue_cents, rep.Int("revenue_cents"));
  FB_ASSIGN_OR_RETURN(const json::object* tiers, rep.Object("tiers", kMaxTiers));
  for (const auto& kv : *tiers) {
    if (!kv.value().is_int64() || kv.value().as_int64() < 0 || kv.key().size() > kMaxText) {
      return Status::Corrupt("portfolio.reps[0].tiers must map tiers to counts");
    }
    p.tiers.emplace_back(std::string(kv.key()), kv.value().as_int64());
  }
  return std::optional<RepPortfolio>(std::move(p));
}

}  // namespace

Result<std::string> FetchServerReports(HttpClient& http, const std::string& token,
                                       const std::string& today) {
  if (!fieldbook::IsValidDate(today)) return Status::InvalidArgument("not a date: '" + today + "'");
  FB_ASSIGN_OR_RETURN(HttpReply movement, http.Get("/v1/reports/movement", token));
  if (movement.status != 200 && movement.status != 404) {  // 404: no grading run yet
    return ReplyStatus(movement, "tier movement report");
  }
  FB_ASSIGN_OR_RETURN(HttpReply portfolio, http.Get("/v1/reports/portfolio?today=" + today, token));
  if (portfolio.status != 200) return ReplyStatus(portfolio, "portfolio report");
  Result<std::string> copy = ReportsCopy(movement.body, movement.status == 200, portfolio.body);
  if (!copy.ok()) return AnswerUnreadable(copy.status(), "what_reports");
  return copy;
}

Result<ServerReports> ParseServerReports(const std::string& text) {
  FB_ASSIGN_OR_RETURN(json::object o, ParseJsonObject(text, "the reports copy"));
  ServerReports out;
  const json::value* movement = o.if_contains("movement");
  if (movement == nullptr) return Status::Corrupt("the reports copy has no movement");
  if (!movement->is_null()) {
    if (!movement->is_object()) return Status::Corrupt("movement must be an object");
    FB_ASSIGN_OR_RETURN(TierMigration m, ReadMovement(movement->as_object()));
    out.movement = std::move(m);
  }
  const json::value* portfolio = o.if_contains("portfolio");
  if (portfolio == nullptr || !portfolio->is_object()) {
    return Status::Corrupt("the reports copy has no portfolio");
  }
  FB_ASSIGN_OR_RETURN(out.portfolio, ReadPortfolio(portfolio->as_object()));
  return out;
}

}  // namespace fieldbook::client
