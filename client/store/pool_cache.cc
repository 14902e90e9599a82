// PoolCache (pool_cache.h): the device's copy of the server's pool listing, the rep's claim and
// release requests and the reclaim warnings computed on the device. The rules are in pool_cache.h;
// the tables in schema/sql/replica/0008_pool.sql.
#include "store/pool_cache.h"
#include "lang/store_errors.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "fieldbook/dates.h"
#include "fieldbook/grading.h"
#include "fieldbook/replica.h"
#include "fieldbook/row_id.h"
#include "fieldbook/sqlite_db.h"
#include "store/rows.h"
#include "store/settings.h"

namespace fieldbook::client {

const char* KindName(PoolRequest::Kind kind) {
  return kind == PoolRequest::Kind::kClaim ? "claim" : "release";
}

const char* StateName(PoolRequest::State state) {
  switch (state) {
    case PoolRequest::State::kPending:
      return "pending";
    case PoolRequest::State::kGranted:
      return "granted";
    case PoolRequest::State::kRefused:
      return "refused";
  }
  return "pending";
}

namespace {

constexpr int64_t kDayMs = 86400000;
constexpr size_t kMaxReleaseReasonBytes = 500;  // the server's limit (PoolStore::kMaxReasonBytes)
constexpr size_t kMinPrefix = 6;

using internal::DaysText;
using internal::ForEachRow;
using internal::NowIso;
using internal::RunWrite;
using internal::Stmt;
using internal::Trim;

constexpr const char* kRequestColumns =
    "SELECT request_id, kind, customer_id, customer_name, note, requested_at, status, reason, "
    "answered_at, requested_ms FROM fb_pool_requests ";

PoolRequest ReadRequest(const Statement& s) {
  PoolRequest r;
  r.request_id = s.Text(0);
  r.kind = s.Text(1) == "release" ? PoolRequest::Kind::kRelease : PoolRequest::Kind::kClaim;
  ReadTextColumns(s, 2, {&r.customer_id, &r.customer_name, &r.note, &r.requested_at});
  const std::string status = s.Text(6);
  r.state = status == "granted"   ? PoolRequest::State::kGranted
            : status == "refused" ? PoolRequest::State::kRefused
                                  : PoolRequest::State::kPending;
  r.reason = s.Text(7);
  r.answered_at = s.Text(8);
  r.requested_ms = s.Int(9);
  return r;
}

}  // namespace

int64_t PoolPolicy::ReclaimDays(const std::string& tier) const {
  for (const auto& [name, days] : reclaim_days) {
    if (name == tier) return days;
  }
  return default_reclaim_days;
}

Result<std::optional<PoolListing>> PoolCache::Cached() {
  Db& db = replica_.db();
  FB_ASSIGN_OR_RETURN(std::string rep, settings_.Get("rep_id"));
  PoolListing out;
  {
    FB_ASSIGN_OR_RETURN(
        Statement * raw,
        db.Prepare("SELECT rep_id, as_of, server_day, fetched_ms, rules_version, "
                   "default_reclaim_days, warn_days, upcoming_days, max_wait_days, daily_claims, "
                   "claims_today, holding_cap, holding, tier_a_cap, tier_a_holding, regions, "
                   "pool_truncated FROM fb_pool_policy WHERE id = 1"));
    Stmt s(raw);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row || s->Text(0) != rep) return std::optional<PoolListing>();
    ReadTextColumns(*s, 0, {&out.rep_id, &out.as_of, &out.server_day});
    out.fetched_ms = s->Int(3);
    PoolPolicy& p = out.policy;
    ReadIntColumns(
        *s, 4,
        {&p.rules_version, &p.default_reclaim_days, &p.warn_days, &p.upcoming_days,
         &p.max_wait_days, &p.daily_claims, &p.claims_today, &p.holding_cap, &p.holding});
    if (!s->IsNull(13)) p.tier_a_cap = s->Int(13);
    p.tier_a_holding = s->Int(14);
    const std::string regions = s->Text(15);
    size_t start = 0;
    while (start < regions.size()) {
      size_t comma = regions.find(',', start);
      if (comma == std::string::npos) comma = regions.size();
      if (comma > start) p.regions.push_back(regions.substr(start, comma - start));
      start = comma + 1;
    }
    out.truncated = s->Int(16) != 0;
  }
  {
    FB_RETURN_IF_ERROR(ForEachRow(
        db, "SELECT tier, days FROM fb_pool_reclaim_days ORDER BY tier", {},
        [&](Statement& s) { out.policy.reclaim_days.emplace_back(s.Text(0), s.Int(1)); }));
  }
  {
    FB_RETURN_IF_ERROR(
        ForEachRow(db,
                   "SELECT p.customer_id, p.name, p.city, p.region, p.tier, p.customer_type, "
                   "p.since, p.kind, p.reason, p.claimable, p.refusal, EXISTS (SELECT 1 FROM "
                   "fb_pool_requests r WHERE r.kind = 'claim' AND r.status = 'pending' AND "
                   "r.customer_id = p.customer_id) FROM fb_pool_customers p ORDER BY p.position",
                   {}, [&](Statement& s) {
                     PoolCustomer c;
                     ReadTextColumns(s, 0,
                                     {&c.id, &c.name, &c.city, &c.region, &c.tier, &c.customer_type,
                                      &c.since, &c.kind, &c.reason});
                     c.claimable = s.Int(9) != 0;
                     c.refusal = s.Text(10);
                     c.claim_pending = s.Int(11) != 0;
                     out.pool.push_back(std::move(c));
                   }));
  }
  {
    FB_RETURN_IF_ERROR(ForEachRow(db,
                                  "SELECT customer_id, name, tier, reclaim_days, counting_from, "
                                  "last_activity, deadline, waiting_for_sync, reason FROM "
                                  "fb_pool_clocks ORDER BY deadline, customer_id",
                                  {}, [&](Statement& s) {
                                    out.clocks.push_back(ServerReclaimClock{
                                        s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Text(4),
                                        s.Text(5), s.Text(6), s.Int(7) != 0, s.Text(8)});
                                  }));
  }
  return std::optional<PoolListing>(std::move(out));
}

