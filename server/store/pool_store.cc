#include "store/pool_store.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "fieldbook/columns.h"
#include "fieldbook/dates.h"
#include "fieldbook/grading.h"
#include "fieldbook/phrase_json.h"
#include "fieldbook/phrase_nest.h"
#include "fieldbook/refusal_status.h"
#include "fieldbook/utf8.h"
#include "store/assignment_store.h"
#include "store/audit_store.h"
#include "store/not_found.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

constexpr const char* kEntryColumns =
    "SELECT p.customer_id, c.name, c.city, t.region, c.grade_tier, c.customer_type, p.since_ms, "
    "p.kind, p.reason, p.from_rep FROM srv_pool p JOIN customers c ON c.id = p.customer_id AND "
    "c.deleted = 0 LEFT JOIN territories t ON t.id = c.territory_id AND t.deleted = 0 ";

PoolEntry ReadEntry(SqlStatement& s) {
  return PoolEntry{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4),
                   s.Text(5), s.Int(6),  s.Text(7), s.Text(8), s.Text(9)};
}

// "no visit or order in the 45 days after 2026-09-01 (tier B); last one 2026-09-01".
std::string Neglect(const ReclaimClock& c) {
  std::string out = "no visit or order in the " + std::to_string(c.reclaim_days) + " days after " +
                    FormatDay(c.counting_from) + " (" +
                    (c.tier.empty() ? std::string("not graded") : "tier " + c.tier) + ")";
  out += c.last_activity_day >= 0 ? "; last one " + FormatDay(c.last_activity_day)
                                  : "; no visit or order on record";
  return out;
}

// The same as a value: a code of the common texts (pool_reclaim_idle...) and its values.
Phrase NeglectPhrase(const ReclaimClock& c) {
  const bool graded = !c.tier.empty(), active = c.last_activity_day >= 0;
  TextValues values{{"days", std::to_string(c.reclaim_days)}, {"from", FormatDay(c.counting_from)}};
  if (graded) values.emplace_back("tier", c.tier);
  if (active) values.emplace_back("last", FormatDay(c.last_activity_day));
  const char* code =
      graded ? (active ? "pool_reclaim_idle" : "pool_reclaim_idle_never")
             : (active ? "pool_reclaim_idle_ungraded" : "pool_reclaim_idle_ungraded_never");
  return Phrase{code, std::move(values)};
}

std::string LastSyncText(int64_t ms) {
  return ms < 0 ? "never synced" : "last sync " + MinuteText(ms);
}

// What a rep holds and has claimed, for the caps.
struct ClaimState {
  int claims_today = 0;
  int64_t holding = 0;
  int64_t tier_a = 0;
};

int64_t HoldingCap(const AssignmentRules& rules, const RepProfile& rep) {
  int64_t cap = rules.pool.holding_cap;
  if (rules.enforce_capacity && rep.capacity && *rep.capacity < cap) cap = *rep.capacity;
  return cap;
}

// Why the server refuses `rep` a claim of `customer` now, as a value; an empty code: it would not.
Phrase Refusal(const RepProfile& rep, const CustomerFacts& customer, const AssignmentRules& rules,
               const ClaimState& state) {
  const Fit fit = CheckFit(rules, rep, customer, /*to_the_rep=*/true);
  if (!fit.ok()) return fit.why;
  auto of = [](int64_t n, int64_t cap) {
    return TextValues{{"n", std::to_string(n)}, {"cap", std::to_string(cap)}};
  };
  if (state.claims_today >= rules.pool.daily_claims) {
    return Phrase{"pool_daily_cap", of(state.claims_today, rules.pool.daily_claims)};
  }
  const int64_t cap = HoldingCap(rules, rep);
  if (state.holding >= cap) return Phrase{"pool_holding_cap", of(state.holding, cap)};
  if (rules.enforce_capacity && rules.IsTierA(customer.tier) && rep.capacity_a &&
      state.tier_a >= *rep.capacity_a) {
    return Phrase{"pool_tier_a_cap", of(state.tier_a, *rep.capacity_a)};
  }
  return Phrase{};
}

}  // namespace

std::string MinuteText(int64_t ms) { return FormatUtcMinute(ms) + " UTC"; }
std::string IsoTime(int64_t ms) { return FormatIsoUtc(ms); }

