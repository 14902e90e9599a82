#include "store/record_store.h"

#include "fieldbook/catalog.h"
#include "fieldbook/columns.h"
#include "store/store_sql.h"

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
  for (const TableInfo& t : catalog_.tables()) out.push_back(t.name);
  return out;
}

Result<RecordPage> RecordStore::List(const RecordQuery& q) {
  const TableInfo* table = catalog_.Find(q.table);
  if (table == nullptr) return Status::NotFound("no replicated table " + q.table);
  if (q.limit == 0 || q.limit > kMaxLimit) {
    return Status::InvalidArgument("limit must be 1 to " + std::to_string(kMaxLimit));
  }
  if (!q.customer.empty() && table->customer_column.empty()) {
    return Status::InvalidArgument("table " + table->name + " belongs to no customer");
  }
  // Parameters numbered as they are used: PostgreSQL refuses one it is given and never sees, and
  // types each by its first use (a comparison with the column, not IS NULL).
  std::string sql = "SELECT id";
  for (const std::string& c : table->columns) sql += ", " + Quoted(c);
  sql += " FROM " + Quoted(table->name) + " WHERE (id > ?1 OR ?1 IS NULL)";
  std::vector<Value> binds = {q.after.empty() ? Value{} : Value{q.after}};
  if (!table->customer_column.empty()) {
    sql += " AND (" + Quoted(table->customer_column) + " = ?2 OR ?2 IS NULL)";
    binds.push_back(q.customer.empty() ? Value{} : Value{q.customer});
  }
  if (table->deleted_column >= 0 && !q.include_deleted) sql += " AND deleted = 0";
  binds.emplace_back(static_cast<int64_t>(q.limit));
  sql += " ORDER BY id LIMIT ?" + std::to_string(binds.size());
  FB_ASSIGN_OR_RETURN(SqlStatement * s, db_.Prepare(sql));
  for (size_t i = 0; i < binds.size(); ++i) s->Bind(static_cast<int>(i) + 1, binds[i]);
  RecordPage page;
  auto rows = ReadRows(*s, [&](SqlStatement& r) {
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
