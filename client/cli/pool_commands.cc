// fieldbook-cli pool list/claim/release/requests: the public pool (公海, issue #7), read from the
// device's copy; claims and releases wait for the next sync (cli_commands.h).
#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "fieldbook/dates.h"

namespace fieldbook::client::cli {

namespace json = boost::json;

int RunPoolList(const CliContext& ctx) {
  const char* what = "pool list";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto cached = store->pool().Cached();
  if (!cached.ok()) return Fail(ctx, what, cached.status());
  if (!cached->has_value()) {
    return Answer(ctx, json::object{{"as_of", nullptr}, {"pool", json::array()}},
                  "this device has no copy of the public pool yet: run fieldbook-cli sync");
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
                           {"fetched_at", FormatIsoUtc(l.fetched_ms)},
                           {"regions", std::move(region_list)},
                           {"claims_today", p.claims_today},
                           {"daily_claims", p.daily_claims},
                           {"holding", p.holding},
                           {"holding_cap", p.holding_cap},
                           {"truncated", l.truncated},
                           {"pool", std::move(pool)}});
    return kExitOk;
  }
  std::cout << "Public pool (公海) as of " << UtcMinuteOfIso(l.as_of) << " — "
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
  auto r = store->pool().RequestClaim(customer);
  if (!r.ok()) return Fail(ctx, what, r.status());
  if (ctx.json) {
    PrintJson(ToJson(*r));
    return kExitOk;
  }
  std::cout << "claim of " << RequestWho(*r)
            << " recorded; it is sent at the next sync (fieldbook-cli sync), where the server "
               "grants or refuses it\n";
  // What the server said when the pool was listed (caps reset daily, so it may still be granted).
  if (auto cached = store->pool().Cached(); cached.ok() && cached->has_value()) {
    for (const PoolCustomer& c : (*cached)->pool) {
      if (c.id == r->customer_id && !c.claimable && !c.refusal.empty()) {
        std::cout << "note: as of " << UtcMinuteOfIso((*cached)->as_of)
                  << " the server would have refused it: " << c.refusal << "\n";
      }
    }
  }
  return kExitOk;
}

int RunPoolRelease(const CliContext& ctx, const std::string& customer, const std::string& reason) {
  const char* what = "pool release";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto r = store->pool().RequestRelease(customer, reason);
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
  auto requests = store->pool().Requests(/*pending_only=*/false);
  if (!requests.ok()) return Fail(ctx, what, requests.status());
  if (ctx.json) {
    PrintJsonList(*requests);
    return kExitOk;
  }
  if (requests->empty()) {
    std::cout << "no pool requests: claim with fieldbook-cli pool claim ID\n";
    return kExitOk;
  }
  for (const PoolRequest& r : *requests) {
    std::cout << UtcMinuteOfIso(r.requested_at) << "  " << RequestLine(r);
    if (!r.answered_at.empty()) std::cout << "  (answered " << UtcMinuteOfIso(r.answered_at) << ")";
    std::cout << "\n";
    if (!r.note.empty()) std::cout << "    your reason: " << r.note << "\n";
  }
  return kExitOk;
}

}  // namespace fieldbook::client::cli
