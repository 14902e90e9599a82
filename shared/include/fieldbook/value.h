// Value: one SQLite cell as it travels between replicas (NULL, 64-bit integer, double or UTF-8
// text). Replicated tables hold no blobs.
//
// Thread safety: value type.
#ifndef FIELDBOOK_VALUE_H_
#define FIELDBOOK_VALUE_H_

#include <cstdint>
#include <string>
#include <variant>

namespace fieldbook {

using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }

// A short, human-readable rendering for logs and review lists ("NULL", "42", "'鑫达汽修'").
std::string ValueToDebugString(const Value& v);

}  // namespace fieldbook

#endif  // FIELDBOOK_VALUE_H_
