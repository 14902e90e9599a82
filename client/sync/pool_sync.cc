#include "sync/pool_sync.h"

#include <algorithm>
#include <boost/json.hpp>
#include <deque>
#include <utility>

#include "fieldbook/json.h"
#include "fieldbook/json_reader.h"
#include "fieldbook/phrase_json.h"
#include "lang/store_errors.h"

namespace fieldbook::client {

namespace {

namespace json = boost::json;

constexpr size_t kMaxText = 2000;     // bytes of one field (reasons are at most ~600)
constexpr size_t kMaxPool = 5000;     // customers in one listing (the server sends <= 500)
constexpr size_t kMaxClocks = 20000;  // warnings and upcoming deadlines
constexpr size_t kMaxTiers = 100;
constexpr size_t kMaxRegions = 100;
constexpr size_t kMaxAnswers = 1000;
constexpr int64_t kMaxDays = 100000;

// A refusal as the device keeps it (a pool request's answer): its English, with its code and
// values when it carries them (phrase_json.h), so the rep reads it in the rep's language.
std::string StoredRefusal(const Status& refusal) {
  const Phrase* phrase = refusal.phrase();
  return phrase != nullptr ? StorePhrase(*phrase, refusal.message()) : refusal.message();
}

// A text of the error table as a pool request keeps it (its English with its code and values).
std::string StoredText(const char* code, const TextValues& values = {}) {
  const Phrase said{code, values};
  return StorePhrase(said, SayError(Lang::kEnglish, said).value_or(code));
}

// The server's refusal of `what` (a what_ value of lang/store_errors.cc: "what_claims"): its
// English, with the server's code and values or else the status, for the rep's language.
Status ReplyError(const HttpReply& reply, const char* what) {
  const std::string message = ServerErrorMessage(reply, kMaxText);
  const std::string english = SayError(Lang::kEnglish, Phrase{what, {}}).value_or(what);
  const Phrase answered = AnsweredPhrase(reply, what);
  switch (reply.status) {
    case 401:
    case 403:
      return ServerError(StatusCode::kRejected, "the server refused " + english + ": " + message,
                         reply, answered);
    case 404:
      return ServerError(StatusCode::kUnavailable,
                         "the server does not offer the public pool (" + message + ")", reply,
                         Phrase{"err_pool_not_offered", {}});
    case 400:
      return ServerError(StatusCode::kInvalidArgument,
                         "the server could not read " + english + ": " + message, reply, answered);
    case 413:
      return ServerError(StatusCode::kResourceExhausted,
                         "the server refused " + english + " as too large: " + message, reply,
                         answered);
    default:
      return ServerError(
          StatusCode::kUnavailable,
          "the server answered " + std::to_string(reply.status) + " to " + english + ": " + message,
          reply, answered);
  }
}

// The server's refusal of one request as the device keeps it: its English, with its code and
// values (phrase_json.h), or the status when it sent none this build reads, so the rep reads it
// in the rep's language.
std::string RefusalText(const HttpReply& reply, const char* what) {
  return StoredRefusal(ServerError(StatusCode::kRejected, ServerErrorMessage(reply, kMaxText),
                                   reply, AnsweredPhrase(reply, what)));
}

// Whether `failure` (SendClaims's) is an answer larger than kPoolResponseLimit: the transport's
// kCorrupt carrying the HTTP client's err_net_answer_too_large.
bool IsAnswerTooLarge(const Status& failure) {
  const Phrase* phrase = failure.phrase();
  return failure.code() == StatusCode::kCorrupt && phrase != nullptr &&
         phrase->code == "err_net_answer_too_large";
}

// A reader of the pool answer's object `where`: its errors say it is the pool answer's.
JsonReader PoolReader(const json::object& o, const std::string& where) {
  return JsonReader(o, "the pool answer's " + where, kMaxText);
}

Result<PoolPolicy> ReadPolicy(const json::object& o) {
  JsonReader r = PoolReader(o, "policy");
  PoolPolicy p;
  FB_ASSIGN_OR_RETURN(const json::object* days, r.Object("reclaim_days", kMaxTiers));
  for (const auto& kv : *days) {
    const json::value& v = kv.value();
    if (kv.key().size() > kMaxText || !v.is_int64() || v.as_int64() < 0 ||
        v.as_int64() > kMaxDays) {
      return r.Bad("reclaim_days", "a map of tiers to days");
    }
    p.reclaim_days.emplace_back(std::string(kv.key()), v.as_int64());
  }
  FB_ASSIGN_OR_RETURN(p.default_reclaim_days, r.Int("default_reclaim_days"));
  FB_ASSIGN_OR_RETURN(p.warn_days, r.Int("warn_days"));
  FB_ASSIGN_OR_RETURN(p.max_wait_days, r.Int("max_wait_days"));
  FB_ASSIGN_OR_RETURN(p.upcoming_days, r.Int("upcoming_days"));
  FB_ASSIGN_OR_RETURN(p.daily_claims, r.Int("daily_claims"));
  FB_ASSIGN_OR_RETURN(p.claims_today, r.Int("claims_today"));
  FB_ASSIGN_OR_RETURN(p.holding_cap, r.Int("holding_cap"));
  FB_ASSIGN_OR_RETURN(p.holding, r.Int("holding"));
  FB_ASSIGN_OR_RETURN(p.tier_a_cap, r.IntOrNull("tier_a_cap"));
  FB_ASSIGN_OR_RETURN(p.tier_a_holding, r.Int("tier_a_holding"));
  FB_ASSIGN_OR_RETURN(p.rules_version, r.Int("rules_version"));
  for (int64_t d : {p.default_reclaim_days, p.warn_days, p.max_wait_days, p.upcoming_days}) {
    if (d > kMaxDays) return r.Bad("days", "at most " + std::to_string(kMaxDays));
  }
  FB_ASSIGN_OR_RETURN(const json::array* regions, r.Array("regions", kMaxRegions));
  for (const json::value& v : *regions) {
    if (!v.is_string() || v.as_string().empty() || v.as_string().size() > kMaxText ||
        v.as_string().find(',') != json::string::npos) {
      return r.Bad("regions", "a list of region codes");
    }
    p.regions.emplace_back(v.as_string());
  }
  return p;
}

// The server's `key` ("reason": its English) with its value beside it ("reason_code",
// "reason_values": servers since #19) as the device keeps it (phrase_json.h); the English alone
// from an older server.
Result<std::string> CodedText(const json::object& o, const std::string& key, std::string english) {
  const json::value* code = o.if_contains(key + "_code");
  if (code == nullptr || code->is_null()) return english;
  if (!code->is_string() || code->as_string().size() > 64) {
    return Status::Corrupt("the pool answer's " + key + "_code must be a short text");
  }
  const json::value* values = o.if_contains(key + "_values");
  Phrase p{std::string(code->as_string()),
           values ? PhraseValuesFrom(*values, kMaxText) : TextValues{}};
  if (p.code.empty()) return english;
  return StorePhrase(p, english);
}

Result<PoolCustomer> ReadPoolCustomer(const json::value& v) {
  if (!v.is_object()) return Status::Corrupt("the pool answer's pool must hold objects");
  JsonReader r = PoolReader(v.as_object(), "pool[]");
  PoolCustomer c;
  FB_ASSIGN_OR_RETURN(c.id, r.Text("id"));
  if (c.id.empty()) return r.Bad("id", "a customer id");
  FB_ASSIGN_OR_RETURN(c.name, r.Text("name", true));
  FB_ASSIGN_OR_RETURN(c.city, r.Text("city", true));
  FB_ASSIGN_OR_RETURN(c.region, r.Text("region", true));
  FB_ASSIGN_OR_RETURN(c.tier, r.Text("tier", true));
  FB_ASSIGN_OR_RETURN(c.customer_type, r.Text("type", true));
  FB_ASSIGN_OR_RETURN(c.since, r.Text("since", true));
  FB_ASSIGN_OR_RETURN(c.kind, r.Text("kind", true));
  FB_ASSIGN_OR_RETURN(c.reason, r.Text("reason", true));
  FB_ASSIGN_OR_RETURN(c.reason, CodedText(v.as_object(), "reason", std::move(c.reason)));
  FB_ASSIGN_OR_RETURN(c.claimable, r.Bool("claimable", true));
  FB_ASSIGN_OR_RETURN(c.refusal, r.Text("refusal", true));
  FB_ASSIGN_OR_RETURN(c.refusal, CodedText(v.as_object(), "refusal", std::move(c.refusal)));
  return c;
}

Result<ServerReclaimClock> ReadClock(const json::value& v, const char* where) {
  if (!v.is_object())
    return Status::Corrupt(std::string("the pool answer's ") + where + " must hold objects");
  JsonReader r = PoolReader(v.as_object(), std::string(where) + "[]");
  ServerReclaimClock c;
  FB_ASSIGN_OR_RETURN(c.customer_id, r.Text("id"));
  if (c.customer_id.empty()) return r.Bad("id", "a customer id");
  FB_ASSIGN_OR_RETURN(c.name, r.Text("name", true));
  FB_ASSIGN_OR_RETURN(c.tier, r.Text("tier", true));
  FB_ASSIGN_OR_RETURN(c.reclaim_days, r.Int("reclaim_days"));
  if (c.reclaim_days > kMaxDays) return r.Bad("reclaim_days", "a number of days");
  FB_ASSIGN_OR_RETURN(c.counting_from, r.Date("counting_from"));
  FB_ASSIGN_OR_RETURN(c.last_activity, r.Date("last_activity", true));
  FB_ASSIGN_OR_RETURN(c.deadline, r.Date("deadline"));
  FB_ASSIGN_OR_RETURN(c.waiting_for_sync, r.Bool("waiting_for_sync", false));
  FB_ASSIGN_OR_RETURN(c.reason, r.Text("reason", true));
  return c;
}

}  // namespace

Result<PoolListing> ParsePoolListing(const std::string& body) {
  FB_ASSIGN_OR_RETURN(json::object o, ParseJsonObject(body, "the pool answer"));
  JsonReader r = PoolReader(o, "answer");
  PoolListing out;
  FB_ASSIGN_OR_RETURN(out.rep_id, r.Text("rep"));
  FB_ASSIGN_OR_RETURN(out.as_of, r.Text("as_of"));
  FB_ASSIGN_OR_RETURN(out.server_day, r.Date("today"));
  FB_ASSIGN_OR_RETURN(const json::object* policy, r.Object("policy", 100));
  FB_ASSIGN_OR_RETURN(out.policy, ReadPolicy(*policy));
  FB_ASSIGN_OR_RETURN(const json::array* pool, r.Array("pool", kMaxPool));
  for (const json::value& v : *pool) {
    FB_ASSIGN_OR_RETURN(PoolCustomer c, ReadPoolCustomer(v));
    out.pool.push_back(std::move(c));
  }
  FB_ASSIGN_OR_RETURN(out.truncated, r.Bool("pool_truncated", false));
  for (const char* key : {"warnings", "upcoming"}) {
    FB_ASSIGN_OR_RETURN(const json::array* clocks, r.Array(key, kMaxClocks, key[0] == 'u'));
    if (out.clocks.size() + clocks->size() > kMaxClocks) return r.Bad(key, "shorter");
    for (const json::value& v : *clocks) {
      FB_ASSIGN_OR_RETURN(ServerReclaimClock c, ReadClock(v, key));
      out.clocks.push_back(std::move(c));
    }
  }
  return out;
}

Result<std::vector<ClaimAnswer>> ParseClaimAnswers(const std::string& body) {
  FB_ASSIGN_OR_RETURN(json::object o, ParseJsonObject(body, "the answer to the claims"));
  JsonReader r = PoolReader(o, "answer");
  FB_ASSIGN_OR_RETURN(const json::array* results, r.Array("results", kMaxAnswers));
  std::vector<ClaimAnswer> out;
  for (const json::value& v : *results) {
    if (!v.is_object()) return Status::Corrupt("the claims answer's results must hold objects");
    JsonReader a = PoolReader(v.as_object(), "results[]");
    ClaimAnswer answer;
    FB_ASSIGN_OR_RETURN(answer.request_id, a.Text("request_id"));
    FB_ASSIGN_OR_RETURN(answer.customer_id, a.Text("customer", true));
    FB_ASSIGN_OR_RETURN(std::string status, a.Text("status"));
    if (status != "granted" && status != "refused") return a.Bad("status", "granted or refused");
    answer.granted = status == "granted";
    FB_ASSIGN_OR_RETURN(answer.reason, a.Text("reason", true));
    FB_ASSIGN_OR_RETURN(answer.reason,
                        CodedText(v.as_object(), "reason", std::move(answer.reason)));
    FB_ASSIGN_OR_RETURN(answer.decided_at, a.Text("decided_at", true));
    out.push_back(std::move(answer));
  }
  return out;
}

namespace {

// The server's 200 to a release.
Result<ReleaseAnswer> ParseReleaseAnswer(const std::string& body) {
  FB_ASSIGN_OR_RETURN(json::object o, ParseJsonObject(body, "the answer to the release"));
  JsonReader r = PoolReader(o, "answer");
  ReleaseAnswer answer;
  FB_ASSIGN_OR_RETURN(std::string status, r.Text("status"));
  if (status != "released") return r.Bad("status", "\"released\"");
  FB_ASSIGN_OR_RETURN(answer.decided_at, r.Text("since", true));
  answer.released = true;
  answer.reason = StorePhrase(Phrase{"pool_released", {}});
  return answer;
}

}  // namespace

std::string ClaimsBody(const std::vector<PoolRequest>& claims) {
  json::array list;
  for (const PoolRequest& c : claims) {
    list.push_back(json::object{{"request_id", c.request_id},
                                {"customer", c.customer_id},
                                {"requested_at_ms", c.requested_ms}});
  }
  return WriteJson(json::object{{"claims", std::move(list)}});
}

Result<std::unique_ptr<HttpPoolTransport>> HttpPoolTransport::Create(const std::string& server_url,
                                                                     const std::string& token,
                                                                     HttpClientOptions options) {
  options.response_body_limit = std::min(options.response_body_limit, kPoolResponseLimit);
  options.bearer_token = token;
  FB_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http, HttpClient::Create(server_url, options));
  return std::unique_ptr<HttpPoolTransport>(new HttpPoolTransport(std::move(http)));
}

