#include "fieldbook/migrations.h"

#include <string>

#include "fieldbook/sqlite_db.h"

namespace fieldbook {
namespace sql {
extern const Migration kReplicaMigrations[];
extern const std::size_t kReplicaMigrationsCount;
extern const Migration kHubMigrations[];
extern const std::size_t kHubMigrationsCount;
}  // namespace sql

std::span<const Migration> ReplicaMigrations() {
  return {sql::kReplicaMigrations, sql::kReplicaMigrationsCount};
}

std::span<const Migration> HubMigrations() {
  return {sql::kHubMigrations, sql::kHubMigrationsCount};
}

Result<int> ApplyMigrations(Db& db, std::span<const Migration> migrations) {
  FB_ASSIGN_OR_RETURN(Statement * version_stmt, db.Prepare("PRAGMA user_version"));
  FB_ASSIGN_OR_RETURN(bool has_row, version_stmt->Step());
  int current = has_row ? static_cast<int>(version_stmt->Int(0)) : 0;
  version_stmt->Reset();
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    return Status::Conflict("database " + db.path() + " has schema version " +
                            std::to_string(current) + ", newer than this program's " +
                            std::to_string(latest) + "; upgrade Fieldbook");
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
    Status s = db.ExecScript(m.sql);
    if (!s.ok()) {
      return Status(s.code(), "migration " + std::to_string(m.version) + " (" + m.name +
                                  ") failed: " + s.message());
    }
    // PRAGMA takes no bound parameters; the version is a compiled-in integer.
    FB_RETURN_IF_ERROR(db.ExecScript("PRAGMA user_version = " + std::to_string(m.version)));
    FB_RETURN_IF_ERROR(txn->Commit());
    current = m.version;
  }
  return current;
}

}  // namespace fieldbook
