// The canonical export: a replica's (or a rep's scope on the hub's) replicated data as
// deterministic JSON lines — one row per line, sorted by table name then id, every replicated
// column in schema order, no sync bookkeeping. Two databases hold the same data iff their exports
// are byte-identical; `fieldbook-cli export` and `fieldbook-server export --rep` both print it.
//
// Line form: {"table":"customers","id":"0190…","name":"鑫达汽修",…,"deleted":0}
//
// Thread safety: reads through the Db it is given (see sqlite_db.h).
#ifndef FIELDBOOK_CANONICAL_EXPORT_H_
#define FIELDBOOK_CANONICAL_EXPORT_H_

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "fieldbook/catalog.h"
#include "fieldbook/status.h"
#include "fieldbook/value.h"

namespace fieldbook {

class Db;

// Keeps a row in the export when it returns true; `values` are its replicated columns.
using ExportFilter = std::function<bool(const TableInfo&, const std::string& row_id,
                                        const std::vector<Value>& values)>;

Status WriteCanonicalExport(Db& db, const Catalog& catalog, std::ostream& out,
                            const ExportFilter* filter = nullptr);

// The pieces every backend's export is made of (the PostgreSQL hub's too, server/store/pg/
// pg_export.h), so that equal data gives the same bytes from either: the catalog's tables in
// export order (by name), and one row's line with its newline.
std::vector<const TableInfo*> CanonicalExportTables(const Catalog& catalog);
// The query of one table's rows: id, then the replicated columns, in byte order of ids, which
// `id_order` gives ("id" on SQLite, whose BINARY collation is byte order; "id COLLATE \"C\"" on
// PostgreSQL). Catalog identifiers only.
std::string CanonicalExportSql(const TableInfo& table, std::string_view id_order);
void AppendCanonicalExportLine(std::string& line, const TableInfo& table, const std::string& id,
                               const std::vector<Value>& values);

// The same, as one string (tests, small databases).
Result<std::string> CanonicalExport(Db& db, const Catalog& catalog,
                                    const ExportFilter* filter = nullptr);

}  // namespace fieldbook

#endif  // FIELDBOOK_CANONICAL_EXPORT_H_
