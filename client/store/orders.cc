// Orders (orders.h): a customer's orders with their voids and corrections, voiding and
// correcting an order.
#include "store/orders.h"

#include <map>
#include <utility>

#include "fieldbook/replica.h"
#include "lang/store_errors.h"
#include "store/grades.h"
#include "store/rows.h"
#include "store/settings.h"

namespace fieldbook::client {

namespace {

using internal::BindText;
using internal::CodePoints;
using internal::ReadOrder;
using internal::ReadOrderLines;
using internal::ResolveCustomerId;
using internal::ResolveId;
using internal::Stmt;
using internal::TodayOf;
using internal::Trim;

constexpr size_t kMaxReason = 500;  // code points

Result<std::string> ResolveOrderId(Db& db, const std::string& ref) {
  return ResolveId(db,
                   "SELECT id FROM orders WHERE id = ?1 OR (?2 AND substr(id, 1, length(?1)) = "
                   "?1) LIMIT 3",
                   ref, "order");
}

// Reads FB_ORDER_COLUMNS; is_void from a NULL amount with a voids_id.
OrderEntry ReadOrderRow(const Statement& s) {
  OrderEntry e;
  e.order = ReadOrder(s);
  e.is_void = s.IsNull(4) && !s.IsNull(7);
  return e;
}

// The order row `id` (without its lines); kNotFound names `ref`.
Result<OrderEntry> LoadOrder(Db& db, const std::string& id, const std::string& ref) {
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      db.Prepare("SELECT " FB_ORDER_COLUMNS " FROM orders WHERE id = ?"));
  Stmt s(raw);
  s->Bind(1, id);
  FB_ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) {
    return StoreError(StatusCode::kNotFound, "err_not_on_device",
                      {{"what", "order"}, {"ref", ref}});
  }
  return ReadOrderRow(*s);
}

// The first row of the same customer voiding `order_id` (id, whether a void, its notes).
struct Voider {
  std::string id;
  bool is_void = false;
  std::string notes;
};
Result<std::optional<Voider>> FindVoider(Db& db, const std::string& customer_id,
                                         const std::string& order_id) {
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      db.Prepare("SELECT id, amount_cents IS NULL, notes FROM orders WHERE "
                 "voids_id = ? AND customer_id = ? ORDER BY order_date, id LIMIT 1"));
  Stmt s(raw);
  s->Bind(1, order_id).Bind(2, customer_id);
  FB_ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return std::optional<Voider>();
  return std::optional<Voider>(Voider{s->Text(0), s->Int(1) != 0, s->Text(2)});
}

// `missing`: the error of a reason not given (err_void_reason, err_correction_reason).
Status CheckReason(const std::string& reason, const char* missing) {
  if (reason.empty()) return Invalid(missing);
  if (CodePoints(reason) > kMaxReason) {
    return Invalid("err_reason_long_chars", {{"max", std::to_string(kMaxReason)}});
  }
  return Status::Ok();
}

}  // namespace

Status Orders::CheckVoidable(Db& db, const std::string& customer_id, const std::string& target) {
  FB_ASSIGN_OR_RETURN(OrderEntry e, LoadOrder(db, target, target));
  if (e.order.customer_id != customer_id) {
    return Invalid("err_order_other_customer", {{"id", target}, {"customer", e.order.customer_id}});
  }
  if (e.is_void) {
    return Invalid("err_order_is_void", {{"id", target}, {"of", e.order.voids_id}});
  }
  FB_ASSIGN_OR_RETURN(std::optional<Voider> by, FindVoider(db, customer_id, target));
  if (by) {
    return StoreError(StatusCode::kConflict,
                      by->is_void ? "err_order_voided_by" : "err_order_corrected_by",
                      {{"id", target}, {"by", by->id}});
  }
  return Status::Ok();
}

Result<Order> Orders::Add(NewOrder order, const std::vector<LineRequest>& lines) {
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomerId(replica_.db(), order.customer_id));
  order.customer_id = customer_id;
  FB_ASSIGN_OR_RETURN(order.lines, PriceOrderLines(replica_.db(), customer_id, lines));
  return facts_.AddOrder(order);
}

Result<OrderLedger> Orders::ForCustomer(const std::string& ref) {
  Db& db = replica_.db();
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomerId(db, ref));
  OrderLedger ledger;
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT " FB_ORDER_COLUMNS " FROM orders WHERE "
                                   "customer_id = ? ORDER BY order_date DESC, id DESC"));
    Stmt s(raw);
    s->Bind(1, customer_id);
    FB_ASSIGN_OR_RETURN(ledger.orders, ReadRows(*s, ReadOrderRow));
  }
  // What voids what, within the customer (the oldest void or correction of an order names it).
  std::map<std::string, const OrderEntry*> voider;
  for (auto it = ledger.orders.rbegin(); it != ledger.orders.rend(); ++it) {
    if (!it->order.voids_id.empty()) voider.emplace(it->order.voids_id, &*it);
  }
  std::vector<Order*> with_lines;
  for (OrderEntry& e : ledger.orders) {
    if (auto v = voider.find(e.order.id); v != voider.end()) {
      e.voided_by = v->second->order.id;
      e.corrected = !v->second->is_void;
      if (v->second->is_void) e.void_reason = v->second->order.notes;
    }
    if (e.counts()) {
      ledger.total_cents += e.order.amount_cents;
      ++ledger.counted;
    }
    if (!e.is_void) with_lines.push_back(&e.order);
  }
  FB_RETURN_IF_ERROR(ReadOrderLines(db, with_lines));
  return ledger;
}

