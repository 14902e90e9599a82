// DirectoryStore: what the manager's console reads and changes about customers and territories
// beyond the reports (issue #16): customer search with filters, one customer's full archive
// (contacts, tasks, visits, orders, feedback, the grade with its reasons and its history), the
// territory a customer belongs to, moving many customers by a filter, and creating or editing
// territories. Every change is a hub-authored write (ServerStore::Write or ReassignCustomer), so
// it reaches the devices at their next sync, with one audit entry per change.
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore it wraps.
#ifndef FIELDBOOK_SERVER_STORE_DIRECTORY_STORE_H_
#define FIELDBOOK_SERVER_STORE_DIRECTORY_STORE_H_

#include <boost/describe/class.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/status.h"
#include "fieldbook/value.h"
#include "store/server_store.h"

namespace fieldbook::server {

// Which customers a search or a bulk move means. Empty fields do not filter.
struct CustomerFilter {
  std::string text;       // part of the name, latin name, phone or id
  std::string rep;        // the rep holding it now ("-": nobody)
  std::string territory;  // territory id ("-": none)
  std::string tier;       // grade tier ("-": not graded)
  std::string city;
};

struct CustomerRow {
  std::string id, name, city, phone, owner_rep, holder, territory, tier, lifecycle, created_at;
  bool pooled = false;
};

// A row of a table as (column, value) pairs: its id, then the replicated columns in catalog order
// (no sync bookkeeping).
using Record = std::vector<std::pair<std::string, Value>>;

struct GradePoint {
  int64_t run = 0;
  std::string today, tier;
  int64_t recency = 0, frequency = 0, monetary = 0;
  std::string ticket_class, lifecycle;
  double churn_risk = 0;
};
BOOST_DESCRIBE_STRUCT(GradePoint, (),
                      (run, today, tier, recency, frequency, monetary, ticket_class, lifecycle,
                       churn_risk))

struct CustomerArchive {
  Record customer;
  std::string holder;
  bool pooled = false;
  std::map<std::string, std::vector<Record>> records;  // table -> newest first, at most kMaxRecords
  std::map<std::string, int64_t> totals;               // table -> all its rows of this customer
  std::vector<GradePoint> grades;                      // oldest run first
};

struct BulkMove {
  int64_t matched = 0;                 // customers the filter selects (at most kMaxBulk)
  int64_t moved = 0;                   // 0 for a dry run
  std::vector<CustomerRow> customers;  // the first ones, for the manager to check
  std::vector<std::string> skipped;    // "id: why" (in the pool, held by the target already)
};

class DirectoryStore {
 public:
  static constexpr size_t kMaxSearch = 500;
  static constexpr size_t kMaxRecords = 200;
  static constexpr size_t kMaxBulk = 5000;

  explicit DirectoryStore(ServerStore& store) : store_(store) {}

  // Live customers matching `filter`, by name then id, from `offset`, at most `limit`; `total`
  // gets how many match in all.
  Result<std::vector<CustomerRow>> Search(const CustomerFilter& filter, size_t offset, size_t limit,
                                          int64_t* total);
  // kNotFound for an unknown customer.
  Result<CustomerArchive> Archive(const std::string& customer_id);
  // Moves the customer to another territory (`territory` empty: none). kNotFound for an unknown
  // customer or territory.
  Status SetTerritory(const std::string& customer_id, const std::string& territory,
                      const std::string& actor, const std::string& reason);
  // Every customer matching `filter` (at least one field set) to rep `to`, one reassignment each
  // (ServerStore::ReassignCustomer) inside one transaction; `dry_run` changes nothing.
  // kInvalidArgument for an empty filter; kResourceExhausted when more than kMaxBulk match.
  Result<BulkMove> MoveMatching(const CustomerFilter& filter, const std::string& to, bool dry_run,
                                const std::string& actor, const std::string& reason);
  // A new territory (its id) or, with `id` set, new values for an existing one's name, region and
  // city (empty keeps the value). A `rep` gives it to that rep (ServerStore::AssignTerritory).
  Result<std::string> SaveTerritory(const std::string& id, const std::string& name,
                                    const std::string& region, const std::string& city,
                                    const std::string& rep, const std::string& actor);

 private:
  ServerStore& store_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_STORE_DIRECTORY_STORE_H_