Result<std::vector<ReclaimClock>> PoolStore::Clocks(const std::string& rep, int32_t today) {
  AssignmentStore assignment(store_, wall_);
  FB_ASSIGN_OR_RETURN(AssignmentRules rules, assignment.CurrentRules());
  SqlDb& db = store_.sql();

  struct Known {
    ReclaimClock clock;
    int32_t created = -1, added = -1;
  };
  std::vector<Known> held;
  std::unordered_map<std::string, size_t> index;
  // One rep's customers through the scope's primary key (GET /v1/pool), or everyone's (nightly).
  const std::string held_by = rep.empty() ? "?1 = ''" : "s.rep_id = ?1";
  FB_ASSIGN_OR_RETURN(
      SqlStatement * load,
      db.Prepare("SELECT s.customer_id, s.rep_id, c.name, c.grade_tier, c.created_at, (SELECT "
                 "max(e.hlc) FROM srv_scope_events e WHERE e.customer_id = s.customer_id AND "
                 "e.rep_id = s.rep_id AND e.kind = 'added') FROM srv_scope s JOIN customers c ON "
                 "c.id = s.customer_id WHERE c.deleted = 0 AND " +
                 held_by + " ORDER BY s.customer_id"));
  load->Bind(1, rep);
  FB_RETURN_IF_ERROR(VisitRows(*load, [&](SqlStatement& s) {
    Known k;
    ReadTextColumns(s, 0, {&k.clock.customer_id, &k.clock.rep_id, &k.clock.name, &k.clock.tier});
    k.created = ParseDay(s.Text(4)).value_or(-1);
    if (!s.IsNull(5)) {
      k.added = DayOfMs(static_cast<int64_t>(Hlc(static_cast<uint64_t>(s.Int(5))).physical_ms()));
    }
    index.emplace(k.clock.customer_id, held.size());
    held.push_back(std::move(k));
  }));

  // The latest visit and order of each held customer, by their own dates; a date after tomorrow
  // (a device with a wrong calendar) does not count.
  const std::string latest_day = FormatDay(today + 1);
  for (const char* table : {"visits", "orders"}) {
    const std::string day = std::string(table) == "visits" ? "a.check_in" : "a.order_date";
    FB_ASSIGN_OR_RETURN(
        SqlStatement * latest,
        db.Prepare("SELECT a.customer_id, max(substr(" + day + ", 1, 10)) FROM srv_scope s JOIN " +
                   table + " a ON a.customer_id = s.customer_id WHERE " + held_by + " AND " + day +
                   std::string(SqlFor(db, " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'",
                                      " ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'")) +
                   " AND substr(" + day + ", 1, 10) <= ?2 GROUP BY a.customer_id"));
    latest->Bind(1, rep).Bind(2, latest_day);
    FB_RETURN_IF_ERROR(VisitRows(*latest, [&](SqlStatement& s) {
      auto it = index.find(s.Text(0));
      const std::optional<int32_t> day = ParseDay(s.Text(1));
      if (it == index.end() || !day) return;
      int32_t& last = held[it->second].clock.last_activity_day;
      last = std::max(last, *day);
    }));
  }

  std::unordered_map<std::string, int64_t> synced;
  FB_ASSIGN_OR_RETURN(SqlStatement * sync,
                      db.Prepare("SELECT rep_id, last_sync_ms FROM srv_rep_sync"));
  FB_RETURN_IF_ERROR(VisitRows(*sync, [&](SqlStatement& s) { synced[s.Text(0)] = s.Int(1); }));

  std::vector<ReclaimClock> out;
  for (Known& k : held) {
    ReclaimClock& c = k.clock;
    c.reclaim_days = rules.pool.ReclaimDays(c.tier);
    c.counting_from = std::max({c.last_activity_day, k.created, k.added});
    if (c.reclaim_days == 0 || c.counting_from < 0) continue;  // never, or nothing to count from
    c.deadline_day = c.counting_from + c.reclaim_days;
    auto s = synced.find(c.rep_id);
    c.rep_last_sync_ms = s == synced.end() ? -1 : s->second;
    c.waiting_for_sync = today > c.deadline_day && c.rep_last_sync_ms < MsOfDay(c.deadline_day + 1);
    out.push_back(std::move(c));
  }
  return out;
}

