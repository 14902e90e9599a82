// ServerFixture: the common ground of the end-to-end tests - a fresh server database (a file in a
// temporary directory, or with FIELDBOOK_TEST_SERVER_DB=postgres a fresh PostgreSQL database:
// test_server_db.h), reps added with the server's own `rep add`, the real fieldbook-server on a
// loopback port, and the real client code (Replica + SyncEngine + HttpClient) to talk to it.
// CliFixture adds devices driven by the real fieldbook-cli binary, one replica file per device.
// Also the JSON readers the tests use on command output and HTTP replies.
//
// Not thread-safe: a fixture belongs to its test's thread (tests that sync from several threads
// build their own transports and replicas).
#ifndef FIELDBOOK_TESTS_INTEGRATION_SERVER_FIXTURE_H_
#define FIELDBOOK_TESTS_INTEGRATION_SERVER_FIXTURE_H_

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/replica.h"
#include "integration/cli_process.h"
#include "integration/server_process.h"
#include "integration/test_server_db.h"
#include "support/temp_dir.h"
#include "sync/http_client.h"
#include "sync/sync_engine.h"

namespace fieldbook::testing {

// `text` parsed as JSON; a test failure (and a null value) when it is not JSON.
boost::json::value ParseJson(const std::string& text);
// v[key] as a string, an integer or an array: "", -1 or an empty array when `v` is not an object,
// has no `key`, or holds another type there.
std::string JsonStr(const boost::json::value& v, const char* key);
int64_t JsonInt(const boost::json::value& v, const char* key);
const boost::json::array& JsonArr(const boost::json::value& v, const char* key);

// Today (YYYY-MM-DD) in local time, the day the CLI's plan and follow-ups count in.
std::string LocalToday();

class ServerFixture : public ::testing::Test {
 protected:
  // `fieldbook-server init` on db_.
  void InitDb();
  // `rep add` on db_; returns the new rep's token ("" and a test failure when the command fails).
  std::string AddRep(const std::string& id, const std::string& name,
                     const std::string& role = "rep");
  // Starts `serve` on db_ with the `extra` flags and waits until it listens. With `keep_port`,
  // restarts listen on the same port, so devices with a saved server URL find it again.
  void StartServer(bool keep_port = false, const std::vector<std::string>& extra = {});

  // A replica file `name`.db in the test's directory (null and a test failure when it fails).
  std::unique_ptr<Replica> OpenReplica(const std::string& name);
  // One sync of `replica` with the running server as `token`'s rep, sync_page_rows_ rows a page.
  Result<client::SyncReport> Sync(Replica& replica, const std::string& token);

  // The canonical export of `rep`'s data as the server's `export` prints it, and of a replica.
  std::string ServerExport(const std::string& rep);
  std::string ReplicaExport(Replica& replica);

  // One HTTP request to the running server, with a bearer token when one is given (a POST waits
  // up to 180 s for its answer: whole imports in one request).
  Result<client::HttpReply> Get(const std::string& target, const std::string& token = "");
  Result<client::HttpReply> Post(const std::string& target, const std::string& body,
                                 const std::string& token,
                                 const char* content_type = "application/json");

  TempDir dir_;
  SystemWallClock wall_;
  TestServerDb server_db_{dir_};  // dropped after the servers below are gone
  // What `--db` takes: server.db in dir_, or a postgresql:// URL (test_server_db.h).
  std::string db_ = server_db_.url();
  std::unique_ptr<ServerProcess> server_;
  uint32_t sync_page_rows_ = 50;
};

class CliFixture : public ServerFixture {
 protected:
  // Runs fieldbook-cli on `device`'s replica (`device`.db in the test's directory).
  CommandResult Cli(const std::string& device, std::vector<std::string> args);
  // Runs a command that must succeed; returns its output.
  std::string Ok(const std::string& device, const std::vector<std::string>& args);
  // Runs a command with --json that must succeed; returns its parsed output.
  boost::json::value OkJson(const std::string& device, std::vector<std::string> args);
  // `init` of `device` against the running server as `token`'s rep.
  void Init(const std::string& device, const std::string& token);
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_INTEGRATION_SERVER_FIXTURE_H_
