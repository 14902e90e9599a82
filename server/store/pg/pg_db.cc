#include "store/pg/pg_db.h"

#include <libpq-fe.h>

#include <charconv>
#include <limits>
#include <utility>
#include <vector>

namespace fieldbook::pg {

namespace {

// The Status of a failed statement, from its SQLSTATE class (PostgreSQL manual, appendix A).
Status FromSqlState(const std::string& state, std::string message) {
  auto is = [&](std::string_view prefix) { return state.rfind(prefix, 0) == 0; };
  if (is("23")) return Status::Conflict(std::move(message));  // integrity constraint violation
  if (is("40") || is("55P03") || is("57014") || is("08") || is("57P") || is("25P03")) {
    // serialization failure, deadlock, lock not available, statement timeout / cancel, a session
    // ended for idling in a transaction, a lost connection, the server shutting down: the
    // transaction may succeed when run again.
    return Status::Unavailable(std::move(message));
  }
  if (is("22")) return Status::InvalidArgument(std::move(message));  // data exception
  if (is("53") || is("54")) return Status::ResourceExhausted(std::move(message));
  if (is("28")) return Status::Rejected(std::move(message));  // invalid authorization
  if (is("42")) return Status::Internal(std::move(message));  // syntax, undefined object: a bug
  return Status::Io(std::move(message));
}

std::string Trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// ": " and libpq's message, or "" when it has none.
std::string Detail(const char* text) {
  std::string s = Trimmed(text);
  return s.empty() ? s : ": " + s;
}

void IgnoreNotice(void*, const char*) {}

}  // namespace

void PgRows::Clear::operator()(pg_result* r) const { PQclear(r); }

PgRows::PgRows(pg_result* result) : result_(result) {}

int PgRows::size() const { return result_ ? PQntuples(result_.get()) : 0; }

int PgRows::columns() const { return result_ ? PQnfields(result_.get()) : 0; }

bool PgRows::IsNull(int row, int col) const {
  return !result_ || row >= size() || col >= columns() || PQgetisnull(result_.get(), row, col) != 0;
}

std::string PgRows::Text(int row, int col) const {
  if (IsNull(row, col)) return "";
  return std::string(PQgetvalue(result_.get(), row, col),
                     static_cast<size_t>(PQgetlength(result_.get(), row, col)));
}

int64_t PgRows::Int(int row, int col) const {
  if (IsNull(row, col)) return 0;
  const char* text = PQgetvalue(result_.get(), row, col);
  const char* end = text + PQgetlength(result_.get(), row, col);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text, end, v);
  return ec == std::errc() && ptr == end ? v : 0;
}

bool PgRows::Bool(int row, int col) const {
  return !IsNull(row, col) && PQgetvalue(result_.get(), row, col)[0] == 't';
}

std::string PgRows::Bytes(int row, int col) const {
  if (IsNull(row, col)) return "";
  size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, col)), &length);
  if (bytes == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return out;
}

Value PgRows::Get(int row, int col) const {
  if (IsNull(row, col)) return std::monostate{};
  // Type OIDs of pg_type (fixed since PostgreSQL 7): bool 16, bytea 17, int8 20, int2 21,
  // int4 23, float4 700, float8 701.
  switch (PQftype(result_.get(), col)) {
    case 16:
      return int64_t{Bool(row, col) ? 1 : 0};
    case 17:
      return Bytes(row, col);
    case 20:
    case 21:
    case 23:
      return Int(row, col);
    case 700:
    case 701: {
      const std::string text = Text(row, col);
      if (text == "Infinity") return std::numeric_limits<double>::infinity();
      if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
      double v = 0;
      std::from_chars(text.data(), text.data() + text.size(), v);
      return v;
    }
    default:
      return Text(row, col);
  }
}

int64_t PgRows::affected() const {
  if (!result_) return 0;
  const char* text = PQcmdTuples(result_.get());
  int64_t v = 0;
  std::from_chars(text, text + std::char_traits<char>::length(text), v);
  return v;
}

