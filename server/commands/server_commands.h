// The fieldbook-server subcommands, each a function from parsed options to an exit code
// (0 success, 1 failure with a one-line reason on stderr). main.cc parses the command line
// (CLI11) and calls them.
//
// Thread safety: each command runs on the main thread; `serve` starts the worker threads.
#ifndef FIELDBOOK_SERVER_SERVER_COMMANDS_H_
#define FIELDBOOK_SERVER_SERVER_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <string>

#include "api/http_json.h"
#include "commands/demo_seed.h"
#include "commands/nightly_commands.h"
#include "fieldbook/json.h"
#include "http/http_server.h"
#include "store/server_store.h"

namespace fieldbook::server {

struct ServeOptions {
  std::string db;
  HttpServerOptions http;
  size_t page_rows = 1000;
  size_t json_body_limit = 1u << 20;  // admin and pool JSON bodies (SyncServiceOptions)
  size_t upload_limit = 256u << 20;   // spreadsheet uploads (ImportApiOptions)
  std::string port_file;              // written with the bound port once listening (tests, scripts)
  NightlySettings nightly;            // the scheduled nightly job (nightly_commands.h)
  int64_t start_check_ms = 10000;  // the bound on the quick integrity check at start (db_check.h)
  std::string console_dir;         // the console's files ("": ConsoleAssets::DefaultDir())
  int64_t console_session_s = 8 * 3600;  // a console session's lifetime
  size_t read_connections = 0;  // pulls' read connections; 0: DefaultReadConnections(cores)
};

// Every command that takes --db takes a SQLite file or a PostgreSQL database
// (ServerStore::NamesPostgres: postgresql://…, postgres://…, 'host=… dbname=…').
// A command that works on a SQLite file by nature (backup, restore, migrate --from) given a
// PostgreSQL database: "fieldbook-server: <what>: <why>; <instead>" on stderr, exit code 2 (a
// command line the command cannot take), nothing touched.
int RefuseOnPostgres(const std::string& what, const std::string& instead);
// A --db as it may be logged or audited: a password in a connection string becomes ***.
std::string RedactedUrl(std::string db);

// A server database opened by a command, with the system clock it uses.
struct Opened {
  SystemWallClock wall;
  std::unique_ptr<ServerStore> store;
};
// Opens an existing, healthy server database (db_check.h: a missing, empty, foreign or damaged
// file is refused). With `create` (`init`, `seed-demo`) a missing or empty file is created 0600.
// A PostgreSQL database (ServerStore::NamesPostgres) is connected to and its schema migrated:
// the database must exist (CREATE DATABASE); `init` on an empty one creates the tables, and so
// would any command, under the migrations' advisory lock.
Result<std::unique_ptr<Opened>> OpenStore(const std::string& db, bool create = false);
// The same with the caller's clock (which must outlive the store).
Result<std::unique_ptr<ServerStore>> OpenServerStore(const std::string& db, WallClock& wall,
                                                     bool create = false);
// Every command's failure: "fieldbook-server: <what>: <message>" on stderr; returns the exit
// code 1.
int CommandFailed(const std::string& what, const Status& s);
// A command on an existing database: opens `db` (OpenStore) and runs body(opened). A database
// that does not open, or a failed Status from `body`, is CommandFailed(what, ...) (exit 1); else
// exit 0.
int OnStore(const std::string& db, const std::string& what,
            const std::function<Status(Opened&)>& body);
// The whole of a file a command reads (rules JSON): kNotFound when it cannot be read,
// kInvalidArgument when it is larger than `max_bytes`.
Result<std::string> ReadCommandFile(const std::string& file, size_t max_bytes);
// Prints {"<key>": [to_json(item), ...]} on one line (a command's --json list).
template <typename Items, typename ToJson>
void PrintJsonList(const char* key, const Items& items, ToJson&& to_json) {
  std::cout << WriteJson(boost::json::object{{key, JsonArray(items, to_json)}}) << "\n";
}

int RunInit(const std::string& db);
int RunServe(const ServeOptions& options);
int RunRepAdd(const std::string& db, const NewRep& rep, bool json);
// `rep list` is RunRepProfiles (assignment_commands.h): reps with their profiles.
// rep token, devices, revoke-device, disable and enable: device_commands.h.
int RunTerritoryAdd(const std::string& db, const std::string& name, const std::string& region,
                    const std::string& city);
int RunTerritoryList(const std::string& db, bool json);
int RunTerritoryAssign(const std::string& db, const std::string& territory, const std::string& rep,
                       const std::string& reason);
int RunCustomerReassign(const std::string& db, const std::string& customer, const std::string& to,
                        const std::string& reason);
int RunConflictsList(const std::string& db, const std::string& owner, bool all, bool json);
int RunConflictResolve(const std::string& db, int64_t id, const std::string& action,
                       const std::string& reason);
int RunExport(const std::string& db, const std::string& rep, const std::string& out_path);
int RunSeedDemo(const std::string& db, const DemoSeedOptions& options, bool json);
int RunHistoryTrim(const std::string& db, uint64_t before_seq);
int RunGradingShow(const std::string& db);
int RunGradingSet(const std::string& db, const std::string& file);
int RunGrade(const std::string& db, const std::string& today);
// kind: tiers, movement, at-risk, portfolio.
int RunReport(const std::string& db, const std::string& kind, const std::string& rep, bool csv,
              const std::string& today);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_SERVER_COMMANDS_H_