Result<PoolListing> HttpPoolTransport::FetchPool() {
  FB_ASSIGN_OR_RETURN(HttpReply reply, http_->Get("/v1/pool"));
  if (reply.status != 200) return ReplyError(reply, "what_pool_listing");
  Result<PoolListing> listing = ParsePoolListing(reply.body);
  if (!listing.ok()) return AnswerUnreadable(listing.status(), "what_pool_listing");
  return listing;
}

Result<std::vector<ClaimAnswer>> HttpPoolTransport::SendClaims(
    const std::vector<PoolRequest>& claims) {
  if (claims.empty()) return std::vector<ClaimAnswer>();
  if (claims.size() > kClaimsPerRequest) {
    return Status::InvalidArgument("at most " + std::to_string(kClaimsPerRequest) +
                                   " claims per request");
  }
  Result<HttpReply> reply = http_->Post("/v1/pool/claims", ClaimsBody(claims), "application/json");
  if (!reply.ok() && reply.status().code() == StatusCode::kResourceExhausted) {
    // An answer over kPoolResponseLimit: the server has decided these claims already, so this is
    // no 413 (kResourceExhausted, on which PoolSync halves a batch or refuses one claim) but an
    // unreadable answer: kCorrupt with its phrase (err_net_answer_too_large), on which PoolSync
    // sends the claims again with their ids in halves and sets one claim aside.
    const Phrase* why = reply.status().phrase();
    return Status(StatusCode::kCorrupt, reply.status().message(), why ? *why : Phrase{});
  }
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) return ReplyError(*reply, "what_claims");
  Result<std::vector<ClaimAnswer>> answers = ParseClaimAnswers(reply->body);
  if (!answers.ok()) return AnswerUnreadable(answers.status(), "what_claims");
  return answers;
}

