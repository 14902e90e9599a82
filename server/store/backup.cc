#include "store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <thread>

#include "fieldbook/dates.h"
#include "fieldbook/db_file.h"
#include "fieldbook/migrations.h"
#include "fieldbook/sqlite_db.h"
#include "http/log.h"
#include "store/audit_store.h"
#include "store/db_check.h"
#include "store/server_store.h"

namespace fieldbook::server {

namespace fs = std::filesystem;

namespace {

constexpr const char* kPrefix = "fieldbook-";
constexpr const char* kSuffix = ".db";

// A backup file name: fieldbook-<stamp>.db or fieldbook-<stamp>-<n>.db. Returns (stamp, n).
std::optional<std::pair<std::string, int>> ParseBackupName(const std::string& name) {
  const size_t prefix = std::strlen(kPrefix), suffix = std::strlen(kSuffix);
  if (name.size() < prefix + 16 + suffix || name.rfind(kPrefix, 0) != 0) return std::nullopt;
  if (name.compare(name.size() - suffix, suffix, kSuffix) != 0) return std::nullopt;
  const std::string middle = name.substr(prefix, name.size() - prefix - suffix);
  const std::string stamp = middle.substr(0, 16);
  for (size_t i = 0; i < stamp.size(); ++i) {
    const char c = stamp[i];
    const bool ok = i == 8 ? c == 'T' : i == 15 ? c == 'Z' : (c >= '0' && c <= '9');
    if (!ok) return std::nullopt;
  }
  if (middle.size() == 16) return std::make_pair(stamp, 0);
  if (middle[16] != '-' || middle.size() < 18 || middle.size() > 22) return std::nullopt;
  int n = 0;
  for (size_t i = 17; i < middle.size(); ++i) {
    if (middle[i] < '0' || middle[i] > '9') return std::nullopt;
    n = n * 10 + (middle[i] - '0');
  }
  return std::make_pair(stamp, n);
}

Status SyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) return Status::Io("cannot open " + path + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::Io("cannot sync " + path + ": " + std::strerror(err));
  return Status::Ok();
}

void RemoveQuietly(const std::string& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

// Copies the main database of `src` into the file `dest_path` (created, rollback-journal mode),
// `pages_per_chunk` pages at a time from one read snapshot of the source.
Result<std::pair<int64_t, int>> CopyDatabase(Db& src, const std::string& dest_path,
                                             int pages_per_chunk,
                                             const BackupCheckpoint& checkpoint) {
  DbOptions dest_options;
  dest_options.wal = false;
  // A copy of the server database holds everything it does (token hashes included): 0600, made
  // before SQLite opens it so its journal gets the same mode.
  const int fd = ::open(dest_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Io("cannot create " + dest_path + ": " + std::strerror(errno));
  ::close(fd);
  if (::chmod(dest_path.c_str(), 0600) != 0) {
    return Status::Io("cannot restrict the permissions of " + dest_path + ": " +
                      std::strerror(errno));
  }
  FB_ASSIGN_OR_RETURN(std::unique_ptr<Db> dest, Db::Open(dest_path, dest_options));
  // Holding a read transaction pins one snapshot: the copy is consistent and is not restarted by
  // commits from other connections, which (WAL) carry on meanwhile.
  ReadSnapshot snapshot(src);
  FB_RETURN_IF_ERROR(snapshot.Begin());
  sqlite3_backup* backup = sqlite3_backup_init(dest->raw(), "main", src.raw(), "main");
  if (backup == nullptr) return Status::Io("cannot start the backup: " + dest->LastError());
  int chunks = 0;
  Status stopped;
  int rc = SQLITE_OK;
  int busy_retries = 0;
  while (true) {
    rc = sqlite3_backup_step(backup, std::max(1, pages_per_chunk));
    ++chunks;
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      if (++busy_retries > 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      continue;
    }
    if (rc != SQLITE_OK) break;
    if (checkpoint) {
      stopped = checkpoint();
      if (!stopped.ok()) break;
    }
  }
  const int64_t pages = sqlite3_backup_pagecount(backup);
  const int finish = sqlite3_backup_finish(backup);
  if (!stopped.ok()) return stopped;
  if (rc != SQLITE_DONE) {
    return Status::Io(std::string("backup failed: ") + sqlite3_errstr(rc));
  }
  if (finish != SQLITE_OK) return Status::Io("backup failed: " + dest->LastError());
  // The copied header says WAL like the source's; a backup is one self-contained file.
  FB_RETURN_IF_ERROR(dest->ExecScript("PRAGMA journal_mode = DELETE"));
  return std::make_pair(pages, chunks);
}

}  // namespace

Result<std::vector<std::string>> ListBackups(const std::string& dir) {
  std::vector<std::pair<std::pair<std::string, int>, std::string>> found;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return Status::Io("cannot list " + dir + ": " + ec.message());
  for (const fs::directory_entry& entry : it) {
    if (!entry.is_regular_file(ec)) continue;
    const std::string name = entry.path().filename().string();
    if (auto key = ParseBackupName(name)) found.emplace_back(*key, entry.path().string());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

Result<BackupInfo> WriteBackup(const std::string& db_path, const BackupOptions& options,
                               uint64_t now_ms, const BackupCheckpoint& checkpoint) {
  if (options.dir.empty()) return Status::InvalidArgument("no backup directory configured");
  if (options.keep < 1) return Status::InvalidArgument("keep at least one backup");
  const auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) return Status::Io("cannot create " + options.dir + ": " + ec.message());

  // A run killed while copying left a temporary file; it was never a backup.
  for (const fs::directory_entry& entry : fs::directory_iterator(options.dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string partial = ".partial";
    if (name.size() > partial.size() &&
        name.compare(name.size() - partial.size(), partial.size(), partial) == 0 &&
        ParseBackupName(name.substr(0, name.size() - partial.size()))) {
      RemoveQuietly(entry.path().string());
    }
  }

  const std::string stamp = FormatCompactUtc(static_cast<int64_t>(now_ms));
  std::string final_path;
  for (int n = 0;; ++n) {
    const std::string name =
        std::string(kPrefix) + stamp + (n == 0 ? std::string() : "-" + std::to_string(n)) + kSuffix;
    final_path = (fs::path(options.dir) / name).string();
    if (!fs::exists(final_path, ec)) break;
    if (n > 1000) return Status::Io("too many backups named " + stamp + " in " + options.dir);
  }
  const std::string partial_path = final_path + ".partial";

  FB_ASSIGN_OR_RETURN(std::unique_ptr<Db> source, Db::Open(db_path, InspectOptions()));
  auto copied = CopyDatabase(*source, partial_path, options.pages_per_chunk, checkpoint);
  source.reset();
  if (!copied.ok()) {
    for (const char* extra : {"", "-journal", "-wal", "-shm"}) RemoveQuietly(partial_path + extra);
    return copied.status();
  }
  auto check = CheckServerDatabase(partial_path);
  if (!check.ok()) {
    RemoveQuietly(partial_path);
    std::string message =
        "the backup failed its check and was discarded: " + check.status().message();
    if (check.status().phrase() == nullptr) return Status(check.status().code(), message);
    return Status(check.status().code(), std::move(message), Phrase{"http_backup_discarded", {}});
  }
  FB_RETURN_IF_ERROR(SyncPath(partial_path, false));
  fs::rename(partial_path, final_path, ec);
  if (ec) return Status::Io("cannot rename " + partial_path + ": " + ec.message());
  FB_RETURN_IF_ERROR(SyncPath(options.dir, true));

  BackupInfo info;
  info.file = final_path;
  info.bytes = static_cast<int64_t>(fs::file_size(final_path, ec));
  info.pages = copied->first;
  info.chunks = copied->second;
  FB_ASSIGN_OR_RETURN(std::vector<std::string> all, ListBackups(options.dir));
  const size_t keep = static_cast<size_t>(options.keep);
  for (size_t i = 0; i + keep < all.size(); ++i) {
    if (all[i] == final_path) continue;
    fs::remove(all[i], ec);
    if (!ec) info.removed.push_back(all[i]);
  }
  info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return info;
}

Result<DatabaseCheck> CheckServerDatabase(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return Status::NotFound("no file " + path);
  auto opened = Db::Open(path, InspectOptions());
  if (!opened.ok()) {
    // SQLite's words are the detail: the message and the log keep them (issue #19).
    LogEvent("error", "integrity_check_failed",
             {{"path", path}, {"error", opened.status().message()}});
    return Status(StatusCode::kCorrupt,
                  path + " is not a readable SQLite database: " + opened.status().message(),
                  Phrase{"http_backup_unreadable", {{"path", path}}});
  }
  Db& db = **opened;
  FB_ASSIGN_OR_RETURN(Statement * integrity, db.Prepare("PRAGMA integrity_check(20)"));
  std::vector<std::string> problems;
  while (true) {
    auto row = integrity->Step();
    if (!row.ok()) {
      return FailedIntegrityCheck(path, row.status().message(), "", "http_backup_damaged");
    }
    if (!*row) break;
    const std::string line = integrity->Text(0);
    if (line != "ok") problems.push_back(line);
  }
  if (!problems.empty()) {
    std::string joined;
    for (size_t i = 0; i < problems.size() && i < 3; ++i) joined += (i ? "; " : "") + problems[i];
    return FailedIntegrityCheck(path, joined, "", "http_backup_damaged");
  }
  FB_ASSIGN_OR_RETURN(Statement * tables,
                      db.Prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                 "name IN ('fb_meta', 'fb_applied_sets', 'srv_credentials')"));
  FB_ASSIGN_OR_RETURN(bool has, tables->Step());
  const int64_t known = has ? tables->Int(0) : 0;
  tables->Reset();
  if (known != 3) return Status::InvalidArgument(path + " is not a Fieldbook server database");
  FB_ASSIGN_OR_RETURN(Statement * version, db.Prepare("PRAGMA user_version"));
  FB_ASSIGN_OR_RETURN(bool row, version->Step());
  DatabaseCheck out;
  out.schema_version = row ? static_cast<int>(version->Int(0)) : 0;
  version->Reset();
  const auto migrations = HubMigrations();
  out.program_version = migrations.empty() ? 0 : migrations.back().version;
  if (out.schema_version > out.program_version) {
    return Status::Conflict(path + " has schema version " + std::to_string(out.schema_version) +
                            ", newer than this program's " + std::to_string(out.program_version) +
                            "; upgrade Fieldbook first");
  }
  return out;
}

Result<RestoreInfo> RestoreBackup(const std::string& backup_file, const std::string& db_path,
                                  const RestoreOptions& options, WallClock& wall) {
  auto check = CheckServerDatabase(backup_file);
  if (!check.ok()) {
    std::string message = "refusing to restore: " + check.status().message();
    if (check.status().phrase() == nullptr) return Status(check.status().code(), message);
    return Status(check.status().code(), std::move(message),
                  Phrase{"http_restore_damaged", {{"path", backup_file}}});
  }
  FB_ASSIGN_OR_RETURN(std::unique_ptr<ServeLock> lock, ServeLock::AcquireExclusive(db_path));
  std::error_code ec;
  RestoreInfo info;
  if (fs::exists(db_path, ec)) {
    if (!options.force) {
      return Status::Conflict(db_path +
                              " exists; pass --force to replace it (its current files are "
                              "kept beside it as " +
                              db_path + ".before-restore-<time>)");
    }
    // Kept as they are, even when damaged: that may be why a backup is being restored.
    info.safety_copy =
        db_path + ".before-restore-" + FormatCompactUtc(static_cast<int64_t>(wall.NowMs()));
    for (const char* extra : {"", "-wal"}) {
      const std::string from = db_path + extra;
      if (!fs::exists(from, ec)) continue;
      fs::copy_file(from, info.safety_copy + extra, fs::copy_options::overwrite_existing, ec);
      if (ec) return Status::Io("cannot keep a copy of " + from + ": " + ec.message());
    }
  }

  const std::string restoring = db_path + ".restoring";
  RemoveQuietly(restoring);
  {
    FB_ASSIGN_OR_RETURN(std::unique_ptr<Db> source, Db::Open(backup_file, InspectOptions()));
    auto copied = CopyDatabase(*source, restoring, 4096, {});
    if (!copied.ok()) {
      RemoveQuietly(restoring);
      return copied.status();
    }
  }
  FB_RETURN_IF_ERROR(SyncPath(restoring, false));
  for (const char* extra : {"-wal", "-shm", "-journal"}) RemoveQuietly(db_path + extra);
  fs::rename(restoring, db_path, ec);
  if (ec) return Status::Io("cannot move the restored database into place: " + ec.message());
  const std::string parent = fs::absolute(db_path).parent_path().string();
  FB_RETURN_IF_ERROR(SyncPath(parent, true));

  // Opening upgrades an older schema. Then every device rebuilds: cursors it holds may point past
  // what the restored hub has, and those numbers will be handed out again for other changes.
  FB_ASSIGN_OR_RETURN(std::unique_ptr<ServerStore> store, ServerStore::Open(db_path, wall));
  // A new epoch: devices learn that the history they saw is gone, push their own writes again
  // (the backup may lack some the server had acknowledged) and rebuild (docs/sync.md).
  FB_ASSIGN_OR_RETURN(NewHistory history, store->StartNewHistory(options.seq_gap));
  info.history_floor = history.history_floor;
  // The audit log never loses an entry: those written after the backup are carried over from the
  // replaced database (best effort: a damaged one may not give them up, which the entry says).
  if (!info.safety_copy.empty()) {
    auto old_db = Db::Open(info.safety_copy, InspectOptions());
    auto carried = old_db.ok() ? CarryOverAudit(store->hub().db(), **old_db)
                               : Result<int64_t>(old_db.status());
    if (carried.ok()) {
      info.audit_carried = *carried;
    } else {
      info.audit_problem = carried.status().message();
    }
  }
  {
    AuditEntry audit;
    audit.actor = options.actor;
    audit.action = "database.restore";
    audit.subject = db_path;
    audit.before = {{"database", db_path},
                    {"kept_as", info.safety_copy.empty() ? boost::json::value(nullptr)
                                                         : boost::json::value(info.safety_copy)}};
    audit.after = {{"backup", backup_file},
                   {"history_floor", info.history_floor},
                   {"audit_entries_carried_over", info.audit_carried}};
    if (!info.audit_problem.empty()) {
      audit.reason =
          "the replaced database's audit entries could not be carried over: " + info.audit_problem;
    }
    FB_RETURN_IF_ERROR(store->Audit(std::move(audit)));
  }
  FB_ASSIGN_OR_RETURN(Statement * version, store->hub().db().Prepare("PRAGMA user_version"));
  FB_ASSIGN_OR_RETURN(bool row, version->Step());
  info.schema_version = row ? static_cast<int>(version->Int(0)) : 0;
  version->Reset();
  return info;
}

namespace {

Result<int> TakeLock(const std::string& db_path, int operation, const std::string& busy_message) {
  const std::string path = db_path + ".serve-lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Io("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, operation | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return Status::Conflict(busy_message);
    return Status::Io("cannot lock " + path + ": " + std::strerror(err));
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<ServeLock>> ServeLock::AcquireShared(const std::string& db_path) {
  FB_ASSIGN_OR_RETURN(int fd, TakeLock(db_path, LOCK_SH,
                                       "a restore of " + db_path +
                                           " is in progress; try again "
                                           "when it has finished"));
  return std::unique_ptr<ServeLock>(new ServeLock(fd));
}

Result<std::unique_ptr<ServeLock>> ServeLock::AcquireExclusive(const std::string& db_path) {
  FB_ASSIGN_OR_RETURN(
      int fd, TakeLock(db_path, LOCK_EX,
                       "a fieldbook-server is serving " + db_path + "; stop it before restoring"));
  return std::unique_ptr<ServeLock>(new ServeLock(fd));
}

ServeLock::~ServeLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace fieldbook::server
