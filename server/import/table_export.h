// ExportTable: `fieldbook-server export customers|contacts|orders|visits|products` — the records as
// a sheet a distributor opens in Excel, with the same Chinese headers `import` recognises, so an
// export imported into another server reproduces the same records (the round trip). Products are
// keyed by part number and carry their tier prices ("A=95.00,VIP=88.00") and 在售 (是/否):
//  * CSV: UTF-8 with a byte-order mark (what Excel needs to read it as UTF-8), RFC 4180 quoting;
//  * XLSX: written with libxlsxwriter in constant-memory mode (rows streamed to the file).
// Each record carries its external id: the one it was imported with, else its Fieldbook id. Orders
// are one row per order line (an order without lines: one row), linked to their customer by the
// customer's external id. Text that Excel would take for a formula (= + - @ first) is written
// with a leading apostrophe, which `import` removes. Corrections (voids) are not exported.
//
// Thread safety: runs on the caller's thread over a ServerStore the caller serialises.
#ifndef FIELDBOOK_SERVER_TABLE_EXPORT_H_
#define FIELDBOOK_SERVER_TABLE_EXPORT_H_

#include <ostream>
#include <string>

#include "import/import_fields.h"
#include "store/server_store.h"

namespace fieldbook::server {

struct TableExportOptions {
  ImportKind kind = ImportKind::kCustomers;
  std::string format = "csv";  // csv or xlsx
  std::string rep;             // only the customers this rep holds (and their records)
  std::string territory;       // only this territory's customers
};

struct TableExportResult {
  int64_t rows = 0;
};

// CSV to `out`.
Result<TableExportResult> ExportTableCsv(ServerStore& store, const TableExportOptions& options,
                                         std::ostream& out);
// XLSX to the file at `path` (created or replaced).
Result<TableExportResult> ExportTableXlsx(ServerStore& store, const TableExportOptions& options,
                                          const std::string& path);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_TABLE_EXPORT_H_