Status PoolCache::Save(const PoolListing& listing) {
  FB_ASSIGN_OR_RETURN(std::string rep, settings_.Get("rep_id"));
  if (!rep.empty() && listing.rep_id != rep) {
    return StoreError(StatusCode::kConflict, "err_pool_listing_other_rep",
                      {{"rep", listing.rep_id}, {"own", rep}});
  }
  if (!ParseDay(listing.server_day)) {
    return Invalid("err_pool_listing_day", {{"value", listing.server_day}});
  }
  Db& db = replica_.db();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  for (const char* sql : {"DELETE FROM fb_pool_policy", "DELETE FROM fb_pool_reclaim_days",
                          "DELETE FROM fb_pool_customers", "DELETE FROM fb_pool_clocks"}) {
    FB_RETURN_IF_ERROR(RunWrite(db, sql));
  }
  const PoolPolicy& p = listing.policy;
  {
    std::string regions;
    for (const std::string& r : p.regions) regions += (regions.empty() ? "" : ",") + r;
    FB_RETURN_IF_ERROR(RunWrite(
        db,
        "INSERT INTO fb_pool_policy (id, rep_id, as_of, server_day, fetched_ms, rules_version, "
        "default_reclaim_days, warn_days, upcoming_days, max_wait_days, daily_claims, "
        "claims_today, holding_cap, holding, tier_a_cap, tier_a_holding, regions, pool_truncated) "
        "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {listing.rep_id, listing.as_of, listing.server_day, static_cast<int64_t>(wall_.NowMs()),
         p.rules_version, p.default_reclaim_days, p.warn_days, p.upcoming_days, p.max_wait_days,
         p.daily_claims, p.claims_today, p.holding_cap, p.holding,
         p.tier_a_cap ? Value(*p.tier_a_cap) : Value(), p.tier_a_holding, regions,
         int64_t{listing.truncated ? 1 : 0}}));
  }
  for (const auto& [tier, days] : p.reclaim_days) {
    FB_RETURN_IF_ERROR(RunWrite(db,
                                "INSERT INTO fb_pool_reclaim_days (tier, days) VALUES (?, ?) "
                                "ON CONFLICT (tier) DO UPDATE SET days = excluded.days",
                                {tier, days}));
  }
  int64_t position = 0;
  for (const PoolCustomer& c : listing.pool) {
    // A customer listed twice keeps its first place.
    FB_RETURN_IF_ERROR(RunWrite(
        db,
        "INSERT INTO fb_pool_customers (position, customer_id, name, city, region, tier, "
        "customer_type, since, kind, reason, claimable, refusal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?) ON CONFLICT (customer_id) DO NOTHING",
        {++position, c.id, c.name, c.city, c.region, c.tier, c.customer_type, c.since, c.kind,
         c.reason, int64_t{c.claimable ? 1 : 0}, c.refusal}));
  }
  for (const ServerReclaimClock& c : listing.clocks) {
    FB_RETURN_IF_ERROR(RunWrite(
        db,
        "INSERT INTO fb_pool_clocks (customer_id, name, tier, reclaim_days, counting_from, "
        "last_activity, deadline, waiting_for_sync, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON "
        "CONFLICT (customer_id) DO NOTHING",
        {c.customer_id, c.name, c.tier, c.reclaim_days, c.counting_from, c.last_activity,
         c.deadline, int64_t{c.waiting_for_sync ? 1 : 0}, c.reason}));
  }
  return txn->Commit();
}