Result<ReclaimReport> PoolStore::Reclaim(int32_t today, bool apply, const std::string& actor) {
  SqlDb& db = store_.sql();
  // Applying decides inside the transaction that acts, so nothing changes in between.
  std::unique_ptr<SqlTransaction> txn;
  if (apply) {
    FB_ASSIGN_OR_RETURN(txn, db.Begin());
  }
  AssignmentStore assignment(store_, wall_);
  FB_ASSIGN_OR_RETURN(AssignmentRules rules, assignment.CurrentRules());
  FB_ASSIGN_OR_RETURN(std::vector<ReclaimClock> clocks, Clocks("", today));
  ReclaimReport report;
  report.today = today;
  report.rules_version = rules.version;
  report.checked = clocks.size();
  for (ReclaimClock& c : clocks) {
    if (today <= c.deadline_day) continue;
    const std::string neglect = Neglect(c);
    const int32_t last_wait_day = c.deadline_day + rules.pool.max_wait_days;
    if (!c.waiting_for_sync) {
      c.reason = neglect;
      c.why = NeglectPhrase(c);
      report.reclaimed.push_back(std::move(c));
    } else if (today > last_wait_day) {
      c.reason = neglect + "; " + c.rep_id + "'s devices have not synced since the deadline (" +
                 LastSyncText(c.rep_last_sync_ms) + "), waited the maximum " +
                 std::to_string(rules.pool.max_wait_days) + " days";
      c.why = Phrase{"pool_reclaim_waited",
                     {{"days", std::to_string(c.reclaim_days)},
                      {"from", FormatDay(c.counting_from)},
                      {"rep", c.rep_id},
                      {"max", std::to_string(rules.pool.max_wait_days)}}};
      report.reclaimed.push_back(std::move(c));
    } else {
      c.reason = "due since " + FormatDay(c.deadline_day + 1) + " (" + neglect + "); waiting for " +
                 c.rep_id + "'s devices to sync (" + LastSyncText(c.rep_last_sync_ms) +
                 "), at the latest until " + FormatDay(last_wait_day);
      c.why = Phrase{"pool_reclaim_waiting",
                     {{"due", FormatDay(c.deadline_day + 1)},
                      {"rep", c.rep_id},
                      {"until", FormatDay(last_wait_day)}}};
      report.waiting.push_back(std::move(c));
    }
  }
  if (!apply) return report;

  const int64_t now = static_cast<int64_t>(wall_.NowMs());
  for (const ReclaimClock& c : report.reclaimed) {
    FB_ASSIGN_OR_RETURN(SqlStatement * pool,
                        db.Prepare("INSERT INTO srv_pool (customer_id, since_ms, kind, reason, "
                                   "from_rep) VALUES (?, ?, 'reclaim', ?, ?)"));
    // The reason as a phrase with its English (phrase_json.h): a reader sees it in their language.
    pool->Bind(1, c.customer_id)
        .Bind(2, now)
        .Bind(3, StorePhrase(c.why, c.reason))
        .Bind(4, c.rep_id);
    FB_RETURN_IF_ERROR(pool->Run());
    // The pool's audit, the audit log and the scope history keep it the same way (issue #19).
    FB_RETURN_IF_ERROR(
        Record(c.customer_id, "reclaim", c.rep_id, actor, StorePhrase(c.why, c.reason)));
    FB_RETURN_IF_ERROR(store_.SetCustomerOwner(
        c.customer_id, "", StorePhrase(c.why, "reclaimed to the pool: " + c.reason)));
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return report;
}

Result<ReclaimReport> PoolStore::ReclaimDue(int32_t today, const std::string& actor) {
  return Reclaim(today, true, actor);
}
Result<ReclaimReport> PoolStore::PlanReclaim(int32_t today) { return Reclaim(today, false, ""); }

Result<std::vector<PoolEntry>> PoolStore::List(const std::vector<std::string>& regions,
                                               size_t limit) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      store_.sql().Prepare(std::string(kEntryColumns) + "ORDER BY p.since_ms, p.customer_id"));
  std::vector<PoolEntry> out;
  while (out.size() < limit) {
    FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    PoolEntry e = ReadEntry(*stmt);
    if (regions.empty() || e.region.empty() ||
        std::find(regions.begin(), regions.end(), e.region) != regions.end()) {
      out.push_back(std::move(e));
    }
  }
  stmt->Reset();
  return out;
}

