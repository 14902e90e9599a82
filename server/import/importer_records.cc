// The Importer's records that belong to a customer: contacts, orders (with their lines) and
// visits (importer.h). Customers, reading and batches: importer.cc.
#include "fieldbook/duplicate_detector.h"
#include "import/import_values.h"
#include "import/importer_impl.h"
#include "store/grading_store.h"

namespace fieldbook::server {

namespace {

// What makes two order lines the same line: what is stored of it.
std::string LineIdentity(const std::string& part_no, const std::string& description,
                         int64_t quantity, int64_t unit_price_cents) {
  return part_no + '\x1f' + description + '\x1f' + std::to_string(quantity) + '\x1f' +
         std::to_string(unit_price_cents);
}

}  // namespace

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
      Issue(r.row, F("customer_ref"), ref, Phrase{"http_import_no_customer_ref", {}});
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
            Phrase{ids.empty() ? "http_import_no_customer_phone" : "http_import_phone_ambiguous",
                   {}});
      return std::string();
    }
    id = ids[0];
  } else {
    Issue(r.row, -1, "", Phrase{"http_import_row_no_customer", {}});
    return std::string();
  }
  if (customer_cache_.size() < 200000) customer_cache_[cache_key] = id;
  return id;
}

Result<std::string> Importer::RowCustomer(const ImportRecord& r, const char* date_key,
                                          const char* missing_date) {
  FB_ASSIGN_OR_RETURN(std::string customer, ResolveCustomer(r));
  if (customer.empty()) {
    ++report_.rejected;
    return customer;
  }
  if (date_key != nullptr && !r.Has(F(date_key))) {
    FB_RETURN_IF_ERROR(Reject(r.row, F(date_key), "", Phrase{missing_date, {}}));
    return std::string();
  }
  return customer;
}

Result<std::string> Importer::HolderOf(const std::string& customer) {
  if (auto known = holders_.find(customer); known != holders_.end()) return known->second;
  FB_ASSIGN_OR_RETURN(std::string rep, keys_.HolderOf(customer));
  if (holders_.size() < 200000) holders_.emplace(customer, rep);
  return rep;
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
  FB_ASSIGN_OR_RETURN(std::string customer, RowCustomer(r, nullptr, nullptr));
  if (customer.empty()) return Status::Ok();
  if (Text(r, "name").empty() && Text(r, "phone").empty()) {
    return Reject(r.row, F("name"), "", Phrase{"http_import_contact_no_name", {}});
  }
  const std::string ext = Text(r, "external_id");
  const std::string key = ext.empty() ? "h:" + customer + ":" + Digest(r) : "x:" + ext;
  RowWrite write{"contacts", "", {{"customer_id", customer}}};
  for (const char* c :
       {"name", "title", "phone", "wechat", "email", "birthday", "is_primary", "notes"}) {
    if (r.Has(F(c))) write.columns.emplace_back(c, r.values[F(c)]);
  }
  FB_ASSIGN_OR_RETURN(std::optional<std::string> existing, KnownRow("contact", key));
  if (existing) {
    // A contact does not move to another customer.
    write.columns.erase(write.columns.begin());
    return UpdateExisting(std::move(write), *existing);
  }
  write.row_id = ids_.Next();
  batch_keys_["contact|" + key] = write.row_id;
  new_keys_.emplace_back("contact", key, write.row_id);
  Queue(std::move(write), true);
  ++report_.created;
  return Status::Ok();
}

Status Importer::ProcessVisit(const ImportRecord& r) {
  FB_ASSIGN_OR_RETURN(std::string customer,
                      RowCustomer(r, "check_in", "http_import_visit_no_date"));
  if (customer.empty()) return Status::Ok();
  std::string rep;
  if (!RowRep(r, &rep)) return Status::Ok();
  if (rep.empty()) {
    FB_ASSIGN_OR_RETURN(rep, HolderOf(customer));
  }
  const std::string ext = Text(r, "external_id");
  const std::string key = ext.empty() ? "h:" + customer + ":" + Digest(r) : "x:" + ext;
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
  Queue(std::move(write), true);
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
              Phrase{o.earlier_in_file ? "http_import_order_again" : "http_import_order_recorded",
                     {{"order", o.ext}}});
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
    Queue(std::move(write), true);
    // The order's key only: its lines are written with it, in the same transaction, so an order
    // imported before has all its lines (StoredLines).
    new_keys_.emplace_back("order", o.key, o.id);
    // Seen again later in this file (in this batch, or in a dry run that writes no keys), it is
    // this order, not a second one.
    batch_keys_["order|" + o.key] = o.id;
    report_.lines_created += static_cast<int64_t>(o.lines.size());
    for (RowWrite& line : o.lines) Queue(std::move(line), true);
    ++report_.created;
  }
  order_.reset();
  return Status::Ok();
}

