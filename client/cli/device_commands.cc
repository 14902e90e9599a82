// fieldbook-cli init, sync, status, review list and export: the device, its server and its
// replica as a whole (cli_commands.h).
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "fieldbook/canonical_export.h"
#include "fieldbook/dates.h"
#include "fieldbook/json.h"
#include "lang/store_errors.h"
#include "store/replica_health.h"
#include "store/review.h"
#include "sync/device_sync.h"
#include "sync/http_client.h"
#include "sync/setup_code.h"
#include "sync/whoami.h"

namespace fieldbook::client::cli {

namespace json = boost::json;

int RunInit(const CliContext& ctx, const InitOptions& options) {
  const char* what = "init";
  if (options.server.empty() || options.token.empty() == options.code.empty()) {
    return FailSaid(ctx, what, "invalid_argument", "cli_init_needs", {}, kExitUsage);
  }
  if (IsPlainHttpToAnotherHost(options.server) && !options.insecure_http) {
    return FailSaid(ctx, what, "invalid_argument", "cli_plain_http", {options.server}, kExitUsage);
  }
  HttpClientOptions http_options;
  if (!options.ca_file.empty()) {
    std::error_code ec;
    const std::filesystem::path ca = std::filesystem::absolute(options.ca_file, ec);
    http_options.ca_file = ec ? options.ca_file : ca.string();
  }
  auto http = HttpClient::Create(options.server, http_options);
  // A URL or CA file it cannot use: the error names which and why (err_bad_server_url...).
  if (!http.ok()) return Fail(ctx, what, "invalid_argument", http.status(), kExitUsage);
  std::string token = options.token;
  if (!options.code.empty()) {
    // A one-time setup code is exchanged for the token first; the rest is as with --token.
    auto grant = ExchangeSetupCode(**http, options.code);
    if (!grant.ok() && grant.status().code() == StatusCode::kUnavailable) {
      return FailSaid(ctx, what, "unavailable", "cli_setup_code_needs_server", {}, kExitUnreachable,
                      &grant.status());
    }
    if (!grant.ok()) return Fail(ctx, what, "rejected", grant.status(), kExitRefused);
    token = grant->token;
  }
  ClientSettings settings;
  settings.server_url = (*http)->base_url();
  settings.device_token = token;
  settings.ca_file = http_options.ca_file;
  bool verified = false;
  std::string offline_reason;
  auto who = AskWhoAmI(**http, token);
  if (who.ok()) {
    if (who->role == "manager") {
      return FailSaid(ctx, what, "rejected", "cli_token_of_manager", {}, kExitRefused);
    }
    if (!options.rep.empty() && options.rep != who->rep) {
      return FailSaid(ctx, what, "invalid_argument", "cli_token_of_other_rep",
                      {who->rep, options.rep}, kExitUsage);
    }
    settings.rep_id = who->rep;
    settings.rep_name = who->name;
    verified = true;
  } else if (who.status().code() == StatusCode::kRejected) {
    return Fail(ctx, what, "rejected", who.status(), kExitRefused);
  } else if (who.status().code() == StatusCode::kUnavailable) {
    if (options.rep.empty()) {
      return FailSaid(ctx, what, "unavailable", "cli_whoami_unreachable", {}, kExitUnreachable,
                      &who.status());
    }
    settings.rep_id = options.rep;
    settings.rep_name = options.name;
    offline_reason = RenderError(LangOf(ctx), who.status());
  } else {
    return Fail(ctx, what, who.status());
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
    std::cout << Render(LangOf(ctx), "cli_init_done",
                        {settings.rep_id +
                             (settings.rep_name.empty() ? "" : " (" + settings.rep_name + ")"),
                         settings.server_url})
              << "\n";
  } else {
    std::cout << Render(LangOf(ctx), "cli_init_offline",
                        {settings.rep_id, settings.server_url, offline_reason})
              << "\n";
  }
  return kExitOk;
}

int RunSync(const CliContext& ctx, uint32_t page_rows, int64_t batch_rows) {
  const char* what = "sync";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  // Never push from a damaged replica.
  DeviceSync device(*store);
  if (Status sound = device.CheckReplica(); !sound.ok()) {
    return Fail(ctx, what, "corrupt", sound, kExitFailure);
  }
  auto settings = store->Settings();
  if (!settings.ok()) return Fail(ctx, what, settings.status());
  if (settings->server_url.empty() || settings->device_token.empty()) {
    return Fail(ctx, what, "invalid_argument", Render(LangOf(ctx), "cli_not_set_up"), kExitUsage);
  }
  auto links = HttpServerLinks::Create(*settings);
  if (!links.ok()) {
    return FailSaid(ctx, what, "invalid_argument", "cli_saved_url_unusable", {settings->server_url},
                    kExitUsage, &links.status());
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
    // What failed and that nothing was lost, in the rep's language (lang/messages.h).
    client::SyncFailure failure;
    failure.unreachable = s.code() == StatusCode::kUnavailable;
    auto pending = store->replica().PendingWriteCount();
    failure.queued = pending.ok() ? *pending : 0;
    if (auto waiting = store->pool().RequestSummary(); waiting.ok()) {
      failure.pool_waiting = waiting->pending;
    }
    switch (s.code()) {
      case StatusCode::kUnavailable:
        return FailSync(ctx, "unavailable", s, failure, kExitUnreachable);
      case StatusCode::kRejected:
      case StatusCode::kInvalidArgument:
      case StatusCode::kConflict:
      case StatusCode::kResourceExhausted:
        return FailSync(ctx, CodeName(s.code()), s, failure, kExitRefused);
      default:
        return FailSync(ctx, CodeName(s.code()), s, failure, kExitFailure);
    }
  }
  auto pending = store->replica().PendingWriteCount();
  PrintSync(ctx, settings->server_url, *synced, pending.ok() ? *pending : 0);
  return kExitOk;
}

int RunStatus(const CliContext& ctx) {
  const char* what = "status";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  if (Status sound = QuickCheckReplica(store->replica().db()); !sound.ok()) {
    if (sound.code() != StatusCode::kCorrupt) return Fail(ctx, what, sound);  // locked, say
    return Fail(ctx, what, "corrupt", sound, kExitFailure);
  }
  auto st = store->GetStatus();
  if (!st.ok()) return Fail(ctx, what, st.status());
  auto pool = store->pool().RequestSummary();
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
                     {"last_sync", st->last_sync_ms ? json::value(FormatIsoUtc(*st->last_sync_ms))
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
  const Lang lang = LangOf(ctx);
  const auto n = [](int64_t v) { return std::to_string(v); };
  std::cout << Render(lang, "cli_status_rep",
                      {st->rep_id.empty()
                           ? Render(lang, "cli_status_not_set_up")
                           : st->rep_id + (st->rep_name.empty() ? "" : " (" + st->rep_name + ")")})
            << "\n";
  std::cout << Render(lang, "cli_status_server",
                      {st->server_url.empty() ? Render(lang, "cli_none") : st->server_url})
            << "\n";
  std::cout << Render(lang, "cli_status_replica", {store->replica().db().path(), st->replica_id})
            << "\n";
  std::cout << Render(lang, "cli_status_customers", {n(st->customers)}) << "\n";
  std::cout << Render(lang, "cli_status_pending", {n(st->pending_writes)}) << "\n";
  std::cout << Render(
                   lang, "cli_status_last_sync",
                   {st->last_sync_ms ? FormatIsoUtc(*st->last_sync_ms) : Render(lang, "cli_never")})
            << "\n";
  if (st->clock_skew_ms) {
    const int64_t skew = *st->clock_skew_ms;
    std::cout << Render(lang, skew >= 0 ? "cli_status_skew_ahead" : "cli_status_skew_behind",
                        {(skew >= 0 ? "+" : "") + n(skew)})
              << "\n";
  }
  std::cout << Render(lang, "cli_status_cursor", {n(st->cursor)}) << "\n";
  auto review = ReviewList(store->replica()).Entries();
  if (!review.ok()) return Fail(ctx, what, review.status());
  std::cout << Render(lang, review->empty() ? "cli_status_review_none" : "cli_status_review",
                      {n(static_cast<int64_t>(review->size()))})
            << "\n";
  for (const ReviewEntry& e : *review) {
    std::cout << "  #" << e.id << " " << ReviewTitle(lang, e) << "\n";
  }
  std::cout << Render(lang, "cli_status_deferred",
                      {n(static_cast<int64_t>(st->deferred_evictions.size()))})
            << "\n";
  for (const std::string& c : st->deferred_evictions) {
    std::cout << "  " << Render(lang, "cli_status_deferred_one", {c}) << "\n";
  }
  std::cout << Render(lang,
                      pool->pending > 0 || !pool->recent_refusals.empty() ? "cli_status_pool_see"
                                                                          : "cli_status_pool",
                      {n(pool->pending)})
            << "\n";
  for (const PoolRequest& r : pool->recent_refusals) {
    std::cout << "  " << RequestLine(r, lang) << "\n";
  }
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
    return FailSaid(ctx, what, "io", "cli_cannot_write", {out_path}, kExitFailure);
  }
  Status s = WriteCanonicalExport(r.db(), r.catalog(), out);
  out.close();
  if (s.ok() && !out) s = StoreError(StatusCode::kIo, "err_write_failed", {{"path", out_path}});
  if (!s.ok()) return Fail(ctx, what, s);
  return kExitOk;
}

}  // namespace fieldbook::client::cli
