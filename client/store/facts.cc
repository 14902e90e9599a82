#include "store/facts.h"

#include <algorithm>
#include <limits>

#include "fieldbook/dates.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
#include "lang/store_errors.h"
#include "store/grades.h"
#include "store/order_outliers.h"
#include "store/orders.h"
#include "store/rows.h"
#include "store/settings.h"
#include "store/visits.h"

namespace fieldbook::client {

namespace {

using internal::BindReal;
using internal::BindText;
using internal::NowIso;
using internal::ResolveCustomerId;
using internal::Stmt;
using internal::TimeOrNow;
using internal::TodayOf;
using internal::Trim;

}  // namespace

Result<std::string> Facts::LogVisit(const NewVisit& v) {
  FB_ASSIGN_OR_RETURN(std::string rep, settings_.RequireRep());
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomerId(replica_.db(), v.customer_id));
  FB_ASSIGN_OR_RETURN(const std::string check_in, TimeOrNow(wall_, v.check_in, "check-in"));
  std::string check_out;
  if (!v.check_out.empty()) {
    FB_ASSIGN_OR_RETURN(check_out, TimeOrNow(wall_, v.check_out, "check-out"));
    if (check_out < check_in) {
      return Invalid("err_check_out_before_check_in");
    }
  }
  FB_RETURN_IF_ERROR(CheckCoordinates(v.lat, v.lon));
  if (!v.next_follow_up.empty()) {
    if (!IsValidDate(v.next_follow_up)) {
      return Invalid("err_follow_up_date", {{"value", v.next_follow_up}});
    }
    if (v.next_follow_up < LocalDateOfIso(check_in)) {
      return Invalid("err_follow_up_before_visit");
    }
  }
  // Distance to the garage and verified or not, when both locations are known (visits.h).
  FB_ASSIGN_OR_RETURN(LocationCheck where,
                      JudgeVisitLocation(replica_.db(), settings_, customer_id, v.lat, v.lon));
  const std::string id = replica_.ids().Next();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica_.db()));  // with its provisional grade
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      replica_.db().Prepare(
                          "INSERT INTO visits (id, customer_id, rep_id, check_in, check_out, lat, "
                          "lon, purpose, outcome, notes, next_follow_up, distance_m, "
                          "location_check) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  Stmt s(raw);
  s->Bind(1, id).Bind(2, customer_id).Bind(3, rep).Bind(4, check_in);
  BindText(*s, 5, check_out);
  BindReal(*s, 6, v.lat);
  BindReal(*s, 7, v.lon);
  BindText(*s, 8, Trim(v.purpose));
  BindText(*s, 9, Trim(v.outcome));
  BindText(*s, 10, v.notes);
  BindText(*s, 11, v.next_follow_up);
  BindReal(*s, 12, where.distance_m);
  BindText(*s, 13, where.verdict);
  FB_RETURN_IF_ERROR(s->Run());
  FB_RETURN_IF_ERROR(grades_.RegradeProvisionally(customer_id, "visits", id));
  FB_RETURN_IF_ERROR(txn->Commit());
  return id;
}

