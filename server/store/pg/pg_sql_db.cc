#include "store/pg/pg_sql_db.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace fieldbook::pg {

namespace {

constexpr int kMaxParams = 65535;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether `sql` may write: anything but a plain SELECT (or VALUES), by its first word.
bool MayWrite(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size() && (sql[i] == ' ' || sql[i] == '\n' || sql[i] == '\t' || sql[i] == '(')) {
    ++i;
  }
  auto starts = [&](std::string_view word) {
    if (sql.size() - i < word.size()) return false;
    for (size_t k = 0; k < word.size(); ++k) {
      if ((sql[i + k] | 0x20) != word[k]) return false;
    }
    return true;
  };
  return !starts("select") && !starts("values");
}

}  // namespace

Result<PgSqlText> TranslatePlaceholders(std::string_view sql) {
  PgSqlText out;
  out.sql.reserve(sql.size() + 16);
  size_t i = 0;
  auto copy_until = [&](std::string_view end) {
    // Copies from i through the next `end` (or to the end of the text).
    const size_t stop = sql.find(end, i);
    const size_t to = stop == std::string_view::npos ? sql.size() : stop + end.size();
    out.sql.append(sql.substr(i, to - i));
    i = to;
  };
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // A literal or quoted identifier; a doubled quote inside is two quoted pieces in a row.
      out.sql += c;
      ++i;
      copy_until(std::string_view(&c, 1));
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      copy_until("\n");
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      out.sql += "/*";
      i += 2;
      copy_until("*/");
    } else if (c == '?') {
      ++i;
      int number = 0;
      if (i < sql.size() && IsDigit(sql[i])) {
        const size_t from = i;
        while (i < sql.size() && IsDigit(sql[i])) ++i;
        if (i - from > 5) return Status::InvalidArgument("sql: parameter number too large");
        std::from_chars(sql.data() + from, sql.data() + i, number);
        if (number < 1 || number > kMaxParams) {
          return Status::InvalidArgument("sql: parameter number out of range: ?" +
                                         std::to_string(number));
        }
      } else {
        number = out.params + 1;
        if (number > kMaxParams) return Status::InvalidArgument("sql: too many parameters");
      }
      out.params = std::max(out.params, number);
      out.sql += '$';
      out.sql += std::to_string(number);
    } else {
      out.sql += c;
      ++i;
    }
  }
  return out;
}

void PgSqlStatement::Set(int index, std::optional<std::string> text) {
  if (index < 1 || index > text_.params) {
    if (bind_error_.ok()) {
      bind_error_ = Status::Internal("sql: parameter " + std::to_string(index) +
                                     " out of range (the statement has " +
                                     std::to_string(text_.params) + ")");
    }
    return;
  }
  params_[static_cast<size_t>(index - 1)] = std::move(text);
}

PgSqlStatement& PgSqlStatement::BindInt(int index, int64_t v) {
  Set(index, std::to_string(v));
  return *this;
}

PgSqlStatement& PgSqlStatement::BindReal(int index, double v) {
  if (std::isnan(v)) {
    Set(index, "NaN");
    return *this;
  }
  if (std::isinf(v)) {
    Set(index, v > 0 ? "Infinity" : "-Infinity");
    return *this;
  }
  std::array<char, 32> buf{};
  // The shortest text that reads back as exactly `v`.
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  Set(index, std::string(buf.data(), ec == std::errc() ? end : buf.data()));
  return *this;
}

PgSqlStatement& PgSqlStatement::BindText(int index, std::string_view text) {
  Set(index, std::string(text));
  return *this;
}

PgSqlStatement& PgSqlStatement::BindBlob(int index, std::string_view bytes) {
  Set(index, ByteaLiteral(bytes));
  return *this;
}

PgSqlStatement& PgSqlStatement::BindNull(int index) {
  Set(index, std::nullopt);
  return *this;
}

PgSqlStatement& PgSqlStatement::BindValue(int index, const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return BindInt(index, *i);
  if (const auto* d = std::get_if<double>(&v)) return BindReal(index, *d);
  if (const auto* s = std::get_if<std::string>(&v)) return BindText(index, *s);
  return BindNull(index);
}

Status PgSqlStatement::Execute() {
  FB_RETURN_IF_ERROR(bind_error_);
  std::vector<PgParam> params;
  params.reserve(params_.size());
  for (const std::optional<std::string>& p : params_) {
    params.push_back(p ? PgParam(*p) : PgParam(std::nullopt));
  }
  FB_ASSIGN_OR_RETURN(rows_, owner_.Run(text_.sql, writes_, params));
  executed_ = true;
  row_ = -1;
  return Status::Ok();
}

Result<bool> PgSqlStatement::Step() {
  if (!executed_) FB_RETURN_IF_ERROR(Execute());
  if (row_ < rows_.size()) ++row_;
  return row_ < rows_.size();
}

Status PgSqlStatement::Run() {
  if (!executed_) FB_RETURN_IF_ERROR(Execute());
  row_ = rows_.size();
  return Status::Ok();
}

int64_t PgSqlStatement::Int(int col) const {
  const Value v = Get(col);
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtoll(s->c_str(), nullptr, 10);
  return 0;
}

double PgSqlStatement::Real(int col) const {
  const Value v = Get(col);
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return 0;
}

std::string PgSqlStatement::Text(int col) const {
  Value v = Get(col);
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* s = std::get_if<std::string>(&v)) return std::move(*s);
  return rows_.Text(row_, col);
}

std::string PgSqlStatement::Blob(int col) const { return Text(col); }

void PgSqlStatement::Reset() {
  Rewind();
  params_.assign(static_cast<size_t>(text_.params), std::nullopt);
}

void PgSqlStatement::Rewind() {
  rows_ = PgRows();
  executed_ = false;
  row_ = -1;
  bind_error_ = Status::Ok();
}

Result<SqlStatement*> PgSqlDb::Prepare(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it == statements_.end()) {
    FB_ASSIGN_OR_RETURN(PgSqlText text, TranslatePlaceholders(sql));
    auto stmt = std::make_unique<PgSqlStatement>(*this, std::move(text), MayWrite(sql));
    it = statements_.emplace(std::string(sql), std::move(stmt)).first;
  }
  it->second->Reset();
  return it->second.get();
}

Result<PgRows> PgSqlDb::Run(const std::string& sql, bool writes, std::span<const PgParam> params) {
  // A write inside a transaction runs under its own savepoint, in one round trip (ExecAtomic).
  Result<PgRows> rows =
      writes && db_.InTransaction() ? db_.ExecAtomic(sql, params) : db_.Exec(sql, params);
  if (!rows.ok()) {
    if (db_.last_sqlstate().rfind("23", 0) == 0) return Status::Rejected(rows.status().message());
    return rows.status();
  }
  last_changes_ = writes ? rows->affected() : 0;
  return rows;
}

Result<std::unique_ptr<SqlTransaction>> PgSqlDb::Begin() {
  FB_ASSIGN_OR_RETURN(std::unique_ptr<PgTransaction> tx, PgTransaction::Begin(db_));
  return std::unique_ptr<SqlTransaction>(new SqlTransactionOf<PgTransaction>(std::move(tx)));
}

Result<std::unique_ptr<SqlTransaction>> PgSqlDb::BeginRead() {
  FB_ASSIGN_OR_RETURN(std::unique_ptr<PgTransaction> tx,
                      PgTransaction::Begin(db_, PgIsolation::kRepeatableRead));
  return std::unique_ptr<SqlTransaction>(new SqlTransactionOf<PgTransaction>(std::move(tx)));
}

}  // namespace fieldbook::pg
