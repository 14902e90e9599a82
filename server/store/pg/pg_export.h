// The canonical export (fieldbook/canonical_export.h) of a hub stored on PostgreSQL: the same
// lines, in the same order, as WriteCanonicalExport gives for the same data on SQLite, so the
// two can be compared byte for byte (`fieldbook-server migrate` verifies a copy this way). Rows
// are ordered by id in byte order (COLLATE "C", SQLite's BINARY); values are read by their
// column's type (PgRows::Get) and written by the shared line writer.
//
// Thread safety: reads through the PgDb it is given (one thread at a time, see pg_db.h).
#ifndef FIELDBOOK_SERVER_STORE_PG_PG_EXPORT_H_
#define FIELDBOOK_SERVER_STORE_PG_PG_EXPORT_H_

#include <ostream>

#include "fieldbook/canonical_export.h"
#include "fieldbook/catalog.h"
#include "fieldbook/status.h"
#include "store/pg/pg_db.h"

namespace fieldbook::pg {

// Reads each table in one statement, a row at a time (PgDb::ExecEach): call it inside one
// REPEATABLE READ transaction for one consistent snapshot across the tables. With `filter`, only
// the rows it keeps (a rep's scope: ServerStore::ExportForRep), as WriteCanonicalExport's.
Status WritePgCanonicalExport(PgDb& db, const Catalog& catalog, std::ostream& out,
                              const ExportFilter* filter = nullptr);

}  // namespace fieldbook::pg

#endif  // FIELDBOOK_SERVER_STORE_PG_PG_EXPORT_H_
