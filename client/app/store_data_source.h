// StoreDataSource: the desktop app's DataSource over ClientStore (the client's repository layer),
// plus the sync transport to the server configured in the store's settings.
//
// It maps ClientStore's records to the screens' rows. A few reads ClientStore does not offer
// yet (the owner's and territory's names) are read-only SQL on the store's replica here, marked
// as such; writes go through ClientStore only.
//
// Thread safety: not thread-safe, like ClientStore; created and used on the view model's worker.
#ifndef FIELDBOOK_CLIENT_APP_STORE_DATA_SOURCE_H_
#define FIELDBOOK_CLIENT_APP_STORE_DATA_SOURCE_H_

#include <functional>
#include <memory>
#include <string>

#include "data_source.h"
#include "fieldbook/hlc.h"
#include "store/client_store.h"
#include "sync/device_sync.h"
#include "sync/pool_sync.h"
#include "sync/sync_engine.h"

namespace fieldbook::app {

// Makes the transport for a sync with the server named in the settings.
using TransportFactory = std::function<Result<std::unique_ptr<client::SyncTransport>>(
    const client::ClientSettings& settings)>;

// HTTP(S) to settings.server_url with settings.device_token as the bearer token.
TransportFactory HttpTransports();

// Makes the transport for the public pool's routes (client/sync/pool_sync.h) on the server named in
// the settings; HttpPoolTransports: HTTP(S) with the device token, like HttpTransports.
using PoolTransportFactory = std::function<Result<std::unique_ptr<client::PoolTransport>>(
    const client::ClientSettings& settings)>;
PoolTransportFactory HttpPoolTransports();

// Fetches the server's reports for the rep in the settings, as of `today` (the rep's local date),
// in the form ClientStore::SaveServerReports keeps (client::FetchServerReports).
using ReportsFetcher = std::function<Result<std::string>(const client::ClientSettings& settings,
                                                         const std::string& today)>;

// GET /v1/reports/... on settings.server_url with the device token.
ReportsFetcher HttpReports();

// Asks the server named in the settings what became of the replica's edits held for review and
// records the answers (client::RefreshReviewStatus); returns how many items were resolved.
using ReviewStatusRefresher =
    std::function<Result<size_t>(Replica& replica, const client::ClientSettings& settings)>;

// POST /v1/conflicts/status on settings.server_url with the device token.
ReviewStatusRefresher HttpReviewStatus();

struct StoreDataSourceOptions {
  size_t search_limit = 2000;  // most rows a search shows (the list says when there are more)
  size_t recent = 50;          // visits and orders shown on a customer page
  size_t plan_items = 60;      // follow-ups first, then suggestions, up to this many in all
  // How a sync reaches the public pool's routes; empty: syncs do not carry the pool's requests.
  PoolTransportFactory pool_transports;
  // How a sync brings the review list up to date; empty: it does not.
  ReviewStatusRefresher review_status;
};

// A customer's ledger (client::Orders::ForCustomer), newest first, at most `recent` orders, as the
// customer page shows it (store_data_source_forms.cc).
Result<std::vector<OrderRow>> OrderRows(client::ClientStore& store, const std::string& customer_id,
                                        size_t recent);

// A customer's preferences (client::Preferences::List), by kind and value, as the customer page
// shows them (store_data_source_forms.cc).
Result<std::vector<PreferenceRow>> PreferenceRows(client::ClientStore& store,
                                                  const std::string& customer_id);

class StoreDataSource final : public DataSource {
 public:
  // Opens (creating if needed) the replica at `path`. `wall` must outlive the data source.
  // Without `reports` the server's reports are never fetched (the view shows the replica's).
  static Result<std::unique_ptr<StoreDataSource>> Open(const std::string& path, WallClock& wall,
                                                       TransportFactory transports,
                                                       StoreDataSourceOptions options = {},
                                                       ReportsFetcher reports = nullptr);
  // The app's own: Open with every exchange over HTTP(S) to the server in the store's settings
  // (the change sets, the public pool's requests, the server's reports, the review list).
  static Result<std::unique_ptr<StoreDataSource>> OpenOverHttp(const std::string& path,
                                                               WallClock& wall);
  StoreDataSource(std::unique_ptr<client::ClientStore> store, TransportFactory transports,
                  StoreDataSourceOptions options, ReportsFetcher reports = nullptr);

  Result<CustomerList> ListCustomers(const CustomerFilter& filter,
                                     const std::string& today) override;
  Result<CustomerDetail> LoadCustomer(const std::string& id, const std::string& today) override;
  Result<Plan> LoadPlan(const std::string& today) override;
  Result<LocalSyncState> LoadSyncState() override;
  Result<std::string> LogVisit(const VisitDraft& draft) override;
  Status CompleteTask(const std::string& task_id) override;
  Result<std::string> ScheduleCareTask(const std::string& customer_id,
                                       const std::string& contact_id, Lang lang) override;
  Result<uint64_t> DataVersion() override;
  // After a successful sync, also fetches the server's reports and brings the review list up to
  // date (a failure there does not fail the sync; the reports view says why).
  Result<SyncSummary> Sync() override;
  Result<Reports> LoadReports(const std::string& today) override;
  Status RefreshServerReports(const std::string& today) override;
  Result<PoolView> LoadPool() override;
  Status ClaimFromPool(const std::string& customer_id) override;
  // At most kIndexBatch documents (client::SearchIndex::UpdateSome).
  Result<int64_t> IndexSearchBatch() override;
  static constexpr size_t kIndexBatch = 5000;

  // The rep's forms (issue #18, H6; store_data_source_forms.cc).
  Result<ProductSearch> SearchProducts(const std::string& customer_id,
                                       const std::string& text) override;
  Result<std::string> SaveOrder(const OrderDraft& draft) override;
  Result<std::string> VoidOrder(const std::string& order_id, const std::string& reason) override;
  static constexpr size_t kProductHits = 20;  // products the order form offers per search
  Result<DuplicateCheck> FindDuplicates(const DuplicateCheck& keys) override;
  Result<std::string> SaveCustomer(const CustomerDraft& draft) override;
  Result<std::string> SaveRecord(const RecordDraft& draft) override;
  Result<std::string> DismissReview(int64_t id, const std::string& note) override;

  client::ClientStore& store() { return *store_; }

 private:
  std::unique_ptr<client::ClientStore> store_;
  client::DeviceSync device_sync_;  // one per store: it keeps the time of the last integrity check
  TransportFactory transports_;
  StoreDataSourceOptions options_;
  // Kept between syncs so the connection is reused; remade when the settings change.
  std::unique_ptr<client::SyncTransport> transport_;
  std::string transport_for_;  // server_url + '\n' + token the transport was made for
  std::unique_ptr<client::PoolTransport> pool_transport_;  // made with transport_
  Status pool_error_;  // SyncReport::pool_error of the last sync, with its phrase
  ReportsFetcher reports_;
  Status reports_error_;  // why the last fetch of the server's reports failed (ok: it did not)
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_STORE_DATA_SOURCE_H_
