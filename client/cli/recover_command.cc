// fieldbook-cli recover: rebuilds a damaged replica without losing the writes it had not synced
// (issue 13, damaged files). See RunRecover in cli_commands.h and README "A damaged replica".
#include <boost/json.hpp>
#include <filesystem>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "fieldbook/dates.h"
#include "store/client_store.h"
#include "store/replica_health.h"
#include "sync/device_sync.h"
#include "sync/http_client.h"
#include "sync/sync_engine.h"

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
    if (ec) return Status::Io("cannot move " + from + suffix + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace

int RunRecover(const CliContext& ctx, const RecoverOptions& options) {
  const std::string path = ctx.replica.empty() ? DefaultReplicaPath() : ctx.replica;
  if (path.empty()) {
    return Fail(ctx, kWhat, "invalid_argument",
                "no replica path: give --replica PATH or set FIELDBOOK_REPLICA (or HOME)",
                kExitUsage);
  }
  Status file = CheckReplicaFile(path);
  if (file.code() == StatusCode::kNotFound) {
    return Fail(ctx, kWhat, "not_found", "no replica at " + path + ": nothing to recover",
                kExitUsage);
  }
  // Whatever can still be read: the settings and the writes not synced yet.
  Salvage salvage;
  std::string unreadable;
  if (auto got = SalvageReplica(path); got.ok()) {
    salvage = std::move(*got);
  } else {
    unreadable = got.status().message();
  }
  if (!options.server.empty()) salvage.settings.server_url = options.server;
  if (!options.token.empty()) salvage.settings.device_token = options.token;
  if (salvage.settings.server_url.empty() || salvage.settings.device_token.empty()) {
    return Fail(ctx, kWhat, "invalid_argument",
                "the server and device token cannot be read from the damaged replica " + path +
                    (unreadable.empty() ? "" : " (" + unreadable + ")") +
                    "; give --server and --token (ask your manager for a new token). Nothing was "
                    "changed",
                kExitUsage);
  }

  // Rebuild beside it: the damaged file stays where it is until the new one holds the rep's data.
  const std::string fresh_path = path + ".recovering";
  RemoveReplicaFiles(fresh_path);
  HttpClientOptions http;
  http.ca_file = salvage.settings.ca_file;
  size_t received = 0, replayed = 0;
  {
    auto store = ClientStore::Open(fresh_path, Wall());
    if (!store.ok()) {
      return Fail(ctx, kWhat, "io", "cannot create " + fresh_path + ": " + store.status().message(),
                  kExitFailure);
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
      return Fail(
          ctx, kWhat, std::string(StatusCodeName(pulled.status().code())),
          "could not download your data from " + settings.server_url + " (" +
              pulled.status().message() +
              "); the damaged replica is untouched: try again when the server can be "
              "reached",
          pulled.status().code() == StatusCode::kUnavailable ? kExitUnreachable : kExitFailure);
    }
    received = pulled->rows_received;
    auto written = ReplaySalvage((*store)->replica().db(), salvage);
    if (!written.ok()) {
      store->reset();
      RemoveReplicaFiles(fresh_path);
      return Fail(ctx, kWhat, std::string(StatusCodeName(written.status().code())),
                  "could not replay the salvaged changes: " + written.status().message() +
                      "; the damaged replica is untouched",
                  kExitFailure);
    }
    replayed = *written;
  }
  const std::string kept =
      path + ".damaged-" + FormatCompactUtc(static_cast<int64_t>(Wall().NowMs()));
  if (Status moved = MoveReplicaFiles(path, kept); !moved.ok()) {
    return Fail(ctx, kWhat, "io", moved.message(), kExitFailure);
  }
  if (Status moved = MoveReplicaFiles(fresh_path, path); !moved.ok()) {
    return Fail(ctx, kWhat, "io",
                moved.message() + " (the rebuilt replica is at " + fresh_path + ")", kExitFailure);
  }

  // Push the salvaged changes now; if that fails they wait in the outbox like any other.
  std::string push_note = "pushed";
  size_t pushed = 0;
  {
    auto store = ClientStore::Open(path, Wall());
    auto transport =
        HttpSyncTransport::Create(salvage.settings.server_url, salvage.settings.device_token, http);
    auto synced = store.ok() && transport.ok() ? DeviceSync(**store).ExchangeChanges(**transport)
                                               : Result<SyncReport>(Status::Unavailable("-"));
    if (synced.ok()) {
      pushed = synced->rows_pushed;
    } else {
      push_note = "queued for the next sync (" + synced.status().message() + ")";
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
  std::cout << "recovered " << path << "\n"
            << "  downloaded:  " << received << " rows from " << salvage.settings.server_url << "\n"
            << "  salvaged:    " << replayed << " unsynced changed rows (from "
            << salvage.outbox_entries << " outbox entries), " << push_note << "\n";
  if (!salvage.lost.empty() || salvage.unreadable_parts > 0) {
    std::cout << "  unreadable:  " << salvage.unreadable_parts << " damaged parts";
    if (!salvage.lost.empty()) {
      std::cout << "; these rows' changes could not be read:";
      for (size_t i = 0; i < salvage.lost.size() && i < 10; ++i)
        std::cout << " " << salvage.lost[i];
      if (salvage.lost.size() > 10) std::cout << " (and " << salvage.lost.size() - 10 << " more)";
    }
    std::cout << "\n";
  }
  if (!unreadable.empty()) std::cout << "  note:        " << unreadable << "\n";
  std::cout << "  damaged copy kept at " << kept << "\n";
  return kExitOk;
}

}  // namespace fieldbook::client::cli
