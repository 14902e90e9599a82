#include "store/pg/pg_export.h"

#include <string>
#include <vector>

#include "fieldbook/canonical_export.h"

namespace fieldbook::pg {

Status WritePgCanonicalExport(PgDb& db, const Catalog& catalog, std::ostream& out,
                              const ExportFilter* filter) {
  std::string line;
  std::vector<Value> values;
  for (const TableInfo* t : CanonicalExportTables(catalog)) {
    // SQLite's export's query, ordered by ids in byte order (SQLite's BINARY collation).
    const std::string sql = CanonicalExportSql(*t, "id COLLATE \"C\"");
    FB_RETURN_IF_ERROR(db.ExecEach(sql, {}, [&](const PgRows& rows, int r) {
      values.clear();
      for (int c = 1; c < rows.columns(); ++c) values.push_back(rows.Get(r, c));
      const std::string id = rows.Text(r, 0);
      if (filter != nullptr && *filter && !(*filter)(*t, id, values)) return Status::Ok();
      line.clear();
      AppendCanonicalExportLine(line, *t, id, values);
      out << line;
      return out ? Status::Ok() : Status::Io("writing the export failed");
    }));
    if (!out) return Status::Io("writing the export failed");
  }
  return Status::Ok();
}

}  // namespace fieldbook::pg
