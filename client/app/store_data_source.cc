#include "store_data_source.h"

#include <algorithm>
#include <ctime>
#include <unordered_set>
#include <utility>

#include <boost/json.hpp>

namespace fieldbook::app {

namespace {

// "2026-11-23 09:15" in local time.
std::string LocalMinute(int64_t unix_ms) {
  const auto t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
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

// {"rules_version":1,"reasons":[{"rule":"recency","detail":"..."}]} -> "recency: ..." lines.
std::vector<std::string> ReasonLines(const std::string& json) {
  std::vector<std::string> out;
  if (json.empty()) return out;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return {json};
  const auto* reasons = v.as_object().if_contains("reasons");
  if (reasons == nullptr || !reasons->is_array()) return out;
  for (const boost::json::value& r : reasons->as_array()) {
    if (!r.is_object()) continue;
    std::string line;
    if (const auto* rule = r.as_object().if_contains("rule"); rule && rule->is_string()) {
      line = std::string(rule->as_string()) + ": ";
    }
    if (const auto* detail = r.as_object().if_contains("detail"); detail && detail->is_string()) {
      line += std::string(detail->as_string());
    }
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace

TransportFactory HttpTransports() {
  return
      [](const client::ClientSettings& settings) -> Result<std::unique_ptr<client::SyncTransport>> {
        FB_ASSIGN_OR_RETURN(
            std::unique_ptr<client::HttpSyncTransport> http,
            client::HttpSyncTransport::Create(settings.server_url, settings.device_token));
        return std::unique_ptr<client::SyncTransport>(std::move(http));
      };
}

Result<std::unique_ptr<StoreDataSource>> StoreDataSource::Open(const std::string& path,
                                                               WallClock& wall,
                                                               TransportFactory transports,
                                                               StoreDataSourceOptions options) {
  FB_ASSIGN_OR_RETURN(std::unique_ptr<client::ClientStore> store,
                      client::ClientStore::Open(path, wall));
  return std::make_unique<StoreDataSource>(std::move(store), std::move(transports), options);
}

StoreDataSource::StoreDataSource(std::unique_ptr<client::ClientStore> store,
                                 TransportFactory transports, StoreDataSourceOptions options)
    : store_(std::move(store)), transports_(std::move(transports)), options_(options) {}

Result<CustomerList> StoreDataSource::ListCustomers(const CustomerFilter& filter,
                                                    const std::string& today) {
  client::CustomerFilter overdue_query;
  overdue_query.overdue = true;
  overdue_query.today = today;
  FB_ASSIGN_OR_RETURN(std::vector<client::Customer> overdue_customers,
                      store_->ListCustomers(overdue_query));
  std::unordered_set<std::string> overdue;
  for (const client::Customer& c : overdue_customers) overdue.insert(c.id);

  CustomerList list;
  if (filter.text.find_first_not_of(" \t\r\n") != std::string::npos) {
    // Ranked search, then the filters on the hits.
    FB_ASSIGN_OR_RETURN(std::vector<client::SearchHit> hits,
                        store_->SearchCustomers(filter.text, options_.search_limit));
    list.truncated = hits.size() >= options_.search_limit;
    for (const client::SearchHit& hit : hits) {
      const bool late = overdue.count(hit.customer.id) > 0;
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
  FB_ASSIGN_OR_RETURN(std::vector<client::Customer> customers, store_->ListCustomers(query));
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
  FB_ASSIGN_OR_RETURN(client::CustomerProfile p, store_->ShowCustomer(id, options_.recent));
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
  d.tier = c.grade_tier;
  d.graded_at = c.graded_at;
  d.lifecycle = c.grade_lifecycle;
  d.churn_risk = c.grade_churn_risk;
  FB_RETURN_IF_ERROR(ReadExtras(d));

  for (const client::Contact& k : p.contacts) {
    d.contacts.push_back(ContactRow{k.id, k.name, k.title, k.phone, k.wechat, k.is_primary});
  }
  for (const client::Visit& v : p.recent_visits) {
    d.visits.push_back(
        VisitRow{v.id, v.check_in, v.check_out, v.purpose, v.outcome, v.notes, v.next_follow_up});
  }
  for (const client::Order& o : p.recent_orders) {
    d.orders.push_back(OrderRow{o.id, o.order_date, o.amount_cents, o.currency, o.notes,
                                static_cast<int>(o.lines.size())});
  }
  for (const client::Task& t : p.open_tasks) {
    const bool late = t.status == "open" && !t.due_date.empty() && t.due_date < today;
    d.tasks.push_back(TaskRow{t.id, t.due_date, t.kind, t.status, t.title, t.notes, late});
  }
  for (const client::Feedback& f : p.feedback) {
    d.feedback.push_back(
        FeedbackRow{f.id, f.created_at, static_cast<int>(f.satisfaction.value_or(0)), f.complaint});
  }
  return d;
}

Status StoreDataSource::ReadExtras(CustomerDetail& d) {
  // Read-only; belongs in ClientStore::ShowCustomer.
  FB_ASSIGN_OR_RETURN(
      Statement * stmt,
      store_->replica().db().Prepare(
          "SELECT c.grade_recency, c.grade_frequency, c.grade_monetary, c.grade_ticket_class, "
          "c.grade_reasons, (SELECT name FROM reps WHERE id = c.owner_rep_id), "
          "(SELECT name FROM territories WHERE id = c.territory_id) "
          "FROM customers c WHERE c.id = ?1"));
  stmt->Bind(1, d.id);
  FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (row) {
    if (!stmt->IsNull(0)) d.recency = stmt->Int(0);
    if (!stmt->IsNull(1)) d.frequency = stmt->Int(1);
    if (!stmt->IsNull(2)) d.monetary = stmt->Int(2);
    d.ticket_class = stmt->Text(3);
    d.grade_reasons = ReasonLines(stmt->Text(4));
    d.owner_name = stmt->Text(5);
    d.territory_name = stmt->Text(6);
  }
  stmt->Reset();
  return Status::Ok();
}

Result<Plan> StoreDataSource::LoadPlan(const std::string& today) {
  FB_ASSIGN_OR_RETURN(std::vector<client::PlanItem> items,
                      store_->Plan(today, options_.plan_items));
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
    item.tier = i.tier;
    item.reason = i.reason;
    item.task_id = i.task_id;
    plan.items.push_back(std::move(item));
  }
  std::stable_sort(plan.items.begin(), plan.items.end(), [](const PlanItem& a, const PlanItem& b) {
    return static_cast<int>(a.kind) < static_cast<int>(b.kind);
  });
  return plan;
}

Result<LocalSyncState> StoreDataSource::LoadSyncState() {
  FB_ASSIGN_OR_RETURN(client::StoreStatus status, store_->GetStatus());
  LocalSyncState s;
  s.pending_changes = status.pending_writes;
  if (status.last_sync_ms) s.last_sync = LocalMinute(*status.last_sync_ms);
  s.server_url = status.server_url;
  s.server_configured = !status.server_url.empty() && status.has_token;
  s.review = std::move(status.review);
  return s;
}

Result<std::string> StoreDataSource::LogVisit(const VisitDraft& draft) {
  client::NewVisit visit;
  visit.customer_id = draft.customer_id;
  visit.check_in = draft.check_in;
  visit.check_out = draft.check_out;
  visit.lat = draft.lat;
  visit.lon = draft.lon;
  visit.purpose = draft.purpose;
  visit.outcome = draft.outcome;
  visit.notes = draft.notes;
  visit.next_follow_up = draft.next_follow_up;
  return store_->LogVisit(visit);
}

Status StoreDataSource::CompleteTask(const std::string& task_id) {
  return store_->CompleteTask(task_id);
}

Result<uint64_t> StoreDataSource::DataVersion() {
  // Read-only; PRAGMA data_version counts commits by other connections.
  FB_ASSIGN_OR_RETURN(Statement * stmt, store_->replica().db().Prepare("PRAGMA data_version"));
  FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
  const uint64_t version = row ? static_cast<uint64_t>(stmt->Int(0)) : 0;
  stmt->Reset();
  return version;
}

Result<SyncSummary> StoreDataSource::Sync() {
  FB_ASSIGN_OR_RETURN(client::ClientSettings settings, store_->Settings());
  if (settings.server_url.empty() || settings.device_token.empty()) {
    return Status::InvalidArgument("no server is set up on this device");
  }
  const std::string key = settings.server_url + '\n' + settings.device_token;
  if (transport_ == nullptr || transport_for_ != key) {
    if (!transports_) return Status::InvalidArgument("this app cannot reach a server");
    FB_ASSIGN_OR_RETURN(transport_, transports_(settings));
    transport_for_ = key;
  }
  FB_ASSIGN_OR_RETURN(client::SyncReport report, store_->Sync(*transport_));
  return SyncSummary{report.rows_pushed, report.rows_rejected, report.rows_received};
}

}  // namespace fieldbook::app
