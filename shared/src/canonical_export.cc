#include "fieldbook/canonical_export.h"

#include <algorithm>
#include <sstream>

#include "fieldbook/columns.h"
#include "fieldbook/sqlite_db.h"
#include "json_text.h"

namespace fieldbook {

std::vector<const TableInfo*> CanonicalExportTables(const Catalog& catalog) {
  std::vector<const TableInfo*> tables;
  for (const TableInfo& t : catalog.tables()) tables.push_back(&t);
  std::sort(tables.begin(), tables.end(),
            [](const TableInfo* a, const TableInfo* b) { return a->name < b->name; });
  return tables;
}

std::string CanonicalExportSql(const TableInfo& table, std::string_view id_order) {
  std::string sql = "SELECT id";
  for (const std::string& c : table.columns) sql += ", \"" + c + "\"";
  return sql + " FROM \"" + table.name + "\" ORDER BY " + std::string(id_order);
}

void AppendCanonicalExportLine(std::string& line, const TableInfo& table, const std::string& id,
                               const std::vector<Value>& values) {
  line += "{\"table\":";
  AppendJsonString(line, table.name);
  line += ",\"id\":";
  AppendJsonString(line, id);
  for (size_t i = 0; i < table.columns.size() && i < values.size(); ++i) {
    line.push_back(',');
    AppendJsonString(line, table.columns[i]);
    line.push_back(':');
    AppendJsonValue(line, values[i]);
  }
  line += "}\n";
}

Status WriteCanonicalExport(Db& db, const Catalog& catalog, std::ostream& out,
                            const ExportFilter* filter) {
  std::string line;
  std::vector<Value> values;
  for (const TableInfo* t : CanonicalExportTables(catalog)) {
    FB_ASSIGN_OR_RETURN(Statement * stmt, db.Prepare(CanonicalExportSql(*t, "id")));
    FB_RETURN_IF_ERROR(VisitRows(*stmt, [&](const Statement& row) {
      const std::string id = row.Text(0);
      values.clear();
      for (size_t i = 0; i < t->columns.size(); ++i) {
        values.push_back(row.Get(static_cast<int>(i + 1)));
      }
      if (filter != nullptr && *filter && !(*filter)(*t, id, values)) return;
      line.clear();
      AppendCanonicalExportLine(line, *t, id, values);
      out << line;
    }));
    if (!out) return Status::Io("writing the export failed");
  }
  return Status::Ok();
}

Result<std::string> CanonicalExport(Db& db, const Catalog& catalog, const ExportFilter* filter) {
  std::ostringstream out;
  FB_RETURN_IF_ERROR(WriteCanonicalExport(db, catalog, out, filter));
  return out.str();
}

}  // namespace fieldbook
