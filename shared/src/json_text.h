// Deterministic JSON text for values: the canonical export and review payloads. Integers print as
// integers, doubles in their shortest round-trip form, text as UTF-8 with only the escapes JSON
// requires, so the same data always gives the same bytes.
// Thread safety: pure functions.
#ifndef FIELDBOOK_SRC_JSON_TEXT_H_
#define FIELDBOOK_SRC_JSON_TEXT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fieldbook/value.h"

namespace fieldbook {

void AppendJsonString(std::string& out, std::string_view text);
void AppendJsonValue(std::string& out, const Value& v);
// {"col":value,...} in the given order.
std::string ColumnsToJson(const std::vector<std::pair<std::string, Value>>& columns);

}  // namespace fieldbook

#endif  // FIELDBOOK_SRC_JSON_TEXT_H_
