// DashboardStore: the figures of the console's Dashboard that no other report has (issue #16):
// customers by tier in each territory, the items waiting for a manager's review (held edits and
// possible duplicate garages still open), and each replica's latest verification (did it match,
// or what was repaired).
//
// Thread safety: not thread-safe; use on the thread that owns the ServerStore it wraps (with the
// store's mutex held, as every admin route).
#ifndef FIELDBOOK_SERVER_DASHBOARD_STORE_H_
#define FIELDBOOK_SERVER_DASHBOARD_STORE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fieldbook/status.h"
#include "store/server_store.h"

namespace fieldbook::server {

// The live customers of one territory ("" = customers without a territory, or whose territory
// was deleted) by tier ("not graded" for none).
struct TerritoryTiers {
  std::string territory_id;
  std::string name;
  int64_t customers = 0;
  std::map<std::string, int64_t> tiers;
};

struct ReviewCounts {
  int64_t held_edits = 0;  // open conflicts (srv_conflicts)
  int64_t duplicates = 0;  // open possible-duplicate pairs whose garages both still exist
};

// A replica's latest completed verification (srv_verifications).
struct ReplicaCheck {
  std::string rep_id;
  std::string replica_id;
  int64_t checked_ms = 0;
  std::string outcome;  // match, repaired, partial, incompatible
  int64_t rows_resent = 0;
};

class DashboardStore {
 public:
  explicit DashboardStore(SqlDb& db) : db_(db) {}
  explicit DashboardStore(ServerStore& store) : db_(store.sql()) {}

  // Every territory that has customers, by name; customers without one last.
  Result<std::vector<TerritoryTiers>> TiersByTerritory();
  Result<ReviewCounts> Review();
  // The `limit` most recently checked replicas, newest first.
  Result<std::vector<ReplicaCheck>> LatestChecks(int64_t limit);

 private:
  SqlDb& db_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_DASHBOARD_STORE_H_
