#include "import/sheet_reader.h"

#include <fstream>

#include "fieldbook/lang_text.h"
#include "fieldbook/refusal_status.h"
#include "import/csv_reader.h"
#include "import/xlsx_reader.h"

namespace fieldbook::server {

Result<TextEncoding> ParseEncoding(const std::string& name) {
  std::string n;
  for (char c : name) n += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (n == "auto") return TextEncoding::kAuto;
  if (n == "utf-8" || n == "utf8") return TextEncoding::kUtf8;
  if (n == "gb18030" || n == "gbk" || n == "gb2312") return TextEncoding::kGb18030;
  return Status(
      StatusCode::kInvalidArgument, "encoding must be auto, utf-8 or gb18030, not '" + name + "'",
      {"http_field_one_of", {{"field", "encoding"}, {"choices", "auto, utf-8, gb18030"}}});
}

std::vector<std::string> NotesInEnglish(const std::vector<Phrase>& notes) {
  std::vector<std::string> out;
  for (const Phrase& n : notes) out.push_back(SayRefusal(Lang::kEnglish, n));
  return out;
}

std::string ColumnName(size_t column) {
  std::string name;
  size_t n = column + 1;
  while (n > 0) {
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
    n = (n - 1) / 26;
  }
  return name;
}

Result<std::unique_ptr<SheetReader>> OpenSheet(const std::string& path,
                                               const SheetOptions& options) {
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in)
    return RefusalStatus(StatusCode::kNotFound, {"http_import_cannot_open", {{"file", path}}});
  in->seekg(0, std::ios::end);
  const auto size = static_cast<uint64_t>(in->tellg());
  in->seekg(0);
  if (size == 0) {  // the English names the file (the command line's); the code does not
    return Status(StatusCode::kInvalidArgument, path + " is empty: there is nothing to import",
                  {"http_import_empty", {}});
  }
  char magic[8] = {};
  in->read(magic, sizeof magic);
  const size_t got = static_cast<size_t>(in->gcount());
  in->clear();
  in->seekg(0);
  if (got >= 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
    FB_ASSIGN_OR_RETURN(auto x, XlsxReader::Open(path, options));
    return std::unique_ptr<SheetReader>(std::move(x));
  }
  if (got == 8 && std::string(magic, 8) == "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
    return Status(StatusCode::kInvalidArgument,
                  path + " is an old Excel .xls file: save it as .xlsx or as CSV",
                  {"http_import_xls", {}});
  }
  FB_ASSIGN_OR_RETURN(auto c, CsvReader::Open(std::move(in), options, size));
  return std::unique_ptr<SheetReader>(std::move(c));
}

}  // namespace fieldbook::server
