// QuickCheck: SQLite's PRAGMA quick_check on an open database, bounded in time, for the checks
// that refuse damaged files (the server's start, a replica before a push; issue 13). quick_check
// reads every page and index entry (it does not cross-check indexes against their tables), so it
// finds smashed pages and broken b-trees, not a changed byte inside a row's value.
//
// Thread safety: runs on the Db it is given; a Db belongs to one thread at a time.
#ifndef FIELDBOOK_DB_INTEGRITY_H_
#define FIELDBOOK_DB_INTEGRITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "fieldbook/status.h"

namespace fieldbook {

class Db;

struct QuickCheckResult {
  std::vector<std::string> problems;  // at most 10, as SQLite words them; empty when sound
  bool cut_short = false;             // the deadline stopped it (what was read was sound)
  // An error that says nothing about the file's pages (another process holding it locked, an I/O
  // error, no memory): the check could not run to its end. Not a problem: a locked database is
  // not a damaged one, and must not be told to restore a backup.
  Status error;
  bool ok() const { return problems.empty(); }
  // The first few problems joined with "; ".
  std::string Summary() const;
};

// Runs PRAGMA quick_check(10) for at most `max_ms` milliseconds (0 or less: no limit). An error
// reading the file (SQLITE_CORRUPT, SQLITE_NOTADB) is reported as a problem, not a failure; any
// other error (SQLITE_BUSY, an I/O error) as `error`, with `problems` empty.
QuickCheckResult QuickCheck(Db& db, int64_t max_ms);

}  // namespace fieldbook

#endif  // FIELDBOOK_DB_INTEGRITY_H_