namespace {

// How many requests wait, and whether one of `kind` waits for `customer`.
struct Waiting {
  int64_t total = 0;
  bool same = false;
};

Result<Waiting> CountWaiting(Db& db, const char* kind, const std::string& customer) {
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      db.Prepare("SELECT count(*), coalesce(sum(kind = ?1 AND customer_id = ?2), "
                                 "0) FROM fb_pool_requests WHERE status = 'pending'"));
  Stmt s(raw);
  s->Bind(1, kind).Bind(2, customer);
  FB_ASSIGN_OR_RETURN(bool row, s->Step());
  Waiting w;
  if (row) {
    w.total = s->Int(0);
    w.same = s->Int(1) > 0;
  }
  return w;
}

Status InsertRequest(Db& db, const PoolRequest& r) {
  return RunWrite(db,
                  "INSERT INTO fb_pool_requests (request_id, kind, customer_id, customer_name, "
                  "note, requested_at, requested_ms, status) VALUES (?, ?, ?, ?, ?, ?, ?, "
                  "'pending')",
                  {r.request_id, std::string(KindName(r.kind)), r.customer_id, r.customer_name,
                   r.note, r.requested_at, r.requested_ms});
}

// Queues `r` (its kind, customer and note filled in) as a pending request, in the caller's
// transaction, with a new id and the time now: kConflict when the same request already waits,
// kResourceExhausted when the queue is full.
Status QueueRequest(Db& db, RowIdGenerator& ids, WallClock& wall, PoolRequest& r) {
  FB_ASSIGN_OR_RETURN(Waiting waiting, CountWaiting(db, KindName(r.kind), r.customer_id));
  if (waiting.same) {
    return StoreError(
        StatusCode::kConflict,
        r.kind == PoolRequest::Kind::kClaim ? "err_pool_claim_waits" : "err_pool_release_waits",
        {{"name", r.customer_name}, {"id", r.customer_id}});
  }
  if (waiting.total >= static_cast<int64_t>(PoolCache::kMaxPendingRequests)) {
    return StoreError(StatusCode::kResourceExhausted, "err_pool_too_many_waiting",
                      {{"n", std::to_string(waiting.total)}});
  }
  r.request_id = ids.Next();
  r.requested_ms = static_cast<int64_t>(wall.NowMs());
  r.requested_at = FormatIsoUtc(r.requested_ms);
  return InsertRequest(db, r);
}

}  // namespace

