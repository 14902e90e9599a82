// SearchIndex: full-text search over the rep's customers on the device (the fb_search FTS5 trigram
// index, schema/sql/replica/0003_client.sql) and its upkeep. The triggers of
// schema/sql/replica/0006_search_queue.sql only note which documents changed (fb_search_queue);
// Update rewrites them in a few set-based statements. A sync calls Update as pages are stored
// (sync/device_sync.h), and Search calls it before every search.
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_SEARCH_INDEX_H_
#define FIELDBOOK_CLIENT_STORE_SEARCH_INDEX_H_

#include <cstddef>
#include <string>
#include <vector>

#include "fieldbook/status.h"
#include "store/records.h"

namespace fieldbook {
class Db;
}

namespace fieldbook::client {

struct SearchHit {
  Customer customer;
  std::string matched;  // where the best match was: "customer", "contact" or "visit"
};

class SearchIndex {
 public:
  explicit SearchIndex(Db& db) : db_(db) {}

  // Ranked customers (not deleted) with a record holding every word of `query`: the customer
  // itself (name, latin name, city, phone, primary contact), one of its contacts (name, phone)
  // or one of its visits (purpose, outcome, notes). Names weigh more than the rest. Words of at
  // least three characters use the trigram index; a query of shorter words falls back to LIKE.
  Result<std::vector<SearchHit>> Search(const std::string& query, size_t limit = 20);

  // Rebuilds the index from the replicated tables (after a VACUUM, or if in doubt).
  Status Rebuild();
  // Brings the index up to date with every stored row, in one transaction; it costs one empty
  // read when nothing is noted.
  Status Update();

 private:
  Db& db_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_SEARCH_INDEX_H_