Result<std::optional<PoolEntry>> PoolStore::EntryOf(const std::string& customer) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      store_.sql().Prepare(std::string(kEntryColumns) + "WHERE p.customer_id = ?"));
  stmt->Bind(1, customer);
  return ReadOneRow(*stmt, ReadEntry);
}

Result<bool> PoolStore::InPool(const std::string& customer) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      store_.sql().Prepare("SELECT 1 FROM srv_pool WHERE customer_id = ?"));
  stmt->Bind(1, customer);
  FB_ASSIGN_OR_RETURN(std::optional<bool> found,
                      ReadOneRow(*stmt, [](SqlStatement&) { return true; }));
  return found.has_value();
}

Result<CustomerFacts> PoolStore::Facts(const std::string& customer, bool* exists) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      store_.sql().Prepare("SELECT c.name, c.grade_tier, c.purchase_stage, t.region FROM "
                           "customers c LEFT JOIN territories t ON t.id = c.territory_id AND "
                           "t.deleted = 0 WHERE c.id = ? AND c.deleted = 0"));
  stmt->Bind(1, customer);
  CustomerFacts f;
  f.id = customer;
  FB_ASSIGN_OR_RETURN(std::optional<bool> found, ReadOneRow(*stmt, [&](SqlStatement& s) {
                        ReadTextColumns(s, 0, {&f.name, &f.tier, &f.purchase_stage, &f.region});
                        return true;
                      }));
  *exists = found.has_value();
  return f;
}

Result<std::string> PoolStore::Holder(const std::string& customer) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      store_.sql().Prepare("SELECT rep_id FROM srv_scope WHERE customer_id = ?"));
  stmt->Bind(1, customer);
  FB_ASSIGN_OR_RETURN(std::optional<std::string> rep,
                      ReadOneRow(*stmt, [](SqlStatement& s) { return s.Text(0); }));
  return rep.value_or("");
}

Status PoolStore::Record(const std::string& customer, const std::string& action,
                         const std::string& rep, const std::string& actor,
                         const std::string& reason) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      store_.sql().Prepare("INSERT INTO srv_pool_audit (at_ms, customer_id, "
                                           "action, rep_id, actor, reason) VALUES (?, ?, ?, "
                                           "?, ?, ?)"));
  stmt->Bind(1, static_cast<int64_t>(wall_.NowMs())).Bind(2, customer).Bind(3, action);
  if (rep.empty()) {
    stmt->BindNull(4);
  } else {
    stmt->Bind(4, rep);
  }
  stmt->Bind(5, actor).Bind(6, reason);
  FB_RETURN_IF_ERROR(stmt->Run());
  if (action == "claim_refused") return Status::Ok();  // changes nothing: not in the audit log
  // The audit log (audit_store.h): who held the customer before and after.
  const bool leaves = action == "reclaim" || action == "release";
  const boost::json::value rep_or_null =
      rep.empty() ? boost::json::value(nullptr) : boost::json::value(rep);
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "pool." + action;
  audit.customer_id = customer;
  audit.before = leaves ? boost::json::object{{"holder", rep_or_null}, {"in_pool", false}}
                        : boost::json::object{{"holder", nullptr}, {"in_pool", true}};
  audit.after = leaves ? boost::json::object{{"holder", nullptr}, {"in_pool", true}}
                       : boost::json::object{{"holder", rep_or_null}, {"in_pool", false}};
  audit.reason = reason;
  return store_.Audit(std::move(audit));
}

Result<int> PoolStore::ClaimsOn(const std::string& rep, int32_t day) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      store_.sql().Prepare("SELECT count(*) FROM srv_pool_claims WHERE "
                                           "rep_id = ? AND status = 'granted' AND "
                                           "decided_ms >= ? AND decided_ms < ?"));
  stmt->Bind(1, rep).Bind(2, MsOfDay(day)).Bind(3, MsOfDay(day + 1));
  FB_ASSIGN_OR_RETURN(const int64_t n, ReadInt(*stmt));
  return static_cast<int>(n);
}