Result<PoolRequest> PoolCache::RequestClaim(const std::string& raw_ref) {
  FB_RETURN_IF_ERROR(settings_.RequireRep().status());
  const std::string ref = Trim(raw_ref);
  if (ref.empty()) return Invalid("err_pool_give_customer");
  FB_ASSIGN_OR_RETURN(std::optional<PoolListing> listing, Cached());
  if (!listing) {
    return StoreError(StatusCode::kNotFound, "err_pool_no_copy");
  }
  // Its id, a unique id prefix of at least 6 characters, or its exact name when unique.
  std::vector<const PoolCustomer*> by_prefix, by_name;
  const PoolCustomer* found = nullptr;
  for (const PoolCustomer& c : listing->pool) {
    if (c.id == ref) found = &c;
    if (ref.size() >= kMinPrefix && c.id.compare(0, ref.size(), ref) == 0) by_prefix.push_back(&c);
    if (c.name == ref) by_name.push_back(&c);
  }
  if (found == nullptr && by_prefix.size() == 1) found = by_prefix.front();
  if (found == nullptr && by_prefix.empty() && by_name.size() == 1) found = by_name.front();
  if (found == nullptr && (by_prefix.size() > 1 || by_name.size() > 1)) {
    return Invalid("err_pool_ambiguous", {{"ref", ref}});
  }
  if (found == nullptr) {
    return StoreError(StatusCode::kNotFound, "err_pool_not_listed",
                      {{"ref", ref}, {"as_of", listing->as_of}});
  }
  Db& db = replica_.db();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  PoolRequest r;
  r.kind = PoolRequest::Kind::kClaim;
  r.customer_id = found->id;
  r.customer_name = found->name;
  FB_RETURN_IF_ERROR(QueueRequest(db, replica_.ids(), wall_, r));
  FB_RETURN_IF_ERROR(txn->Commit());
  return r;
}

Result<PoolRequest> PoolCache::RequestRelease(const std::string& customer,
                                              const std::string& raw_reason) {
  FB_RETURN_IF_ERROR(settings_.RequireRep().status());
  const std::string reason = Trim(raw_reason);
  if (reason.empty()) {
    return Invalid("err_pool_release_reason");
  }
  if (reason.size() > kMaxReleaseReasonBytes) {
    return Invalid("err_reason_too_long", {{"max", std::to_string(kMaxReleaseReasonBytes)}});
  }
  FB_ASSIGN_OR_RETURN(std::string id, internal::ResolveCustomerId(replica_.db(), customer));
  Db& db = replica_.db();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  std::string name;
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT coalesce(name, name_latin, '') FROM customers WHERE "
                                   "id = ?"));
    Stmt s(raw);
    s->Bind(1, id);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) name = s->Text(0);
  }
  PoolRequest r;
  r.kind = PoolRequest::Kind::kRelease;
  r.customer_id = id;
  r.customer_name = name;
  r.note = reason;
  FB_RETURN_IF_ERROR(QueueRequest(db, replica_.ids(), wall_, r));
  FB_RETURN_IF_ERROR(txn->Commit());
  return r;
}

Result<std::vector<PoolRequest>> PoolCache::Requests(bool pending_only, size_t limit) {
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      replica_.db().Prepare(std::string(kRequestColumns) +
                                            "WHERE ?1 = 0 OR status = 'pending' ORDER BY "
                                            "requested_ms DESC, request_id DESC LIMIT ?2"));
  Stmt s(raw);
  s->Bind(1, int64_t{pending_only ? 1 : 0}).Bind(2, static_cast<int64_t>(limit));
  return ReadRows(*s, ReadRequest);
}

