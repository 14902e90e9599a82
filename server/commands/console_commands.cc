#include "commands/console_commands.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <optional>

#include "auth/password_hash.h"
#include "commands/command_actor.h"
#include "commands/server_commands.h"
#include "store/audit_store.h"
#include "store/console_store.h"

namespace fieldbook::server {

namespace {

int Fail(const std::string& what) {
  std::cerr << "fieldbook-server: rep passwd: " << what << "\n";
  return 1;
}

// One line of standard input without its line break; nullopt at end of input. With `hidden` and a
// terminal, the typing is not echoed.
std::optional<std::string> ReadLine(bool hidden) {
  termios saved{};
  const bool tty = hidden && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

int RunRepPasswd(const std::string& db, const std::string& rep) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return Fail(opened.status().message());
  ServerStore& store = *(*opened)->store;
  {
    ConsoleStore accounts(store);
    auto account = accounts.Account(rep);
    if (!account.ok()) return Fail(account.status().message());
    if (!*account) return Fail("no rep " + rep);
    if ((*account)->role != "manager") {
      return Fail(rep + " is a rep, not a manager: only managers use the console");
    }
  }
  const bool tty = isatty(STDIN_FILENO);
  if (tty) std::cerr << "New console password for " << rep << ": " << std::flush;
  std::optional<std::string> password = ReadLine(true);
  if (!password) return Fail("no password on standard input");
  if (Status s = CheckNewPassword(*password); !s.ok()) return Fail(s.message());
  if (tty) {
    std::cerr << "The same again: " << std::flush;
    std::optional<std::string> again = ReadLine(true);
    if (!again || *again != *password) return Fail("the two passwords differ; nothing changed");
  }
  auto hash = HashPassword(*password);
  if (!hash.ok()) return Fail(hash.status().message());
  auto txn = store.BeginWrite();
  if (!txn.ok()) return Fail(txn.status().message());
  ConsoleStore accounts(store);
  const int64_t now = static_cast<int64_t>((*opened)->wall.NowMs());
  if (Status s = accounts.SetPassword(rep, *hash, now); !s.ok()) return Fail(s.message());
  AuditEntry audit;
  audit.actor = CommandActor();
  audit.action = "rep.password";
  audit.subject = rep;
  audit.after = {{"console_password", "set"}, {"sessions", "ended"}};
  if (Status s = store.Audit(std::move(audit)); !s.ok()) return Fail(s.message());
  if (Status s = (*txn)->Commit(); !s.ok()) return Fail(s.message());
  std::cout << "console password set for " << rep << "; their open console sessions ended\n";
  return 0;
}

}  // namespace fieldbook::server
