// Fuzz target for the CSV reader (csv_reader.h): any bytes, in each encoding mode, read to the end
// or to an error. Nothing may crash or hang; rows must keep the reader's promises (numbers that
// grow, at most max_columns cells, no cell over max_cell_bytes, every cell valid UTF-8).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "fieldbook/utf8.h"
#include "fuzz_target.h"
#include "import/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fieldbook::server;
  const std::string input(reinterpret_cast<const char*>(data), size);
  for (TextEncoding enc : {TextEncoding::kAuto, TextEncoding::kUtf8, TextEncoding::kGb18030}) {
    SheetOptions options;
    options.encoding = enc;
    options.max_cell_bytes = 256;
    options.max_columns = 16;
    auto reader =
        CsvReader::Open(std::make_unique<std::istringstream>(input), options, input.size());
    if (!reader.ok()) continue;
    SheetRow row;
    int64_t last = 0;
    for (int i = 0; i < 100000; ++i) {
      auto more = (*reader)->Next(row);
      if (!more.ok() || !*more) break;
      if (row.number <= last) __builtin_trap();
      last = row.number;
      if (row.cells.size() > options.max_columns) __builtin_trap();
      for (const std::string& c : row.cells) {
        if (c.size() > options.max_cell_bytes + 4) __builtin_trap();
        if (!fieldbook::IsValidUtf8(c)) __builtin_trap();
      }
    }
  }
  return 0;
}
