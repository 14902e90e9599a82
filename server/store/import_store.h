// ImportStore: the SQL of spreadsheet imports and exports (issue #17) — the import keys that make
// an import idempotent and resumable (srv_import_keys: which Fieldbook row each imported record
// became), finding customers by an external id, a Fieldbook id or a phone, possible duplicates
// among live customers (same phone, or same name and city: fb_customer_keys), and the rows an
// export reads. Writes of domain rows go through ServerStore::Write (the hub's change stream).
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore it wraps.
#ifndef FIELDBOOK_SERVER_IMPORT_STORE_H_
#define FIELDBOOK_SERVER_IMPORT_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "fieldbook/value.h"
#include "store/server_store.h"

namespace fieldbook::server {

class ImportStore {
 public:
  // The keys and rows of `catalog`'s tables on `db` (either backend of the storage seam).
  ImportStore(SqlDb& db, const Catalog& catalog) : db_(db), catalog_(catalog) {}
  explicit ImportStore(ServerStore& store) : ImportStore(store.sql(), store.hub().catalog()) {}

  // The row an import key became, or nullopt. `kind`: customer, contact, order, order_line, visit.
  Result<std::optional<std::string>> RowOfKey(const std::string& kind, const std::string& key);
  // Records keys (kind, key, row id) inside the caller's transaction, with the rows they name;
  // 64 per statement.
  using Key = std::tuple<std::string, std::string, std::string>;
  Status PutKeys(const std::vector<Key>& keys);
  // The external id a row was imported with ('x:' keys), or "" when it has none.
  Result<std::string> ExternalIdOf(const std::string& kind, const std::string& row_id);

  // The live customer with this id, or nullopt.
  Result<std::optional<std::string>> LiveCustomer(const std::string& id);
  // Live customers whose normalised phone is `phone_key` (at most `limit`).
  Result<std::vector<std::string>> CustomersByPhoneKey(const std::string& phone_key,
                                                       size_t limit = 2);
  Result<std::vector<std::string>> CustomersByNameCityKey(const std::string& key, size_t limit = 2);
  // For an import that has the database connection to itself (the command, beside a running
  // server): `on`, commits stop waiting for the disk (synchronous=NORMAL: WAL stays consistent; a
  // power cut may lose the last batches, which the import, resumable, writes when run again) and
  // the WAL is checkpointed every 10,000 pages rather than 1,000; off, FULL and 1,000 again.
  Status BulkWrites(bool on);
  // Every live customer's duplicate keys (fb_customer_keys: normalised phone, name and city).
  Status ForEachCustomerKey(const std::function<void(const std::string& phone_key,
                                                     const std::string& name_city_key)>& key);
  // The lines of an order (not voided): part number, description, quantity, unit price.
  Status ForEachLineOf(
      const std::string& order_id,
      const std::function<void(const std::string& part_no, const std::string& description,
                               int64_t quantity, int64_t unit_price_cents)>& line);
  // Who holds a customer now ("" = nobody), and its owner_rep_id.
  Result<std::string> HolderOf(const std::string& customer_id);

  // Every live row of `table` (customers, contacts, orders, order_lines, visits) in id order,
  // with the columns named, filtered to the customers `rep` holds and/or of `territory`
  // (empty: no filter). Calls `row` for each; stops at its first error.
  Status ForEachRow(const std::string& table, const std::vector<std::string>& columns,
                    const std::string& rep, const std::string& territory,
                    const std::function<Status(const std::vector<Value>&)>& row);
  // Every order that is not a correction, with its lines (one call per line; an order without
  // lines once, its line columns null), ordered by order and line id, filtered the same way:
  // o.id, o.customer_id, o.rep_id, o.order_date, o.amount_cents, o.currency, o.notes, l.id,
  // l.part_no, l.description, l.quantity, l.unit_price_cents.
  Status ForEachOrderLine(const std::string& rep, const std::string& territory,
                          const std::function<Status(const std::vector<Value>&)>& row);

 private:
  // The customer ids `sql` (one key, then a limit) selects.
  Result<std::vector<std::string>> CustomerIds(const std::string& sql, const std::string& key,
                                               size_t limit);
  SqlDb& db_;
  const Catalog& catalog_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_IMPORT_STORE_H_
