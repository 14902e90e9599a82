// StoreDataSource: the desktop app's DataSource over ClientStore (the client's repository layer),
// plus the sync transport to the server configured in the store's settings.
//
// It maps ClientStore's records to the screens' rows. A few reads ClientStore does not offer
// yet (the grade's scores and reasons, the owner's and territory's names) are read-only SQL on
// the store's replica here, marked as such; writes go through ClientStore only.
//
// Thread safety: not thread-safe, like ClientStore; created and used on the view model's worker.
#ifndef FIELDBOOK_CLIENT_APP_STORE_DATA_SOURCE_H_
#define FIELDBOOK_CLIENT_APP_STORE_DATA_SOURCE_H_

#include <functional>
#include <memory>
#include <string>

#include "client_store.h"
#include "data_source.h"
#include "fieldbook/hlc.h"
#include "sync_engine.h"

namespace fieldbook::app {

// Makes the transport for a sync with the server named in the settings.
using TransportFactory = std::function<Result<std::unique_ptr<client::SyncTransport>>(
    const client::ClientSettings& settings)>;

// HTTP(S) to settings.server_url with settings.device_token as the bearer token.
TransportFactory HttpTransports();

struct StoreDataSourceOptions {
  size_t search_limit = 2000;  // most rows a search shows (the list says when there are more)
  size_t recent = 50;          // visits and orders shown on a customer page
  size_t plan_items = 60;      // follow-ups first, then suggestions, up to this many in all
};

class StoreDataSource final : public DataSource {
 public:
  // Opens (creating if needed) the replica at `path`. `wall` must outlive the data source.
  static Result<std::unique_ptr<StoreDataSource>> Open(const std::string& path, WallClock& wall,
                                                       TransportFactory transports,
                                                       StoreDataSourceOptions options = {});
  StoreDataSource(std::unique_ptr<client::ClientStore> store, TransportFactory transports,
                  StoreDataSourceOptions options);

  Result<CustomerList> ListCustomers(const CustomerFilter& filter,
                                     const std::string& today) override;
  Result<CustomerDetail> LoadCustomer(const std::string& id, const std::string& today) override;
  Result<Plan> LoadPlan(const std::string& today) override;
  Result<LocalSyncState> LoadSyncState() override;
  Result<std::string> LogVisit(const VisitDraft& draft) override;
  Status CompleteTask(const std::string& task_id) override;
  Result<uint64_t> DataVersion() override;
  Result<SyncSummary> Sync() override;

  client::ClientStore& store() { return *store_; }

 private:
  // Grade scores and reasons, owner and territory names: read-only SQL until ClientStore
  // offers them.
  Status ReadExtras(CustomerDetail& detail);

  std::unique_ptr<client::ClientStore> store_;
  TransportFactory transports_;
  StoreDataSourceOptions options_;
  // Kept between syncs so the connection is reused; remade when the settings change.
  std::unique_ptr<client::SyncTransport> transport_;
  std::string transport_for_;  // server_url + '\n' + token the transport was made for
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_STORE_DATA_SOURCE_H_
