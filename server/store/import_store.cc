#include "store/import_store.h"

#include <algorithm>
#include <set>
#include <utility>

#include "fieldbook/columns.h"
#include "store/store_dialect.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

std::string FirstText(SqlStatement& s) { return s.Text(0); }

// Calls row() with the first `n` values of every row of `s`; its error stops the walk (and
// rewinds `s`, so no read stays open).
Status VisitValues(SqlStatement& s, size_t n,
                   const std::function<Status(const std::vector<Value>&)>& row) {
  std::vector<Value> values(n);
  Status st = VisitRows(s, [&](SqlStatement& r) {
    for (size_t i = 0; i < n; ++i) values[i] = r.Get(static_cast<int>(i));
    return row(values);
  });
  s.Reset();
  return st;
}

}  // namespace

Result<std::optional<std::string>> ImportStore::RowOfKey(const std::string& kind,
                                                         const std::string& key) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db_.Prepare("SELECT row_id FROM srv_import_keys WHERE kind = ? AND "
                                  "key = ?"));
  s->Bind(1, kind).Bind(2, key);
  return ReadOneRow(*s, FirstText);
}

Status ImportStore::PutKeys(const std::vector<Key>& given) {
  // The last row of each (kind, key) wins, as one after another would: an upsert statement may
  // not name a key twice on PostgreSQL.
  std::vector<Key> keys;
  std::set<std::pair<std::string, std::string>> seen;
  for (auto it = given.rbegin(); it != given.rend(); ++it) {
    if (seen.emplace(std::get<0>(*it), std::get<1>(*it)).second) keys.push_back(*it);
  }
  std::reverse(keys.begin(), keys.end());
  constexpr size_t kPerStatement = 64;
  for (size_t at = 0; at < keys.size();) {
    const size_t n = std::min(kPerStatement, keys.size() - at);
    std::string sql = "INSERT INTO srv_import_keys (kind, key, row_id) VALUES (?, ?, ?)";
    for (size_t i = 1; i < n; ++i) sql += ", (?, ?, ?)";
    sql += " ON CONFLICT (kind, key) DO UPDATE SET row_id = excluded.row_id";
    FB_ASSIGN_OR_RETURN(SqlStatement * s, db_.Prepare(sql));
    for (size_t i = 0; i < n; ++i) {
      const auto& [kind, key, row_id] = keys[at + i];
      const int p = static_cast<int>(3 * i);
      s->Bind(p + 1, kind).Bind(p + 2, key).Bind(p + 3, row_id);
    }
    FB_RETURN_IF_ERROR(s->Run());
    at += n;
  }
  return Status::Ok();
}

Result<std::string> ImportStore::ExternalIdOf(const std::string& kind, const std::string& row_id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db_.Prepare("SELECT substr(key, 3) FROM srv_import_keys WHERE "
                                  "row_id = ? AND kind = ? AND key LIKE 'x:%' ORDER BY " +
                                  ByteOrder(db_, "key") + " LIMIT 1"));
  s->Bind(1, row_id).Bind(2, kind);
  FB_ASSIGN_OR_RETURN(std::optional<std::string> id, ReadOneRow(*s, FirstText));
  return id.value_or("");
}

Result<std::optional<std::string>> ImportStore::LiveCustomer(const std::string& id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db_.Prepare("SELECT id FROM customers WHERE id = ? AND deleted = 0"));
  s->Bind(1, id);
  return ReadOneRow(*s, FirstText);
}

Result<std::vector<std::string>> ImportStore::CustomersByPhoneKey(const std::string& phone_key,
                                                                  size_t limit) {
  return CustomerIds("SELECT customer_id FROM fb_customer_keys WHERE phone_key = ? ORDER BY " +
                         ByteOrder(db_, "customer_id") + " LIMIT ?",
                     phone_key, limit);
}

Result<std::vector<std::string>> ImportStore::CustomersByNameCityKey(const std::string& key,
                                                                     size_t limit) {
  return CustomerIds("SELECT customer_id FROM fb_customer_keys WHERE name_city_key = ? ORDER BY " +
                         ByteOrder(db_, "customer_id") + " LIMIT ?",
                     key, limit);
}

Result<std::vector<std::string>> ImportStore::CustomerIds(const std::string& sql,
                                                          const std::string& key, size_t limit) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s, db_.Prepare(sql));
  s->Bind(1, key).Bind(2, static_cast<int64_t>(limit));
  return ReadRows(*s, FirstText);
}