Result<RepPoolView> PoolStore::ViewFor(const std::string& rep, int32_t today, size_t limit) {
  AssignmentStore assignment(store_, wall_);
  FB_ASSIGN_OR_RETURN(AssignmentRules rules, assignment.CurrentRules());
  FB_ASSIGN_OR_RETURN(RepProfile profile, assignment.ProfileOf(rep));
  FB_ASSIGN_OR_RETURN(std::vector<std::string> tiers, assignment.TierOrder());
  RepPoolView view;
  view.today = today;
  view.as_of_ms = static_cast<int64_t>(wall_.NowMs());
  view.rules_version = rules.version;
  view.policy = rules.pool;
  view.regions = profile.regions;
  FB_ASSIGN_OR_RETURN(view.claims_today, ClaimsOn(rep, today));
  FB_ASSIGN_OR_RETURN(AssignmentStore::Holding held, assignment.HoldingOf(rep, rules));
  view.holding = held.customers;
  view.tier_a_holding = held.tier_a;
  view.holding_cap = HoldingCap(rules, profile);
  if (rules.enforce_capacity) view.tier_a_cap = profile.capacity_a;

  FB_ASSIGN_OR_RETURN(std::vector<PoolEntry> entries, List(profile.regions, SIZE_MAX));
  auto rank = [&](const std::string& tier) {
    return std::find(tiers.begin(), tiers.end(), tier) - tiers.begin();
  };
  std::stable_sort(entries.begin(), entries.end(), [&](const PoolEntry& a, const PoolEntry& b) {
    return rank(a.tier) < rank(b.tier);  // List gives the longest in the pool first
  });
  view.pool_truncated = entries.size() > limit;
  if (view.pool_truncated) entries.resize(limit);
  const ClaimState state{view.claims_today, view.holding, view.tier_a_holding};
  for (PoolEntry& e : entries) {
    bool exists = false;
    FB_ASSIGN_OR_RETURN(CustomerFacts facts, Facts(e.customer_id, &exists));
    RepPoolView::Item item;
    item.refusal_why = Refusal(profile, facts, rules, state);
    item.refusal = item.refusal_why.code.empty() ? "" : Say(Lang::kEnglish, item.refusal_why);
    item.claimable = item.refusal.empty();
    item.entry = std::move(e);
    view.pool.push_back(std::move(item));
  }

  FB_ASSIGN_OR_RETURN(std::vector<ReclaimClock> clocks, Clocks(rep, today));
  const int32_t warn_until = today + rules.pool.warn_days;
  for (ReclaimClock& c : clocks) {
    if (c.deadline_day <= warn_until) {
      view.warnings.push_back(std::move(c));
    } else if (c.deadline_day <= warn_until + kUpcomingDays) {
      view.upcoming.push_back(std::move(c));
    }
  }
  auto by_deadline = [](const ReclaimClock& a, const ReclaimClock& b) {
    return std::tie(a.deadline_day, a.customer_id) < std::tie(b.deadline_day, b.customer_id);
  };
  std::sort(view.warnings.begin(), view.warnings.end(), by_deadline);
  std::sort(view.upcoming.begin(), view.upcoming.end(), by_deadline);
  return view;
}

Result<std::vector<ClaimAnswer>> PoolStore::Claim(const std::string& rep,
                                                  const std::vector<ClaimRequest>& claims) {
  if (claims.size() > kMaxClaimsPerRequest) {
    return Status(StatusCode::kResourceExhausted,
                  "at most " + std::to_string(kMaxClaimsPerRequest) + " claims per request, not " +
                      std::to_string(claims.size()),
                  {"http_too_many_items", {{"max", std::to_string(kMaxClaimsPerRequest)}}});
  }
  AssignmentStore assignment(store_, wall_);
  FB_ASSIGN_OR_RETURN(AssignmentRules rules, assignment.CurrentRules());
  std::vector<ClaimAnswer> out;
  for (const ClaimRequest& claim : claims) {
    if (claim.request_id.empty() || claim.request_id.size() > 64 || claim.customer_id.empty() ||
        claim.customer_id.size() > 64) {
      return Status::InvalidArgument(
          "every claim needs a request_id and a customer of 1 to 64 bytes");
    }
    const int32_t today = DayOfMs(static_cast<int64_t>(wall_.NowMs()));
    FB_ASSIGN_OR_RETURN(ClaimAnswer answer, Decide(rep, claim, rules, today));
    out.push_back(std::move(answer));
  }
  return out;
}

