// What the columns of a distributor's sheet mean: the fields Fieldbook imports for each kind of
// record (customers, contacts, orders, visits), the header names it recognises for each, in
// Chinese and English (客户名称/名称/name, 电话/手机/phone, 订单日期, 金额, 配件号 …), and a
// mapping file that overrides them.
//
// Headers are compared after normalising: ASCII case folded; blanks, '_', '-', '*', ':' and '：'
// removed; a trailing unit in parentheses dropped ("金额(元)", "Amount (CNY)"). A mapping file is a
// JSON object from header text (as written in the sheet) to a field key, or to "" to ignore the
// column: {"店名": "name", "旧系统ID": "external_id", "内部备注": ""}.
//
// Thread safety: pure functions over constant tables (thread-safe).
#ifndef FIELDBOOK_SERVER_IMPORT_FIELDS_H_
#define FIELDBOOK_SERVER_IMPORT_FIELDS_H_

#include <map>
#include <string>
#include <vector>

#include "fieldbook/status.h"

namespace fieldbook::server {

enum class ImportKind { kCustomers, kContacts, kOrders, kVisits, kProducts };

Result<ImportKind> ParseImportKind(const std::string& name);
const char* ImportKindName(ImportKind kind);

// How a field's text is parsed (import_values.h).
enum class FieldType { kText, kPhone, kDate, kDateTime, kAmount, kQuantity, kEnum, kFlag };

struct FieldSpec {
  const char* key;  // "name", "phone", "external_id", "customer_ref" …
  FieldType type;
  const char* label;                 // English, for reports and export headers
  const char* zh;                    // the Chinese header written on export
  std::vector<std::string> aliases;  // recognised headers (normalised forms)
};

// The fields of `kind`, in export order.
const std::vector<FieldSpec>& FieldsOf(ImportKind kind);
// The field's index in FieldsOf(kind), or -1.
int FieldIndex(ImportKind kind, const std::string& key);

// Header text -> field key ("" = ignore the column).
using MappingOverrides = std::map<std::string, std::string>;
// Parses a mapping file's JSON; names the bad entry (an unknown field key) in the error.
Result<MappingOverrides> ParseMapping(ImportKind kind, const std::string& json);

struct HeaderMap {
  std::vector<int> field_of_column;  // per column: index into FieldsOf(kind), or -1 (ignored)
  std::vector<std::string> ignored;  // headers not recognised (their columns are not imported)
  // Which column holds each field (-1: none).
  std::vector<int> column_of_field;
  int Column(ImportKind kind, const std::string& key) const;
};

// Maps a header row. An error for: a header row with no recognised column, the same field from
// two columns (naming both), or a required field missing (customers need a name; orders and
// visits a customer reference: customer_ref or customer_phone).
Result<HeaderMap> MapHeader(ImportKind kind, const std::vector<std::string>& header,
                            const MappingOverrides& overrides);
// The same, for a preview: the map as far as it goes, with the first problem MapHeader would
// refuse it for in `problem` (Ok when none); a column whose field another column took already is
// left unmapped.
HeaderMap DetectHeader(ImportKind kind, const std::vector<std::string>& header,
                       const MappingOverrides& overrides, Status* problem);

// The normalised form headers are compared in.
std::string NormalizeHeader(const std::string& header);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_IMPORT_FIELDS_H_
