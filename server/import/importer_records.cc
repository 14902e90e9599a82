// The Importer's records that belong to a customer: contacts, orders (with their lines) and
// visits (importer.h). Customers, reading and batches: importer.cc.
#include "fieldbook/duplicate_detector.h"
#include "import/import_values.h"
#include "import/importer_impl.h"
#include "store/grading_store.h"

namespace fieldbook::server {

Result<std::string> Importer::ResolveCustomer(const ImportRecord& r) {
  const std::string ref = Text(r, "customer_ref");
  const std::string phone = Text(r, "customer_phone");
  const std::string cache_key = ref.empty() ? "p:" + NormalizePhone(phone) : "x:" + ref;
  auto cached = customer_cache_.find(cache_key);
  if (cached != customer_cache_.end()) return cached->second;
  std::string id;
  if (!ref.empty()) {
    FB_ASSIGN_OR_RETURN(auto row, keys_.RowOfKey("customer", "x:" + ref));
    if (!row) {
      FB_ASSIGN_OR_RETURN(row, keys_.LiveCustomer(ref));
    }
    if (!row) {
      Issue(r.row, F("customer_ref"), ref,
            "no customer with this external id or Fieldbook id (import the customers first)");
      return std::string();
    }
    id = *row;
  } else if (!phone.empty()) {
    const std::string key = NormalizePhone(phone);
    std::vector<std::string> ids;
    if (!key.empty()) {
      FB_ASSIGN_OR_RETURN(ids, keys_.CustomersByPhoneKey(key, 2));
    }
    if (ids.size() != 1) {
      Issue(r.row, F("customer_phone"), phone,
            ids.empty() ? "no customer with this phone (import the customers first)"
                        : "several customers have this phone: name the customer by its "
                          "external id (客户编号)");
      return std::string();
    }
    id = ids[0];
  } else {
    Issue(r.row, -1, "", "the row names no customer (客户编号 or 客户电话)");
    return std::string();
  }
  if (customer_cache_.size() < 200000) customer_cache_[cache_key] = id;
  return id;
}

Result<std::optional<std::string>> Importer::KnownRow(const std::string& kind,
                                                      const std::string& key, bool* in_file) {
  if (auto made = batch_keys_.find(kind + "|" + key); made != batch_keys_.end()) {
    if (in_file != nullptr) *in_file = true;
    return std::optional<std::string>(made->second);
  }
  return keys_.RowOfKey(kind, key);
}

Status Importer::ProcessContact(const ImportRecord& r) {
  FB_ASSIGN_OR_RETURN(std::string customer, ResolveCustomer(r));
  if (customer.empty()) {
    ++report_.rejected;
    return Status::Ok();
  }
  if (Text(r, "name").empty() && Text(r, "phone").empty()) {
    ++report_.rejected;
    Issue(r.row, F("name"), "", "a contact needs a name or a phone");
    return Status::Ok();
  }
  std::vector<int> fields;
  for (size_t f = 0; f < FieldsOf(options_.kind).size(); ++f) fields.push_back(static_cast<int>(f));
  const std::string ext = Text(r, "external_id");
  const std::string key = ext.empty() ? "h:" + customer + ":" + Digest(r, fields) : "x:" + ext;
  RowWrite write{"contacts", "", {{"customer_id", customer}}};
  for (const char* c :
       {"name", "title", "phone", "wechat", "email", "birthday", "is_primary", "notes"}) {
    if (r.Has(F(c))) write.columns.emplace_back(c, r.values[F(c)]);
  }
  FB_ASSIGN_OR_RETURN(std::optional<std::string> existing, KnownRow("contact", key));
  if (existing) {
    write.row_id = *existing;
    // A contact does not move to another customer.
    write.columns.erase(write.columns.begin());
    FB_ASSIGN_OR_RETURN(bool changed, Diff(write));
    if (changed) {
      ++report_.updated;
      writes_.push_back(std::move(write));
    } else {
      ++report_.unchanged;
    }
    return Status::Ok();
  }
  write.row_id = ids_.Next();
  batch_keys_["contact|" + key] = write.row_id;
  new_keys_.emplace_back("contact", key, write.row_id);
  writes_.push_back(std::move(write));
  ++report_.created;
  return Status::Ok();
}

Status Importer::ProcessVisit(const ImportRecord& r) {
  FB_ASSIGN_OR_RETURN(std::string customer, ResolveCustomer(r));
  if (customer.empty()) {
    ++report_.rejected;
    return Status::Ok();
  }
  if (!r.Has(F("check_in"))) {
    ++report_.rejected;
    Issue(r.row, F("check_in"), "", "a visit needs its date (拜访日期)");
    return Status::Ok();
  }
  std::string rep;
  if (r.Has(F("rep"))) {
    auto found = RepOf(Text(r, "rep"));
    if (!found.ok()) {
      ++report_.rejected;
      Issue(r.row, F("rep"), Text(r, "rep"), found.status().message());
      return Status::Ok();
    }
    rep = *found;
  } else {
    FB_ASSIGN_OR_RETURN(rep, keys_.HolderOf(customer));
  }
  std::vector<int> fields;
  for (size_t f = 0; f < FieldsOf(options_.kind).size(); ++f) fields.push_back(static_cast<int>(f));
  const std::string ext = Text(r, "external_id");
  const std::string key = ext.empty() ? "h:" + customer + ":" + Digest(r, fields) : "x:" + ext;
  FB_ASSIGN_OR_RETURN(std::optional<std::string> existing, KnownRow("visit", key));
  if (existing) {  // a visit is a fact: never rewritten
    ++report_.unchanged;
    return Status::Ok();
  }
  RowWrite write{"visits", ids_.Next(), {{"customer_id", customer}}};
  if (!rep.empty()) write.columns.emplace_back("rep_id", rep);
  for (const char* c : {"check_in", "purpose", "outcome", "notes", "next_follow_up"}) {
    if (r.Has(F(c))) write.columns.emplace_back(c, r.values[F(c)]);
  }
  batch_keys_["visit|" + key] = write.row_id;
  new_keys_.emplace_back("visit", key, write.row_id);
  writes_.push_back(std::move(write));
  ++report_.created;
  return Status::Ok();
}

Status Importer::CloseOrder() {
  if (!order_) return Status::Ok();
  OpenOrder& o = *order_;
  if (o.exists) {
    if (o.lines.empty()) {
      ++report_.unchanged;
    } else {
      for (int64_t row : o.line_rows) {
        ++report_.rejected;
        Issue(row, F("external_id"), o.ext,
              o.earlier_in_file
                  ? "order " + o.ext +
                        " appears again after other orders: the lines of one order must be on "
                        "consecutive rows (sort the sheet by order number)"
                  : "order " + o.ext +
                        " was imported before without this line; a recorded order does not "
                        "change (record a correction in Fieldbook, or give the line a new order "
                        "number)");
      }
    }
  } else {
    RowWrite write{"orders",
                   o.id,
                   {{"customer_id", o.customer},
                    {"order_date", o.date},
                    {"amount_cents", o.amount},
                    {"currency", o.currency.empty() ? "CNY" : o.currency}}};
    if (!o.rep.empty()) write.columns.emplace_back("rep_id", o.rep);
    if (!o.notes.empty()) write.columns.emplace_back("notes", o.notes);
    writes_.push_back(std::move(write));
    new_keys_.emplace_back("order", o.key, o.id);
    // Seen again later in this file (in this batch, or in a dry run that writes no keys), it is
    // this order, not a second one.
    batch_keys_["order|" + o.key] = o.id;
    for (RowWrite& line : o.lines) writes_.push_back(std::move(line));
    for (auto& [key, id] : o.line_keys) new_keys_.emplace_back("order_line", key, id);
    report_.lines_created += static_cast<int64_t>(o.line_keys.size());
    ++report_.created;
  }
  order_.reset();
  return Status::Ok();
}

Status Importer::ProcessOrderRow(const ImportRecord& r) {
  FB_ASSIGN_OR_RETURN(std::string customer, ResolveCustomer(r));
  if (customer.empty()) {
    ++report_.rejected;
    return Status::Ok();
  }
  if (!r.Has(F("order_date"))) {
    ++report_.rejected;
    Issue(r.row, F("order_date"), "", "an order needs its date (订单日期)");
    return Status::Ok();
  }
  const bool has_line = r.Has(F("part_no")) || r.Has(F("quantity")) || r.Has(F("unit_price")) ||
                        r.Has(F("description"));
  int64_t amount = 0;
  const int64_t quantity = r.Has(F("quantity")) ? std::get<int64_t>(r.values[F("quantity")]) : 1;
  if (r.Has(F("amount"))) {
    amount = std::get<int64_t>(r.values[F("amount")]);
  } else if (r.Has(F("unit_price"))) {
    amount = quantity * std::get<int64_t>(r.values[F("unit_price")]);
  } else {
    ++report_.rejected;
    Issue(r.row, F("amount"), "", "no amount (金额) and no unit price (单价)");
    return Status::Ok();
  }
  std::string rep;
  if (r.Has(F("rep"))) {
    auto found = RepOf(Text(r, "rep"));
    if (!found.ok()) {
      ++report_.rejected;
      Issue(r.row, F("rep"), Text(r, "rep"), found.status().message());
      return Status::Ok();
    }
    rep = *found;
  }
  const std::string ext = Text(r, "external_id");
  std::vector<int> order_fields;
  for (const char* f : {"customer_ref", "customer_phone", "order_date", "part_no", "description",
                        "quantity", "unit_price", "amount", "currency", "notes", "rep"}) {
    order_fields.push_back(F(f));
  }
  // Without an order number every row is an order of its own.
  const std::string key =
      ext.empty() ? "h:" + customer + ":" + Digest(r, order_fields) : "x:" + ext;
  if (!order_ || order_->key != key) {
    FB_RETURN_IF_ERROR(CloseOrder());
    // Batches end between orders, never inside one.
    if (batch_rows_ >= static_cast<int64_t>(options_.batch_rows)) FB_RETURN_IF_ERROR(Flush());
    OpenOrder o;
    o.key = key;
    o.ext = ext;
    o.row = r.row;
    FB_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                        KnownRow("order", key, &o.earlier_in_file));
    o.exists = existing.has_value();
    o.id = existing ? *existing : ids_.Next();
    o.customer = customer;
    o.date = Text(r, "order_date");
    o.currency = Text(r, "currency");
    o.notes = Text(r, "notes");
    if (rep.empty()) {
      FB_ASSIGN_OR_RETURN(rep, keys_.HolderOf(customer));
    }
    o.rep = rep;
    order_ = std::move(o);
  } else if (customer != order_->customer) {
    ++report_.rejected;
    Issue(r.row, F("external_id"), ext,
          "order " + ext + " was given to another customer on row " + std::to_string(order_->row));
    return Status::Ok();
  }
  OpenOrder& o = *order_;
  if (!has_line) {
    o.amount += amount;
    return Status::Ok();
  }
  std::vector<int> line_fields;
  for (const char* f : {"part_no", "description", "quantity", "unit_price", "amount"}) {
    line_fields.push_back(F(f));
  }
  const std::string digest = Digest(r, line_fields);
  const int n = o.line_counts[digest]++;
  const std::string line_key = key + "|" + digest + "|" + std::to_string(n);
  if (o.exists) {
    FB_ASSIGN_OR_RETURN(auto line, keys_.RowOfKey("order_line", line_key));
    if (line) {
      ++report_.lines_unchanged;
    } else {
      o.lines.push_back({});  // reported when the order closes
      o.line_rows.push_back(r.row);
    }
    return Status::Ok();
  }
  RowWrite write{"order_lines", ids_.Next(), {{"order_id", o.id}, {"customer_id", customer}}};
  for (const char* c : {"part_no", "description"}) {
    if (r.Has(F(c))) write.columns.emplace_back(c, r.values[F(c)]);
  }
  write.columns.emplace_back("quantity", quantity);
  const int64_t unit = r.Has(F("unit_price")) ? std::get<int64_t>(r.values[F("unit_price")])
                       : quantity > 0         ? amount / quantity
                                              : amount;
  write.columns.emplace_back("unit_price_cents", unit);
  o.line_keys.emplace_back(line_key, write.row_id);
  o.lines.push_back(std::move(write));
  o.amount += amount;
  return Status::Ok();
}

Status Importer::Regrade() {
  if (report_.created == 0 && report_.updated == 0) return Status::Ok();
  FB_ASSIGN_OR_RETURN(int32_t day, DayOrToday(options_.today, wall_));
  GradingStore grading(store_);
  FB_ASSIGN_OR_RETURN(GradeRun run, grading.GradeAll(day));
  report_.regraded = true;
  report_.graded_customers = run.customers;
  return Status::Ok();
}

}  // namespace fieldbook::server
