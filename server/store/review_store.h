// ReviewStore: the managers' side of the reps' review lists (issue #19; docs/sync.md "The review
// list"). Owns the SQL that reads `review_dismissals`
// (schema/sql/domain/0029_review_dismissals.sql): a rep who dismisses a change the hub refused or
// held records it on the device, and the row arrives with the next push like any fact (the push
// gate checks it is in the pusher's name and of a garage the rep holds or held). Listed on the
// console's Review page beside the held edits (GET /v1/admin/review/dismissals, newest first) with
// the garage's name.
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore it wraps.
#ifndef FIELDBOOK_SERVER_STORE_REVIEW_STORE_H_
#define FIELDBOOK_SERVER_STORE_REVIEW_STORE_H_

#include <boost/json.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "store/server_store.h"

namespace fieldbook::server {

struct Dismissal {
  std::string id;
  std::string customer_id;
  std::string customer_name;  // "" when the hub has no such customer
  std::string rep_id;
  std::string table;         // the refused record's table
  std::string row_id;        // and id
  std::string code;          // the hub's code(s), comma-separated
  std::string refused_json;  // {"column": value, ...} what did not reach the hub
  std::string dismissed_at;  // ISO-8601 UTC, the device's clock
  std::string note;
};

// {"id", "customer", "customer_name", "rep", "table", "row_id", "code", "refused" {...},
//  "dismissed_at", "note"}.
boost::json::object DismissalJson(const Dismissal& d);

class ReviewStore {
 public:
  static constexpr size_t kMaxListed = 1000;

  explicit ReviewStore(SqlDb& db) : db_(db) {}
  explicit ReviewStore(ServerStore& store) : db_(store.sql()) {}

  // The newest `limit` dismissals (at most kMaxListed), of one rep when `rep` is not "".
  Result<std::vector<Dismissal>> Dismissals(const std::string& rep, size_t limit);

 private:
  SqlDb& db_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_STORE_REVIEW_STORE_H_