Result<PoolRequestCounts> PoolCache::RequestSummary() {
  PoolRequestCounts out;
  Db& db = replica_.db();
  {
    FB_ASSIGN_OR_RETURN(
        Statement * raw,
        db.Prepare("SELECT count(*) FROM fb_pool_requests WHERE status = 'pending'"));
    Stmt s(raw);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) out.pending = s->Int(0);
  }
  const std::string since = FormatIsoUtc(static_cast<int64_t>(wall_.NowMs()) - 7 * kDayMs);
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      db.Prepare(std::string(kRequestColumns) +
                                 "WHERE status = 'refused' AND answered_at >= ? ORDER BY "
                                 "answered_at DESC, request_id DESC LIMIT 10"));
  Stmt s(raw);
  s->Bind(1, since);
  FB_ASSIGN_OR_RETURN(out.recent_refusals, ReadRows(*s, ReadRequest));
  return out;
}

Status PoolCache::RecordAnswer(const std::string& request_id, PoolRequest::State state,
                               const std::string& reason, const std::string& answered_at) {
  if (state == PoolRequest::State::kPending) {
    return Status::InvalidArgument("an answer grants or refuses a request");
  }
  Db& db = replica_.db();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  std::string kind, customer;
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT kind, customer_id FROM fb_pool_requests WHERE "
                                   "request_id = ? AND status = 'pending'"));
    Stmt s(raw);
    s->Bind(1, request_id);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("no pool request " + request_id + " waits for an answer");
    kind = s->Text(0);
    customer = s->Text(1);
  }
  {
    FB_RETURN_IF_ERROR(RunWrite(
        db,
        "UPDATE fb_pool_requests SET status = ?, reason = ?, answered_at = ? WHERE request_id = ?",
        {std::string(StateName(state)), reason, answered_at.empty() ? NowIso(wall_) : answered_at,
         request_id}));
  }
  if (kind == "claim" && state == PoolRequest::State::kGranted) {
    // No longer in the pool, even before the next listing arrives.
    FB_RETURN_IF_ERROR(
        RunWrite(db, "DELETE FROM fb_pool_customers WHERE customer_id = ?", {customer}));
  }
  {
    // Keep the newest answered requests only.
    FB_RETURN_IF_ERROR(RunWrite(
        db,
        "DELETE FROM fb_pool_requests WHERE status <> 'pending' AND request_id NOT IN (SELECT "
        "request_id FROM fb_pool_requests WHERE status <> 'pending' ORDER BY answered_at DESC, "
        "requested_ms DESC LIMIT ?)",
        {static_cast<int64_t>(kKeptAnsweredRequests)}));
  }
  return txn->Commit();
}

Result<bool> PoolCache::NoteUnreadableAnswer(const std::string& request_id,
                                             const std::string& note) {
  Db& db = replica_.db();
  FB_RETURN_IF_ERROR(RunWrite(db,
                              "UPDATE fb_pool_requests SET reason = ? WHERE request_id = ? AND "
                              "kind = 'claim' AND status = 'pending' AND reason = ''",
                              {note, request_id}));
  return db.LastChanges() > 0;
}

Result<std::vector<PoolRequest>> PoolCache::ArrivedUnansweredClaims() {
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      replica_.db().Prepare(std::string(kRequestColumns) +
                            "WHERE kind = 'claim' AND status = 'pending' AND reason <> '' AND "
                            "customer_id IN (SELECT id FROM customers WHERE deleted = 0) ORDER BY "
                            "requested_ms, request_id"));
  Stmt s(raw);
  return ReadRows(*s, ReadRequest);
}

