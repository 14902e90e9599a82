#include "store_data_source.h"

#include <algorithm>
#include <optional>
#include <unordered_set>
#include <utility>

#include "fieldbook/dates.h"
#include "lang/store_errors.h"
#include "sync/rep_reports.h"
#include "sync/review_status.h"

namespace fieldbook::app {

namespace {

// A sync report's error kept as its message and its phrase apart, as one Status (ok for none).
Status ErrorOf(const std::string& message, const std::optional<Phrase>& phrase) {
  if (message.empty()) return Status::Ok();
  if (!phrase) return Status(StatusCode::kUnavailable, message);
  return Status(StatusCode::kUnavailable, message, *phrase);
}

std::optional<std::string> NonEmpty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

CustomerRow ToRow(const client::Customer& c, bool overdue) {
  CustomerRow row;
  row.id = c.id;
  row.name = c.name.empty() ? c.name_latin : c.name;
  row.city = c.city;
  row.phone = c.phone;
  row.tier = c.grade_tier;
  row.tier_provisional = c.grade_provisional;
  row.stage = c.purchase_stage;
  row.type = c.customer_type;
  row.last_visit = c.last_visit.substr(0, 10);
  row.overdue = overdue;
  return row;
}

bool Matches(const CustomerFilter& f, const client::Customer& c, bool overdue) {
  return (f.tier.empty() || f.tier == c.grade_tier) &&
         (f.stage.empty() || f.stage == c.purchase_stage) &&
         (f.type.empty() || f.type == c.customer_type) &&
         (f.region.empty() || f.region == c.region_class) && (!f.overdue_only || overdue);
}

// The device's private CA (fieldbook-cli init --ca-file), when it has one.
client::HttpClientOptions TrustFor(const client::ClientSettings& settings) {
  client::HttpClientOptions options;
  options.ca_file = settings.ca_file;
  return options;
}

// Makes `Http` (an HTTP(S) transport with the device token) to the server in the settings, as the
// `Transport` a sync uses.
template <class Transport, class Http>
std::function<Result<std::unique_ptr<Transport>>(const client::ClientSettings&)> HttpFactory() {
  return [](const client::ClientSettings& settings) -> Result<std::unique_ptr<Transport>> {
    FB_ASSIGN_OR_RETURN(
        std::unique_ptr<Http> http,
        Http::Create(settings.server_url, settings.device_token, TrustFor(settings)));
    return std::unique_ptr<Transport>(std::move(http));
  };
}

}  // namespace

TransportFactory HttpTransports() {
  return HttpFactory<client::SyncTransport, client::HttpSyncTransport>();
}

PoolTransportFactory HttpPoolTransports() {
  return HttpFactory<client::PoolTransport, client::HttpPoolTransport>();
}

ReportsFetcher HttpReports() {
  return
      [](const client::ClientSettings& settings, const std::string& today) -> Result<std::string> {
        client::HttpClientOptions options = TrustFor(settings);
        options.response_body_limit = 4u << 20;  // a report is a few kilobytes
        FB_ASSIGN_OR_RETURN(std::unique_ptr<client::HttpClient> http,
                            client::HttpClient::Create(settings.server_url, options));
        return client::FetchServerReports(*http, settings.device_token, today);
      };
}

ReviewStatusRefresher HttpReviewStatus() {
  return [](Replica& replica, const client::ClientSettings& settings) -> Result<size_t> {
    FB_ASSIGN_OR_RETURN(std::unique_ptr<client::HttpClient> http,
                        client::HttpClient::Create(settings.server_url, TrustFor(settings)));
    return client::RefreshReviewStatus(replica, *http, settings.device_token);
  };
}

Result<std::unique_ptr<StoreDataSource>> StoreDataSource::Open(const std::string& path,
                                                               WallClock& wall,
                                                               TransportFactory transports,
                                                               StoreDataSourceOptions options,
                                                               ReportsFetcher reports) {
  FB_ASSIGN_OR_RETURN(std::unique_ptr<client::ClientStore> store,
                      client::ClientStore::Open(path, wall));
  return std::make_unique<StoreDataSource>(std::move(store), std::move(transports), options,
                                           std::move(reports));
}

Result<std::unique_ptr<StoreDataSource>> StoreDataSource::OpenOverHttp(const std::string& path,
                                                                       WallClock& wall) {
  StoreDataSourceOptions options;
  options.pool_transports = HttpPoolTransports();  // syncs carry the public pool's requests
  options.review_status = HttpReviewStatus();      // and ask what became of held edits
  return Open(path, wall, HttpTransports(), options, HttpReports());
}

StoreDataSource::StoreDataSource(std::unique_ptr<client::ClientStore> store,
                                 TransportFactory transports, StoreDataSourceOptions options,
                                 ReportsFetcher reports)
    : store_(std::move(store)),
      device_sync_(*store_),
      transports_(std::move(transports)),
      options_(options),
      reports_(std::move(reports)) {}

Result<CustomerList> StoreDataSource::ListCustomers(const CustomerFilter& filter,
                                                    const std::string& today) {
  client::CustomerFilter overdue_query;
  overdue_query.overdue = true;
  overdue_query.today = today;
  FB_ASSIGN_OR_RETURN(std::vector<client::Customer> overdue_customers,
                      store_->customers().List(overdue_query));
  std::unordered_set<std::string> overdue;
  for (const client::Customer& c : overdue_customers) overdue.insert(c.id);

  // The preference filter applies when both its kind and its value are given.
  const bool by_pref = !filter.pref_kind.empty() && !filter.pref_value.empty();
  CustomerList list;
  if (filter.text.find_first_not_of(" \t\r\n") != std::string::npos) {
    // Ranked search, then the filters on the hits.
    FB_ASSIGN_OR_RETURN(std::vector<client::SearchHit> hits,
                        store_->search().Search(filter.text, options_.search_limit));
    list.truncated = hits.size() >= options_.search_limit;
    std::unordered_set<std::string> preferring;
    if (by_pref) {
      client::CustomerFilter query;
      query.pref_kind = filter.pref_kind;
      query.pref_value = filter.pref_value;
      FB_ASSIGN_OR_RETURN(std::vector<client::Customer> with, store_->customers().List(query));
      for (const client::Customer& c : with) preferring.insert(c.id);
    }
    for (const client::SearchHit& hit : hits) {
      const bool late = overdue.count(hit.customer.id) > 0;
      if (by_pref && preferring.count(hit.customer.id) == 0) continue;
      if (Matches(filter, hit.customer, late)) list.rows.push_back(ToRow(hit.customer, late));
    }
    return list;
  }

  client::CustomerFilter query;
  query.tier = NonEmpty(filter.tier);
  query.stage = NonEmpty(filter.stage);
  query.type = NonEmpty(filter.type);
  query.region_class = NonEmpty(filter.region);
  query.overdue = filter.overdue_only;
  query.today = today;
  if (by_pref) {
    query.pref_kind = filter.pref_kind;
    query.pref_value = filter.pref_value;
  }
  FB_ASSIGN_OR_RETURN(std::vector<client::Customer> customers, store_->customers().List(query));
  list.rows.reserve(customers.size());
  for (const client::Customer& c : customers) {
    list.rows.push_back(ToRow(c, overdue.count(c.id) > 0));
  }
  // What needs attention first; otherwise the store's order.
  std::stable_partition(list.rows.begin(), list.rows.end(),
                        [](const CustomerRow& r) { return r.overdue; });
  return list;
}

Result<CustomerDetail> StoreDataSource::LoadCustomer(const std::string& id,
                                                     const std::string& today) {
  FB_ASSIGN_OR_RETURN(client::CustomerProfile p, store_->customers().Show(id, options_.recent));
  const client::Customer& c = p.customer;
  CustomerDetail d;
  d.id = c.id;
  d.name = c.name;
  d.name_latin = c.name_latin;
  d.type = c.customer_type;
  d.relationship = c.relationship;
  d.stage = c.purchase_stage;
  d.region = c.region_class;
  d.address = c.address;
  d.city = c.city;
  d.province = c.province;
  d.phone = c.phone;
  d.primary_contact = c.primary_contact;
  d.tags = c.tags;
  d.notes = c.notes;
  d.lat = c.lat;
  d.lon = c.lon;
  // The grade shown: the provisional one while it is pending, else the server's.
  const client::CustomerGrade& g = p.grade.shown();
  d.tier = g.tier;
  d.graded_at = g.graded_at;
  d.lifecycle = g.lifecycle;
  d.ticket_class = g.ticket_class;
  d.recency = g.recency;
  d.frequency = g.frequency;
  d.monetary = g.monetary;
  d.churn_risk = g.churn_risk;
  d.grade_reasons = g.reasons;
  d.grade_provisional = g.provisional;
  d.grade_computed_at = g.computed_at;
  d.server_tier = p.grade.server.tier;
  d.owner_name = p.owner_name;
  d.territory_name = p.territory_name;

  for (const client::Contact& k : p.contacts) {
    d.contacts.push_back(ContactRow{k.id, k.name, k.title, k.phone, k.wechat, k.is_primary, k.email,
                                    k.birthday, k.notes});
  }
  for (const client::Visit& v : p.recent_visits) {
    d.visits.push_back(
        VisitRow{v.id, v.check_in, v.check_out, v.purpose, v.outcome, v.notes, v.next_follow_up});
  }
  FB_ASSIGN_OR_RETURN(d.orders, OrderRows(*store_, c.id, options_.recent));
  for (const client::Task& t : p.open_tasks) {
    const bool late = t.status == "open" && !t.due_date.empty() && t.due_date < today;
    d.tasks.push_back(TaskRow{t.id, t.due_date, t.kind, t.status, t.title, t.notes, late});
  }
  for (const client::Feedback& f : p.feedback) {
    d.feedback.push_back(
        FeedbackRow{f.id, f.created_at, static_cast<int>(f.satisfaction.value_or(0)), f.complaint});
  }
  FB_ASSIGN_OR_RETURN(d.preferences, PreferenceRows(*store_, c.id));
  return d;
}

Result<Plan> StoreDataSource::LoadPlan(const std::string& today) {
  FB_ASSIGN_OR_RETURN(std::vector<client::PlanItem> items,
                      store_->plan().For(today, options_.plan_items));
  Plan plan;
  plan.today = today;
  for (const client::PlanItem& i : items) {
    PlanItem item;
    item.kind = i.kind == client::PlanItem::Kind::kSuggestedVisit ? PlanItem::Kind::kSuggested
                : i.days_overdue > 0                              ? PlanItem::Kind::kOverdue
                                                                  : PlanItem::Kind::kDue;
    item.customer_id = i.customer_id;
    item.customer_name = i.customer_name;
    item.due_date = i.due_date;
    item.days_overdue = i.days_overdue;
    // The grade shown; a provisional one is marked as in the list ("B*", issue #19).
    item.tier = i.tier_provisional ? i.tier + "*" : i.tier;
    item.reason = i.reason;
    item.why = i.why;
    item.task_id = i.task_id;
    plan.items.push_back(std::move(item));
  }
  std::stable_sort(plan.items.begin(), plan.items.end(), [](const PlanItem& a, const PlanItem& b) {
    return static_cast<int>(a.kind) < static_cast<int>(b.kind);
  });
  FB_ASSIGN_OR_RETURN(std::vector<client::ReclaimWarning> warnings,
                      store_->pool().ReclaimWarnings(today));
  for (client::ReclaimWarning& w : warnings) {
    plan.reclaim_warnings.push_back(ReclaimWarningRow{std::move(w.customer_id), std::move(w.name),
                                                      std::move(w.tier), std::move(w.last_activity),
                                                      std::move(w.deadline), w.days_until});
  }
  // The visit in progress (status bar, visit form) and care (issue #18).
  FB_ASSIGN_OR_RETURN(std::vector<client::OpenVisit> open, store_->visits().InProgress());
  for (client::OpenVisit& v : open) {
    plan.in_progress.push_back(OpenVisitRow{std::move(v.id), std::move(v.customer_id),
                                            std::move(v.customer_name), std::move(v.check_in),
                                            v.location.distance_m, std::move(v.location.verdict)});
  }
  FB_ASSIGN_OR_RETURN(plan.care_days, store_->care().Days());
  FB_ASSIGN_OR_RETURN(std::vector<client::CareItem> care,
                      store_->care().Upcoming(today, plan.care_days));
  for (client::CareItem& c : care) {
    plan.care.push_back(CareRow{c.kind == client::CareItem::Kind::kBirthday,
                                std::move(c.customer_id), std::move(c.customer_name),
                                std::move(c.contact_id), std::move(c.task_id), std::move(c.date),
                                c.days_until, std::move(c.reason), std::move(c.why)});
  }
  return plan;
}

Result<LocalSyncState> StoreDataSource::LoadSyncState() {
  FB_ASSIGN_OR_RETURN(client::StoreStatus status, store_->GetStatus());
  LocalSyncState s;
  s.pending_changes = status.pending_writes;
  if (status.last_sync_ms) s.last_sync = LocalDateTimeMinute(*status.last_sync_ms);
  s.server_url = status.server_url;
  s.server_configured = !status.server_url.empty() && status.has_token;
  FB_ASSIGN_OR_RETURN(s.review, client::ReviewList(store_->replica()).Entries());
  return s;
}

Result<std::string> StoreDataSource::LogVisit(const VisitDraft& draft) {
  if (draft.mode == VisitDraft::Mode::kCheckIn) {
    FB_ASSIGN_OR_RETURN(client::OpenVisit open,
                        store_->visits().CheckIn({draft.customer_id, "", draft.lat, draft.lon}));
    return open.id;
  }
  if (draft.mode == VisitDraft::Mode::kCheckOut) {
    return store_->visits().CheckOut({draft.visit_id, "", draft.lat, draft.lon, draft.purpose,
                                      draft.outcome, draft.notes, draft.next_follow_up});
  }
  return store_->facts().LogVisit(draft);  // the visit itself (client::NewVisit)
}

Status StoreDataSource::CompleteTask(const std::string& task_id) {
  return store_->tasks().Complete(task_id);
}

Result<std::string> StoreDataSource::ScheduleCareTask(const std::string& customer_id,
                                                      const std::string& contact_id, Lang lang) {
  return store_->care().ScheduleBirthday(store_->tasks(), store_->Today(), customer_id, contact_id,
                                         "", lang);
}

Result<uint64_t> StoreDataSource::DataVersion() { return store_->DataVersion(); }

Result<SyncSummary> StoreDataSource::Sync() {
  FB_ASSIGN_OR_RETURN(client::ClientSettings settings, store_->Settings());
  if (settings.server_url.empty() || settings.device_token.empty()) {
    return client::Invalid("err_no_server");
  }
  const std::string key = settings.server_url + '\n' + settings.device_token;
  if (transport_ == nullptr || transport_for_ != key) {
    if (!transports_) return client::Invalid("err_app_no_transport");
    FB_ASSIGN_OR_RETURN(transport_, transports_(settings));
    pool_transport_.reset();
    if (options_.pool_transports) {
      FB_ASSIGN_OR_RETURN(pool_transport_, options_.pool_transports(settings));
    }
    transport_for_ = key;
  }
  // The change sets, with the public pool's claims and releases riding along, then the server's
  // reports and the review list's answers (client/sync/device_sync.h); the pool's, the reports'
  // and the review list's failures do not fail the sync (their views say why).
  client::ServerLinks links;
  links.changes = transport_.get();
  links.pool = pool_transport_.get();
  if (reports_) {
    links.reports = [this, &settings](const std::string& today) {
      return reports_(settings, today);
    };
  }
  if (options_.review_status) {
    links.review = [this, &settings](Replica& replica) {
      return options_.review_status(replica, settings);
    };
  }
  FB_ASSIGN_OR_RETURN(client::DeviceSyncReport synced, device_sync_.Run(links));
  const client::SyncReport& report = synced.sync;
  pool_error_ = ErrorOf(report.pool_error, report.pool_error_phrase);
  if (reports_) reports_error_ = ErrorOf(synced.reports_error, synced.reports_error_phrase);
  return SyncSummary{report.rows_pushed, report.rows_rejected, report.rows_received};
}

Result<Reports> StoreDataSource::LoadReports(const std::string& today) {
  (void)today;  // the replica's reports are as of the grades stored; the server's as fetched
  Reports r;
  FB_ASSIGN_OR_RETURN(std::vector<client::TierShare> tiers, store_->grades().TierDistribution());
  for (const client::TierShare& t : tiers)
    r.tiers.push_back(TierBar{t.tier, t.customers, t.provisional});
  FB_ASSIGN_OR_RETURN(std::vector<client::AtRiskEntry> risk, store_->grades().AtRiskCustomers(50));
  for (client::AtRiskEntry& a : risk) {
    r.at_risk.push_back(AtRiskRow{std::move(a.customer_id), std::move(a.name), std::move(a.tier),
                                  std::move(a.lifecycle), a.churn_risk, std::move(a.reasons),
                                  std::move(a.why), a.provisional});
  }
  r.server_error = reports_error_;
  FB_ASSIGN_OR_RETURN(std::optional<client::CachedServerReports> kept,
                      store_->grades().ServerReports());
  if (kept) {
    auto parsed = client::ParseServerReports(kept->json);
    if (parsed.ok()) {
      r.server_fetched = true;
      r.server_as_of = LocalDateTimeMinute(kept->fetched_ms);
      r.migration = std::move(parsed->movement);
      r.portfolio = std::move(parsed->portfolio);
    } else if (r.server_error.ok()) {
      r.server_error = client::StoreError(StatusCode::kCorrupt, "err_reports_copy_unreadable",
                                          {{"detail", parsed.status().message()}});
    }
  }
  return r;
}

Status StoreDataSource::RefreshServerReports(const std::string& today) {
  if (!reports_) return Status::Ok();
  FB_ASSIGN_OR_RETURN(client::ClientSettings settings, store_->Settings());
  if (settings.server_url.empty() || settings.device_token.empty()) {
    reports_error_ = client::Invalid("err_no_server");
    return reports_error_;
  }
  auto fetched = reports_(settings, today);
  if (!fetched.ok()) {
    reports_error_ = fetched.status();
    return fetched.status();
  }
  FB_RETURN_IF_ERROR(store_->grades().SaveServerReports(*fetched));
  reports_error_ = Status::Ok();
  return Status::Ok();
}

Result<PoolView> StoreDataSource::LoadPool() {
  PoolView v;
  v.error = pool_error_;
  FB_ASSIGN_OR_RETURN(std::optional<client::PoolListing> listing, store_->pool().Cached());
  if (listing) {
    v.fetched = true;
    v.as_of = listing->as_of;
    v.claims_today = listing->policy.claims_today;
    v.daily_claims = listing->policy.daily_claims;
    v.holding = listing->policy.holding;
    v.holding_cap = listing->policy.holding_cap;
    v.regions = listing->policy.regions;
    for (client::PoolCustomer& c : listing->pool) {
      v.rows.push_back(PoolRow{std::move(c.id), std::move(c.name), std::move(c.city),
                               std::move(c.region), std::move(c.tier), c.since.substr(0, 10),
                               std::move(c.reason), c.claimable, std::move(c.refusal),
                               c.claim_pending});
    }
  }
  FB_ASSIGN_OR_RETURN(
      std::vector<client::PoolRequest> waiting,
      store_->pool().Requests(/*pending_only=*/true, client::PoolCache::kMaxPendingRequests));
  v.waiting_requests = static_cast<int64_t>(waiting.size());
  FB_ASSIGN_OR_RETURN(std::vector<client::PoolRequest> requests,
                      store_->pool().Requests(/*pending_only=*/false, 50));
  for (client::PoolRequest& r : requests) {
    const char* status = r.state == client::PoolRequest::State::kGranted   ? "granted"
                         : r.state == client::PoolRequest::State::kRefused ? "refused"
                                                                           : "pending";
    v.requests.push_back(
        PoolRequestRow{std::move(r.request_id), r.kind == client::PoolRequest::Kind::kClaim,
                       std::move(r.customer_id), std::move(r.customer_name), status,
                       std::move(r.reason), std::move(r.requested_at), std::move(r.answered_at)});
  }
  return v;
}

Status StoreDataSource::ClaimFromPool(const std::string& customer_id) {
  return store_->pool().RequestClaim(customer_id).status();
}

Result<int64_t> StoreDataSource::IndexSearchBatch() {
  return store_->search().UpdateSome(kIndexBatch);
}

}  // namespace fieldbook::app
