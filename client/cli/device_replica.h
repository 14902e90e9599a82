// How fieldbook-cli's commands find and open the device's replica: the path (--replica, else
// FIELDBOOK_REPLICA, else ~/.local/share/fieldbook/replica.db; only `init` creates its folder,
// mode 0700), the file's health before SQLite opens it (store/replica_health.h), and the store;
// and the one check of a server URL before a device token is sent to it.
//
// Thread safety: main thread only (Wall() is a process-wide clock).
#ifndef FIELDBOOK_CLIENT_CLI_DEVICE_REPLICA_H_
#define FIELDBOOK_CLIENT_CLI_DEVICE_REPLICA_H_

#include <memory>
#include <string>

#include "cli/cli_commands.h"
#include "fieldbook/hlc.h"
#include "store/client_store.h"

namespace fieldbook::client::cli {

// The wall clock every command's store uses.
SystemWallClock& Wall();

// Opens the store or prints why not; nullptr on failure with *exit_code set. Only `init`
// (create) makes a new replica: a missing file is a usage error (a mistyped --replica creates
// nothing), a damaged one says so.
std::unique_ptr<ClientStore> OpenStore(const CliContext& ctx, const char* what, int* exit_code,
                                       bool create = false);

// Whether `url` is plain http:// to a host other than this machine (127.0.0.0/8, ::1, localhost).
bool IsPlainHttpToAnotherHost(const std::string& url);

// Opens the store into `store`, or returns the exit code from the calling command.
#define FB_OPEN_STORE_OR_RETURN(store, ctx, what)                         \
  int open_exit_ = kExitFailure;                                          \
  std::unique_ptr<ClientStore> store = OpenStore(ctx, what, &open_exit_); \
  if (!store) return open_exit_

}  // namespace fieldbook::client::cli

#endif  // FIELDBOOK_CLIENT_CLI_DEVICE_REPLICA_H_
