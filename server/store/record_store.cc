#include "store/record_store.h"

#include "fieldbook/catalog.h"
#include "fieldbook/columns.h"
#include "fieldbook/sqlite_db.h"

namespace fieldbook::server {

namespace {

constexpr size_t kMaxLimit = 1000;

// An identifier from the catalog (read from the hub's own schema), quoted for SQL.
std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

boost::json::value JsonOf(const Value& v) {
  return std::visit(
      [](const auto& x) -> boost::json::value {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, std::string>) {
          return boost::json::string(x);
        } else {
          return x;
        }
      },
      v);
}

}  // namespace

std::vector<std::string> RecordStore::Tables() const {
  std::vector<std::string> out;
  for (const TableInfo& t : store_.hub().catalog().tables()) out.push_back(t.name);
  return out;
}

Result<RecordPage> RecordStore::List(const RecordQuery& q) {
  const TableInfo* table = store_.hub().catalog().Find(q.table);
  if (table == nullptr) return Status::NotFound("no replicated table " + q.table);
  if (q.limit == 0 || q.limit > kMaxLimit) {
    return Status::InvalidArgument("limit must be 1 to " + std::to_string(kMaxLimit));
  }
  if (!q.customer.empty() && table->customer_column.empty()) {
    return Status::InvalidArgument("table " + table->name + " belongs to no customer");
  }
  std::string sql = "SELECT id";
  for (const std::string& c : table->columns) sql += ", " + Quoted(c);
  sql += " FROM " + Quoted(table->name) + " WHERE (?2 IS NULL OR id > ?2)";
  if (!table->customer_column.empty()) {
    sql += " AND (?1 IS NULL OR " + Quoted(table->customer_column) + " = ?1)";
  }
  if (table->deleted_column >= 0) sql += " AND (?3 OR deleted = 0)";
  sql += " ORDER BY id LIMIT ?4";
  FB_ASSIGN_OR_RETURN(Statement * s, store_.hub().db().Prepare(sql));
  if (!table->customer_column.empty()) {
    if (q.customer.empty()) {
      s->Bind(1, Value{});
    } else {
      s->Bind(1, q.customer);
    }
  }
  if (q.after.empty()) {
    s->Bind(2, Value{});
  } else {
    s->Bind(2, q.after);
  }
  if (table->deleted_column >= 0) s->Bind(3, q.include_deleted ? 1 : 0);
  s->Bind(4, static_cast<int64_t>(q.limit));
  RecordPage page;
  auto rows = ReadRows(*s, [&](Statement& r) {
    boost::json::object o;
    o["id"] = r.Text(0);
    for (size_t i = 0; i < table->columns.size(); ++i) {
      o[table->columns[i]] = JsonOf(r.Get(static_cast<int>(i) + 1));
    }
    return o;
  });
  s->Reset();
  if (!rows.ok()) return rows.status();
  page.rows = std::move(*rows);
  if (page.rows.size() == q.limit) page.next = page.rows.back().at("id").as_string().c_str();
  return page;
}

}  // namespace fieldbook::server
