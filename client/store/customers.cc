#include "store/customers.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "fieldbook/dates.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
#include "lang/store_errors.h"
#include "store/preferences.h"
#include "store/rows.h"
#include "store/settings.h"

namespace fieldbook::client {

namespace {

using internal::BindText;
using internal::CheckEnum;
using internal::ForEachRow;
using internal::Join;
using internal::NowIso;
using internal::ParseDouble;
using internal::ReadCustomer;
using internal::ReadFoundRow;
using internal::ReadOrder;
using internal::ReadOrderLines;
using internal::ReadTask;
using internal::ReadVisit;
using internal::Stmt;
using internal::Trim;

const std::vector<std::string> kCustomerTypes = {"garage", "dealer", "fleet", "individual"};
const std::vector<std::string> kRelationships = {"potential", "existing", "vip"};
const std::vector<std::string> kStages = {"aware", "interested", "deciding", "customer"};
const std::vector<std::string> kRegionClasses = {"local", "domestic", "international"};
const std::vector<std::string> kTiers = {"VIP", "A", "B", "C", "D"};

// Customer columns a rep writes. The SQL below lists them in this order.

const std::vector<EditableField> kEditable = {
    {"name", "help_field_name"},
    {"name_latin", "help_field_name_latin"},
    {"customer_type", "help_field_customer_type"},
    {"relationship", "help_field_relationship"},
    {"purchase_stage", "help_field_purchase_stage"},
    {"region_class", "help_field_region_class"},
    {"address", "help_field_address"},
    {"city", "help_field_city"},
    {"province", "help_field_province"},
    {"country", "help_field_country"},
    {"lat", "help_field_lat"},
    {"lon", "help_field_lon"},
    {"phone", "help_field_phone"},
    {"primary_contact", "help_field_primary_contact"},
    {"birthday", "help_field_birthday"},
    {"tags", "help_field_tags"},
    {"notes", "help_field_notes"},
};

int EditableIndex(const std::string& field) {
  for (size_t i = 0; i < kEditable.size(); ++i) {
    if (field == kEditable[i].name) return static_cast<int>(i);
  }
  return -1;
}

// Checks one customer field and converts it to the value stored.
Result<Value> CustomerFieldValue(const std::string& field, const std::optional<std::string>& raw) {
  if (field == "owner_rep_id" || field == "territory_id") {
    return Invalid("err_set_by_managers", {{"field", field}});
  }
  if (field.rfind("grade_", 0) == 0 || field == "graded_at") {
    return Invalid("err_computed_by_grading", {{"field", field}});
  }
  if (field == "id" || field == "created_at" || field == "deleted" ||
      (!field.empty() && field[0] == '_')) {
    return Invalid("err_cannot_edit", {{"field", field}});
  }
  if (EditableIndex(field) < 0) {
    std::vector<std::string> names;
    for (const EditableField& f : kEditable) names.emplace_back(f.name);
    return Invalid("err_unknown_field", {{"field", field}, {"fields", Join(names, ", ")}});
  }
  const std::string v = raw ? Trim(*raw) : std::string();
  if (field == "name" && v.empty()) return Invalid("err_name_empty");
  if (v.empty()) return Value();
  if (field == "customer_type") FB_RETURN_IF_ERROR(CheckEnum("customer type", v, kCustomerTypes));
  if (field == "relationship") FB_RETURN_IF_ERROR(CheckEnum("relationship", v, kRelationships));
  if (field == "purchase_stage") FB_RETURN_IF_ERROR(CheckEnum("purchase stage", v, kStages));
  if (field == "region_class") FB_RETURN_IF_ERROR(CheckEnum("region class", v, kRegionClasses));
  if (field == "birthday" && !IsValidDate(v)) {
    return Invalid("err_birthday", {{"value", v}});
  }
  if (field == "lat" || field == "lon") {
    double d = 0;
    const double bound = field == "lat" ? 90 : 180;
    if (!ParseDouble(v, &d) || d < -bound || d > bound) {
      return Invalid("err_coordinate", {{"what", field == "lat" ? "latitude" : "longitude"},
                                        {"min", std::to_string(-static_cast<int>(bound))},
                                        {"max", std::to_string(static_cast<int>(bound))},
                                        {"value", v}});
    }
    return Value(d);
  }
  return Value(v);
}

// The UPDATE of a customer edit names exactly the edited columns (bound as ?1..?n, the id as
// ?n+1): capture records every column an UPDATE names as an edit, even one re-entered with the
// value it holds (docs/sync.md, "Capture"), so a column the rep did not touch must not be named.
// Column names come from kEditable only; one statement text per set of columns, cached by Db.
std::string UpdateCustomerSql(const std::vector<std::optional<Value>>& values) {
  std::string s = "UPDATE customers SET ";
  int n = 0;
  for (size_t i = 0; i < kEditable.size(); ++i) {
    if (!values[i]) continue;
    if (n) s += ", ";
    s += std::string(kEditable[i].name) + " = ?" + std::to_string(++n);
  }
  return s + " WHERE id = ?" + std::to_string(n + 1) + " AND deleted = 0";
}

const std::string& InsertCustomerSql() {
  static const std::string sql = [] {
    std::string cols = "id, owner_rep_id, created_at, deleted";
    std::string params = "?1, ?2, ?3, 0";
    for (size_t i = 0; i < kEditable.size(); ++i) {
      cols += std::string(", ") + kEditable[i].name;
      params += ", ?" + std::to_string(i + 4);
    }
    return "INSERT INTO customers (" + cols + ") VALUES (" + params + ")";
  }();
  return sql;
}

}  // namespace

const std::vector<EditableField>& Customers::EditableFields() { return kEditable; }

Result<std::string> Customers::Resolve(const std::string& ref) {
  return internal::ResolveCustomerId(replica_.db(), ref);
}

Result<std::string> Customers::Add(const std::vector<FieldValue>& fields) {
  FB_ASSIGN_OR_RETURN(std::string rep, settings_.RequireRep());
  std::vector<Value> values(kEditable.size());
  std::set<std::string> seen;
  bool has_name = false;
  for (const FieldValue& f : fields) {
    if (!seen.insert(f.field).second) {
      return Invalid("err_given_twice", {{"field", f.field}});
    }
    FB_ASSIGN_OR_RETURN(Value v, CustomerFieldValue(f.field, f.value));
    values[EditableIndex(f.field)] = std::move(v);
    if (f.field == "name") has_name = true;
  }
  if (!has_name) return Invalid("err_customer_needs_name");
  const int lat = EditableIndex("lat"), lon = EditableIndex("lon");
  if (IsNull(values[lat]) != IsNull(values[lon])) {
    return Invalid("err_lat_lon_pair");
  }
  const std::string id = replica_.ids().Next();
  FB_ASSIGN_OR_RETURN(Statement * raw, replica_.db().Prepare(InsertCustomerSql()));
  Stmt s(raw);
  s->Bind(1, id).Bind(2, rep).Bind(3, NowIso(wall_));
  for (size_t i = 0; i < values.size(); ++i) s->Bind(static_cast<int>(i + 4), values[i]);
  FB_RETURN_IF_ERROR(s->Run());
  return id;
}

Status Customers::Edit(const std::string& ref, const std::vector<FieldValue>& edits) {
  if (edits.empty()) return Invalid("err_nothing_to_change");
  std::vector<std::optional<Value>> values(kEditable.size());
  for (const FieldValue& f : edits) {
    FB_ASSIGN_OR_RETURN(Value v, CustomerFieldValue(f.field, f.value));
    const int idx = EditableIndex(f.field);
    if (values[idx]) return Invalid("err_given_twice", {{"field", f.field}});
    values[idx] = std::move(v);
  }
  FB_ASSIGN_OR_RETURN(std::string id, Resolve(ref));
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica_.db()));
  {
    FB_ASSIGN_OR_RETURN(Statement * raw, replica_.db().Prepare(UpdateCustomerSql(values)));
    Stmt s(raw);
    int p = 0;
    for (const std::optional<Value>& v : values) {
      if (v) s->Bind(++p, *v);
    }
    s->Bind(p + 1, id);
    FB_RETURN_IF_ERROR(s->Run());
  }
  // Latitude and longitude go together, after the edit as before it.
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        replica_.db().Prepare("SELECT (lat IS NULL) = (lon IS NULL) FROM "
                                              "customers WHERE id = ?"));
    Stmt s(raw);
    s->Bind(1, id);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row && s->Int(0) == 0) {
      return Invalid("err_lat_lon_pair");
    }
  }
  return txn->Commit();
}