Result<ClaimAnswer> PoolStore::Decide(const std::string& rep, const ClaimRequest& claim,
                                      const AssignmentRules& rules, int32_t today) {
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(SqlStatement * seen,
                      db.Prepare("SELECT customer_id, status, reason, decided_ms FROM "
                                 "srv_pool_claims WHERE rep_id = ? AND request_id = ?"));
  seen->Bind(1, rep).Bind(2, claim.request_id);
  FB_ASSIGN_OR_RETURN(std::optional<ClaimAnswer> again, ReadOneRow(*seen, [&](SqlStatement& s) {
                        const StoredPhrase stored = ReadStoredPhrase(s.Text(2));
                        return ClaimAnswer{claim.request_id, s.Text(0), s.Text(1),
                                           stored.detail,    s.Int(3),  stored.phrase};
                      }));
  if (again) return *again;  // a retry: the first answer, nothing decided again

  ClaimAnswer answer{
      claim.request_id, claim.customer_id, "refused", "", static_cast<int64_t>(wall_.NowMs()), {}};
  bool exists = false;
  FB_ASSIGN_OR_RETURN(CustomerFacts facts, Facts(claim.customer_id, &exists));
  FB_ASSIGN_OR_RETURN(bool pooled, InPool(claim.customer_id));
  if (!exists) {
    answer.why = Phrase{"pool_no_customer", {{"customer", claim.customer_id}}};
  } else if (!pooled) {
    FB_ASSIGN_OR_RETURN(std::string holder, Holder(claim.customer_id));
    answer.why = Phrase{holder == rep ? "pool_already_yours" : "pool_not_in_pool",
                        {{"customer", claim.customer_id}}};
    if (!holder.empty() && holder != rep) {
      // Who took it out of the pool, when: the other side of a claim race.
      FB_ASSIGN_OR_RETURN(SqlStatement * last,
                          db.Prepare("SELECT a.action, a.at_ms, r.name FROM srv_pool_audit a "
                                     "LEFT JOIN reps r ON r.id = a.rep_id WHERE "
                                     "a.customer_id = ? AND a.rep_id = ? AND a.action IN "
                                     "('claim', 'assign') ORDER BY a.id DESC LIMIT 1"));
      last->Bind(1, claim.customer_id).Bind(2, holder);
      FB_RETURN_IF_ERROR(VisitRows(*last, [&](SqlStatement& s) {
        const std::string who = s.Text(2).empty() ? holder : s.Text(2) + " (" + holder + ")";
        answer.why = Phrase{s.Text(0) == "claim" ? "pool_already_claimed" : "pool_already_assigned",
                            {{"who", who}, {"at", MinuteText(s.Int(1))}}};
      }));
    }
  } else {
    AssignmentStore assignment(store_, wall_);
    FB_ASSIGN_OR_RETURN(RepProfile profile, assignment.ProfileOf(rep));
    FB_ASSIGN_OR_RETURN(int claims_today, ClaimsOn(rep, today));
    FB_ASSIGN_OR_RETURN(AssignmentStore::Holding held, assignment.HoldingOf(rep, rules));
    answer.why =
        Refusal(profile, facts, rules, ClaimState{claims_today, held.customers, held.tier_a});
  }

  if (answer.why.code.empty()) {
    answer.status = "granted";
    answer.why = Phrase{"pool_claimed", {}};
    answer.reason = Say(Lang::kEnglish, answer.why);
    FB_ASSIGN_OR_RETURN(SqlStatement * leave,
                        db.Prepare("DELETE FROM srv_pool WHERE customer_id = ?"));
    leave->Bind(1, claim.customer_id);
    FB_RETURN_IF_ERROR(leave->Run());
    // The scope history and the pool's audit keep why as a phrase with its English (issue #19).
    FB_RETURN_IF_ERROR(store_.SetCustomerOwner(claim.customer_id, rep,
                                               StorePhrase({"scope_claimed", {{"rep", rep}}})));
    FB_RETURN_IF_ERROR(Record(
        claim.customer_id, "claim", rep, "rep:" + rep,
        StorePhrase(claim.requested_at_ms > 0
                        ? Phrase{"pool_claimed_asked", {{"at", MinuteText(claim.requested_at_ms)}}}
                        : Phrase{"pool_claimed", {}})));
  } else {
    answer.reason = Say(Lang::kEnglish, answer.why);
    FB_RETURN_IF_ERROR(Record(claim.customer_id, "claim_refused", rep, "rep:" + rep,
                              StorePhrase(answer.why, answer.reason)));
  }
  FB_ASSIGN_OR_RETURN(SqlStatement * save,
                      db.Prepare("INSERT INTO srv_pool_claims (rep_id, request_id, customer_id, "
                                 "requested_at_ms, status, reason, decided_ms) VALUES (?, ?, ?, "
                                 "?, ?, ?, ?)"));
  BindValues(*save, {rep, claim.request_id, claim.customer_id, claim.requested_at_ms, answer.status,
                     StorePhrase(answer.why), answer.decided_ms});
  FB_RETURN_IF_ERROR(save->Run());
  FB_RETURN_IF_ERROR(txn->Commit());
  return answer;
}

