#include "import/import_preview.h"

#include "fieldbook/phrase_json.h"
#include "fieldbook/utf8.h"
#include "import/import_values.h"

namespace fieldbook::server {

Result<ImportPreview> PreviewImport(const ImportOptions& options, size_t max_rows) {
  ImportPreview preview;
  preview.kind = options.kind;
  FB_ASSIGN_OR_RETURN(auto reader, OpenSheet(options.path, options.sheet));
  preview.format = reader->Format();
  SheetRow row;
  bool header_found = false;
  std::vector<std::string> header;
  while (preview.rows.size() < max_rows) {
    FB_ASSIGN_OR_RETURN(bool more, reader->Next(row));
    if (!more) break;
    bool blank = true;
    for (const std::string& c : row.cells) blank = blank && TrimCell(c).empty();
    if (blank) continue;
    if (!header_found) {
      header_found = true;
      for (const std::string& c : row.cells) header.push_back(TrimCell(c));
      continue;
    }
    // A cell of a preview is shown, not imported: the first 500 bytes (whole UTF-8 characters).
    for (std::string& cell : row.cells) {
      if (cell.size() > 500) cell = Utf8Prefix(cell, 500);
    }
    preview.rows.push_back(row.cells);
  }
  if (!header_found) {
    return Status(StatusCode::kInvalidArgument, "the file has no rows: nothing to import",
                  {"http_import_no_rows", {}});
  }
  Status problem;
  const HeaderMap map = DetectHeader(options.kind, header, options.mapping, &problem);
  if (!problem.ok()) {
    preview.problem = problem.message();
    if (problem.phrase() != nullptr) preview.problem_why = *problem.phrase();
  }
  for (size_t c = 0; c < header.size(); ++c) {
    preview.columns.push_back({ColumnName(c), header[c], map.field_of_column[c]});
  }
  preview.note_phrases = reader->Notes();
  preview.notes = NotesInEnglish(preview.note_phrases);
  return preview;
}

boost::json::array ImportColumnsJson(ImportKind kind, const std::vector<ImportColumn>& columns) {
  const auto& fields = FieldsOf(kind);
  boost::json::array out;
  for (const ImportColumn& c : columns) {
    out.push_back(boost::json::object{
        {"column", c.column},
        {"header", c.header},
        {"field", c.field < 0 ? boost::json::value(nullptr)
                              : boost::json::value(fields[static_cast<size_t>(c.field)].key)}});
  }
  return out;
}

boost::json::array NoteCodesJson(const std::vector<Phrase>& notes) {
  boost::json::array out;
  for (const Phrase& n : notes) {
    out.push_back(boost::json::object{{"code", n.code}, {"values", PhraseValuesJson(n.values)}});
  }
  return out;
}

boost::json::array ImportFieldsJson(ImportKind kind) {
  boost::json::array out;
  for (const FieldSpec& f : FieldsOf(kind)) out.push_back(boost::json::string(f.key));
  return out;
}

boost::json::array ImportFieldLabelsJson(ImportKind kind) {
  boost::json::array out;
  for (const FieldSpec& f : FieldsOf(kind)) {
    out.push_back(boost::json::object{{"key", f.key}, {"label", f.label}, {"zh", f.zh}});
  }
  return out;
}

boost::json::object ImportPreviewJson(const ImportPreview& preview) {
  boost::json::object o{{"kind", ImportKindName(preview.kind)},
                        {"format", preview.format},
                        {"notes", boost::json::value_from(preview.notes)},
                        {"note_codes", NoteCodesJson(preview.note_phrases)},
                        {"columns", ImportColumnsJson(preview.kind, preview.columns)},
                        {"fields", ImportFieldsJson(preview.kind)},
                        {"field_labels", ImportFieldLabelsJson(preview.kind)},
                        {"rows", boost::json::value_from(preview.rows)},
                        {"problem", preview.problem.empty() ? boost::json::value(nullptr)
                                                            : boost::json::value(preview.problem)}};
  if (!preview.problem_why.code.empty()) {
    o["problem_code"] = preview.problem_why.code;
    o["problem_values"] = PhraseValuesJson(preview.problem_why.values);
  }
  return o;
}

}  // namespace fieldbook::server
