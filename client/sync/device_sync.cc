#include "sync/device_sync.h"

#include <optional>
#include <utility>

#include "store/replica_health.h"
#include "sync/rep_reports.h"
#include "sync/review_status.h"

namespace fieldbook::client {

namespace {

// Indexes pulled rows for search in large batches rather than page by page: FTS5 then merges its
// segments far less often, and a first sync's indexing takes a third less time. Meanwhile the
// rows wait in the search queue, which every search empties first, so a search during a sync
// still finds them; ExchangeChanges indexes the rest before it returns, whether or not the sync
// completed. The bound keeps one indexing transaction to well under a second.
class SearchIndexUpdater final : public PullObserver {
 public:
  static constexpr size_t kRows = 200000;
  explicit SearchIndexUpdater(ClientStore& store) : store_(store) {}
  Status PageStored(const PullStats& stats) override {
    unindexed_ += stats.rows_changed + stats.customers_evicted;
    if (unindexed_ < kRows) return Status::Ok();
    unindexed_ = 0;
    return store_.search().Update();
  }

 private:
  ClientStore& store_;
  size_t unindexed_ = 0;
};

constexpr size_t kApiResponseLimit = 4u << 20;  // a report or a status answer: a few kilobytes

}  // namespace

Result<std::unique_ptr<HttpServerLinks>> HttpServerLinks::Create(const ClientSettings& settings,
                                                                 HttpClientOptions options) {
  if (!settings.ca_file.empty()) options.ca_file = settings.ca_file;
  std::unique_ptr<HttpServerLinks> links(new HttpServerLinks());
  links->token_ = settings.device_token;
  FB_ASSIGN_OR_RETURN(links->changes_, HttpSyncTransport::Create(settings.server_url,
                                                                 settings.device_token, options));
  FB_ASSIGN_OR_RETURN(
      links->pool_, HttpPoolTransport::Create(settings.server_url, settings.device_token, options));
  HttpClientOptions api = options;
  api.response_body_limit = kApiResponseLimit;
  FB_ASSIGN_OR_RETURN(links->api_, HttpClient::Create(settings.server_url, api));
  return links;
}

ServerLinks HttpServerLinks::links() {
  ServerLinks links;
  links.changes = changes_.get();
  links.pool = pool_.get();
  links.reports = [this](const std::string& today) {
    return FetchServerReports(*api_, token_, today);
  };
  links.review = [this](Replica& replica) { return RefreshReviewStatus(replica, *api_, token_); };
  return links;
}

Status DeviceSync::CheckReplica() {
  FB_RETURN_IF_ERROR(QuickCheckReplica(store_.replica().db()));
  const uint64_t now = store_.replica().clock().WallNowMs();
  last_quick_check_ms_ = now == 0 ? 1 : now;
  return Status::Ok();
}

Result<SyncReport> DeviceSync::ExchangeChanges(SyncTransport& transport, const SyncOptions& options,
                                               SyncExtension* extension) {
  Replica& replica = store_.replica();
  // Never push from a damaged replica: checked before every push, and at least hourly otherwise.
  FB_ASSIGN_OR_RETURN(int64_t pending, replica.PendingWriteCount());
  const uint64_t now = replica.clock().WallNowMs();
  if (pending > 0 || last_quick_check_ms_ == 0 || now - last_quick_check_ms_ > kQuickCheckEveryMs) {
    FB_RETURN_IF_ERROR(CheckReplica());
  }
  SearchIndexUpdater indexer(store_);
  SyncEngine engine(replica, transport, options, &indexer, extension);
  Result<SyncReport> synced = engine.SyncOnce();
  // Whatever the sync stored is indexed before it returns, even when it broke off midway. (A push
  // alone can purge rows too: a deferred eviction whose writes were just acknowledged.)
  Status indexed = store_.search().Update();
  FB_ASSIGN_OR_RETURN(SyncReport report, std::move(synced));
  FB_RETURN_IF_ERROR(indexed);
  FB_RETURN_IF_ERROR(store_.RecordSync(report.hub_clock_skew_ms));
  return report;
}

Result<DeviceSyncReport> DeviceSync::Run(const ServerLinks& links, const SyncOptions& options) {
  if (links.changes == nullptr) return Status::InvalidArgument("no server to sync with");
  DeviceSyncReport out;
  std::optional<PoolSync> pool;
  if (links.pool != nullptr) pool.emplace(store_, *links.pool);
  FB_ASSIGN_OR_RETURN(out.sync, ExchangeChanges(*links.changes, options, pool ? &*pool : nullptr));
  if (pool) out.pool_answered = pool->answered();
  if (links.reports) {
    Result<std::string> fetched = links.reports(store_.Today());
    Status saved = fetched.ok() ? store_.grades().SaveServerReports(*fetched) : fetched.status();
    out.reports_refreshed = saved.ok();
    if (!saved.ok()) {
      out.reports_error = saved.message();
      if (const Phrase* p = saved.phrase()) out.reports_error_phrase = *p;
    }
  }
  if (links.review) {
    Result<size_t> refreshed = links.review(store_.replica());
    if (refreshed.ok()) {
      out.review_resolved = *refreshed;
    } else {
      out.review_error = refreshed.status().message();
      if (const Phrase* p = refreshed.status().phrase()) out.review_error_phrase = *p;
    }
  }
  return out;
}

}  // namespace fieldbook::client