Result<PoolEntry> PoolStore::Release(const std::string& customer, const std::string& holder,
                                     const std::string& reason, const std::string& actor) {
  if (reason.empty()) {
    return Status(StatusCode::kInvalidArgument, "a release needs a reason",
                  {"http_missing_field", {{"field", "reason"}}});
  }
  // A rep's words that read as a stored phrase stay the rep's words (PersonText), bounded as
  // stored.
  const std::string words = PersonText(reason);
  if (words.size() > kMaxReasonBytes) {
    return Status(
        StatusCode::kInvalidArgument,
        "the reason is longer than " + std::to_string(kMaxReasonBytes) + " bytes",
        {"http_field_too_long", {{"field", "reason"}, {"max", std::to_string(kMaxReasonBytes)}}});
  }
  return ReleaseAs(customer, holder, words,
                   StorePhrase({"scope_released", {{"actor", actor}, {"reason", words}}}), actor);
}

Result<PoolEntry> PoolStore::Release(const std::string& customer, const std::string& holder,
                                     const Phrase& why, const std::string& actor) {
  Phrase scope{"scope_released_why", {{"actor", actor}}};
  NestPhrase(scope.values, "reason", why);
  std::string reason = StorePhrase(why);
  std::string scope_reason = StorePhrase(scope);
  // Bounded as a person's reason is: its English within kMaxReasonBytes (what a device reads of
  // the pool's reason), the stored phrase within kMaxStoredReasonBytes (under the audit log's
  // bound, which would cut its JSON). Past them the reason is its English cut to whole
  // characters, a plain text every reader shows as it is.
  const std::string english = Say(Lang::kEnglish, why);
  if (english.size() > kMaxReasonBytes || reason.size() > kMaxStoredReasonBytes) {
    reason = Utf8Prefix(english, kMaxReasonBytes - 3);
    scope_reason = StorePhrase({"scope_released", {{"actor", actor}, {"reason", reason}}});
  }
  return ReleaseAs(customer, holder, reason, scope_reason, actor);
}

Result<PoolEntry> PoolStore::ReleaseAs(const std::string& customer, const std::string& holder,
                                       const std::string& reason, const std::string& scope_reason,
                                       const std::string& actor) {
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  bool exists = false;
  FB_ASSIGN_OR_RETURN(CustomerFacts facts, Facts(customer, &exists));
  if (!exists) return NoCustomer(customer);
  FB_ASSIGN_OR_RETURN(std::optional<PoolEntry> pooled, EntryOf(customer));
  if (pooled) {
    if (!holder.empty() && pooled->from_rep == holder && pooled->kind == "release") {
      return *pooled;  // released by this rep already: a retry gets the same answer
    }
    return RefusalStatus(StatusCode::kConflict, {"http_customer_pooled", {{"customer", customer}}});
  }
  FB_ASSIGN_OR_RETURN(std::string current, Holder(customer));
  if (!holder.empty() && current != holder) {
    return RefusalStatus(StatusCode::kConflict,
                         {"http_customer_not_yours", {{"customer", customer}}});
  }
  FB_ASSIGN_OR_RETURN(SqlStatement * pool,
                      db.Prepare("INSERT INTO srv_pool (customer_id, since_ms, kind, reason, "
                                 "from_rep) VALUES (?, ?, 'release', ?, ?)"));
  pool->Bind(1, customer).Bind(2, static_cast<int64_t>(wall_.NowMs())).Bind(3, reason);
  if (current.empty()) {
    pool->BindNull(4);
  } else {
    pool->Bind(4, current);
  }
  FB_RETURN_IF_ERROR(pool->Run());
  FB_RETURN_IF_ERROR(Record(customer, "release", current, actor, reason));
  FB_RETURN_IF_ERROR(store_.SetCustomerOwner(customer, "", scope_reason));
  FB_ASSIGN_OR_RETURN(std::optional<PoolEntry> entry, EntryOf(customer));
  FB_RETURN_IF_ERROR(txn->Commit());
  if (!entry) return Status::Internal("released customer " + customer + " is not in the pool");
  return *entry;
}

