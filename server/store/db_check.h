// Checks that a file is a healthy Fieldbook server database before anything opens it for writing
// (issue 13): a zero-byte file, a file that is not SQLite, a foreign SQLite database or one with
// damaged pages is refused with a sentence that says which, instead of being migrated into an
// empty server or answering 500s later. Creating a database is `init`'s job alone
// (PrepareNewServerFile); every other command opens only what CheckServerFile accepts.
//
//  * CheckServerFile: the file exists, is a regular non-empty file, starts with the SQLite header,
//    opens, and holds the server's own tables. With `quick_check_ms` > 0 it also runs
//    PRAGMA quick_check (every page and index entry is read, without cross-checking indexes against
//    tables) for at most that long: a check cut short by the deadline passes, and says so in
//    `DbCheck::note`, so a large database never delays a start by more than the bound.
//  * PrepareNewServerFile: for `init` (and seed-demo, which initialises too). A missing or
//    zero-byte file is created with mode 0600 (SQLite gives its -wal and -shm files the same mode);
//    an existing server database is accepted for upgrade (and its files restricted to 0600); any
//    other non-empty file is refused.
//
// Call these only before this process opens the file with SQLite. They read the header through a
// plain descriptor, and closing any descriptor of a file drops every POSIX lock the process holds
// on it -- SQLite's shared lock included; the next process to close the database would then take it
// for unused and delete the WAL that this process is still committing to (every later commit lost).
// `serve` checks once at start; its nightly scheduler opens its store without checking again.
//
// Thread safety: free functions on their own connections; safe to call from any thread.
#ifndef FIELDBOOK_SERVER_DB_CHECK_H_
#define FIELDBOOK_SERVER_DB_CHECK_H_

#include <cstdint>
#include <string>

#include "fieldbook/status.h"

namespace fieldbook::server {

struct DbCheck {
  bool quick_checked = false;  // quick_check ran to the end and found nothing
  std::string note;            // e.g. "quick check stopped after 5000 ms"
};

// kNotFound (no file; the message names `init`), kCorrupt (empty, not SQLite, damaged pages:
// FailedIntegrityCheck with http_db_damaged) or kInvalidArgument (a SQLite database of something
// else).
Result<DbCheck> CheckServerFile(const std::string& path, int64_t quick_check_ms = 0);

// See the file comment. kInvalidArgument for a file that is neither empty nor a server database.
Status PrepareNewServerFile(const std::string& path);

// kCorrupt "<path> failed its integrity check: <sqlite_words><advice>": SQLite's own words
// (quick_check's, integrity_check's) are the detail, kept in the message (a command's English
// output, a nightly run's recorded error) and logged (event=integrity_check_failed); the phrase a
// reader sees in their language names the file (`refusal`, a code with {path}: issue #19).
Status FailedIntegrityCheck(const std::string& path, const std::string& sqlite_words,
                            const std::string& advice, const char* refusal);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_DB_CHECK_H_
