// ConsoleLogin<Fixture>: the console tests' managers and browsers on top of a ServerFixture (or a
// CliFixture) - a manager added with `rep add --role manager` whose console password is set by
// `rep passwd`, and ConsoleClients of the running server, logged in as that manager or not. Only
// the console tests include it, so a change here does not rebuild every integration test.
//
// Not thread-safe, like the fixture it extends: it belongs to its test's thread.
#ifndef FIELDBOOK_TESTS_INTEGRATION_CONSOLE_LOGIN_H_
#define FIELDBOOK_TESTS_INTEGRATION_CONSOLE_LOGIN_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

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
  // for it: a wait sized to a short lifetime races with a loaded machine. Read beside the running
  // server on either backend (the server database's own SQL, test_server_db.h).
  int64_t NewestSessionLifetimeMs() {
    if (this->server_db_.QueryInt("SELECT count(*) FROM srv_console_sessions") == 0) return -1;
    return this->server_db_.QueryInt(
        "SELECT expires_ms - created_ms FROM srv_console_sessions ORDER BY created_ms DESC LIMIT "
        "1");
  }
  // Every console session ends now, as when its lifetime has passed: its expiry becomes its start,
  // which is past (the server refuses a session whose expiry is not in the future).
  void ExpireConsoleSessions() {
    ASSERT_GE(this->server_db_.QueryInt("SELECT count(*) FROM srv_console_sessions"), 1)
        << "no console session to expire";
    Status done = this->server_db_.Exec("UPDATE srv_console_sessions SET expires_ms = created_ms");
    ASSERT_TRUE(done.ok()) << done.ToString();
  }
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_INTEGRATION_CONSOLE_LOGIN_H_