Result<CustomerProfile> Customers::Show(const std::string& ref, size_t recent) {
  FB_ASSIGN_OR_RETURN(std::string id, Resolve(ref));
  Db& db = replica_.db();
  CustomerProfile p;
  const int64_t n = static_cast<int64_t>(recent);
  FB_RETURN_IF_ERROR(ReadFoundRow(db,
                                  "SELECT " FB_CUSTOMER_COLUMNS
                                  ", (SELECT name FROM reps WHERE id = c.owner_rep_id),"
                                  " (SELECT name FROM territories WHERE id = c.territory_id)"
                                  " FROM customers c WHERE c.id = ?",
                                  {id}, "customer", ref, [&](Statement& s) {
                                    p.customer = ReadCustomer(s);
                                    p.owner_name = s.Text(internal::kCustomerColumnCount);
                                    p.territory_name = s.Text(internal::kCustomerColumnCount + 1);
                                  }));
  {
    FB_RETURN_IF_ERROR(ForEachRow(db,
                                  "SELECT id, customer_id, name, title, phone, wechat, email, "
                                  "birthday, is_primary, notes FROM contacts WHERE customer_id = "
                                  "? AND deleted = 0 ORDER BY coalesce(is_primary, 0) DESC, name, "
                                  "id",
                                  {id}, [&](Statement& s) {
                                    Contact c;
                                    ReadTextColumns(s, 0,
                                                    {&c.id, &c.customer_id, &c.name, &c.title,
                                                     &c.phone, &c.wechat, &c.email, &c.birthday});
                                    c.is_primary = s.Int(8) != 0;
                                    c.notes = s.Text(9);
                                    p.contacts.push_back(std::move(c));
                                  }));
  }
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT " FB_VISIT_COLUMNS " FROM visits v WHERE v.customer_id "
                                   "= ? ORDER BY v.check_in DESC, v.id DESC LIMIT ?"));
    Stmt s(raw);
    s->Bind(1, id).Bind(2, n);
    FB_ASSIGN_OR_RETURN(p.recent_visits, ReadRows(*s, ReadVisit));
  }
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT (SELECT count(*) FROM visits WHERE customer_id = ?1), "
                                   "(SELECT count(*) FROM orders WHERE customer_id = ?1)"));
    Stmt s(raw);
    s->Bind(1, id);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) {
      p.visit_count = s->Int(0);
      p.order_count = s->Int(1);
    }
  }
  FB_RETURN_IF_ERROR(ForEachRow(db,
                                "SELECT " FB_ORDER_COLUMNS " FROM orders WHERE customer_id = ? "
                                "ORDER BY order_date DESC, id DESC LIMIT ?",
                                {Value(id), Value(int64_t{n})},
                                [&p](Statement& s) { p.recent_orders.push_back(ReadOrder(s)); }));
  {
    std::vector<Order*> orders;
    for (Order& o : p.recent_orders) orders.push_back(&o);
    FB_RETURN_IF_ERROR(ReadOrderLines(db, orders));
  }
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT " FB_TASK_COLUMNS " FROM tasks t WHERE t.customer_id "
                                   "= ? AND t.deleted = 0 AND t.status = 'open' ORDER BY "
                                   "t.due_date IS NULL, t.due_date, t.id"));
    Stmt s(raw);
    s->Bind(1, id);
    FB_ASSIGN_OR_RETURN(p.open_tasks, ReadRows(*s, ReadTask));
  }
  {
    FB_RETURN_IF_ERROR(ForEachRow(db,
                                  "SELECT id, customer_id, rep_id, created_at, satisfaction, "
                                  "complaint FROM feedback WHERE customer_id = ? ORDER BY "
                                  "created_at DESC, id DESC LIMIT ?",
                                  {id, n}, [&](Statement& s) {
                                    p.feedback.push_back(Feedback{s.Text(0), s.Text(1), s.Text(2),
                                                                  s.Text(3), s.IntOrNull(4),
                                                                  s.Text(5)});
                                  }));
  }
  FB_ASSIGN_OR_RETURN(p.grade, grades_.ForCustomer(id));
  return p;
}

