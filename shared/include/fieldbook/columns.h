// Row helpers over Statement (sqlite_db.h) and the storage seam's SqlStatement (sql_db.h), so
// that the readers and writers of each store do not repeat the same steps: a record's run of text
// (or integer) columns read into its fields in one call (not one `x.f = s.Text(i)` line per
// column); every row of a query read with a record's reader, or visited by a function (not a Step
// loop per query), or the one row of a lookup; a statement's parameters bound from one list (not a
// chain of Bind(1, ..).Bind(2, ..)).
//
// Each helper takes either statement type (any type with Step/Text/Bind/Reset of that contract).
//
// Thread safety: as the statement (one thread at a time).
#ifndef FIELDBOOK_COLUMNS_H_
#define FIELDBOOK_COLUMNS_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"
#include "fieldbook/value.h"

namespace fieldbook {

// Columns first, first + 1, ... of the current row as text (Statement::Text: NULL reads as "")
// into `fields`, in order.
template <typename Stmt>
void ReadTextColumns(const Stmt& s, int first, std::initializer_list<std::string*> fields) {
  for (std::string* field : fields) *field = s.Text(first++);
}

// Columns first, first + 1, ... of the current row as integers (Statement::Int: NULL reads as 0)
// into `fields`, in order.
template <typename Stmt>
void ReadIntColumns(const Stmt& s, int first, std::initializer_list<int64_t*> fields) {
  for (int64_t* field : fields) *field = s.Int(first++);
}

// Steps `s` to its end, calling visit(s) on every row, in order. `visit` returns void, or a
// Status whose error stops the walk; that error, or one of Step, is returned as it is.
template <typename Stmt, typename Visit>
Status VisitRows(Stmt& s, Visit visit) {
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::Ok();
    if constexpr (std::is_same_v<decltype(visit(s)), Status>) {
      FB_RETURN_IF_ERROR(visit(s));
    } else {
      visit(s);
    }
  }
}

// Steps `s` to its end: read(s) of every row, in order (an error of Step is returned as it is).
template <typename Stmt, typename Read>
auto ReadRows(Stmt& s, Read read) -> Result<std::vector<std::decay_t<decltype(read(s))>>> {
  std::vector<std::decay_t<decltype(read(s))>> out;
  FB_RETURN_IF_ERROR(VisitRows(s, [&](Stmt& row) { out.push_back(read(row)); }));
  return out;
}

// The first row of `s` read with read(s), or nullopt when it has none; `s` is reset either way
// (an error of Step is returned as it is).
template <typename Stmt, typename Read>
auto ReadOneRow(Stmt& s, Read read) -> Result<std::optional<std::decay_t<decltype(read(s))>>> {
  FB_ASSIGN_OR_RETURN(bool row, s.Step());
  std::optional<std::decay_t<decltype(read(s))>> out;
  if (row) out = read(s);
  s.Reset();
  return out;
}

// Binds `values` to parameters 1, 2, ... of `s`, in order (a monostate binds NULL).
template <typename Stmt>
Stmt& BindValues(Stmt& s, std::initializer_list<Value> values) {
  int index = 1;
  for (const Value& v : values) s.Bind(index++, v);
  return s;
}

}  // namespace fieldbook

#endif  // FIELDBOOK_COLUMNS_H_