Status ImportStore::BulkWrites(bool on) {
  SqlDb& db = db_;
  if (db.dialect() != SqlDialect::kSqlite) return Status::Ok();  // SQLite's file settings only
  FB_ASSIGN_OR_RETURN(SqlStatement * sync,
                      db.Prepare(on ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL"));
  FB_RETURN_IF_ERROR(sync->Run());
  FB_ASSIGN_OR_RETURN(
      SqlStatement * checkpoint,
      db.Prepare(on ? "PRAGMA wal_autocheckpoint = 10000" : "PRAGMA wal_autocheckpoint = 1000"));
  return ReadInt(*checkpoint).status();  // it answers the new setting
}

Status ImportStore::ForEachCustomerKey(
    const std::function<void(const std::string& phone_key, const std::string& name_city_key)>&
        key) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db_.Prepare("SELECT coalesce(phone_key, ''), "
                                  "coalesce(name_city_key, '') FROM fb_customer_keys"));
  return VisitRows(*s, [&](SqlStatement& r) { key(r.Text(0), r.Text(1)); });
}

Status ImportStore::ForEachLineOf(
    const std::string& order_id,
    const std::function<void(const std::string& part_no, const std::string& description,
                             int64_t quantity, int64_t unit_price_cents)>& line) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * s,
      db_.Prepare("SELECT coalesce(part_no, ''), coalesce(description, ''), quantity, "
                  "unit_price_cents FROM order_lines WHERE order_id = ? AND voids_id IS "
                  "NULL"));
  s->Bind(1, order_id);
  return VisitRows(*s, [&](SqlStatement& r) { line(r.Text(0), r.Text(1), r.Int(2), r.Int(3)); });
}

Result<std::string> ImportStore::HolderOf(const std::string& customer_id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db_.Prepare("SELECT rep_id FROM srv_scope WHERE customer_id = ? ORDER BY " +
                                  ByteOrder(db_, "rep_id") + " LIMIT 1"));
  s->Bind(1, customer_id);
  FB_ASSIGN_OR_RETURN(std::optional<std::string> rep, ReadOneRow(*s, FirstText));
  return rep.value_or("");
}

Status ImportStore::ForEachRow(const std::string& table, const std::vector<std::string>& columns,
                               const std::string& rep, const std::string& territory,
                               const std::function<Status(const std::vector<Value>&)>& row) {
  // Table and column names come from the catalog, never from the caller's input: checked here.
  const TableInfo* info = catalog_.Find(table);
  if (!info) return Status::InvalidArgument("no table " + table);
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) {
    bool known = columns[i] == "id";
    for (const auto& c : info->columns) known = known || c == columns[i];
    if (!known) return Status::InvalidArgument("no column " + table + "." + columns[i]);
    sql += (i ? ", t." : "t.") + columns[i];
  }
  const bool is_customers = table == "customers";
  const std::string customer_col = is_customers ? "t.id" : "t.customer_id";
  sql += " FROM " + table + " t";
  if (table == "customers" || table == "contacts")
    sql += " WHERE t.deleted = 0";
  else
    sql += " WHERE 1 = 1";
  sql +=
      " AND (?1 = '' OR EXISTS (SELECT 1 FROM srv_scope s WHERE s.customer_id = " + customer_col +
      " AND s.rep_id = ?1))";
  sql += " AND (?2 = '' OR EXISTS (SELECT 1 FROM customers c WHERE c.id = " + customer_col +
         " AND c.territory_id = ?2))";
  sql += " ORDER BY " + ByteOrder(db_, "t.id");
  FB_ASSIGN_OR_RETURN(SqlStatement * s, db_.Prepare(sql));
  s->Bind(1, rep).Bind(2, territory);
  return VisitValues(*s, columns.size(), row);
}

Status ImportStore::ForEachOrderLine(const std::string& rep, const std::string& territory,
                                     const std::function<Status(const std::vector<Value>&)>& row) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * s,
      db_.Prepare(
          "SELECT o.id, o.customer_id, o.rep_id, o.order_date, o.amount_cents, o.currency, "
          "o.notes, l.id, l.part_no, l.description, l.quantity, l.unit_price_cents "
          "FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id AND l.voids_id IS NULL "
          "WHERE o.voids_id IS NULL "
          "AND (?1 = '' OR EXISTS (SELECT 1 FROM srv_scope s WHERE s.customer_id = o.customer_id "
          "AND s.rep_id = ?1)) "
          "AND (?2 = '' OR EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id AND "
          "c.territory_id = ?2)) ORDER BY " +
          ByteOrder(db_, "o.id") + ", " + ByteOrder(db_, "l.id") +
          NullsAsSqlite(db_, /*descending=*/false)));
  s->Bind(1, rep).Bind(2, territory);
  return VisitValues(*s, 12, row);
}

}  // namespace fieldbook::server
