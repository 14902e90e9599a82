// StoreDataSource (store_data_source.h): the rep's forms (issue #18) — the order form's catalogue
// search, orders and their corrections, voids, the customer page's ledger and preferences. Every
// write goes through the store's repositories (client/store/orders.h, order_pricing.h, products.h),
// the same functions fieldbook-cli's commands call.
#include <utility>

#include "lang/store_errors.h"
#include "store/customer_duplicates.h"
#include "store/order_pricing.h"
#include "store/preferences.h"
#include "store/products.h"
#include "store_data_source.h"

namespace fieldbook::app {

namespace {

std::vector<client::LineRequest> LineRequests(const std::vector<OrderLineDraft>& lines) {
  std::vector<client::LineRequest> out;
  out.reserve(lines.size());
  for (const OrderLineDraft& l : lines) {
    out.push_back(client::LineRequest{l.part_no, l.quantity, l.unit_price_cents, l.price_reason,
                                      l.free_text});
  }
  return out;
}

OrderRow ToOrderRow(const client::OrderEntry& e) {
  const client::Order& o = e.order;
  OrderRow row;
  row.id = o.id;
  row.date = o.order_date;
  row.amount_cents = o.amount_cents;
  row.currency = o.currency;
  row.notes = o.notes;
  row.line_count = static_cast<int>(o.lines.size());
  for (const client::OrderLine& l : o.lines) {
    row.lines.push_back(OrderLineRow{l.part_no, l.description, l.quantity, l.unit_price_cents});
  }
  row.is_void = e.is_void;
  row.voids_id = o.voids_id;
  row.voided_by = e.voided_by;
  row.corrected = e.corrected;
  row.void_reason = e.void_reason;
  return row;
}

}  // namespace

Result<std::vector<OrderRow>> OrderRows(client::ClientStore& store, const std::string& customer_id,
                                        size_t recent) {
  FB_ASSIGN_OR_RETURN(client::OrderLedger ledger, store.orders().ForCustomer(customer_id));
  std::vector<OrderRow> rows;
  for (const client::OrderEntry& e : ledger.orders) {
    if (rows.size() >= recent) break;
    rows.push_back(ToOrderRow(e));
  }
  return rows;
}

Result<std::vector<PreferenceRow>> PreferenceRows(client::ClientStore& store,
                                                  const std::string& customer_id) {
  client::PreferenceFilter filter;
  filter.customer = customer_id;
  FB_ASSIGN_OR_RETURN(std::vector<client::CustomerPreference> prefs,
                      client::Preferences(store.replica()).List(filter));
  std::vector<PreferenceRow> rows;
  rows.reserve(prefs.size());
  for (client::CustomerPreference& p : prefs) {
    rows.push_back(
        PreferenceRow{std::move(p.id), std::move(p.kind), std::move(p.value), std::move(p.note)});
  }
  return rows;
}

Result<ProductSearch> StoreDataSource::SearchProducts(const std::string& customer_id,
                                                      const std::string& text) {
  ProductSearch answer{customer_id, text, {}, false};
  Db& db = store_->replica().db();
  client::ProductCatalog catalog(db);
  FB_ASSIGN_OR_RETURN(int64_t products, catalog.Count());
  answer.catalogue = products > 0;
  if (!answer.catalogue || text.empty()) return answer;
  FB_ASSIGN_OR_RETURN(std::vector<client::ProductRow> found, catalog.Search(text, kProductHits));
  for (const client::ProductRow& p : found) {
    FB_ASSIGN_OR_RETURN(std::optional<int64_t> price, client::ListPriceFor(db, customer_id, p));
    answer.hits.push_back(ProductHit{p.part_number, p.name, p.brand, p.unit, price});
  }
  return answer;
}

Result<std::string> StoreDataSource::SaveOrder(const OrderDraft& draft) {
  const std::vector<client::LineRequest> lines = LineRequests(draft.lines);
  if (lines.empty()) return client::Invalid("err_order_no_lines");
  if (!draft.corrects.empty()) {
    client::OrderCorrection c;
    c.order_date = draft.order_date;
    c.notes = draft.notes;
    c.lines = lines;
    c.reason = draft.reason;
    c.confirm_outlier = draft.confirm_outlier;
    FB_ASSIGN_OR_RETURN(client::Order fixed, store_->orders().Correct(draft.corrects, c));
    return fixed.id;
  }
  client::NewOrder order;
  order.customer_id = draft.customer_id;
  order.order_date = draft.order_date;
  order.notes = draft.notes;
  order.confirm_outlier = draft.confirm_outlier;
  FB_ASSIGN_OR_RETURN(client::Order added, store_->orders().Add(std::move(order), lines));
  return added.id;
}

Result<std::string> StoreDataSource::VoidOrder(const std::string& order_id,
                                               const std::string& reason) {
  FB_ASSIGN_OR_RETURN(client::Order v, store_->orders().Void(order_id, reason));
  return v.id;
}

Result<DuplicateCheck> StoreDataSource::FindDuplicates(const DuplicateCheck& keys) {
  DuplicateCheck answer = keys;
  FB_ASSIGN_OR_RETURN(
      std::vector<client::DuplicateCandidate> found,
      client::FindLikelyDuplicates(store_->replica().db(),
                                   {keys.name, keys.city, keys.phone, keys.except_id}));
  for (client::DuplicateCandidate& c : found) {
    answer.rows.push_back(DuplicateRow{std::move(c.id), std::move(c.name), std::move(c.city),
                                       std::move(c.phone), c.same_phone, c.similar_name});
  }
  return answer;
}

Result<std::string> StoreDataSource::SaveCustomer(const CustomerDraft& draft) {
  std::vector<client::FieldValue> fields;
  for (const auto& [field, value] : draft.fields) {
    const bool blank = value.find_first_not_of(" \t\r\n") == std::string::npos;
    if (draft.id.empty() && blank) continue;  // a new customer: only what the rep filled in
    fields.push_back(client::FieldValue{field, blank ? std::nullopt : std::optional(value)});
  }
  if (draft.id.empty()) return store_->customers().Add(fields);
  FB_RETURN_IF_ERROR(store_->customers().Edit(draft.id, fields));
  return draft.id;
}

Result<std::string> StoreDataSource::DismissReview(int64_t id, const std::string& note) {
  FB_ASSIGN_OR_RETURN(std::string rep, store_->settings_table().RequireRep());
  return client::ReviewList(store_->replica()).Dismiss(id, note, rep, store_->NowIso());
}

Result<std::string> StoreDataSource::SaveRecord(const RecordDraft& draft) {
  client::ClientStore& store = *store_;
  struct Save {
    client::ClientStore& store;
    Result<std::string> operator()(const ContactDraft& d) const {
      client::Contact c;
      c.name = d.name;
      c.title = d.title;
      c.phone = d.phone;
      c.wechat = d.wechat;
      c.email = d.email;
      c.birthday = d.birthday;
      c.is_primary = d.primary;
      c.notes = d.notes;
      if (d.id.empty()) return store.customers().AddContact(d.customer_id, c);
      FB_RETURN_IF_ERROR(store.customers().EditContact(d.id, c));
      return d.id;
    }
    Result<std::string> operator()(const TaskDraft& d) const { return store.tasks().Add(d); }
    Result<std::string> operator()(const FeedbackDraft& d) const {
      client::NewFeedback f;
      f.customer_id = d.customer_id;
      if (d.satisfaction > 0) f.satisfaction = d.satisfaction;
      f.complaint = d.complaint;
      return store.facts().AddFeedback(f);
    }
    Result<std::string> operator()(const ReleaseDraft& d) const {
      FB_ASSIGN_OR_RETURN(client::PoolRequest r,
                          store.pool().RequestRelease(d.customer_id, d.reason));
      return r.request_id;
    }
    Result<std::string> operator()(const PreferenceDraft& d) const {
      client::Preferences prefs(store.replica());
      if (d.remove) {
        FB_RETURN_IF_ERROR(prefs.Remove(d.id));
        return d.id;
      }
      if (!d.id.empty()) {
        FB_RETURN_IF_ERROR(prefs.Edit(d.id, client::PreferenceChange{d.kind, d.value, d.note}));
        return d.id;
      }
      FB_ASSIGN_OR_RETURN(std::string rep, store.settings_table().RequireRep());
      return prefs.Add(client::NewPreference{d.customer_id, d.kind, d.value, d.note}, rep,
                       store.NowIso());
    }
  };
  return std::visit(Save{store}, draft);
}

}  // namespace fieldbook::app