Result<std::unique_ptr<PgDb>> PgDb::Connect(const std::string& conninfo,
                                            const PgConnectOptions& options) {
  if (conninfo.find('\0') != std::string::npos) {
    return Status::InvalidArgument("postgresql: the connection string holds a NUL byte");
  }
  // Defaults first: values the connection string names itself override them (expand_dbname).
  const std::string timeout = std::to_string(options.connect_timeout_s);
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), options.application_name.c_str(), conninfo.c_str(),
                          nullptr};
  pg_conn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Status::ResourceExhausted("postgresql: out of memory connecting");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = "postgresql: cannot connect: " + Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    const bool refused_login = msg.find("authentication failed") != std::string::npos ||
                               msg.find("does not exist") != std::string::npos;
    return refused_login ? Status::Rejected(std::move(msg)) : Status::Unavailable(std::move(msg));
  }
  PQsetNoticeProcessor(conn, &IgnoreNotice, nullptr);
  std::unique_ptr<PgDb> db(new PgDb(conn, options));
  FB_RETURN_IF_ERROR(db->ApplySession());
  return db;
}

Status PgDb::ApplySession() {
  session_ = Session::kSettingUp;
  Status applied = ApplySettings();
  session_ = applied.ok() ? Session::kSetUp : Session::kNotSetUp;
  return applied;
}

Status PgDb::SetUp() const {
  if (session_ != Session::kNotSetUp) return Status::Ok();
  return Status::Unavailable("postgresql: the session's set-up failed; it is made again first");
}

Status PgDb::ApplySettings() {
  for (int ms : {options_.statement_timeout_ms, options_.lock_timeout_ms,
                 options_.idle_in_transaction_timeout_ms}) {
    if (ms < 0) return Status::InvalidArgument("postgresql: a session limit is negative");
  }
  FB_RETURN_IF_ERROR(
      Exec("SELECT set_config('statement_timeout', $1, false), "
           "set_config('lock_timeout', $2, false), "
           "set_config('idle_in_transaction_session_timeout', $3, false)",
           {std::to_string(options_.statement_timeout_ms), std::to_string(options_.lock_timeout_ms),
            std::to_string(options_.idle_in_transaction_timeout_ms)})
          .status());
  if (fail_session_set_up_) {
    fail_session_set_up_ = false;
    return Status::Unavailable("postgresql: the session's set-up failed (a test's hook)");
  }
  if (options_.read_only) {
    FB_RETURN_IF_ERROR(
        Exec("SELECT set_config('default_transaction_read_only', 'on', false)").status());
  }
  if (options_.search_path.empty()) return Status::Ok();
  return Exec("SELECT set_config('search_path', $1, false)", {options_.search_path}).status();
}

Status PgDb::SetReadOnly() {
  options_.read_only = true;
  return ApplySession();
}

bool PgDb::TakeWriteRefused() {
  const bool refused = write_refused_;
  write_refused_ = false;
  return refused;
}

Status PgDb::Reconnect() {
  prepared_.clear();  // the server forgot them with the old session
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Status::Unavailable("postgresql: cannot reconnect: " + Trimmed(PQerrorMessage(conn_)));
  }
  PQsetNoticeProcessor(conn_, &IgnoreNotice, nullptr);
  return ApplySession();
}

bool PgDb::connected() const {
  return session_ == Session::kSetUp && PQstatus(conn_) == CONNECTION_OK;
}

PgDb::~PgDb() { PQfinish(conn_); }

