// CsvReader: a SheetReader over comma-separated text as Excel and other CRMs write it (RFC 4180:
// quoted fields may hold commas, quotes doubled, and line breaks; CRLF, LF or CR line ends).
//
// Encoding: UTF-8 with or without a byte-order mark, or GB18030 (which contains GBK, what Excel on
// Chinese Windows writes), converted to UTF-8 with iconv as the bytes stream through. `kAuto`
// takes a BOM when there is one, else UTF-8 when the first 64 KiB are valid UTF-8, else GB18030
// (the notes say which). Bytes not valid in the encoding in use end reading with the row and
// column and a hint to pass --encoding. The delimiter is a comma, or a semicolon or a tab when
// the first line has more of those outside quotes.
//
// Thread safety: one thread at a time (SheetReader).
#ifndef FIELDBOOK_SERVER_CSV_READER_H_
#define FIELDBOOK_SERVER_CSV_READER_H_

#include <iconv.h>

#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "import/sheet_reader.h"

namespace fieldbook::server {

class CsvReader final : public SheetReader {
 public:
  // `total_bytes`: the input's size for progress (0 when unknown).
  static Result<std::unique_ptr<CsvReader>> Open(std::unique_ptr<std::istream> in,
                                                 const SheetOptions& options,
                                                 uint64_t total_bytes = 0);
  ~CsvReader() override;

  Result<bool> Next(SheetRow& row) override;
  std::vector<Phrase> Notes() const override { return notes_; }
  uint64_t BytesRead() const override { return consumed_; }
  uint64_t TotalBytes() const override { return total_; }
  std::string Format() const override { return "csv"; }
  char delimiter() const { return delimiter_; }
  TextEncoding encoding() const { return encoding_; }

 private:
  CsvReader() = default;
  // Refills text_ with the next decoded UTF-8; false at the end of the input.
  Result<bool> Fill();
  Status Decode(const char* data, size_t size, bool last);
  // `what`: the bytes' refusal (a code of HttpRefusals with its values but the row and column).
  Status BadBytes(Phrase what) const;
  Phrase NulByte() const;  // a NUL byte's refusal in the encoding in use

  std::unique_ptr<std::istream> in_;
  SheetOptions options_;
  TextEncoding encoding_ = TextEncoding::kUtf8;
  iconv_t iconv_ = reinterpret_cast<iconv_t>(-1);
  std::string pending_;  // raw bytes read but not decoded yet (a sequence cut by a chunk)
  std::string text_;     // decoded UTF-8 not parsed yet
  size_t pos_ = 0;
  bool eof_ = false;
  char delimiter_ = ',';
  int64_t row_ = 0;        // rows returned so far
  size_t column_ = 0;      // the column being read (for messages)
  uint64_t consumed_ = 0;  // raw bytes taken from the input
  uint64_t total_ = 0;
  std::vector<Phrase> notes_;
  // Bytes not valid in the encoding, found while decoding ahead of the parser: reported when the
  // parser reaches them, so the message names their row and column (empty code: none).
  Phrase bad_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_CSV_READER_H_