Status Importer::ProcessOrderRow(const ImportRecord& r) {
  FB_ASSIGN_OR_RETURN(std::string customer,
                      RowCustomer(r, "order_date", "http_import_order_no_date"));
  if (customer.empty()) return Status::Ok();
  const bool has_line = r.Has(F("part_no")) || r.Has(F("quantity")) || r.Has(F("unit_price")) ||
                        r.Has(F("description"));
  int64_t amount = 0;
  const int64_t quantity = r.Has(F("quantity")) ? std::get<int64_t>(r.values[F("quantity")]) : 1;
  if (r.Has(F("amount"))) {
    amount = std::get<int64_t>(r.values[F("amount")]);
  } else if (r.Has(F("unit_price"))) {
    amount = quantity * std::get<int64_t>(r.values[F("unit_price")]);
  } else {
    return Reject(r.row, F("amount"), "", Phrase{"http_import_no_amount", {}});
  }
  std::string rep;
  if (!RowRep(r, &rep)) return Status::Ok();
  const std::string ext = Text(r, "external_id");
  // Without an order number every row is an order of its own.
  std::string key = "x:" + ext;
  if (ext.empty()) {
    std::vector<int> order_fields;
    for (const char* f : {"customer_ref", "customer_phone", "order_date", "part_no", "description",
                          "quantity", "unit_price", "amount", "currency", "notes", "rep"}) {
      order_fields.push_back(F(f));
    }
    key = "h:" + customer + ":" + Digest(r, order_fields);
  }
  if (!order_ || order_->key != key) {
    FB_RETURN_IF_ERROR(CloseOrder());
    OpenOrder o;
    o.key = key;
    o.ext = ext;
    o.row = r.row;
    FB_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                        KnownRow("order", key, &o.earlier_in_file));
    o.exists = existing.has_value();
    o.id = existing ? *existing : ids_.Next();
    if (o.exists && !o.earlier_in_file) {
      FB_ASSIGN_OR_RETURN(o.stored_lines, StoredLines(o.id));
    }
    o.customer = customer;
    o.date = Text(r, "order_date");
    o.currency = Text(r, "currency");
    o.notes = Text(r, "notes");
    if (rep.empty()) {
      FB_ASSIGN_OR_RETURN(rep, HolderOf(customer));
    }
    o.rep = rep;
    order_ = std::move(o);
  } else if (customer != order_->customer) {
    return Reject(r.row, F("external_id"), ext,
                  Phrase{"http_import_order_other_customer",
                         {{"order", ext}, {"row", std::to_string(order_->row)}}});
  }
  OpenOrder& o = *order_;
  if (!has_line) {
    o.amount += amount;
    return Status::Ok();
  }
  const int64_t unit = r.Has(F("unit_price")) ? std::get<int64_t>(r.values[F("unit_price")])
                       : quantity > 0         ? amount / quantity
                                              : amount;
  if (o.exists) {
    // The n-th line with this identity is one the stored order has, or a new line (refused).
    const std::string identity =
        LineIdentity(Text(r, "part_no"), Text(r, "description"), quantity, unit);
    const int n = o.line_counts[identity]++;
    auto stored = o.stored_lines.find(identity);
    if (!o.earlier_in_file && stored != o.stored_lines.end() && n < stored->second) {
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
  write.columns.emplace_back("unit_price_cents", unit);
  o.lines.push_back(std::move(write));
  o.amount += amount;
  return Status::Ok();
}

Result<std::unordered_map<std::string, int>> Importer::StoredLines(const std::string& order_id) {
  std::unordered_map<std::string, int> lines;
  FB_RETURN_IF_ERROR(
      keys_.ForEachLineOf(order_id, [&](const std::string& part_no, const std::string& description,
                                        int64_t quantity, int64_t unit_price_cents) {
        ++lines[LineIdentity(part_no, description, quantity, unit_price_cents)];
      }));
  return lines;
}

Status Importer::Regrade() {
  if (report_.created == 0 && report_.updated == 0) return Status::Ok();
  FB_ASSIGN_OR_RETURN(int32_t day, DayOrToday(options_.today, wall_));
  GradingStore grading(store_);
  // Not under the store's lock for the whole run: devices sync between its steps.
  FB_ASSIGN_OR_RETURN(GradeRun run,
                      grading.GradeAllInSteps(day, options_.regrade_step, options_.lock_store));
  report_.regraded = true;
  report_.graded_customers = run.customers;
  return Status::Ok();
}

}  // namespace fieldbook::server
