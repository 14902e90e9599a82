#include "fieldbook/migrations.h"

#include <string>
#include <vector>

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

namespace {

// A header PRAGMA's integer (user_version, application_id). The name is a compiled-in literal.
Result<int> ReadPragma(Db& db, const char* pragma) {
  FB_ASSIGN_OR_RETURN(Statement * stmt, db.Prepare(std::string("PRAGMA ") + pragma));
  FB_ASSIGN_OR_RETURN(bool has_row, stmt->Step());
  const int value = has_row ? static_cast<int>(stmt->Int(0)) : 0;
  stmt->Reset();
  return value;
}

// PRAGMAs take no bound parameters; both values are integers computed here.
Status WriteVersion(Db& db, int version) {
  return db.ExecScript("PRAGMA user_version = " + std::to_string(version) +
                       "; PRAGMA application_id = " + std::to_string(kSchemaApplicationId));
}

std::string NewerMessage(const Db& db, const std::string& version, int latest) {
  return "database " + db.path() + " has schema version " + version +
         ", newer than this program's " + std::to_string(latest) + "; upgrade Fieldbook";
}

// A database of the list-position scheme: `position` migrations of this side's list had run.
// Returns the number of the last of them (0 for none).
Result<int> TranslateListPosition(Db& db, int position, std::span<const Migration> migrations,
                                  int latest) {
  std::vector<int> listed;
  for (const Migration& m : migrations) {
    if (m.version <= kLastListedMigration) listed.push_back(m.version);
  }
  if (position < 0 || static_cast<size_t>(position) > listed.size()) {
    return Status::Conflict(
        NewerMessage(db, std::to_string(position) + " (counted by list position)", latest));
  }
  const int number = position == 0 ? 0 : listed[static_cast<size_t>(position) - 1];
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  FB_RETURN_IF_ERROR(WriteVersion(db, number));
  FB_RETURN_IF_ERROR(txn->Commit());
  return number;
}

}  // namespace

Result<int> ApplyMigrations(Db& db, std::span<const Migration> migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return Status::InvalidArgument(
          std::string("migration list out of order: ") + m.name + " (" + std::to_string(m.version) +
          ") after version " + std::to_string(previous) +
          "; each migration's number must be above the one before (schema/sql)");
    }
    previous = m.version;
  }
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  FB_ASSIGN_OR_RETURN(int current, ReadPragma(db, "user_version"));
  FB_ASSIGN_OR_RETURN(int application_id, ReadPragma(db, "application_id"));
  if (application_id == 0 && current != 0) {
    FB_ASSIGN_OR_RETURN(current, TranslateListPosition(db, current, migrations, latest));
  } else if (application_id != 0 && application_id != kSchemaApplicationId) {
    return Status::InvalidArgument("database " + db.path() + " has application_id " +
                                   std::to_string(application_id) +
                                   ": it was not made by Fieldbook");
  }
  if (current > latest) return Status::Conflict(NewerMessage(db, std::to_string(current), latest));
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
    Status s = db.ExecScript(m.sql);
    if (!s.ok()) {
      return Status(s.code(), "migration " + std::to_string(m.version) + " (" + m.name +
                                  ") failed: " + s.message());
    }
    FB_RETURN_IF_ERROR(WriteVersion(db, m.version));
    FB_RETURN_IF_ERROR(txn->Commit());
    current = m.version;
  }
  return current;
}

}  // namespace fieldbook
