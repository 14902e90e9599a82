// Parsing the text of one spreadsheet cell into the value Fieldbook stores, as distributors' sheets
// write them: dates as Excel writes them (2026/11/23, 2026-11-23, 2026.11.23, 2026年11月23日, an
// Excel serial number such as 46349), amounts with ¥ or ￥, 元, RMB/CNY, thousands separators and
// 万 (ten thousand), phones that Excel turned into numbers (1.3800138001E+10), and the
// enumerations in Chinese or English (修理厂 -> garage, 潜在 -> potential …).
//
// Each parser returns the value or kInvalidArgument with a short reason for the dry-run report
// ("not a date: write 2026-11-23").
//
// Thread safety: pure functions (thread-safe).
#ifndef FIELDBOOK_SERVER_IMPORT_VALUES_H_
#define FIELDBOOK_SERVER_IMPORT_VALUES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "fieldbook/status.h"
#include "fieldbook/value.h"
#include "import/import_fields.h"

namespace fieldbook::server {

// Blanks (ASCII and the ideographic space) trimmed from both ends.
std::string TrimCell(std::string_view text);

// "YYYY-MM-DD". A time after the date is ignored.
Result<std::string> ParseImportDate(std::string_view text);
// "YYYY-MM-DDTHH:MM:SSZ" (the sheet's time taken as UTC; 00:00:00 without one).
Result<std::string> ParseImportDateTime(std::string_view text);
// Cents (fen). At most two decimals; negative with '-' or in parentheses.
Result<int64_t> ParseAmountCents(std::string_view text);
// A whole number (3, 3.0, 1,200).
Result<int64_t> ParseQuantity(std::string_view text);
// The phone as text, with what Excel did to it undone.
Result<std::string> ParsePhone(std::string_view text);
// 是/否, yes/no, y/n, true/false, 1/0.
Result<int64_t> ParseFlag(std::string_view text);
// customer_type, relationship or purchase_stage: the stored value for a Chinese or English word.
Result<std::string> ParseEnum(const std::string& field, std::string_view text);

// A trimmed, non-empty cell parsed by the field's type.
Result<Value> ParseField(const FieldSpec& field, std::string_view text);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_IMPORT_VALUES_H_
