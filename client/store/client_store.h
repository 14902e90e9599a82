// ClientStore: the rep's data on their device. It opens the replica file (created 0600, as it
// holds the device token), owns the Replica (sync core) and the repositories of client/store/ —
// the only code with the client's SQL — and answers for the device's settings and status:
//
//   customers()  customers and contacts (customers.h)     facts()   visits, orders, feedback
//   search()     the full-text search index               tasks()   the rep's tasks
//   plan()       the day's plan                            grades()  grades and reports
//   pool()       the public pool's cache and requests      settings_table()  fb_settings
//   orders()     orders with their voids and corrections (orders.h)
//   visits()     check-in and check-out, the location check (visits.h)
//   care()       birthdays and care tasks in the days ahead (care.h)
//
// Everything works offline. Every write is an ordinary SQL write on the replica, so capture
// records it for the next sync (client/sync/device_sync.h runs syncs and calls RecordSync and
// search().Update()); every statement is prepared with bound values. Validation errors are
// Status::InvalidArgument with a sentence a rep understands ("satisfaction must be 1 to 5"); a
// row that is not on this device is kNotFound.
//
// Thread safety: not thread-safe (like the Replica it owns); use it and its repositories from one
// thread.
#ifndef FIELDBOOK_CLIENT_STORE_CLIENT_STORE_H_
#define FIELDBOOK_CLIENT_STORE_CLIENT_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/dates.h"
#include "fieldbook/hlc.h"
#include "fieldbook/replica.h"
#include "fieldbook/status.h"
#include "store/care.h"
#include "store/customers.h"
#include "store/day_plan.h"
#include "store/facts.h"
#include "store/grades.h"
#include "store/money.h"
#include "store/orders.h"
#include "store/pool_cache.h"
#include "store/records.h"
#include "store/search_index.h"
#include "store/settings.h"
#include "store/tasks.h"
#include "store/visits.h"

namespace fieldbook::client {

struct StoreStatus {
  std::string replica_id;
  std::string server_url;
  std::string rep_id;
  std::string rep_name;
  bool has_token = false;
  int64_t pending_writes = 0;
  std::optional<int64_t> last_sync_ms;
  std::optional<int64_t> clock_skew_ms;  // local wall clock minus the server's, last sync
  uint64_t cursor = 0;
  int64_t customers = 0;
  std::vector<ReviewItem> review;  // rows the server refused, with its reasons
  std::vector<std::string> deferred_evictions;
};

class ClientStore {
 public:
  // Opens (creating if needed) the replica at `path`; a new file is created with mode 0600 and
  // the file is kept at 0600 because it holds the device token.
  static Result<std::unique_ptr<ClientStore>> Open(const std::string& path, WallClock& wall,
                                                   const ReplicaOptions& options = {});
  ~ClientStore();
  ClientStore(const ClientStore&) = delete;
  ClientStore& operator=(const ClientStore&) = delete;

  Replica& replica() { return *replica_; }

  // The repositories (valid as long as the store).
  Customers& customers() { return customers_; }
  SearchIndex& search() { return search_; }
  Facts& facts() { return facts_; }
  Visits& visits() { return visits_; }
  Care& care() { return care_; }
  Orders& orders() { return orders_; }
  Tasks& tasks() { return tasks_; }
  DayPlan& plan() { return plan_; }
  Grades& grades() { return grades_; }
  PoolCache& pool() { return pool_; }
  SettingsTable& settings_table() { return settings_; }

  // Settings.
  Result<ClientSettings> Settings() { return settings_.Load(); }
  Status SaveSettings(const ClientSettings& settings) { return settings_.Save(settings); }

  // Sync status and the review list.
  Result<StoreStatus> GetStatus();
  Result<std::vector<ReviewItem>> ReviewList() { return replica_->ReviewList(); }
  // Records a completed sync (client/sync/device_sync.h runs it): now as the last sync's time and
  // `clock_skew_ms` (local wall clock minus the server's) for GetStatus, in one transaction.
  Status RecordSync(int64_t clock_skew_ms);
  // SQLite's PRAGMA data_version: changes when another connection commits to the replica.
  Result<uint64_t> DataVersion();

  // Now, as ISO-8601 UTC, and today's date in the local time zone.
  std::string NowIso();
  std::string Today();

 private:
  ClientStore(WallClock& wall, std::unique_ptr<Replica> replica);

  WallClock& wall_;
  std::unique_ptr<Replica> replica_;
  SettingsTable settings_;
  Grades grades_;
  Customers customers_;
  SearchIndex search_;
  Facts facts_;
  Visits visits_;
  Care care_;
  Orders orders_;
  Tasks tasks_;
  DayPlan plan_;
  PoolCache pool_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_CLIENT_STORE_H_