Result<std::vector<Customer>> Customers::List(const CustomerFilter& f) {
  if (f.stage) FB_RETURN_IF_ERROR(CheckEnum("purchase stage", *f.stage, kStages));
  if (f.type) FB_RETURN_IF_ERROR(CheckEnum("customer type", *f.type, kCustomerTypes));
  if (f.region_class)
    FB_RETURN_IF_ERROR(CheckEnum("region class", *f.region_class, kRegionClasses));
  std::optional<std::string> tier = f.tier;
  if (tier) {
    std::transform(tier->begin(), tier->end(), tier->begin(), [](char c) {
      return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    });
    FB_RETURN_IF_ERROR(CheckEnum("tier", *tier, kTiers));
  }
  if (f.pref_kind) {
    FB_RETURN_IF_ERROR(CheckEnum("preference kind", *f.pref_kind, Preferences::Kinds()));
  }
  if (f.overdue && !IsValidDate(f.today)) {
    return Invalid("err_date_format", {{"value", f.today}});
  }
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      replica_.db().Prepare(
          "SELECT " FB_CUSTOMER_COLUMNS " FROM customers c WHERE c.deleted = 0"
          " AND (?1 IS NULL OR c.purchase_stage = ?1)"
          " AND (?2 IS NULL OR c.customer_type = ?2)"
          " AND (?3 IS NULL OR c.region_class = ?3)"
          " AND (?4 IS NULL OR coalesce(nullif(" FB_SHOWN_TIER ", ''), 'C') = ?4)"
          " AND (?5 IS NULL OR c.id IN ("
          "   SELECT t.customer_id FROM tasks t WHERE t.deleted = 0 AND t.status = 'open'"
          "     AND t.due_date < ?5"
          "   UNION SELECT v.customer_id FROM visits v WHERE v.next_follow_up < ?5"
          "     AND v.next_follow_up <> '' AND " FB_LIVE_VISIT
          "     AND v.check_in = (SELECT max(x.check_in) FROM visits x"
          "       WHERE x.customer_id = v.customer_id AND x.id NOT IN (SELECT y.voids_id"
          "       FROM visits y WHERE y.customer_id = x.customer_id AND y.voids_id IS NOT NULL))))"
          " AND (?7 IS NULL OR EXISTS (SELECT 1 FROM customer_preferences p WHERE"
          "   p.customer_id = c.id AND p.deleted = 0 AND p.kind = ?7 AND p.value = ?8))"
          " ORDER BY coalesce(nullif(c.name_latin, ''), c.name), c.id LIMIT ?6"));
  Stmt s(raw);
  auto opt = [&](int i, const std::optional<std::string>& v) {
    if (v) {
      s->Bind(i, *v);
    } else {
      s->BindNull(i);
    }
  };
  opt(1, f.stage);
  opt(2, f.type);
  opt(3, f.region_class);
  opt(4, tier);
  opt(5, f.overdue ? std::optional<std::string>(f.today) : std::nullopt);
  s->Bind(6, f.limit == 0 ? int64_t{-1} : static_cast<int64_t>(f.limit));
  opt(7, f.pref_kind);
  opt(8, f.pref_value);
  return ReadRows(*s, [](const Statement& row) { return ReadCustomer(row); });
}

