// ConsoleLogin<Fixture>: the console tests' managers and browsers on top of a ServerFixture (or a
// CliFixture) - a manager added with `rep add --role manager` whose console password is set by
// `rep passwd`, and ConsoleClients of the running server, logged in as that manager or not. Only
// the console tests include it, so a change here does not rebuild every integration test.
//
// Not thread-safe, like the fixture it extends: it belongs to its test's thread.
#ifndef FIELDBOOK_TESTS_INTEGRATION_CONSOLE_LOGIN_H_
#define FIELDBOOK_TESTS_INTEGRATION_CONSOLE_LOGIN_H_

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "fieldbook/sqlite_db.h"
#include "integration/console_client.h"
#include "integration/server_fixture.h"
#include "support/subprocess.h"

namespace fieldbook::testing {

// The console password the tests give their managers (AddManager).
inline constexpr const char* kConsolePassword = "correct horse battery";

template <class Fixture>
class ConsoleLogin : public Fixture {
 protected:
  // A manager `id` whose console password is kConsolePassword; returns its bearer token ("" and a
  // test failure when a command fails).
  std::string AddManager(const std::string& id = "mgr", const std::string& name = "Zhou Min") {
    std::string token = this->AddRep(id, name, "manager");
    CommandResult r = Passwd(id, std::string(kConsolePassword) + "\n");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return token;
  }
  // `rep passwd` of `rep` on the fixture's database with `input` (the new password and a newline)
  // on standard input.
  CommandResult Passwd(const std::string& rep, const std::string& input) {
    return RunCommandWithInput(FIELDBOOK_SERVER_BINARY, {"rep", "passwd", "--db", this->db_, rep},
                               input);
  }
  // A console client of the running server connecting from `source`, not logged in.
  ConsoleClient Console(const std::string& source = "127.0.0.1") {
    return ConsoleClient(this->server_->port(), source);
  }
  // Console(source) logged in as manager `id` with kConsolePassword (a test failure when refused).
  ConsoleClient LoggedIn(const std::string& source = "127.0.0.1", const std::string& id = "mgr") {
    ConsoleClient c = Console(source);
    EXPECT_EQ(c.Login(id, kConsolePassword).status, 200);
    return c;
  }
  // The lifetime the server gave the newest console session (its expiry minus its start), in ms;
  // -1 when there is none. With ExpireConsoleSessions, a session's end is tested without waiting
  // for it: a wait sized to a short lifetime races with a loaded machine.
  int64_t NewestSessionLifetimeMs() {
    int64_t lifetime = -1;
    OnDb([&](Db& db) {
      auto s = db.Prepare(
          "SELECT expires_ms - created_ms FROM srv_console_sessions ORDER BY created_ms DESC "
          "LIMIT 1");
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      auto row = (*s)->Step();
      ASSERT_TRUE(row.ok()) << row.status().ToString();
      if (*row) lifetime = (*s)->Int(0);
    });
    return lifetime;
  }
  // Every console session ends now, as when its lifetime has passed: its expiry becomes the
  // present (the server refuses a session whose expiry is not in the future).
  void ExpireConsoleSessions() {
    OnDb([](Db& db) {
      const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
      auto s = db.Prepare("UPDATE srv_console_sessions SET expires_ms = ?");
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      Status done = (*s)->Bind(1, now_ms).Run();
      ASSERT_TRUE(done.ok()) << done.ToString();
      ASSERT_GE(db.LastChanges(), 1) << "no console session to expire";
    });
  }

 private:
  // `f` on a connection of its own to the fixture's database (beside the running server).
  template <class F>
  void OnDb(F f) {
    DbOptions options;
    options.create = false;
    options.busy_timeout_ms = 60000;  // the server may be writing; a loaded machine is slow
    auto db = Db::Open(this->db_, options);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    f(**db);
  }
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_INTEGRATION_CONSOLE_LOGIN_H_
