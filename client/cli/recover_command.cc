// fieldbook-cli recover: rebuilds a damaged replica without losing the writes it had not synced
// (issue 13, damaged files). See RunRecover in cli_commands.h and README "A damaged replica".
#include <boost/json.hpp>
#include <filesystem>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "fieldbook/dates.h"
#include "lang/messages.h"
#include "lang/store_errors.h"
#include "store/client_store.h"
#include "store/replica_health.h"
#include "sync/device_sync.h"
#include "sync/http_client.h"
#include "sync/sync_engine.h"
#include "sync/whoami.h"

namespace fieldbook::client::cli {

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kWhat = "recover";

void RemoveReplicaFiles(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
}

Status MoveReplicaFiles(const std::string& from, const std::string& to) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    if (!fs::exists(from + suffix, ec)) continue;
    fs::rename(from + suffix, to + suffix, ec);
    if (ec) {
      return StoreError(StatusCode::kIo, "err_cannot_move",
                        {{"path", from + suffix}, {"why", OsReason(ec)}});
    }
  }
  return Status::Ok();
}

// What recover did, in the rep's language (lang/messages.h cli_recover_...).
void PrintRecovered(Lang lang, const std::string& path, const std::string& kept,
                    const Salvage& salvage, size_t received, size_t replayed,
                    const std::string& pushed, const Status& unreadable) {
  std::cout << Render(lang, "cli_recover_done", {path}) << "\n"
            << Render(lang, "cli_recover_downloaded",
                      {std::to_string(received), salvage.settings.server_url})
            << "\n"
            << Render(lang, "cli_recover_salvaged",
                      {std::to_string(replayed), std::to_string(salvage.outbox_entries), pushed})
            << "\n";
  if (!salvage.lost.empty() || salvage.unreadable_parts > 0) {
    std::cout << Render(lang, "cli_recover_unreadable", {std::to_string(salvage.unreadable_parts)});
    if (!salvage.lost.empty()) {
      std::string rows;
      for (size_t i = 0; i < salvage.lost.size() && i < 10; ++i) rows += " " + salvage.lost[i];
      std::cout << Render(lang, "cli_recover_lost", {rows});
      if (salvage.lost.size() > 10) {
        std::cout << Render(lang, "cli_recover_lost_more",
                            {std::to_string(salvage.lost.size() - 10)});
      }
    }
    std::cout << "\n";
  }
  if (!unreadable.ok()) {
    std::cout << Render(lang, "cli_recover_note", {RenderError(lang, unreadable)}) << "\n";
  }
  std::cout << Render(lang, "cli_recover_kept", {kept}) << "\n";
}

}  // namespace

