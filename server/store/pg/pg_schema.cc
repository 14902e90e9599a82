#include "store/pg/pg_schema.h"

#include <string>

namespace fieldbook::pg {

namespace sql {
extern const Migration kPgMigrations[];
extern const std::size_t kPgMigrationsCount;
}  // namespace sql

std::span<const Migration> PgMigrations() { return {sql::kPgMigrations, sql::kPgMigrationsCount}; }

namespace {

// The advisory lock key every instance takes while migrating ("fbmigrat" as 8 bytes).
constexpr int64_t kMigrationLock = 0x66626d6967726174;

}  // namespace

Result<int> MigratePg(PgDb& db, std::span<const Migration> migrations) {
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version <= migrations[i - 1].version) {
      return Status::Internal(std::string("postgresql migrations out of order at ") +
                              migrations[i].name);
    }
  }
  FB_ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db));
  FB_RETURN_IF_ERROR(db.Exec("SELECT pg_advisory_xact_lock($1)", {kMigrationLock}).status());
  FB_RETURN_IF_ERROR(db.ExecScript(
      "CREATE TABLE IF NOT EXISTS fb_pg_migrations (version integer PRIMARY KEY, name text NOT "
      "NULL, applied_at timestamptz NOT NULL DEFAULT now())"));
  FB_ASSIGN_OR_RETURN(PgRows top,
                      db.Exec("SELECT coalesce(max(version), 0) FROM fb_pg_migrations"));
  int version = static_cast<int>(top.Int(0, 0));
  const int known = migrations.empty() ? 0 : migrations.back().version;
  if (version > known) {
    return Status::Rejected("postgresql: the database has run migration " +
                            std::to_string(version) + ", newer than this program's " +
                            std::to_string(known) + ": upgrade fieldbook-server");
  }
  // One transaction per migration would let a second instance see a half-migrated schema between
  // them; the lock is held until the last one commits instead, in one transaction.
  for (const Migration& m : migrations) {
    if (m.version <= version) continue;
    FB_RETURN_IF_ERROR(db.ExecScript(m.sql));
    FB_RETURN_IF_ERROR(
        db.Exec("INSERT INTO fb_pg_migrations (version, name) VALUES ($1, $2)", {m.version, m.name})
            .status());
    version = m.version;
  }
  FB_RETURN_IF_ERROR(tx->Commit());
  return version;
}

}  // namespace fieldbook::pg