Result<std::string> Customers::AddContact(const std::string& customer, const Contact& contact) {
  FB_ASSIGN_OR_RETURN(std::string customer_id, Resolve(customer));
  if (Trim(contact.name).empty()) return Invalid("err_contact_needs_name");
  if (!contact.birthday.empty() && !IsValidDate(contact.birthday)) {
    return Invalid("err_birthday", {{"value", contact.birthday}});
  }
  const std::string id = replica_.ids().Next();
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      replica_.db().Prepare(
                          "INSERT INTO contacts (id, customer_id, name, title, phone, wechat, "
                          "email, birthday, is_primary, notes, deleted) VALUES (?, ?, ?, ?, ?, ?, "
                          "?, ?, ?, ?, 0)"));
  Stmt s(raw);
  s->Bind(1, id).Bind(2, customer_id).Bind(3, Trim(contact.name));
  BindText(*s, 4, Trim(contact.title));
  BindText(*s, 5, Trim(contact.phone));
  BindText(*s, 6, Trim(contact.wechat));
  BindText(*s, 7, Trim(contact.email));
  BindText(*s, 8, contact.birthday);
  s->Bind(9, static_cast<int64_t>(contact.is_primary ? 1 : 0));
  BindText(*s, 10, contact.notes);
  FB_RETURN_IF_ERROR(s->Run());
  return id;
}

