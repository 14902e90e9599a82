// Helpers shared by the files that implement ClientStore (client_store.cc, client_store_grades.cc,
// client_store_pool.cc): not part of its interface. Stmt resets a cached prepared statement when
// it goes out of scope, so that no read stays open by accident; the readers turn NULL columns
// into empty values.
//
// Thread safety: as the Db the statements come from (ClientStore is used on one thread at a time).
#ifndef FIELDBOOK_CLIENT_CLIENT_STORE_INTERNAL_H_
#define FIELDBOOK_CLIENT_CLIENT_STORE_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "fieldbook/sqlite_db.h"

namespace fieldbook::client::internal {

class Stmt {
 public:
  explicit Stmt(Statement* s) : s_(s) {}
  ~Stmt() { s_->Reset(); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Statement* operator->() { return s_; }
  Statement& operator*() { return *s_; }

 private:
  Statement* s_;
};

// Runs `sql` with `customer_id` bound to its one parameter and calls `row` for each result row.
inline Status ForEachCustomerRow(Db& db, const char* sql, const std::string& customer_id,
                                 const std::function<void(Statement&)>& row) {
  FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
  Stmt s(raw);
  s->Bind(1, customer_id);
  while (true) {
    FB_ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) return Status::Ok();
    row(*s);
  }
}

// Column `col` of the current row; nullopt (or "") for NULL.
inline std::optional<int64_t> IntOpt(const Statement& s, int col) {
  if (s.IsNull(col)) return std::nullopt;
  return s.Int(col);
}
inline std::optional<double> RealOpt(const Statement& s, int col) {
  if (s.IsNull(col)) return std::nullopt;
  return s.Real(col);
}
inline std::string TextOrEmpty(const Statement& s, int col) {
  return s.IsNull(col) ? std::string() : s.Text(col);
}

// `s` without leading and trailing spaces, tabs and line breaks.
inline std::string Trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  const size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace fieldbook::client::internal

#endif  // FIELDBOOK_CLIENT_CLIENT_STORE_INTERNAL_H_