Result<OrderEntry> Orders::Get(const std::string& ref) {
  Db& db = replica_.db();
  FB_ASSIGN_OR_RETURN(std::string id, ResolveOrderId(db, ref));
  FB_ASSIGN_OR_RETURN(OrderEntry e, LoadOrder(db, id, ref));
  FB_ASSIGN_OR_RETURN(std::optional<Voider> by, FindVoider(db, e.order.customer_id, id));
  if (by) {
    e.voided_by = by->id;
    e.corrected = !by->is_void;
    if (by->is_void) e.void_reason = by->notes;
  }
  FB_RETURN_IF_ERROR(ReadOrderLines(db, {&e.order}));
  return e;
}

Result<OutlierVerdict> Orders::JudgeTotal(const std::string& customer, int64_t total_cents,
                                          const std::string& correcting) {
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomerId(replica_.db(), customer));
  FB_ASSIGN_OR_RETURN(OrderHistory history,
                      ReadOrderHistory(replica_.db(), customer_id, correcting));
  return JudgeOrderTotal(total_cents, history);
}

Result<Order> Orders::Void(const std::string& ref, const std::string& raw_reason) {
  const std::string reason = Trim(raw_reason);
  FB_RETURN_IF_ERROR(CheckReason(reason, "err_void_reason"));
  FB_ASSIGN_OR_RETURN(std::string rep, settings_.RequireRep());
  Db& db = replica_.db();
  FB_ASSIGN_OR_RETURN(std::string target, ResolveOrderId(db, ref));
  FB_ASSIGN_OR_RETURN(OrderEntry original, Get(target));
  // The customer must still be on the device (not purged, not deleted).
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomerId(db, original.order.customer_id));
  Order v;
  v.id = replica_.ids().Next();
  v.customer_id = customer_id;
  v.rep_id = rep;
  v.order_date = TodayOf(wall_);
  v.notes = reason;
  v.voids_id = target;
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));  // with its provisional grade
  FB_RETURN_IF_ERROR(CheckVoidable(db, customer_id, target));
  {
    // No amount, currency or lines: a void is no order (orders.h).
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("INSERT INTO orders (id, customer_id, rep_id, order_date, "
                                   "notes, voids_id) VALUES (?, ?, ?, ?, ?, ?)"));
    Stmt s(raw);
    s->Bind(1, v.id).Bind(2, v.customer_id).Bind(3, rep).Bind(4, v.order_date);
    BindText(*s, 5, v.notes);
    s->Bind(6, v.voids_id);
    FB_RETURN_IF_ERROR(s->Run());
  }
  FB_RETURN_IF_ERROR(grades_.RegradeProvisionally(customer_id, "orders", v.id));
  FB_RETURN_IF_ERROR(txn->Commit());
  return v;
}

Result<Order> Orders::Correct(const std::string& ref, const OrderCorrection& c) {
  const std::string reason = Trim(c.reason);
  FB_RETURN_IF_ERROR(CheckReason(reason, "err_correction_reason"));
  FB_ASSIGN_OR_RETURN(OrderEntry original, Get(ref));
  if (original.is_void) {
    return Invalid("err_order_is_void",
                   {{"id", original.order.id}, {"of", original.order.voids_id}});
  }
  NewOrder n;
  n.customer_id = original.order.customer_id;
  n.order_date = c.order_date.empty() ? original.order.order_date : c.order_date;
  n.currency = c.currency.empty() ? original.order.currency : c.currency;
  const std::string notes = Trim(c.notes.value_or(original.order.notes));
  n.notes = notes + (notes.empty() ? "" : " — ") + "correction: " + reason;
  n.voids_id = original.order.id;
  n.confirm_outlier = c.confirm_outlier;
  if (!c.lines.empty()) {
    FB_ASSIGN_OR_RETURN(n.lines, PriceOrderLines(replica_.db(), n.customer_id, c.lines));
  } else {
    for (const OrderLine& l : original.order.lines) {
      n.lines.push_back(NewOrderLine{l.part_no, l.description, l.quantity, l.unit_price_cents});
    }
  }
  return facts_.AddOrder(n);
}

}  // namespace fieldbook::client
