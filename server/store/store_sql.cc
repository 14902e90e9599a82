#include "store/store_sql.h"

#include <string>

namespace fieldbook::server {

Result<int64_t> ReadInt(SqlStatement& s) {
  FB_ASSIGN_OR_RETURN(bool row, s.Step());
  const int64_t n = row ? s.Int(0) : 0;
  s.Reset();
  return n;
}

Result<int64_t> ReadNewId(SqlStatement& s, std::string_view what) {
  FB_ASSIGN_OR_RETURN(bool row, s.Step());
  const int64_t id = row ? s.Int(0) : 0;
  s.Reset();
  if (!row) return Status::Internal(std::string(what) + " got no id");
  return id;
}

}  // namespace fieldbook::server
