#include "fieldbook/change_set.h"

#include <algorithm>

namespace fieldbook {

uint32_t ChangeSet::OriginIndex(const std::string& id) {
  auto it = std::find(origins.begin(), origins.end(), id);
  if (it != origins.end()) return static_cast<uint32_t>(it - origins.begin());
  origins.push_back(id);
  return static_cast<uint32_t>(origins.size() - 1);
}

size_t ChangeSet::ColumnCount() const {
  size_t n = 0;
  for (const RowChange& r : rows) n += r.columns.size();
  return n;
}

}  // namespace fieldbook
