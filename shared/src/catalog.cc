#include "fieldbook/catalog.h"

#include "fieldbook/sqlite_db.h"

namespace fieldbook {

namespace {

struct TableDef {
  int code;
  const char* name;
  TableKind kind;
  const char* customer_column;
  const char* rep_column = "";  // who recorded the row: pushed only in the pushing rep's name
  bool server_managed = false;  // TableInfo::server_managed
};

// Columns only the server writes, per table; a trailing '*' matches a prefix. Assignment is the
// managers' (docs/assignment.md), grades the grading job's (docs/grading.md). `by_creator`: the
// device creating a row sets the column itself (a new customer's owner is the rep creating it).
struct ServerOwned {
  const char* table;
  const char* column;
  ColumnOwner owner;
  bool by_creator = false;
};
constexpr ServerOwned kServerOwned[] = {
    {"customers", "owner_rep_id", ColumnOwner::kAssignment, /*by_creator=*/true},
    {"customers", "territory_id", ColumnOwner::kAssignment},
    {"customers", "grade_*", ColumnOwner::kGrading},
    {"customers", "graded_at", ColumnOwner::kGrading},
};

const ServerOwned* MatchServerOwned(const std::string& table, const std::string& column) {
  for (const ServerOwned& s : kServerOwned) {
    if (table != s.table) continue;
    const std::string_view pattern(s.column);
    if (!pattern.empty() && pattern.back() == '*') {
      if (column.compare(0, pattern.size() - 1, pattern.substr(0, pattern.size() - 1)) == 0) {
        return &s;
      }
    } else if (column == pattern) {
      return &s;
    }
  }
  return nullptr;
}

// Codes are persisted in outboxes: never renumber, only append.
constexpr TableDef kTables[] = {
    {1, "reps", TableKind::kMutable, ""},
    {2, "territories", TableKind::kMutable, ""},
    {3, "customers", TableKind::kMutable, "id"},
    {4, "contacts", TableKind::kMutable, "customer_id"},
    {5, "tasks", TableKind::kMutable, "customer_id"},
    {6, "visits", TableKind::kFact, "customer_id", "rep_id"},
    {7, "orders", TableKind::kFact, "customer_id", "rep_id"},
    {8, "order_lines", TableKind::kFact, "customer_id"},
    {9, "feedback", TableKind::kFact, "customer_id", "rep_id"},
    {10, "grading_rules", TableKind::kMutable, ""},
    {11, "products", TableKind::kMutable, "", "", true},
    {12, "customer_preferences", TableKind::kMutable, "customer_id"},
    {13, "visit_checkins", TableKind::kMutable, "customer_id", "rep_id"},
    {14, "review_dismissals", TableKind::kFact, "customer_id", "rep_id"},
};

}  // namespace

int TableInfo::ColumnIndex(std::string_view column) const {
  auto it = index_.find(column);
  return it == index_.end() ? -1 : it->second;
}

bool TableInfo::IsServerOwned(std::string_view column) const {
  return OwnerOf(column) != ColumnOwner::kDevice;
}

ColumnOwner TableInfo::OwnerOf(std::string_view column) const {
  const int i = ColumnIndex(column);
  return i >= 0 ? owner_[static_cast<size_t>(i)] : ColumnOwner::kDevice;
}

bool TableInfo::SetByCreator(std::string_view column) const {
  const int i = ColumnIndex(column);
  return i >= 0 && set_by_creator_[static_cast<size_t>(i)];
}

Result<Catalog> Catalog::Load(Db& db) {
  Catalog catalog;
  for (const TableDef& def : kTables) {
    TableInfo info;
    info.code = def.code;
    info.name = def.name;
    info.kind = def.kind;
    info.customer_column = def.customer_column;
    info.server_managed = def.server_managed;
    // The table name comes from the compiled-in list above, never from input.
    FB_ASSIGN_OR_RETURN(
        Statement * stmt,
        db.Prepare(std::string("SELECT name, type FROM pragma_table_info('") + def.name + "')"));
    bool has_id = false;
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      std::string name = stmt->Text(0);
      if (name == "id") {
        has_id = true;
        continue;
      }
      if (!name.empty() && name[0] == '_') continue;
      info.columns.push_back(name);
      info.column_types.push_back(stmt->Text(1));
    }
    if (!has_id) {
      return Status::Corrupt(std::string("table ") + def.name + " is missing or has no id column");
    }
    if (info.columns.size() > static_cast<size_t>(kMaxColumns)) {
      return Status::Internal(std::string("table ") + def.name + " has more than " +
                              std::to_string(kMaxColumns) + " replicated columns");
    }
    for (size_t i = 0; i < info.columns.size(); ++i) {
      info.index_.emplace(info.columns[i], static_cast<int>(i));
      const ServerOwned* owned = MatchServerOwned(info.name, info.columns[i]);
      info.owner_.push_back(owned != nullptr ? owned->owner : ColumnOwner::kDevice);
      info.set_by_creator_.push_back(owned != nullptr && owned->by_creator);
    }
    info.rep_column = def.rep_column;
    if (info.kind == TableKind::kFact) {
      if (info.ColumnIndex("voids_id") >= 0) info.voids_column = "voids_id";
    }
    info.deleted_column = info.ColumnIndex("deleted");
    if (info.kind == TableKind::kMutable && info.deleted_column < 0) {
      return Status::Internal(std::string("mutable table ") + def.name + " has no deleted column");
    }
    if (info.server_managed && !info.customer_column.empty()) {
      return Status::Internal(std::string("server-managed table ") + def.name +
                              " must belong to no customer");
    }
    if (!info.customer_column.empty() && info.customer_column != "id") {
      info.customer_column_index = info.ColumnIndex(info.customer_column);
    }
    catalog.tables_.push_back(std::move(info));
  }
  return catalog;
}

const TableInfo* Catalog::Find(std::string_view name) const {
  for (const TableInfo& t : tables_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const TableInfo* Catalog::ByCode(int code) const {
  for (const TableInfo& t : tables_) {
    if (t.code == code) return &t;
  }
  return nullptr;
}

}  // namespace fieldbook
