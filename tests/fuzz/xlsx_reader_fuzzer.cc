// Fuzz target for the XLSX reader (xlsx_reader.h): any bytes as a workbook, read to the end or to
// an error, with small limits so that inflating stays cheap. Nothing may crash or hang; rows must
// keep the reader's promises (growing numbers, at most max_columns cells, none over
// max_cell_bytes). Built-in seeds: small valid workbooks (shared strings, dates, formulas, merged
// cells, hidden sheets), so mutations start from archives libzip accepts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../support/xlsx_builder.h"
#include "fuzz_target.h"
#include "import/xlsx_reader.h"

std::vector<std::string> FieldbookFuzzSeeds() {
  using namespace fieldbook::testing;
  const std::string customers = SheetXml(
      {{SharedCell("A1", 0), SharedCell("B1", 1), SharedCell("C1", 2)},
       {SharedCell("A2", 3), NumberCell("B2", "13800138000"), NumberCell("C2", "46349", 1)},
       {InlineCell("A3", "顺通"), "<c r=\"B3\"><f>A1</f><v>7</v></c>",
        NumberCell("C3", "46000", 3)},
       {"<c r=\"A4\" t=\"e\"><v>#N/A</v></c>", "<c r=\"B4\"><f>X</f></c>"}},
      "<mergeCells count=\"1\"><mergeCell ref=\"C3:C4\"/></mergeCells>");
  return {
      MakeXlsx({{"客户", customers}}, {"客户名称", "电话", "生日", "鑫达汽修"}),
      MakeXlsx(
          {{"Hidden", SheetXml({TextRow(1, {"x"})}), "hidden"},
           {"Orders", SheetXml({TextRow(1, {"订单日期", "金额"}),
                                {NumberCell("A2", "45658.25", 2), NumberCell("B2", "12.5")}})}},
          {}, true),
      ZipEntries(WorkbookParts({{"S", SheetXml({TextRow(1, {"name", "phone"})})}}, {}), 0),
  };
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fieldbook::server;
  SheetOptions options;
  options.max_cell_bytes = 512;
  options.max_columns = 32;
  options.max_uncompressed_bytes = 4 << 20;
  options.ratio_floor_bytes = 64 << 10;
  auto reader =
      XlsxReader::OpenBytes(std::string(reinterpret_cast<const char*>(data), size), options);
  if (!reader.ok()) return 0;
  SheetRow row;
  int64_t last = 0;
  for (int i = 0; i < 100000; ++i) {
    auto more = (*reader)->Next(row);
    if (!more.ok() || !*more) break;
    if (row.number <= last) __builtin_trap();
    last = row.number;
    if (row.cells.size() > options.max_columns) __builtin_trap();
    for (const std::string& c : row.cells) {
      if (c.size() > options.max_cell_bytes) __builtin_trap();
    }
  }
  (void)(*reader)->Notes();
  return 0;
}