Result<std::vector<ReclaimWarning>> PoolCache::ReclaimWarnings(const std::string& today) {
  const std::optional<int32_t> day = ParseDay(today);
  if (!day || !IsValidDate(today)) {
    return Invalid("err_date_format", {{"value", today}});
  }
  FB_ASSIGN_OR_RETURN(std::optional<PoolListing> listing, Cached());
  std::vector<ReclaimWarning> out;
  if (!listing) return out;  // the policy is not known yet
  const PoolPolicy& policy = listing->policy;
  std::map<std::string, const ServerReclaimClock*> clocks;
  for (const ServerReclaimClock& c : listing->clocks) clocks.emplace(c.customer_id, &c);
  // The server listed every clock due within this horizon; the others were due later.
  const std::optional<int32_t> listed_day = ParseDay(listing->server_day);
  const std::optional<int32_t> floor =
      listed_day
          ? std::optional<int32_t>(
                *listed_day + static_cast<int32_t>(policy.warn_days + policy.upcoming_days + 1))
          : std::nullopt;

  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      replica_.db().Prepare(
          "SELECT c.id, coalesce(c.name, c.name_latin, ''), coalesce(c.grade_tier, ''), "
          "c.created_at, (SELECT max(substr(v.check_in, 1, 10)) FROM visits v WHERE v.customer_id "
          "= c.id AND v.check_in GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' AND "
          "substr(v.check_in, 1, 10) <= ?1), (SELECT max(substr(o.order_date, 1, 10)) FROM orders "
          "o WHERE o.customer_id = c.id AND o.order_date GLOB "
          "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' AND substr(o.order_date, 1, 10) <= ?1), "
          "(SELECT max(r.answered_at) FROM fb_pool_requests r WHERE r.customer_id = c.id AND "
          "r.kind = 'claim' AND r.status = 'granted') FROM customers c WHERE c.deleted = 0"));
  Stmt s(raw);
  s->Bind(1, FormatDay(*day + 1));  // activity dated after tomorrow does not count
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    const std::string id = s->Text(0);
    auto listed = clocks.find(id);
    const ServerReclaimClock* clock = listed == clocks.end() ? nullptr : listed->second;
    const std::string tier = s->Text(2);
    const int64_t reclaim_days = clock != nullptr ? clock->reclaim_days : policy.ReclaimDays(tier);
    if (reclaim_days <= 0) continue;  // never reclaimed

    int32_t last_activity = -1;
    for (int col : {4, 5}) {
      if (auto d = ParseDay(s->Text(col))) last_activity = std::max(last_activity, *d);
    }
    if (clock != nullptr) {
      if (auto d = ParseDay(clock->last_activity)) last_activity = std::max(last_activity, *d);
    }
    int32_t counting_from = last_activity;
    for (const std::string& text : {s->Text(3), s->Text(6)}) {
      if (auto d = ParseDay(text)) counting_from = std::max(counting_from, *d);
    }
    if (clock != nullptr) {
      if (auto d = ParseDay(clock->counting_from)) counting_from = std::max(counting_from, *d);
    }
    if (counting_from < 0) continue;  // nothing to count from (as the server)
    int32_t deadline = counting_from + static_cast<int32_t>(reclaim_days);
    if (clock == nullptr && floor) deadline = std::max(deadline, *floor);
    if (deadline - *day > policy.warn_days) continue;

    ReclaimWarning w;
    w.customer_id = id;
    w.name = s->Text(1);
    w.tier = clock != nullptr && !clock->tier.empty() ? clock->tier : tier;
    w.reclaim_days = reclaim_days;
    w.last_activity = last_activity >= 0 ? FormatDay(last_activity) : std::string();
    w.deadline = FormatDay(deadline);
    w.days_until = deadline + 1 - *day;
    const std::string activity = w.last_activity.empty() ? "no visit or order on record"
                                                         : "last activity " + w.last_activity;
    const std::string who = w.name.empty() ? w.customer_id : w.name;
    if (w.days_until > 1) {
      w.message = who + ": will return to the public pool in " + DaysText(w.days_until) +
                  " unless visited or ordered (" + activity + ")";
    } else if (w.days_until == 1) {
      w.message = who + ": will return to the public pool tomorrow unless visited or ordered (" +
                  activity + ")";
    } else {
      w.message = who + ": due to return to the public pool since " + FormatDay(deadline + 1) +
                  "; a visit or an order synced before the server's next reclaim keeps it (" +
                  activity + ")";
    }
    out.push_back(std::move(w));
  }
  std::sort(out.begin(), out.end(), [](const ReclaimWarning& a, const ReclaimWarning& b) {
    return std::tie(a.days_until, a.name, a.customer_id) <
           std::tie(b.days_until, b.name, b.customer_id);
  });
  return out;
}

}  // namespace fieldbook::client