Status PgDb::Check(pg_result* result, std::string_view what) {
  last_sqlstate_.clear();
  const ExecStatusType st = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::Ok();
  std::string msg = "postgresql: " + std::string(what) + ": ";
  if (result == nullptr) {
    msg += Trimmed(PQerrorMessage(conn_));
    return PQstatus(conn_) == CONNECTION_OK ? Status::ResourceExhausted(std::move(msg))
                                            : Status::Unavailable(std::move(msg));
  }
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  last_sqlstate_ = state ? state : "";
  if (last_sqlstate_ == "25006") write_refused_ = true;  // read_only_sql_transaction
  msg += Trimmed(PQresultErrorMessage(result));
  if (!last_sqlstate_.empty()) msg += " [SQLSTATE " + last_sqlstate_ + "]";
  if (last_sqlstate_.empty() || PQstatus(conn_) != CONNECTION_OK) {
    return Status::Unavailable(std::move(msg));  // the connection broke mid-statement
  }
  return FromSqlState(last_sqlstate_, std::move(msg));
}

Status PgDb::ExecScript(std::string_view sql) {
  FB_RETURN_IF_ERROR(SetUp());
  const std::string text(sql);
  if (text.find('\0') != std::string::npos) {
    return Status::InvalidArgument("postgresql: a script holds a NUL byte");
  }
  ++round_trips_;
  pg_result* result = PQexec(conn_, text.c_str());
  PgRows owner(result);  // frees the result; Check only reads it
  return Check(result, "script");
}

Result<PgRows> PgDb::Exec(std::string_view sql, std::initializer_list<PgParam> params) {
  return Exec(sql, std::span<const PgParam>(params.begin(), params.size()));
}

Result<std::string> PgDb::Prepared(std::string_view sql) {
  FB_RETURN_IF_ERROR(SetUp());
  std::string key(sql);
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    if (key.find('\0') != std::string::npos) {
      return Status::InvalidArgument("postgresql: a statement holds a NUL byte");
    }
    std::string name = "fb" + std::to_string(prepared_.size() + 1);
    ++round_trips_;
    pg_result* result = PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr);
    PgRows owner(result);
    FB_RETURN_IF_ERROR(Check(result, "prepare"));
    it = prepared_.emplace(std::move(key), std::move(name)).first;
  }
  return it->second;
}

namespace {

// PostgreSQL's protocol counts a statement's parameters in 16 bits: more is the caller's error,
// refused before anything is prepared or sent (libpq would refuse the send, which ExecAtomic
// could only report as a broken pipeline).
constexpr size_t kMaxParams = 65535;

Status CheckParamCount(size_t count) {
  if (count <= kMaxParams) return Status::Ok();
  return Status::InvalidArgument("postgresql: a statement takes at most 65535 parameters, not " +
                                 std::to_string(count) + " (split it into smaller statements)");
}

// The parameters as libpq takes them (NULL for SQL NULL); text holding a NUL byte is refused.
Result<std::vector<const char*>> ParamValues(std::span<const PgParam> params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgParam& p : params) {
    if (p.value() && p.value()->find('\0') != std::string::npos) {
      return Status::InvalidArgument("postgresql: a parameter holds a NUL byte");
    }
    values.push_back(p.value() ? p.value()->c_str() : nullptr);
  }
  return values;
}

}  // namespace

Result<PgRows> PgDb::Exec(std::string_view sql, std::span<const PgParam> params) {
  FB_RETURN_IF_ERROR(CheckParamCount(params.size()));
  FB_ASSIGN_OR_RETURN(const std::string name, Prepared(sql));
  FB_ASSIGN_OR_RETURN(const std::vector<const char*> values, ParamValues(params));
  ++round_trips_;
  pg_result* result = PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                                     values.data(), nullptr, nullptr, 0);
  PgRows rows(result);
  FB_RETURN_IF_ERROR(Check(result, "statement"));
  return rows;
}