Result<std::string> PoolStore::Assign(const std::string& customer, const std::string& rep,
                                      const std::string& actor) {
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  bool exists = false;
  FB_ASSIGN_OR_RETURN(CustomerFacts facts, Facts(customer, &exists));
  if (!exists) return NoCustomer(customer);
  FB_ASSIGN_OR_RETURN(bool pooled, InPool(customer));
  if (!pooled) {
    return RefusalStatus(StatusCode::kConflict,
                         {"http_customer_not_pooled", {{"customer", customer}}});
  }
  AssignmentStore assignment(store_, wall_);
  FB_ASSIGN_OR_RETURN(RepProfile profile, assignment.ProfileOf(rep));
  if (!profile.active) {
    return RefusalStatus(StatusCode::kRejected, {"http_rep_disabled", {{"rep", rep}}});
  }
  if (!profile.assignable) {
    return RefusalStatus(StatusCode::kInvalidArgument, {"http_rep_is_manager", {{"rep", rep}}});
  }
  FB_ASSIGN_OR_RETURN(AssignmentRules rules, assignment.CurrentRules());
  const Fit fit = CheckFit(rules, profile, facts);
  FB_ASSIGN_OR_RETURN(SqlStatement * leave,
                      db.Prepare("DELETE FROM srv_pool WHERE customer_id = ?"));
  leave->Bind(1, customer);
  FB_RETURN_IF_ERROR(leave->Run());
  FB_RETURN_IF_ERROR(
      store_.SetCustomerOwner(customer, rep, StorePhrase({"scope_assigned", {{"actor", actor}}})));
  // The fit's values with the words around them: one phrase a reader sees in their language.
  Phrase assigned{"pool_assigned", {}};
  if (!fit.ok()) {
    assigned = Phrase{fit.rule == "skill"    ? "pool_assigned_despite_skill"
                      : fit.rule == "region" ? "pool_assigned_despite_region"
                                             : "pool_assigned_despite_closer",
                      fit.why.values};
  }
  FB_RETURN_IF_ERROR(
      Record(customer, "assign", rep, actor,
             StorePhrase(assigned, fit.ok() ? "assigned from the pool"
                                            : "assigned from the pool despite: " + fit.reason)));
  FB_RETURN_IF_ERROR(txn->Commit());
  return fit.ok() ? std::string() : "note: " + fit.reason;
}

Result<std::vector<PoolAuditEntry>> PoolStore::Audit(const std::string& customer, size_t limit) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      store_.sql().Prepare("SELECT id, at_ms, customer_id, action, rep_id, "
                                           "actor, reason FROM srv_pool_audit WHERE (?1 = '' "
                                           "OR customer_id = ?1) ORDER BY id DESC LIMIT ?2"));
  stmt->Bind(1, customer).Bind(2, static_cast<int64_t>(limit));
  return ReadRows(*stmt, [](SqlStatement& s) {
    // A reason the server wrote is a phrase with its English (phrase_json.h); a person's (a
    // release's) and an old row's are plain text.
    StoredPhrase reason = ReadStoredPhrase(s.Text(6));
    return PoolAuditEntry{s.Int(0),
                          s.Int(1),
                          s.Text(2),
                          s.Text(3),
                          s.Text(4),
                          s.Text(5),
                          std::move(reason.detail),
                          std::move(reason.phrase)};
  });
}

}  // namespace fieldbook::server
