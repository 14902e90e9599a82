// Row-reader helpers over Statement (sqlite_db.h): a record's run of text columns read into its
// fields in one call, instead of one `x.f = s.Text(i)` line per column in every reader.
//
// Thread safety: as the Statement (one thread at a time).
#ifndef FIELDBOOK_COLUMNS_H_
#define FIELDBOOK_COLUMNS_H_

#include <initializer_list>
#include <string>

#include "fieldbook/sqlite_db.h"

namespace fieldbook {

// Columns first, first + 1, ... of the current row as text (Statement::Text: NULL reads as "")
// into `fields`, in order.
inline void ReadTextColumns(const Statement& s, int first,
                            std::initializer_list<std::string*> fields) {
  for (std::string* field : fields) *field = s.Text(first++);
}

}  // namespace fieldbook

#endif  // FIELDBOOK_COLUMNS_H_
