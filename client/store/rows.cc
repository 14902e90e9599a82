#include "store/rows.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <map>

#include "fieldbook/dates.h"
#include "lang/store_errors.h"

namespace fieldbook::client::internal {

Status ForEachRow(Db& db, std::string_view sql, std::initializer_list<Value> params,
                  const std::function<void(Statement&)>& row) {
  FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
  Stmt s(raw);
  BindValues(*s, params);
  while (true) {
    FB_ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) return Status::Ok();
    row(*s);
  }
}

Status ReadFoundRow(Db& db, std::string_view sql, std::initializer_list<Value> params,
                    std::string_view what, const std::string& ref,
                    const std::function<void(Statement&)>& row) {
  FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
  Stmt s(raw);
  FB_ASSIGN_OR_RETURN(bool found, BindValues(*s, params).Step());
  if (!found) {
    return StoreError(StatusCode::kNotFound, "err_not_on_device",
                      {{"what", std::string(what)}, {"ref", ref}});
  }
  row(*s);
  return Status::Ok();
}

Status ForEachCustomerRow(Db& db, const char* sql, const std::string& customer_id,
                          const std::function<void(Statement&)>& row) {
  return ForEachRow(db, sql, {Value(customer_id)}, row);
}

Status RunWrite(Db& db, const char* sql, std::initializer_list<Value> params) {
  FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
  Stmt s(raw);
  return BindValues(*s, params).Run();
}

void BindText(Statement& s, int index, const std::string& text) {
  if (text.empty()) {
    s.BindNull(index);
  } else {
    s.Bind(index, text);
  }
}

void BindReal(Statement& s, int index, const std::optional<double>& v) {
  if (v) {
    s.Bind(index, *v);
  } else {
    s.BindNull(index);
  }
}

std::string Trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  const size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseDouble(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

Status CheckEnum(const std::string& what, const std::string& v,
                 const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return Status::Ok();
  return Invalid("err_enum", {{"what", what}, {"allowed", Join(allowed, ", ")}, {"value", v}});
}

std::string DaysText(int64_t days) { return std::to_string(days) + (days == 1 ? " day" : " days"); }

std::string NowIso(WallClock& wall) { return FormatIsoUtc(static_cast<int64_t>(wall.NowMs())); }

std::string TodayOf(WallClock& wall) { return LocalDate(static_cast<int64_t>(wall.NowMs())); }

Result<std::string> TimeOrNow(WallClock& wall, const std::string& text, const char* what) {
  if (text.empty()) return NowIso(wall);
  auto t = ParseTimestamp(text);
  if (!t) {
    return Invalid("err_time_format", {{"what", what}, {"value", text}});
  }
  return FormatIsoUtc(*t);
}

Result<std::string> ResolveId(Db& db, const char* sql, const std::string& raw_ref,
                              const char* what) {
  const std::string ref = Trim(raw_ref);
  if (ref.empty()) return Invalid("err_give_id", {{"what", what}});
  FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
  Stmt s(raw);
  s->Bind(1, ref);
  s->Bind(2, static_cast<int64_t>(CodePoints(ref) >= 6 ? 1 : 0));
  std::vector<std::string> found;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    const std::string id = s->Text(0);
    if (id == ref) return id;  // an exact id wins over prefixes
    found.push_back(id);
  }
  if (found.size() == 1) return found[0];
  if (found.empty()) {
    return StoreError(StatusCode::kNotFound, "err_not_on_device", {{"what", what}, {"ref", ref}});
  }
  return Invalid("err_several_ids", {{"what", what}, {"ref", ref}});
}

Result<std::string> ResolveCustomerId(Db& db, const std::string& ref) {
  return ResolveId(db,
                   "SELECT id FROM customers WHERE deleted = 0 AND (id = ?1 OR (?2 AND substr(id, "
                   "1, length(?1)) = ?1)) LIMIT 3",
                   ref, "customer");
}

Customer ReadCustomer(const Statement& s, int b) {
  Customer c;
  c.id = s.Text(b + 0);
  c.name = s.Text(b + 1);
  c.name_latin = s.Text(b + 2);
  c.customer_type = s.Text(b + 3);
  c.relationship = s.Text(b + 4);
  c.purchase_stage = s.Text(b + 5);
  c.region_class = s.Text(b + 6);
  c.address = s.Text(b + 7);
  c.city = s.Text(b + 8);
  c.province = s.Text(b + 9);
  c.country = s.Text(b + 10);
  c.lat = s.RealOrNull(b + 11);
  c.lon = s.RealOrNull(b + 12);
  c.phone = s.Text(b + 13);
  c.primary_contact = s.Text(b + 14);
  c.birthday = s.Text(b + 15);
  c.tags = s.Text(b + 16);
  c.notes = s.Text(b + 17);
  c.owner_rep_id = s.Text(b + 18);
  c.territory_id = s.Text(b + 19);
  c.created_at = s.Text(b + 20);
  c.grade_tier = s.Text(b + 21);
  c.grade_lifecycle = s.Text(b + 22);
  c.grade_churn_risk = s.RealOrNull(b + 23);
  c.graded_at = s.Text(b + 24);
  c.deleted = s.Int(b + 25) != 0;
  c.last_visit = s.Text(b + 26);
  c.grade_provisional = s.Int(b + 27) != 0;
  return c;
}

Visit ReadVisit(const Statement& s) {
  Visit v;
  ReadTextColumns(s, 0, {&v.id, &v.customer_id, &v.rep_id, &v.check_in, &v.check_out});
  v.lat = s.RealOrNull(5);
  v.lon = s.RealOrNull(6);
  ReadTextColumns(s, 7, {&v.purpose, &v.outcome, &v.notes, &v.next_follow_up, &v.voids_id});
  return v;
}

Order ReadOrder(const Statement& s) {
  Order o;
  ReadTextColumns(s, 0, {&o.id, &o.customer_id, &o.rep_id, &o.order_date});
  o.amount_cents = s.IntOrNull(4).value_or(0);
  ReadTextColumns(s, 5, {&o.currency, &o.notes, &o.voids_id});
  return o;
}

Status ReadOrderLines(Db& db, const std::vector<Order*>& orders) {
  if (orders.empty()) return Status::Ok();
  boost::json::array ids;
  std::map<std::string, Order*> by_id;
  for (Order* o : orders) {
    ids.emplace_back(o->id);
    by_id.emplace(o->id, o);
  }
  return ForEachRow(
      db,
      "SELECT order_id, id, part_no, description, quantity, unit_price_cents FROM "
      "order_lines WHERE order_id IN (SELECT value FROM json_each(?1)) "
      "ORDER BY order_id, id",
      {Value(boost::json::serialize(ids))}, [&by_id](Statement& s) {
        auto it = by_id.find(s.Text(0));
        if (it == by_id.end()) return;
        it->second->lines.push_back(OrderLine{s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Int(5)});
      });
}

Task ReadTask(const Statement& s) {
  Task t;
  ReadTextColumns(s, 0,
                  {&t.id, &t.customer_id, &t.customer_name, &t.rep_id, &t.due_date, &t.kind,
                   &t.status, &t.title, &t.notes, &t.done_at});
  return t;
}

}  // namespace fieldbook::client::internal
