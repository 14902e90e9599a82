// SheetReader: rows of a distributor's spreadsheet, read one at a time (streamed, memory bounded),
// whatever the file is: CSV (csv_reader.h) or XLSX (xlsx_reader.h). OpenSheet picks the reader by
// the file's first bytes (an XLSX is a ZIP archive), not by its name.
//
// Rows carry their number as the spreadsheet shows it (the header is row 1; a CSV record that
// spans lines is one row) and their cells as UTF-8 text. Problems that make the whole file
// unreadable (a wrong encoding, a cell over the size limit, a damaged or oversized archive) end
// reading with a Status naming the row and column; problems of one cell (a formula without a
// computed value, a cell inside a merged range) travel with the row as CellIssues, so the caller
// can report them and go on.
//
// Thread safety: a reader is used by one thread at a time; distinct readers are independent.
#ifndef FIELDBOOK_SERVER_SHEET_READER_H_
#define FIELDBOOK_SERVER_SHEET_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fieldbook/phrase.h"
#include "fieldbook/status.h"

namespace fieldbook::server {

enum class TextEncoding { kAuto, kUtf8, kGb18030 };

// "auto", "utf-8" (or "utf8"), "gb18030" (or "gbk", which it contains).
Result<TextEncoding> ParseEncoding(const std::string& name);

struct SheetOptions {
  TextEncoding encoding = TextEncoding::kAuto;  // CSV only: XLSX is always UTF-8
  std::string sheet;                            // XLSX: the sheet's name; empty = first visible
  size_t max_cell_bytes = 1u << 20;             // a longer cell ends reading (row and column named)
  size_t max_columns = 1024;
  // XLSX: the archive's entries may inflate to this much in all, and no entry larger than
  // `ratio_floor_bytes` may inflate more than `max_ratio` times its compressed size (ZIP bombs).
  uint64_t max_uncompressed_bytes = uint64_t{2} << 30;
  uint64_t max_ratio = 200;
  uint64_t ratio_floor_bytes = uint64_t{1} << 20;
};

struct CellIssue {
  size_t column = 0;  // 0-based
  Phrase why;         // a code of fieldbook/lang_text.h HttpRefusals with its values (issue #19)
};

struct SheetRow {
  int64_t number = 0;              // 1-based, as the spreadsheet shows it
  std::vector<std::string> cells;  // UTF-8; trailing empty cells may be absent
  std::vector<CellIssue> issues;
  void Clear() {
    number = 0;
    cells.clear();
    issues.clear();
  }
};

class SheetReader {
 public:
  virtual ~SheetReader() = default;
  // Fills `row` with the next row and returns true; false at the end. An error names where.
  virtual Result<bool> Next(SheetRow& row) = 0;
  // What the reader noticed about the whole file (the encoding it detected, hidden sheets
  // skipped, formulas whose computed values were taken), for the report: codes of
  // fieldbook/lang_text.h HttpRefusals (http_import_note_...) with their values (issue #19).
  virtual std::vector<Phrase> Notes() const = 0;
  // Progress: input bytes consumed so far, out of `TotalBytes` (0 when unknown).
  virtual uint64_t BytesRead() const = 0;
  virtual uint64_t TotalBytes() const = 0;
  virtual std::string Format() const = 0;  // "csv" or "xlsx"
};

// Opens `path` as XLSX when it starts like a ZIP archive, as CSV otherwise. An empty file is
// refused ("... is empty").
Result<std::unique_ptr<SheetReader>> OpenSheet(const std::string& path,
                                               const SheetOptions& options);

// The notes in English, as the report's "notes" have always read.
std::vector<std::string> NotesInEnglish(const std::vector<Phrase>& notes);

// "A" for column 0, "AB" for 27: how a spreadsheet names a column.
std::string ColumnName(size_t column);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_SHEET_READER_H_
