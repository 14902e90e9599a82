#include "fieldbook/sqlite_db.h"

#include <sqlite3.h>

namespace fieldbook {

namespace {

// SQLite's result code `rc` as a Status with `msg` (SQLite's words): the one classification of
// every error this file returns.
Status Classified(int rc, std::string msg) {
  const int primary = rc & 0xff;
  if (primary == SQLITE_CONSTRAINT) return Status::Rejected(std::move(msg));
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) return Status::Corrupt(std::move(msg));
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    return Status::Unavailable(std::move(msg));
  if (primary == SQLITE_FULL || primary == SQLITE_TOOBIG) {
    return Status::ResourceExhausted(std::move(msg));
  }
  if (primary == SQLITE_ERROR && msg.find("no such function") != std::string::npos) {
    // A capture trigger fired on a connection without Fieldbook's functions.
    return Status::Rejected(std::move(msg));
  }
  return Status::Io(std::move(msg));
}

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return Classified(rc, std::move(msg));
}

}  // namespace

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, index, v);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteError(db_, rc, "bind");
  return *this;
}

Statement& Statement::Bind(int index, double v) {
  int rc = sqlite3_bind_double(stmt_, index, v);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteError(db_, rc, "bind");
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteError(db_, rc, "bind");
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteError(db_, rc, "bind");
  return *this;
}

Statement& Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteError(db_, rc, "bind");
  return *this;
}

Statement& Statement::Bind(int index, const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return Bind(index, *i);
  if (const auto* d = std::get_if<double>(&v)) return Bind(index, *d);
  if (const auto* s = std::get_if<std::string>(&v)) return Bind(index, std::string_view(*s));
  return BindNull(index);
}

Statement& Statement::BindRef(int index, const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return BindTextRef(index, *s);
  return Bind(index, v);
}

Statement& Statement::BindTextRef(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteError(db_, rc, "bind");
  return *this;
}

Statement& Statement::BindBlobRef(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteError(db_, rc, "bind");
  return *this;
}

Result<bool> Statement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status err = SqliteError(db_, rc, "step");
  sqlite3_reset(stmt_);
  return err;
}

Status Statement::Run() {
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }
bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::Real(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string Statement::Blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  if (!p) return {};
  return std::string(static_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<int64_t> Statement::IntOrNull(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

std::optional<double> Statement::RealOrNull(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Real(col);
}

std::optional<std::string> Statement::TextOrNull(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

Value Statement::Get(int col) const {
  switch (sqlite3_column_type(stmt_, col)) {
    case SQLITE_INTEGER:
      return Int(col);
    case SQLITE_FLOAT:
      return Real(col);
    case SQLITE_TEXT:
      return Text(col);
    case SQLITE_BLOB:
      return Blob(col);
    default:
      return std::monostate{};
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = Status::Ok();
}

void Statement::Rewind() {
  sqlite3_reset(stmt_);
  bind_error_ = Status::Ok();
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, const DbOptions& options) {
  int flags = SQLITE_OPEN_NOMUTEX;
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (options.create) flags |= SQLITE_OPEN_CREATE;
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status err = SqliteError(raw, rc, "open " + path);
    sqlite3_close(raw);
    return err;
  }
  std::unique_ptr<Db> db(new Db(raw, path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  // Reading the schema touches the file header: a file that is not a database fails here.
  FB_RETURN_IF_ERROR(
      db->ExecScript("PRAGMA foreign_keys = OFF; SELECT count(*) FROM sqlite_schema;"));
  // A 64 MiB page cache keeps a first sync (a few hundred thousand rows in one transaction) from
  // spilling pages to the WAL mid-transaction; SQLite allocates it only as pages are used.
  FB_RETURN_IF_ERROR(db->ExecScript("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;"));
  if (!options.read_only && options.wal && path != ":memory:" && !path.empty()) {
    FB_RETURN_IF_ERROR(db->ExecScript("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"));
  }
  return db;
}

Db::~Db() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

Status Db::ExecScript(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    // A locked database is kUnavailable here too (it was kIo, so `db check` could not tell a
    // locked file from a broken one). A full disk at COMMIT stays kIo: kResourceExhausted is
    // answered 413 by the server, which a device reads as "this request is too large".
    if ((rc & 0xff) == SQLITE_FULL) return Status::Io(std::move(msg));
    return Classified(rc, std::move(msg));
  }
  return Status::Ok();
}

Result<Statement*> Db::Prepare(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
  auto owned = std::make_unique<Statement>(db_, stmt);
  Statement* ptr = owned.get();
  cache_.emplace(std::move(key), std::move(owned));
  return ptr;
}

int64_t Db::LastChanges() const { return sqlite3_changes64(db_); }
std::string Db::LastError() const { return sqlite3_errmsg(db_); }
bool Db::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Result<std::unique_ptr<Transaction>> Transaction::Begin(Db& db) {
  if (db.InTransaction()) {
    std::string name = "fb_sp" + std::to_string(++db.savepoint_depth_);
    Status s = db.ExecScript("SAVEPOINT " + name);
    if (!s.ok()) {
      --db.savepoint_depth_;
      return s;
    }
    return std::unique_ptr<Transaction>(new Transaction(db, std::move(name)));
  }
  FB_RETURN_IF_ERROR(db.ExecScript("BEGIN IMMEDIATE"));
  return std::unique_ptr<Transaction>(new Transaction(db, ""));
}

Transaction::~Transaction() {
  if (done_) return;
  if (savepoint_.empty()) {
    (void)db_.ExecScript("ROLLBACK");
  } else {
    (void)db_.ExecScript("ROLLBACK TO " + savepoint_ + "; RELEASE " + savepoint_);
    --db_.savepoint_depth_;
  }
}

Status Transaction::Commit() {
  Status s = db_.ExecScript(savepoint_.empty() ? "COMMIT" : "RELEASE " + savepoint_);
  if (s.ok()) {
    done_ = true;
    if (!savepoint_.empty()) --db_.savepoint_depth_;
  }
  return s;
}

Status ReadSnapshot::Begin() {
  if (!own_ || begun_) return Status::Ok();
  FB_RETURN_IF_ERROR(db_.ExecScript("BEGIN"));
  begun_ = true;
  return db_.ExecScript("SELECT count(*) FROM sqlite_schema");
}

ReadSnapshot::~ReadSnapshot() {
  if (!begun_) return;
  if (!db_.ExecScript("COMMIT").ok()) (void)db_.ExecScript("ROLLBACK");
}

}  // namespace fieldbook
