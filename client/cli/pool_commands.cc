// fieldbook-cli pool list/claim/release/requests: the public pool (公海, issue #7), read from the
// device's copy; claims and releases wait for the next sync (cli_commands.h).
#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "fieldbook/dates.h"
#include "fieldbook/phrase_json.h"

namespace fieldbook::client::cli {

namespace json = boost::json;

int RunPoolList(const CliContext& ctx) {
  const char* what = "pool list";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto cached = store->pool().Cached();
  if (!cached.ok()) return Fail(ctx, what, cached.status());
  if (!cached->has_value()) {
    return Answer(ctx, json::object{{"as_of", nullptr}, {"pool", json::array()}},
                  Render(LangOf(ctx), "cli_pool_no_copy"));
  }
  const PoolListing& l = **cached;
  const PoolPolicy& p = l.policy;
  std::string regions;
  for (const std::string& r : p.regions) regions += (regions.empty() ? "" : ", ") + r;
  if (ctx.json) {
    json::array pool;
    for (const PoolCustomer& c : l.pool) {
      pool.push_back(
          json::object{{"id", c.id},
                       {"name", TextOrNull(c.name)},
                       {"city", TextOrNull(c.city)},
                       {"region", TextOrNull(c.region)},
                       {"tier", TextOrNull(c.tier)},
                       {"type", TextOrNull(c.customer_type)},
                       {"since", TextOrNull(c.since)},
                       {"kind", TextOrNull(c.kind)},
                       {"reason", TextOrNull(SayStored(Lang::kEnglish, c.reason))},
                       {"reason_code", TextOrNull(ReadStoredPhrase(c.reason).phrase.code)},
                       {"claimable", c.claimable},
                       {"refusal", TextOrNull(SayStored(Lang::kEnglish, c.refusal))},
                       {"refusal_code", TextOrNull(ReadStoredPhrase(c.refusal).phrase.code)},
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
  const Lang lang = LangOf(ctx);
  const auto n = [](int64_t v) { return std::to_string(v); };
  std::cout << Render(lang, "cli_pool_head",
                      {UtcWhenText(lang, l.as_of),
                       regions.empty() ? Render(lang, "cli_pool_every_region")
                                       : Render(lang, "cli_pool_your_regions", {regions}),
                       n(p.claims_today), n(p.daily_claims), n(p.holding), n(p.holding_cap)})
            << "\n";
  for (const PoolCustomer& c : l.pool) {
    std::cout << "  " << c.id << "  " << Or(c.tier, "-") << "  "
              << (c.name.empty() ? Render(lang, "cli_no_name") : c.name);
    if (!c.city.empty()) std::cout << "  " << c.city;
    if (!c.region.empty()) std::cout << "  " << EnumText(lang, "region", c.region);
    std::cout << "  " << Render(lang, "cli_pool_since", {c.since.substr(0, 10)});
    if (c.claim_pending) std::cout << "  " << Render(lang, "cli_pool_claim_waits");
    std::cout << "\n";
    if (!c.reason.empty())
      std::cout << "      " << Render(lang, "cli_pool_why", {SayStored(lang, c.reason)}) << "\n";
    if (!c.claimable && !c.refusal.empty()) {
      std::cout << "      " << Render(lang, "cli_pool_would_refuse", {SayStored(lang, c.refusal)})
                << "\n";
    }
  }
  if (l.pool.empty()) {
    std::cout << Render(lang, "cli_pool_empty") << "\n";
  } else {
    std::cout << Render(lang, l.truncated ? "cli_pool_count_truncated" : "cli_pool_count",
                        {n(static_cast<int64_t>(l.pool.size()))})
              << "\n";
  }
  return kExitOk;
}

int RunPoolClaim(const CliContext& ctx, const std::string& customer) {
  const char* what = "pool claim";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto r = store->pool().RequestClaim(customer);
  if (!r.ok()) return Fail(ctx, what, r.status());
  const Lang lang = LangOf(ctx);
  Answer(ctx, ToJson(*r), Render(lang, "cli_pool_claim_recorded", {RequestWho(*r)}));
  if (ctx.json) return kExitOk;
  // What the server said when the pool was listed (caps reset daily, so it may still be granted).
  if (auto cached = store->pool().Cached(); cached.ok() && cached->has_value()) {
    for (const PoolCustomer& c : (*cached)->pool) {
      if (c.id == r->customer_id && !c.claimable && !c.refusal.empty()) {
        std::cout << Render(lang, "cli_pool_claim_note",
                            {UtcWhenText(lang, (*cached)->as_of), SayStored(lang, c.refusal)})
                  << "\n";
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
  return Answer(ctx, ToJson(*r),
                Render(LangOf(ctx), "cli_pool_release_recorded", {RequestWho(*r)}));
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
  const Lang lang = LangOf(ctx);
  if (requests->empty()) {
    std::cout << Render(lang, "cli_pool_no_requests") << "\n";
    return kExitOk;
  }
  for (const PoolRequest& r : *requests) {
    std::cout << UtcWhenText(lang, r.requested_at) << "  " << RequestLine(r, lang);
    if (!r.answered_at.empty()) {
      std::cout << "  " << Render(lang, "cli_pool_answered", {UtcWhenText(lang, r.answered_at)});
    }
    std::cout << "\n";
    if (!r.note.empty())
      std::cout << "    " << Render(lang, "cli_pool_your_reason", {r.note}) << "\n";
  }
  return kExitOk;
}

}  // namespace fieldbook::client::cli
