// RecordStore: reads the rows of any replicated table on the hub, driven by the table catalog
// (fieldbook/catalog.h), so that managers can read a simple new table — through the admin API's
// generic route (api/record_api.h) and `fieldbook-server records` — without a store of its own.
// Read-only: a table whose managers write it, with rules to keep, gets its own store writing
// through ServerStore::Write (as products do).
//
// The table must be in the catalog (its name is checked against it, never put into SQL from
// input); columns are the catalog's (no bookkeeping columns). Rows are in id order, paged by
// `after`; removed rows (deleted = 1) are left out unless asked for.
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore it wraps.
#ifndef FIELDBOOK_SERVER_STORE_RECORD_STORE_H_
#define FIELDBOOK_SERVER_STORE_RECORD_STORE_H_

#include <boost/json.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "store/server_store.h"

namespace fieldbook::server {

struct RecordQuery {
  std::string table;
  std::string customer;  // only this customer's rows ("" = all; refused for tables of none)
  std::string after;     // paging: ids after this one
  size_t limit = 100;    // 1 to 1,000
  bool include_deleted = false;
};

struct RecordPage {
  std::vector<boost::json::object> rows;  // {"id", column: value...}; NULL as null
  std::string next;                       // the last id when more may follow, else ""
};

class RecordStore {
 public:
  // The tables of `catalog` on `db` (either backend of the storage seam).
  RecordStore(SqlDb& db, const Catalog& catalog) : db_(db), catalog_(catalog) {}
  explicit RecordStore(ServerStore& store) : RecordStore(store.sql(), store.hub().catalog()) {}

  // The replicated tables managers may read, in catalog order.
  std::vector<std::string> Tables() const;
  // kNotFound for a table not in the catalog; kInvalidArgument for a bad limit or a customer
  // filter on a table of no customer.
  Result<RecordPage> List(const RecordQuery& query);

 private:
  SqlDb& db_;
  const Catalog& catalog_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_STORE_RECORD_STORE_H_
