#include "fieldbook/db_integrity.h"

#include <sqlite3.h>

#include <chrono>

#include "fieldbook/sqlite_db.h"

namespace fieldbook {

namespace {

struct Deadline {
  std::chrono::steady_clock::time_point at;
  bool hit = false;
};

int StopAtDeadline(void* arg) {
  auto* d = static_cast<Deadline*>(arg);
  if (std::chrono::steady_clock::now() < d->at) return 0;
  d->hit = true;
  return 1;  // interrupts the statement
}

}  // namespace

std::string QuickCheckResult::Summary() const {
  std::string joined;
  for (size_t i = 0; i < problems.size() && i < 3; ++i) joined += (i ? "; " : "") + problems[i];
  return joined;
}

QuickCheckResult QuickCheck(Db& db, int64_t max_ms) {
  QuickCheckResult out;
  Deadline deadline{std::chrono::steady_clock::now() + std::chrono::milliseconds(max_ms)};
  if (max_ms > 0) sqlite3_progress_handler(db.raw(), 4096, &StopAtDeadline, &deadline);
  // Damage (SQLITE_CORRUPT, SQLITE_NOTADB) is a problem of the file; anything else is not.
  const auto failed = [&out](const Status& s) {
    if (s.code() == StatusCode::kCorrupt) {
      out.problems.push_back(s.message());
    } else {
      out.error = s;
    }
  };
  auto check = db.Prepare("PRAGMA quick_check(10)");
  if (!check.ok()) {
    failed(check.status());
  } else {
    while (true) {
      auto row = (*check)->Step();
      if (!row.ok()) {
        if (!deadline.hit) failed(row.status());
        break;
      }
      if (!*row) break;
      const std::string line = (*check)->Text(0);
      if (line != "ok") out.problems.push_back(line);
    }
    (*check)->Reset();
  }
  if (max_ms > 0) sqlite3_progress_handler(db.raw(), 0, nullptr, nullptr);
  out.cut_short = deadline.hit;
  return out;
}

}  // namespace fieldbook
