// fieldbook-server's console command `rep passwd REP`: sets a manager's console password, read
// from the terminal (asked twice, not echoed) or, when standard input is not a terminal, from its
// first line — never from the command line, where other users' `ps` would see it. Stores only its
// argon2id hash (password_hash.h), ends the manager's open console sessions and writes a
// `rep.password` audit entry (actor: CommandActor()).
//
// Thread safety: run from main's thread only.
#ifndef FIELDBOOK_SERVER_CONSOLE_COMMANDS_H_
#define FIELDBOOK_SERVER_CONSOLE_COMMANDS_H_

#include <string>

namespace fieldbook::server {

int RunRepPasswd(const std::string& db, const std::string& rep);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_CONSOLE_COMMANDS_H_
