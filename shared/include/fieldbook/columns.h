// Row helpers over Statement (sqlite_db.h): a record's run of text columns read into its fields
// in one call, instead of one `x.f = s.Text(i)` line per column in every reader; a statement's
// parameters bound from one list, instead of a chain of Bind(1, ..).Bind(2, ..) per statement.
//
// Thread safety: as the Statement (one thread at a time).
#ifndef FIELDBOOK_COLUMNS_H_
#define FIELDBOOK_COLUMNS_H_

#include <initializer_list>
#include <string>

#include "fieldbook/sqlite_db.h"
#include "fieldbook/value.h"

namespace fieldbook {

// Columns first, first + 1, ... of the current row as text (Statement::Text: NULL reads as "")
// into `fields`, in order.
inline void ReadTextColumns(const Statement& s, int first,
                            std::initializer_list<std::string*> fields) {
  for (std::string* field : fields) *field = s.Text(first++);
}

// Binds `values` to parameters 1, 2, ... of `s`, in order (a monostate binds NULL).
inline Statement& BindValues(Statement& s, std::initializer_list<Value> values) {
  int index = 1;
  for (const Value& v : values) s.Bind(index++, v);
  return s;
}

}  // namespace fieldbook

#endif  // FIELDBOOK_COLUMNS_H_
