// Online backup and restore of the server database (the nightly job's last step, and
// `fieldbook-server backup` / `restore`; docs/nightly.md).
//
//  * WriteBackup copies the live database with SQLite's backup API, a chunk of pages at a time,
//    from one read snapshot: writers are never blocked (WAL), the copy is consistent, and a stop
//    request is noticed between chunks. The copy is written under a temporary name, checked
//    (PRAGMA integrity_check, schema version), synced to disk and only then renamed into place;
//    then older backups beyond `keep` are deleted. Only files named fieldbook-<UTC time>.db in the
//    directory are ever rotated.
//  * CheckServerDatabase tells whether a file is an intact server database this program can open.
//  * RestoreBackup replaces a database with a checked backup. It refuses while a server is
//    serving the database (ServeLock) and, without `force`, when the database exists; with
//    `force` it first keeps the current files under <db>.before-restore-<time>. Restoring moves
//    the hub sequence far ahead and raises the history floor with it, so every device rebuilds
//    from the restored data at its next sync (after pushing what it has not synced yet) instead of
//    trusting a cursor from the lost future. The audit log is append-only across restores too:
//    the entries the replaced database had beyond the backup are copied into the restored one,
//    and the restore itself is an entry (audit_store.h).
//  * ServeLock: `serve` holds a shared advisory lock on <db>.serve-lock for its lifetime; restore
//    takes it exclusively. Released by the kernel when the process dies, even by SIGKILL.
//
// Thread safety: free functions on their own connections; safe to call from any thread.
#ifndef FIELDBOOK_SERVER_BACKUP_H_
#define FIELDBOOK_SERVER_BACKUP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/status.h"

namespace fieldbook::server {

struct BackupOptions {
  std::string dir;             // created when missing
  int keep = 7;                // newest backups kept after a new one is written (at least 1)
  int pages_per_chunk = 1024;  // 4 MiB with the default page size
};

struct BackupInfo {
  std::string file;
  int64_t bytes = 0;
  int64_t pages = 0;
  int chunks = 0;
  double seconds = 0;
  std::vector<std::string> removed;  // older backups deleted by rotation
};

// Called between chunks; a non-ok status abandons the backup (its temporary file is removed).
using BackupCheckpoint = std::function<Status()>;

// Backs up the database at `db_path` into options.dir as fieldbook-<now as UTC>.db.
Result<BackupInfo> WriteBackup(const std::string& db_path, const BackupOptions& options,
                               uint64_t now_ms, const BackupCheckpoint& checkpoint = {});

// The backups in `dir`, oldest first (full paths).
Result<std::vector<std::string>> ListBackups(const std::string& dir);

struct DatabaseCheck {
  int schema_version = 0;
  int program_version = 0;  // the newest schema this program knows
};

// kCorrupt when `path` is not an intact SQLite database, kInvalidArgument when it is not a
// Fieldbook server database, kConflict when its schema is newer than this program's.
Result<DatabaseCheck> CheckServerDatabase(const std::string& path);

struct RestoreOptions {
  bool force = false;
  // How far the hub sequence jumps: more than the changes any device can have seen after the
  // backup was taken.
  uint64_t seq_gap = 1000000000;
  std::string actor = "system";  // who restores, for the audit log
};

struct RestoreInfo {
  std::string safety_copy;  // where the replaced database was kept ("" when there was none)
  int schema_version = 0;   // after upgrading the restored file to this program's schema
  uint64_t history_floor = 0;
  int64_t audit_carried = 0;  // audit entries of the replaced database beyond the backup's
  std::string audit_problem;  // why they could not be carried over ("" when they were)
};

Result<RestoreInfo> RestoreBackup(const std::string& backup_file, const std::string& db_path,
                                  const RestoreOptions& options, WallClock& wall);

class ServeLock {
 public:
  // Shared: several serve processes may share one database; restore waits for none of them.
  // kConflict when a restore holds it.
  static Result<std::unique_ptr<ServeLock>> AcquireShared(const std::string& db_path);
  // Exclusive, without waiting: kConflict when a server is serving the database.
  static Result<std::unique_ptr<ServeLock>> AcquireExclusive(const std::string& db_path);
  ~ServeLock();
  ServeLock(const ServeLock&) = delete;
  ServeLock& operator=(const ServeLock&) = delete;

 private:
  explicit ServeLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_BACKUP_H_
