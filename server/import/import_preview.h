// PreviewImport: what the import would make of a sheet's columns, before any import — its header,
// the field each column is recognised as (import_fields.h, with a mapping's overrides applied) and
// its first data rows, for the console's mapping editor (docs/import.md, "Admin API").
//
// Thread safety: reads only the file; safe on any thread (no store is involved).
#ifndef FIELDBOOK_SERVER_IMPORT_PREVIEW_H_
#define FIELDBOOK_SERVER_IMPORT_PREVIEW_H_

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "import/importer.h"

namespace fieldbook::server {

struct ImportPreview {
  ImportKind kind = ImportKind::kCustomers;
  std::string format;                // "csv" or "xlsx"
  std::vector<std::string> notes;    // the reader's notes in English
  std::vector<Phrase> note_phrases;  // the same as values (issue #19)
  std::vector<ImportColumn> columns;
  std::vector<std::vector<std::string>> rows;  // the first data rows, cells as read
  std::string problem;                         // why an import would refuse this header ("" = none)
  Phrase problem_why;                          // the same as a value (issue #19)
};

// Reads `options.path` (kind, sheet options and mapping of `options`) up to `max_rows` data rows.
// Errors: a file that cannot be read that far (named as the import names it), no header row.
Result<ImportPreview> PreviewImport(const ImportOptions& options, size_t max_rows = 5);

// {"kind", "format", "notes", "note_codes", "columns", "fields", "field_labels", "rows": [[...]],
// "problem": "..."|null}, and the problem's "problem_code" and "problem_values" beside its English
// when it has one.
boost::json::object ImportPreviewJson(const ImportPreview& preview);

// The columns as the preview and the import report give them: [{"column": "A", "header": "店铺",
// "field": "name" | null (not imported)}], and the fields a column can be mapped to: the kind's
// field keys ["external_id", "name", ...].
// The notes as values, beside their English "notes" (issue #19): [{"code": "http_import_note_tab",
// "values": {}}, ...], one for each note, in the same order.
boost::json::array NoteCodesJson(const std::vector<Phrase>& notes);

boost::json::array ImportColumnsJson(ImportKind kind, const std::vector<ImportColumn>& columns);
boost::json::array ImportFieldsJson(ImportKind kind);
// The same fields with their names for the mapping editor: [{"key": "phone", "label": "Phone",
// "zh": "电话"}, ...] (issue #19: the console shows a field in its language).
boost::json::array ImportFieldLabelsJson(ImportKind kind);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_IMPORT_PREVIEW_H_