Status Customers::EditContact(const std::string& contact_id, const Contact& contact) {
  if (Trim(contact.name).empty()) return Invalid("err_contact_needs_name");
  if (!contact.birthday.empty() && !IsValidDate(contact.birthday)) {
    return Invalid("err_birthday", {{"value", contact.birthday}});
  }
  Db& db = replica_.db();
  constexpr const char* kColumns[] = {"name",  "title",    "phone",      "wechat",
                                      "email", "birthday", "is_primary", "notes"};
  const Value wanted[] = {Value(Trim(contact.name)),
                          Trim(contact.title).empty() ? Value() : Value(Trim(contact.title)),
                          Trim(contact.phone).empty() ? Value() : Value(Trim(contact.phone)),
                          Trim(contact.wechat).empty() ? Value() : Value(Trim(contact.wechat)),
                          Trim(contact.email).empty() ? Value() : Value(Trim(contact.email)),
                          contact.birthday.empty() ? Value() : Value(contact.birthday),
                          Value(int64_t{contact.is_primary ? 1 : 0}),
                          contact.notes.empty() ? Value() : Value(contact.notes)};
  std::string set;
  std::vector<Value> values;
  FB_RETURN_IF_ERROR(ReadFoundRow(db,
                                  "SELECT name, title, phone, wechat, email, birthday, "
                                  "coalesce(is_primary, 0), notes FROM contacts WHERE id = ? AND "
                                  "deleted = 0",
                                  {contact_id}, "contact", contact_id, [&](Statement& s) {
                                    for (int i = 0; i < 8; ++i) {
                                      if (s.Get(i) == wanted[i]) continue;
                                      set += std::string(set.empty() ? "" : ", ") + kColumns[i] +
                                             " = ?";
                                      values.push_back(wanted[i]);
                                    }
                                  }));
  if (set.empty()) return Status::Ok();
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      db.Prepare("UPDATE contacts SET " + set + " WHERE id = ? AND deleted = 0"));
  Stmt s(raw);
  for (size_t i = 0; i < values.size(); ++i) s->Bind(static_cast<int>(i + 1), values[i]);
  s->Bind(static_cast<int>(values.size() + 1), contact_id);
  return s->Run();
}

}  // namespace fieldbook::client
