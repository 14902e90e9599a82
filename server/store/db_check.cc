#include "store/db_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "fieldbook/db_file.h"
#include "fieldbook/db_integrity.h"
#include "fieldbook/phrase_nest.h"
#include "fieldbook/sqlite_db.h"
#include "http/log.h"

namespace fieldbook::server {

namespace {

std::string Restore(const std::string& path) {
  return " If it should hold your data, restore a backup (fieldbook-server restore --db " + path +
         " --from <backup>); to start afresh, move it away and run fieldbook-server init --db " +
         path + ".";
}

// A refusal that names the file (issue #19): `message` is the English as it always was; the
// system's or SQLite's own `words` in it also go to the log, never into another language.
Status Refused(StatusCode code, std::string message, const char* refusal, const std::string& path,
               const std::string& words = {}) {
  if (!words.empty()) LogEvent("error", "db_check_failed", {{"path", path}, {"error", words}});
  return Status(code, std::move(message), Phrase{refusal, {{"path", path}}});
}

// What the first bytes say: kNotFound, an empty file, not SQLite, or OK.
Status CheckHeader(const std::string& path, bool* empty) {
  auto kind = InspectDbFile(path);
  *empty = kind.ok() && *kind == DbFileKind::kEmpty;
  if (!kind.ok()) {
    return Refused(StatusCode::kIo, "cannot read " + path + ": " + kind.status().message(),
                   "http_db_unreadable", path, kind.status().message());
  }
  switch (*kind) {
    case DbFileKind::kMissing:
      return Refused(
          StatusCode::kNotFound,
          "no database at " + path + " (create it with: fieldbook-server init --db " + path + ")",
          "http_db_missing", path);
    case DbFileKind::kNotRegular:
      return Refused(StatusCode::kInvalidArgument, path + " is not a regular file",
                     "http_db_not_regular", path);
    case DbFileKind::kEmpty:
      return Refused(
          StatusCode::kCorrupt,
          path + " is empty (0 bytes): it is not a Fieldbook server database." + Restore(path),
          "http_db_empty", path);
    case DbFileKind::kNotSqlite:
      return Refused(StatusCode::kCorrupt,
                     path + " is not a SQLite database (its header is damaged or it is " +
                         "another kind of file)." + Restore(path),
                     "http_db_not_sqlite", path);
    case DbFileKind::kSqlite:
      break;
  }
  return Status::Ok();
}

// SQLite could not open or read `path` (`why`, its words): only damage (kCorrupt) is told to
// restore a backup. A database another process holds locked is sound as far as anyone knows
// (kUnavailable: try again), and an I/O error or a permission is the system's (kIo).
Status CannotRead(const std::string& path, const Status& why) {
  switch (why.code()) {
    case StatusCode::kUnavailable:
      return Refused(
          StatusCode::kUnavailable,
          path + " is locked by another process (" + why.message() + "); try again when it is free",
          "http_db_busy", path, why.message());
    case StatusCode::kCorrupt:
      return Refused(StatusCode::kCorrupt,
                     path + " cannot be read: " + why.message() + "." + Restore(path),
                     "http_db_cannot_open", path, why.message());
    default:
      return Refused(StatusCode::kIo, "cannot read " + path + ": " + why.message(),
                     "http_db_unreadable", path, why.message());
  }
}

// The server's own tables: a database without them is someone else's.
Status CheckSchema(Db& db, const std::string& path) {
  auto tables = db.Prepare(
      "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('fb_meta', "
      "'fb_applied_sets', 'srv_credentials', 'srv_scope', 'customers')");
  if (!tables.ok()) return CannotRead(path, tables.status());
  auto row = (*tables)->Step();
  if (!row.ok()) return CannotRead(path, row.status());
  const int64_t known = *row ? (*tables)->Int(0) : 0;
  (*tables)->Reset();
  if (known != 5) {
    return Refused(StatusCode::kInvalidArgument,
                   path +
                       " is a SQLite database but not a Fieldbook server database (it lacks the "
                       "server's tables); refusing to touch it",
                   "http_db_foreign", path);
  }
  return Status::Ok();
}

// `init` refusing a file for `why` (a refusal of the checks above): kInvalidArgument, the check's
// own refusal nested in init's (fieldbook/phrase_nest.h).
Status InitRefused(const std::string& path, std::string message, const Status& why) {
  if (why.phrase() == nullptr) return Status::InvalidArgument(std::move(message));
  Phrase refusal{"http_db_init_refused", {{"path", path}}};
  NestPhrase(refusal.values, "why", *why.phrase());
  return Status(StatusCode::kInvalidArgument, std::move(message), std::move(refusal));
}

}  // namespace

Result<DbCheck> CheckServerFile(const std::string& path, int64_t quick_check_ms) {
  bool empty = false;
  FB_RETURN_IF_ERROR(CheckHeader(path, &empty));
  DbOptions options;
  options.create = false;
  options.wal = false;  // changes nothing: no journal-mode switch, no migration
  auto opened = Db::Open(path, options);
  if (!opened.ok()) return CannotRead(path, opened.status());
  Db& db = **opened;
  FB_RETURN_IF_ERROR(CheckSchema(db, path));
  DbCheck out;
  if (quick_check_ms <= 0) return out;
  const QuickCheckResult check = QuickCheck(db, quick_check_ms);
  if (!check.error.ok()) return CannotRead(path, check.error);
  if (!check.ok()) {
    return FailedIntegrityCheck(path, check.Summary(), "." + Restore(path), "http_db_damaged");
  }
  if (check.cut_short) {
    out.note = "quick check stopped after " + std::to_string(quick_check_ms) +
               " ms (the database is large); the pages read so far were sound";
    return out;
  }
  out.quick_checked = true;
  return out;
}

Status FailedIntegrityCheck(const std::string& path, const std::string& sqlite_words,
                            const std::string& advice, const char* refusal) {
  LogEvent("error", "integrity_check_failed", {{"path", path}, {"error", sqlite_words}});
  return Status(StatusCode::kCorrupt,
                path + " failed its integrity check: " + sqlite_words + advice,
                Phrase{refusal, {{"path", path}}});
}

Status PrepareNewServerFile(const std::string& path) {
  if (path.empty()) return Status::InvalidArgument("--db is required");
  bool empty = false;
  Status header = CheckHeader(path, &empty);
  if (header.code() == StatusCode::kNotFound || empty) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      const std::string words = std::strerror(errno);
      return Refused(StatusCode::kIo, "cannot create " + path + ": " + words,
                     "http_db_cannot_create", path, words);
    }
    ::close(fd);
  } else if (!header.ok()) {
    return InitRefused(path, "refusing to initialise " + path + ": " + header.message(), header);
  } else {
    DbOptions options;
    options.create = false;
    options.wal = false;
    auto opened = Db::Open(path, options);
    if (!opened.ok()) {
      return InitRefused(path, "refusing to initialise " + path + ": " + opened.status().message(),
                         CannotRead(path, opened.status()));
    }
    // An empty SQLite database (no tables yet) may be initialised; anything else must be ours.
    auto any = (*opened)->Prepare("SELECT count(*) FROM sqlite_schema");
    if (!any.ok()) return any.status();
    auto row = (*any)->Step();
    if (!row.ok()) return row.status();
    const int64_t objects = *row ? (*any)->Int(0) : 0;
    (*any)->Reset();
    if (objects > 0) {
      Status ours = CheckSchema(**opened, path);
      if (!ours.ok()) return InitRefused(path, "refusing to initialise: " + ours.message(), ours);
    }
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string file = path + suffix;
    if (::chmod(file.c_str(), 0600) != 0 && errno != ENOENT) {
      return Status::Io("cannot restrict the permissions of " + file + ": " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

}  // namespace fieldbook::server
