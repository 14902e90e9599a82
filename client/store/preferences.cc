#include "store/preferences.h"

#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
#include "lang/store_errors.h"
#include "store/rows.h"

namespace fieldbook::client {

namespace {

using internal::BindText;
using internal::CheckEnum;
using internal::CodePoints;
using internal::ResolveCustomerId;
using internal::Stmt;
using internal::Trim;

constexpr size_t kMaxValue = 100;
constexpr size_t kMaxNote = 500;

Status CheckNote(const std::string& note) {
  if (CodePoints(note) > kMaxNote) {
    return Invalid("err_pref_note_long", {{"max", std::to_string(kMaxNote)}});
  }
  return Status::Ok();
}

Result<std::string> CheckValue(const std::string& raw) {
  std::string value = Trim(raw);
  if (value.empty() || CodePoints(value) > kMaxValue) {
    return Invalid("err_pref_value_size", {{"max", std::to_string(kMaxValue)}});
  }
  return value;
}

// kConflict when the customer has another live preference (not `except_id`) of that kind and value.
Status CheckUnique(Db& db, const std::string& customer_id, const std::string& kind,
                   const std::string& value, const std::string& except_id) {
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      db.Prepare("SELECT id FROM customer_preferences WHERE customer_id = ? AND "
                                 "kind = ? AND value = ? AND deleted = 0 AND id <> ? LIMIT 1"));
  Stmt s(raw);
  s->Bind(1, customer_id).Bind(2, kind).Bind(3, value).Bind(4, except_id);
  FB_ASSIGN_OR_RETURN(bool row, s->Step());
  if (row) {
    return StoreError(
        StatusCode::kConflict, "err_pref_exists",
        {{"customer", customer_id}, {"kind", kind}, {"value", value}, {"id", s->Text(0)}});
  }
  return Status::Ok();
}

Result<std::string> ResolvePreference(Db& db, const std::string& ref) {
  return internal::ResolveId(
      db,
      "SELECT id FROM customer_preferences WHERE deleted = 0 AND (id = ?1 OR (?2 AND "
      "substr(id, 1, length(?1)) = ?1)) LIMIT 3",
      ref, "preference");
}

}  // namespace

const std::vector<std::string>& Preferences::Kinds() {
  static const std::vector<std::string> kinds = {"brand", "payment_terms", "delivery", "other"};
  return kinds;
}

Result<std::string> Preferences::Add(const NewPreference& p, const std::string& rep,
                                     const std::string& now) {
  FB_RETURN_IF_ERROR(CheckEnum("preference kind", p.kind, Kinds()));
  FB_ASSIGN_OR_RETURN(const std::string value, CheckValue(p.value));
  const std::string note = Trim(p.note);
  FB_RETURN_IF_ERROR(CheckNote(note));
  Db& db = replica_.db();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomerId(db, p.customer));
  FB_RETURN_IF_ERROR(CheckUnique(db, customer_id, p.kind, value, ""));
  const std::string id = replica_.ids().Next();
  {
    FB_ASSIGN_OR_RETURN(
        Statement * raw,
        db.Prepare("INSERT INTO customer_preferences (id, customer_id, kind, value, "
                   "note, created_by, created_at, deleted) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, 0)"));
    Stmt s(raw);
    s->Bind(1, id).Bind(2, customer_id).Bind(3, p.kind).Bind(4, value);
    BindText(*s, 5, note);
    BindText(*s, 6, rep);
    s->Bind(7, now);
    FB_RETURN_IF_ERROR(s->Run());
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return id;
}

Status Preferences::Edit(const std::string& ref, const PreferenceChange& change) {
  PreferenceChange next = change;
  if (next.kind) FB_RETURN_IF_ERROR(CheckEnum("preference kind", *next.kind, Kinds()));
  if (next.value) {
    FB_ASSIGN_OR_RETURN(next.value, CheckValue(*next.value));
  }
  if (next.note) {
    next.note = Trim(*next.note);
    FB_RETURN_IF_ERROR(CheckNote(*next.note));
  }
  Db& db = replica_.db();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  FB_ASSIGN_OR_RETURN(std::string id, ResolvePreference(db, ref));
  std::string customer_id, kind, value, note;
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT customer_id, kind, value, coalesce(note, '') FROM "
                                   "customer_preferences WHERE id = ?"));
    Stmt s(raw);
    s->Bind(1, id);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return StoreError(StatusCode::kNotFound, "err_no_preference", {{"ref", ref}});
    customer_id = s->Text(0);
    kind = s->Text(1);
    value = s->Text(2);
    note = s->Text(3);
  }
  const bool new_kind = next.kind && *next.kind != kind;
  const bool new_value = next.value && *next.value != value;
  if (new_kind || new_value) {
    FB_RETURN_IF_ERROR(CheckUnique(db, customer_id, new_kind ? *next.kind : kind,
                                   new_value ? *next.value : value, id));
  }
  // One statement per column, run only for a column that changes: capture sends what is set.
  struct Column {
    bool changed;
    const char* sql;
    const std::optional<std::string>& text;
  };
  for (const Column& c :
       {Column{new_kind, "UPDATE customer_preferences SET kind = ? WHERE id = ?", next.kind},
        Column{new_value, "UPDATE customer_preferences SET value = ? WHERE id = ?", next.value},
        Column{next.note && *next.note != note,
               "UPDATE customer_preferences SET note = ? WHERE id = ?", next.note}}) {
    if (!c.changed) continue;
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(c.sql));
    Stmt s(raw);
    BindText(*s, 1, *c.text);
    s->Bind(2, id);
    FB_RETURN_IF_ERROR(s->Run());
  }
  return txn->Commit();
}

Status Preferences::Remove(const std::string& ref) {
  FB_ASSIGN_OR_RETURN(std::string id, ResolvePreference(replica_.db(), ref));
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      replica_.db().Prepare("UPDATE customer_preferences SET deleted = 1 WHERE id = ?"));
  Stmt s(raw);
  s->Bind(1, id);
  return s->Run();
}

Result<std::vector<CustomerPreference>> Preferences::List(const PreferenceFilter& f) {
  Db& db = replica_.db();
  std::string customer_id;
  if (!f.customer.empty()) {
    FB_ASSIGN_OR_RETURN(customer_id, ResolveCustomerId(db, f.customer));
  }
  if (!f.kind.empty()) FB_RETURN_IF_ERROR(CheckEnum("preference kind", f.kind, Kinds()));
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      db.Prepare("SELECT p.id, p.customer_id, coalesce(c.name, ''), p.kind, p.value, p.note, "
                 "p.created_by, p.created_at FROM customer_preferences p "
                 "JOIN customers c ON c.id = p.customer_id AND c.deleted = 0 "
                 "WHERE p.deleted = 0 AND (?1 IS NULL OR p.customer_id = ?1) "
                 "AND (?2 IS NULL OR p.kind = ?2) AND (?3 IS NULL OR p.value = ?3) "
                 "ORDER BY c.name, p.customer_id, p.kind, p.value, p.id LIMIT ?4"));
  Stmt s(raw);
  BindText(*s, 1, customer_id);
  BindText(*s, 2, f.kind);
  BindText(*s, 3, Trim(f.value));
  s->Bind(4, f.limit == 0 ? int64_t{-1} : static_cast<int64_t>(f.limit));
  std::vector<CustomerPreference> out;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(CustomerPreference{s->Text(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4),
                                     s->Text(5), s->Text(6), s->Text(7)});
  }
  return out;
}

}  // namespace fieldbook::client
