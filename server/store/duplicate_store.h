// DuplicateStore: the possible duplicate garages the hub's detector flags (fb_possible_duplicates:
// same phone, or same name and city) and what a manager decides about them: merge the pair into
// one survivor, or mark it as two distinct garages (issue #16, the console's Review page).
//
// A merge is one hub-authored write (ServerStore::Write, the manager-apply path), so it reaches
// devices through the ordinary change stream: every contact, task, visit, order, order line and
// piece of feedback of the loser is re-pointed to the survivor (facts included: Hub::Write's
// move_fact_customers lets a manager change a fact's customer and nothing else), the survivor's
// empty fields take the loser's values, and the loser is tombstoned and held by nobody, so the
// devices that held it purge it at their next sync while the survivor's holders receive the moved
// records. The pair becomes `merged`, other open pairs of the loser too, and the survivor is
// checked again for duplicates. The merge is remembered (srv_merges), so rows pushed later for the
// loser follow it to the survivor (FollowMerges). One audit entry (`customer.merge`) in the same
// transaction.
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore it wraps.
#ifndef FIELDBOOK_SERVER_STORE_DUPLICATE_STORE_H_
#define FIELDBOOK_SERVER_STORE_DUPLICATE_STORE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fieldbook/status.h"
#include "store/server_store.h"

namespace fieldbook::server {

// One side of a possible duplicate, as a reviewer compares them.
struct DuplicateSide {
  std::string id, name, city, phone, address, owner_rep, holder, tier, created_at;
  bool deleted = false;
  std::map<std::string, int64_t> records;  // table -> rows of this customer (live ones)
};

struct DuplicateCase {
  DuplicateSide a, b;
  std::string reason;  // "phone", "name_city", ...
  std::string status;  // open, merged, distinct
  int64_t detected_ms = 0;
};

struct MergeReport {
  std::string survivor, loser;
  std::map<std::string, int64_t> moved;  // table -> rows re-pointed to the survivor
  std::vector<std::string> filled;       // survivor columns that took the loser's value
  std::string survivor_holder, loser_holder;
};

class DuplicateStore {
 public:
  // Tables whose rows belong to one customer and follow it in a merge, in catalog order (parents
  // before children): every replicated table with a customer column other than the customer's
  // own id, so a table added to the catalog follows merges without a list to update.
  static std::vector<std::string> RecordTables(const Catalog& catalog);
  // SQL selecting customer ?1 and every customer merged into it, directly or through a chain: the
  // push gate asks whether a rep lost any of them (ServerStore::LastRemoval), so the rep who held
  // a merged-away garage keeps its offline work as after any move away.
  static constexpr const char* kMergedIntoSql =
      "WITH RECURSIVE merged(id) AS (SELECT ?1 UNION SELECT m.loser FROM srv_merges m JOIN merged "
      "ON m.survivor = merged.id) SELECT id FROM merged";
  // Most pairs one listing returns.
  static constexpr size_t kMaxList = 500;

  explicit DuplicateStore(ServerStore& store) : store_(store) {}

  // Pairs with `status` (open, merged, distinct, or "" for all), newest first, at most `limit`.
  // Open pairs one of whose customers is gone are left out.
  Result<std::vector<DuplicateCase>> List(const std::string& status, size_t limit);
  // kNotFound for an unknown customer; kInvalidArgument for the same customer twice;
  // kConflict when either is deleted already or in the public pool.
  Result<MergeReport> Merge(const std::string& survivor, const std::string& loser,
                            const std::string& actor, const std::string& reason);
  // The customer `customer_id` was merged into, following chains (A into B, then B into C gives
  // C); the id itself when it was never merged away (srv_merges).
  Result<std::string> SurvivorOf(const std::string& customer_id);
  // The push gate's hook (ServerStore::ApplyRepPush): when a pushed row of a customer's table
  // names a customer merged away since (a visit logged offline meanwhile), its customer column is
  // rewritten to the survivor, stamped one tick after the device's stamp (so the device takes the
  // survivor at its next pull), and true is returned; the gate then judges the row as one of the
  // survivor (docs/console.md, "Rows pushed for a merged-away garage").
  Result<bool> FollowMerges(const TableInfo& t, RowChange& change);
  // The pair is two different garages: kNotFound when it was never flagged.
  Status MarkDistinct(const std::string& a, const std::string& b, const std::string& actor,
                      const std::string& reason);

 private:
  Result<DuplicateSide> Side(const std::string& id);
  ServerStore& store_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_STORE_DUPLICATE_STORE_H_