Status PgDb::ExecEach(std::string_view sql, std::span<const PgParam> params,
                      const std::function<Status(const PgRows& rows, int row)>& each) {
  FB_RETURN_IF_ERROR(CheckParamCount(params.size()));
  FB_ASSIGN_OR_RETURN(const std::string name, Prepared(sql));
  FB_ASSIGN_OR_RETURN(const std::vector<const char*> values, ParamValues(params));
  ++round_trips_;
  if (PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(),
                          nullptr, nullptr, 0) == 0) {
    return Check(nullptr, "statement");
  }
  // Without single-row mode (it cannot fail right after a send) the rows would still come, in
  // one result: handled the same way below.
  (void)PQsetSingleRowMode(conn_);
  Status status;
  // Every result is read to the end, also after a failure: the connection is usable only then.
  while (pg_result* result = PQgetResult(conn_)) {
    PgRows rows(result);
    if (!status.ok()) continue;
    const ExecStatusType st = PQresultStatus(result);
    if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK) {
      status = Check(result, "statement");
      continue;
    }
    for (int r = 0; r < rows.size() && status.ok(); ++r) status = each(rows, r);
  }
  return status;
}

namespace {

// The result of the next statement of a pipeline (nullptr when none came: the connection broke),
// with the end of that statement's results read too.
pg_result* NextPipelined(pg_conn* conn) {
  pg_result* result = PQgetResult(conn);
  if (result != nullptr) {
    while (pg_result* more = PQgetResult(conn)) PQclear(more);
  }
  return result;
}

}  // namespace

Status PgDb::OutOfStep(std::string_view what) {
  session_ = Session::kNotSetUp;
  last_sqlstate_.clear();
  return Status::Unavailable(std::string(what) +
                             " (the connection is out of step: its transaction is lost, and the "
                             "session is made again before its next use)");
}

Result<PgRows> PgDb::ExecAtomic(std::string_view sql, std::span<const PgParam> params) {
  if (!InTransaction()) return Status::Internal("postgresql: ExecAtomic outside a transaction");
  FB_RETURN_IF_ERROR(CheckParamCount(params.size()));
  // The three statements are prepared once per connection, like any other.
  FB_ASSIGN_OR_RETURN(const std::string savepoint, Prepared("SAVEPOINT fb_statement"));
  FB_ASSIGN_OR_RETURN(const std::string name, Prepared(sql));
  FB_ASSIGN_OR_RETURN(const std::string release, Prepared("RELEASE SAVEPOINT fb_statement"));
  FB_ASSIGN_OR_RETURN(const std::vector<const char*> values, ParamValues(params));
  const PipelineFault fault = std::exchange(pipeline_fault_, PipelineFault::kNone);
  // One round trip: the three statements and a Sync are sent together. When one fails, the
  // server skips the rest up to the Sync (PGRES_PIPELINE_ABORTED) and the transaction waits for
  // the ROLLBACK TO below; a failed SAVEPOINT (a transaction that failed earlier) runs nothing.
  ++round_trips_;
  if (PQenterPipelineMode(conn_) == 0) return Check(nullptr, "pipeline");
  const bool sent =
      PQsendQueryPrepared(conn_, savepoint.c_str(), 0, nullptr, nullptr, nullptr, 0) != 0 &&
      fault != PipelineFault::kSendFails &&
      PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(),
                          nullptr, nullptr, 0) != 0 &&
      PQsendQueryPrepared(conn_, release.c_str(), 0, nullptr, nullptr, nullptr, 0) != 0 &&
      PQpipelineSync(conn_) != 0;
  // Without the Sync the server was never asked to answer what was queued: waiting for it would
  // wait for ever, and the connection cannot leave pipeline mode with it pending.
  if (!sent) {
    return OutOfStep("postgresql: a pipelined statement could not be sent" +
                     Detail(PQerrorMessage(conn_)));
  }
  pg_result* results[3] = {nullptr, nullptr, nullptr};
  PgRows owners[3];  // free the results on return; Check only reads them
  for (int i = 0; i < 3; ++i) {
    results[i] = NextPipelined(conn_);
    owners[i] = PgRows(results[i]);
  }
  pg_result* sync = fault == PipelineFault::kSyncLost ? nullptr : PQgetResult(conn_);
  PgRows sync_owner(sync);
  const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  const bool left = PQexitPipelineMode(conn_) != 0;
  if (!synced || !left) {
    // Still in pipeline mode, or a result missing (the connection broke): nothing more can run on
    // this session. The first failure tells why, when a statement's result came back failed.
    for (int i = 0; i < 3; ++i) {
      if (Status failed = Check(results[i], "pipeline"); !failed.ok()) {
        return OutOfStep(failed.message());
      }
    }
    return OutOfStep("postgresql: a pipeline ended out of step" + Detail(PQerrorMessage(conn_)));
  }
  FB_RETURN_IF_ERROR(Check(results[0], "savepoint"));
  if (Status failed = Check(results[1], "statement"); !failed.ok()) {
    const std::string state = last_sqlstate_;
    FB_RETURN_IF_ERROR(
        ExecScript("ROLLBACK TO SAVEPOINT fb_statement; RELEASE SAVEPOINT fb_statement"));
    last_sqlstate_ = state;
    return failed;
  }
  FB_RETURN_IF_ERROR(Check(results[2], "release"));
  return std::move(owners[1]);
}