int RunRecover(const CliContext& ctx, const RecoverOptions& options) {
  const Result<std::string> resolved = ReplicaPath(ctx.replica, /*create_folder=*/false);
  if (!resolved.ok()) return Fail(ctx, kWhat, resolved.status());
  const std::string& path = *resolved;
  Status file = CheckReplicaFile(path);
  if (file.code() == StatusCode::kNotFound) {
    return FailSaid(ctx, kWhat, "not_found", "cli_recover_no_replica", {path}, kExitUsage);
  }
  // Whatever can still be read: the settings and the writes not synced yet.
  Salvage salvage;
  Status unreadable;
  if (auto got = SalvageReplica(path); got.ok()) {
    salvage = std::move(*got);
  } else {
    unreadable = got.status();
  }
  if (!options.server.empty()) salvage.settings.server_url = options.server;
  if (!options.token.empty()) salvage.settings.device_token = options.token;
  if (salvage.settings.server_url.empty() || salvage.settings.device_token.empty()) {
    if (unreadable.ok()) {
      return FailSaid(ctx, kWhat, "invalid_argument", "cli_recover_no_settings", {path},
                      kExitUsage);
    }
    return FailSaid(ctx, kWhat, "invalid_argument", "cli_recover_no_settings_why", {path},
                    kExitUsage, &unreadable);
  }

  // Rebuild beside it: the damaged file stays where it is until the new one holds the rep's data.
  const std::string fresh_path = path + ".recovering";
  RemoveReplicaFiles(fresh_path);
  HttpClientOptions http;
  http.ca_file = salvage.settings.ca_file;
  if (salvage.settings.rep_id.empty()) {
    // Settings that could not be read: the token's rep, as init asks (else the rebuilt replica
    // would not be set up for anyone).
    auto client = HttpClient::Create(salvage.settings.server_url, http);
    auto who = client.ok() ? AskWhoAmI(**client, salvage.settings.device_token)
                           : Result<WhoAmI>(client.status());
    if (who.ok()) {
      salvage.settings.rep_id = who->rep;
      salvage.settings.rep_name = who->name;
    }
  }
  size_t received = 0, replayed = 0;
  {
    auto store = ClientStore::Open(fresh_path, Wall());
    if (!store.ok()) {
      return FailSaid(ctx, kWhat, "io", "cli_recover_cannot_create", {fresh_path}, kExitFailure,
                      &store.status());
    }
    const ClientSettings& settings = salvage.settings;
    Status saved = (*store)->SaveSettings(settings);
    auto transport =
        saved.ok() ? HttpSyncTransport::Create(settings.server_url, settings.device_token, http)
                   : Result<std::unique_ptr<HttpSyncTransport>>(saved);
    auto pulled = transport.ok() ? DeviceSync(**store).ExchangeChanges(**transport)
                                 : Result<SyncReport>(transport.status());
    if (!pulled.ok()) {
      store->reset();
      RemoveReplicaFiles(fresh_path);
      return FailSaid(
          ctx, kWhat, CodeName(pulled.status().code()), "cli_recover_download_failed",
          {settings.server_url},
          pulled.status().code() == StatusCode::kUnavailable ? kExitUnreachable : kExitFailure,
          &pulled.status());
    }
    received = pulled->rows_received;
    auto written = ReplaySalvage((*store)->replica().db(), salvage);
    if (!written.ok()) {
      store->reset();
      RemoveReplicaFiles(fresh_path);
      return FailSaid(ctx, kWhat, CodeName(written.status().code()), "cli_recover_replay_failed",
                      {}, kExitFailure, &written.status());
    }
    replayed = *written;
  }
  const std::string kept =
      path + ".damaged-" + FormatCompactUtc(static_cast<int64_t>(Wall().NowMs()));
  if (Status moved = MoveReplicaFiles(path, kept); !moved.ok()) {
    return Fail(ctx, kWhat, "io", moved, kExitFailure);
  }
  if (Status moved = MoveReplicaFiles(fresh_path, path); !moved.ok()) {
    return FailSaid(ctx, kWhat, "io", "cli_recover_rebuilt_at", {fresh_path}, kExitFailure, &moved);
  }

  // Push the salvaged changes now; if that fails they wait in the outbox like any other.
  size_t pushed = 0;
  Status push_failed;
  {
    auto store = ClientStore::Open(path, Wall());
    auto transport =
        HttpSyncTransport::Create(salvage.settings.server_url, salvage.settings.device_token, http);
    auto synced = !store.ok()       ? Result<SyncReport>(store.status())
                  : !transport.ok() ? Result<SyncReport>(transport.status())
                                    : DeviceSync(**store).ExchangeChanges(**transport);
    if (synced.ok()) {
      pushed = synced->rows_pushed;
    } else {
      push_failed = synced.status();
    }
  }

  if (ctx.json) {
    json::array lost(salvage.lost.begin(), salvage.lost.end());
    PrintJson(json::object{{"replica", path},
                           {"damaged_copy", kept},
                           {"outbox_entries_read", salvage.outbox_entries},
                           {"changes_replayed", replayed},
                           {"changes_pushed", pushed},
                           {"unreadable_parts", salvage.unreadable_parts},
                           {"lost", std::move(lost)},
                           {"rows_downloaded", received}});
    return kExitOk;
  }
  const Lang lang = LangOf(ctx);
  const std::string pushed_note =
      push_failed.ok() ? Render(lang, "cli_recover_pushed")
                       : Render(lang, "cli_recover_queued", {RenderError(lang, push_failed)});
  PrintRecovered(lang, path, kept, salvage, received, replayed, pushed_note, unreadable);
  return kExitOk;
}

}  // namespace fieldbook::client::cli