Result<ReleaseAnswer> HttpPoolTransport::SendRelease(const PoolRequest& release) {
  const std::string body =
      WriteJson(json::object{{"customer", release.customer_id}, {"reason", release.note}});
  FB_ASSIGN_OR_RETURN(HttpReply reply, http_->Post("/v1/pool/release", body, "application/json"));
  ReleaseAnswer answer;
  switch (reply.status) {
    case 200: {
      Result<ReleaseAnswer> released = ParseReleaseAnswer(reply.body);
      if (!released.ok()) return AnswerUnreadable(released.status(), "what_release");
      return released;
    }
    case 400:  // it cannot be accepted as sent: refused, so it does not block the queue
    case 413:  // too large as sent: resending it would be refused on every sync
    case 404:  // no such customer
    case 409:  // not yours, or already in the pool
    case 422:
      answer.reason = RefusalText(reply, "what_release");
      return answer;
    default:
      return ReplyError(reply, "what_release");
  }
}

Status PoolSync::SendRequests(SyncReport& report, bool* scope_changed, Status* local,
                              Status* notice) {
  auto record = [&](PoolRequest request, bool granted, const std::string& reason,
                    const std::string& at) -> Status {
    request.state = granted ? PoolRequest::State::kGranted : PoolRequest::State::kRefused;
    request.reason = reason;
    request.answered_at = at;
    Status s = store_.pool().RecordAnswer(request.request_id, request.state, reason, at);
    if (s.code() == StatusCode::kNotFound) return Status::Ok();  // answered meanwhile
    FB_RETURN_IF_ERROR(s);
    (granted ? report.pool_granted : report.pool_refused) += 1;
    if (granted) *scope_changed = true;
    answered_.push_back(std::move(request));
    return Status::Ok();
  };
  // Claims whose answer could not be read, of customers that have arrived since: granted.
  auto arrived = store_.pool().ArrivedUnansweredClaims();
  if (!arrived.ok()) {
    *local = arrived.status();
    return Status::Ok();
  }
  for (const PoolRequest& r : *arrived) {
    Status s = record(r, true, StoredText("err_pool_claim_arrived"), "");
    if (!s.ok()) {
      *local = s;
      return Status::Ok();
    }
  }
  auto pending = store_.pool().Requests(/*pending_only=*/true, PoolCache::kMaxPendingRequests);
  if (!pending.ok()) {
    *local = pending.status();
    return Status::Ok();
  }
  std::reverse(pending->begin(), pending->end());  // oldest first
  // Releases first: they free room under the holding cap for the claims.
  std::vector<PoolRequest> claims;
  for (PoolRequest& r : *pending) {
    if (r.kind == PoolRequest::Kind::kClaim) {
      claims.push_back(std::move(r));
      continue;
    }
    auto answer = transport_.SendRelease(r);
    if (!answer.ok()) return answer.status();
    Status s = record(r, answer->released, answer->reason, answer->decided_at);
    if (!s.ok()) {
      *local = s;
      return Status::Ok();
    }
  }
  // Batches of at most kClaimsPerRequest, oldest first.
  std::deque<std::vector<PoolRequest>> batches;
  for (size_t start = 0; start < claims.size(); start += kClaimsPerRequest) {
    const size_t end = std::min(claims.size(), start + kClaimsPerRequest);
    batches.emplace_back(claims.begin() + static_cast<ptrdiff_t>(start),
                         claims.begin() + static_cast<ptrdiff_t>(end));
  }
  while (!batches.empty()) {
    const std::vector<PoolRequest> batch = std::move(batches.front());
    batches.pop_front();
    auto answers = transport_.SendClaims(batch);
    const StatusCode failed = answers.ok() ? StatusCode::kOk : answers.status().code();
    // kResourceExhausted is the server's 413 only (the transport's contract): it decided nothing.
    // An answer too large to read: the server decided these claims and answers them again by
    // their request ids, each half with a smaller answer.
    const bool answer_too_large = !answers.ok() && IsAnswerTooLarge(answers.status());
    if ((failed == StatusCode::kResourceExhausted || answer_too_large) && batch.size() > 1) {
      // Too large as one request or one answer: the two halves go next, in order.
      const auto half = batch.begin() + static_cast<ptrdiff_t>(batch.size() / 2);
      batches.emplace_front(half, batch.end());
      batches.emplace_front(batch.begin(), half);
      continue;
    }
    if (answer_too_large) {
      // One claim whose own answer the device cannot read: the server decided it, perhaps granted
      // it, so it is not told refused. It keeps waiting with a note (told once, in the rep's
      // language) and goes again at the next sync, the claims after it going on now; if the server
      // granted it, the customer arrives with a sync and the claim is settled as granted then
      // (ArrivedUnansweredClaims above).
      const PoolRequest& r = batch.front();
      const Status unreadable =
          StoreError(StatusCode::kCorrupt, "err_pool_claim_answer_unreadable",
                     {{"name", r.customer_name.empty() ? r.customer_id : r.customer_name},
                      {"id", r.customer_id},
                      {"max", std::to_string(kPoolResponseLimit)}});
      Result<bool> noted =
          store_.pool().NoteUnreadableAnswer(r.request_id, StoredRefusal(unreadable));
      if (!noted.ok()) {
        *local = noted.status();
        return Status::Ok();
      }
      if (*noted && notice->ok()) *notice = unreadable;
      continue;
    }
    if (failed == StatusCode::kInvalidArgument || failed == StatusCode::kResourceExhausted) {
      // The server cannot read this batch (or this one claim is too large) and decided nothing:
      // resending it would fail forever and hold back every later claim, so each is refused
      // with the server's refusal.
      for (const PoolRequest& r : batch) {
        Status s = record(r, false, StoredRefusal(answers.status()), "");
        if (!s.ok()) {
          *local = s;
          return Status::Ok();
        }
      }
      continue;
    }
    if (!answers.ok()) return answers.status();
    for (const ClaimAnswer& a : *answers) {
      auto it = std::find_if(batch.begin(), batch.end(),
                             [&a](const PoolRequest& r) { return r.request_id == a.request_id; });
      if (it == batch.end()) continue;  // not one of ours: ignored
      Status s = record(*it, a.granted, a.reason, a.decided_at);
      if (!s.ok()) {
        *local = s;
        return Status::Ok();
      }
    }
  }
  return Status::Ok();
}

Status PoolSync::AfterRounds(SyncReport& report, const std::function<Status()>& rounds) {
  answered_.clear();
  bool scope_changed = false;
  Status local, notice;
  Status remote = SendRequests(report, &scope_changed, &local, &notice);
  FB_RETURN_IF_ERROR(local);
  // A claimed customer's rows arrive, and a released one leaves, in this same sync.
  if (scope_changed) FB_RETURN_IF_ERROR(rounds());
  if (remote.ok()) {
    auto listing = transport_.FetchPool();
    if (listing.ok()) {
      Status saved = store_.pool().Save(*listing);
      if (saved.ok()) {
        report.pool_refreshed = true;
      } else if (saved.code() == StatusCode::kConflict ||
                 saved.code() == StatusCode::kInvalidArgument) {
        remote = saved;  // the server's listing does not fit this device: keep the old one
      } else {
        return saved;
      }
    } else {
      remote = listing.status();
    }
  }
  if (remote.ok()) remote = notice;  // a claim whose answer could not be read, told once
  if (!remote.ok()) {
    report.pool_error = remote.message();
    if (const Phrase* p = remote.phrase()) report.pool_error_phrase = *p;
  }
  return Status::Ok();
}

}  // namespace fieldbook::client