Result<std::unique_ptr<PgTransaction>> PgTransaction::Begin(PgDb& db, PgIsolation isolation) {
  if (db.InTransaction()) {
    // Names are unique on the connection (a counter that only grows), so nothing to give back.
    std::string name = "fb_sp" + std::to_string(++db.savepoints_);
    FB_RETURN_IF_ERROR(db.ExecScript("SAVEPOINT " + name));
    return std::unique_ptr<PgTransaction>(new PgTransaction(db, std::move(name)));
  }
  const char* begin = isolation == PgIsolation::kSerializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                      : isolation == PgIsolation::kRepeatableRead
                          ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
                          : "BEGIN ISOLATION LEVEL READ COMMITTED";
  FB_RETURN_IF_ERROR(db.ExecScript(begin));
  return std::unique_ptr<PgTransaction>(new PgTransaction(db, ""));
}

PgTransaction::~PgTransaction() {
  if (done_) return;
  if (savepoint_.empty()) {
    (void)db_.ExecScript("ROLLBACK");
  } else {
    (void)db_.ExecScript("ROLLBACK TO SAVEPOINT " + savepoint_ + "; RELEASE SAVEPOINT " +
                         savepoint_);
  }
}

Status PgTransaction::Commit() {
  if (done_) return Status::Internal("postgresql: transaction committed twice");
  if (savepoint_.empty()) {
    // COMMIT of a failed transaction "succeeds" as a ROLLBACK: report it as the failure it is.
    const bool failed = PQtransactionStatus(db_.conn_) == PQTRANS_INERROR;
    Status s = db_.ExecScript("COMMIT");
    done_ = true;  // either way the transaction is over
    if (s.ok() && failed) {
      return Status::Unavailable("postgresql: the transaction failed earlier and was rolled back");
    }
    return s;
  }
  FB_RETURN_IF_ERROR(db_.ExecScript("RELEASE SAVEPOINT " + savepoint_));
  done_ = true;
  return Status::Ok();
}

Result<std::string> TextArrayLiteral(std::span<const std::optional<std::string>> values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    if (!values[i]) {
      out += "NULL";
      continue;
    }
    if (values[i]->find('\0') != std::string::npos) {
      return Status::InvalidArgument("postgresql: a text value holds a NUL byte");
    }
    out += '"';
    for (char c : *values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

Result<std::string> TextArrayLiteral(std::span<const std::string> values) {
  return TextArrayLiteral(std::vector<std::optional<std::string>>(values.begin(), values.end()));
}

std::string ByteaLiteral(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

bool PgDb::InTransaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

int PgDb::backend_pid() const { return PQbackendPID(conn_); }

}  // namespace fieldbook::pg