Result<Order> Facts::AddOrder(const NewOrder& in) {
  FB_ASSIGN_OR_RETURN(std::string rep, settings_.RequireRep());
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomerId(replica_.db(), in.customer_id));
  Order o;
  o.id = replica_.ids().Next();
  o.customer_id = customer_id;
  o.rep_id = rep;
  o.order_date = in.order_date.empty() ? TodayOf(wall_) : in.order_date;
  if (!IsValidDate(o.order_date)) {
    return Invalid("err_order_date", {{"value", o.order_date}});
  }
  o.currency = Trim(in.currency).empty() ? "CNY" : Trim(in.currency);
  if (o.currency.size() != 3 || !std::all_of(o.currency.begin(), o.currency.end(),
                                             [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return Invalid("err_currency", {{"value", o.currency}});
  }
  o.notes = in.notes;
  if (in.lines.empty()) return Invalid("err_order_no_lines");
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  for (size_t i = 0; i < in.lines.size(); ++i) {
    const NewOrderLine& l = in.lines[i];
    const TextValues where = {{"line", std::to_string(i + 1)}};
    if (Trim(l.part_no).empty()) return Invalid("err_line_no_part", where);
    if (l.quantity <= 0) return Invalid("err_line_quantity", where);
    if (l.unit_price_cents < 0) return Invalid("err_line_price_negative", where);
    if (l.unit_price_cents != 0 && l.quantity > kMax / l.unit_price_cents) {
      return Invalid("err_line_amount_too_large", where);
    }
    const int64_t line_total = l.quantity * l.unit_price_cents;
    if (o.amount_cents > kMax - line_total) {
      return Invalid("err_order_total_too_large");
    }
    o.amount_cents += line_total;
    o.lines.push_back(OrderLine{replica_.ids().Next(), Trim(l.part_no), Trim(l.description),
                                l.quantity, l.unit_price_cents});
  }
  o.voids_id = Trim(in.voids_id);
  Db& db = replica_.db();
  if (!in.confirm_outlier) {
    FB_ASSIGN_OR_RETURN(OrderHistory history, ReadOrderHistory(db, customer_id, o.voids_id));
    const OutlierVerdict verdict = JudgeOrderTotal(o.amount_cents, history);
    if (verdict.outlier) return verdict.refusal;
  }
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  if (!o.voids_id.empty()) FB_RETURN_IF_ERROR(Orders::CheckVoidable(db, customer_id, o.voids_id));
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("INSERT INTO orders (id, customer_id, rep_id, order_date, "
                                   "amount_cents, currency, notes, voids_id) VALUES (?, ?, ?, ?, "
                                   "?, ?, ?, ?)"));
    Stmt s(raw);
    s->Bind(1, o.id).Bind(2, o.customer_id).Bind(3, rep).Bind(4, o.order_date);
    s->Bind(5, o.amount_cents).Bind(6, o.currency);
    BindText(*s, 7, o.notes);
    BindText(*s, 8, o.voids_id);
    FB_RETURN_IF_ERROR(s->Run());
  }
  for (const OrderLine& l : o.lines) {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("INSERT INTO order_lines (id, order_id, customer_id, part_no, "
                                   "description, quantity, unit_price_cents) VALUES (?, ?, ?, ?, "
                                   "?, ?, ?)"));
    Stmt s(raw);
    s->Bind(1, l.id).Bind(2, o.id).Bind(3, o.customer_id).Bind(4, l.part_no);
    BindText(*s, 5, l.description);
    s->Bind(6, l.quantity).Bind(7, l.unit_price_cents);
    FB_RETURN_IF_ERROR(s->Run());
  }
  FB_RETURN_IF_ERROR(grades_.RegradeProvisionally(o.customer_id, "orders", o.id));
  FB_RETURN_IF_ERROR(txn->Commit());
  return o;
}

Result<std::string> Facts::AddFeedback(const NewFeedback& f) {
  FB_ASSIGN_OR_RETURN(std::string rep, settings_.RequireRep());
  if (f.satisfaction && (*f.satisfaction < 1 || *f.satisfaction > 5)) {
    return Invalid("err_satisfaction_range");
  }
  const std::string complaint = Trim(f.complaint);
  if (!f.satisfaction && complaint.empty()) {
    return Invalid("err_feedback_empty");
  }
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomerId(replica_.db(), f.customer_id));
  const std::string id = replica_.ids().Next();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica_.db()));  // with its provisional grade
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      replica_.db().Prepare("INSERT INTO feedback (id, customer_id, rep_id, "
                                            "created_at, satisfaction, complaint) VALUES (?, ?, "
                                            "?, ?, ?, ?)"));
  Stmt s(raw);
  s->Bind(1, id).Bind(2, customer_id).Bind(3, rep).Bind(4, NowIso(wall_));
  if (f.satisfaction) {
    s->Bind(5, *f.satisfaction);
  } else {
    s->BindNull(5);
  }
  BindText(*s, 6, complaint);
  FB_RETURN_IF_ERROR(s->Run());
  FB_RETURN_IF_ERROR(grades_.RegradeProvisionally(customer_id, "feedback", id));
  FB_RETURN_IF_ERROR(txn->Commit());
  return id;
}

}  // namespace fieldbook::client
