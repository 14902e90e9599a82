// XlsxReader: a SheetReader over one worksheet of an Excel workbook (.xlsx), read with libzip (the
// archive) and expat (the XML), the sheet streamed in chunks so memory stays bounded whatever its
// size (the shared-string table is held in memory: Excel keeps each distinct text once).
//
// What a distributor's workbook may hold, and what the reader does with it:
//  * several sheets: the first visible one, or the one named by SheetOptions::sheet; hidden
//    sheets are skipped by default and named in the notes; an unknown name lists the sheets;
//  * dates: cells whose number format is a date are turned from Excel serials into YYYY-MM-DD
//    (with HH:MM:SS when there is a time of day); the 1904 date system is honoured;
//  * formulas: their last computed value is taken (the notes count them); a formula without one
//    is a CellIssue; error values (#N/A, #REF!) are CellIssues;
//  * merged cells: the value sits in the top-left cell only, so every other cell of a merged range
//    carries a CellIssue naming the range;
//  * ZIP bombs: the declared and the actual inflated sizes are checked against
//    SheetOptions::max_uncompressed_bytes and max_ratio before and while reading.
//
// Thread safety: one thread at a time (SheetReader).
#ifndef FIELDBOOK_SERVER_XLSX_READER_H_
#define FIELDBOOK_SERVER_XLSX_READER_H_

#include <memory>
#include <string>
#include <vector>

#include "import/sheet_reader.h"

namespace fieldbook::server {

struct XlsxState;  // xlsx_reader.cc

class XlsxReader final : public SheetReader {
 public:
  static Result<std::unique_ptr<XlsxReader>> Open(const std::string& path,
                                                  const SheetOptions& options);
  // The same for a workbook held in memory (tests, fuzzing).
  static Result<std::unique_ptr<XlsxReader>> OpenBytes(std::string bytes,
                                                       const SheetOptions& options);
  ~XlsxReader() override;

  Result<bool> Next(SheetRow& row) override;
  std::vector<Phrase> Notes() const override;
  uint64_t BytesRead() const override;
  uint64_t TotalBytes() const override;
  std::string Format() const override { return "xlsx"; }
  // Every sheet of the workbook, in order, and the one being read.
  std::vector<std::string> SheetNames() const;
  std::string SheetName() const;

 private:
  XlsxReader();
  Status Start(const SheetOptions& options);
  std::unique_ptr<XlsxState> s_;
};

// An Excel serial day number as text: "2026-11-23", "2026-11-23 14:30:00", or "" when out of
// range (before 1900-01-01 or after 9999-12-31). `date1904`: the workbook's 1904 date system.
std::string ExcelSerialToText(double serial, bool date1904 = false);

// Whether an Excel number format (built-in id, or the custom format code) shows a date.
bool IsDateFormat(int id, const std::string& code);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_XLSX_READER_H_
