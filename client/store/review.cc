#include "store/review.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "fieldbook/catalog.h"
#include "fieldbook/json.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
#include "lang/store_errors.h"
#include "store/rows.h"

namespace fieldbook::client {

namespace {

namespace json = boost::json;
using internal::CodePoints;
using internal::ForEachRow;
using internal::RunWrite;
using internal::Trim;

constexpr size_t kMaxNote = 500;

// A stored or refused value as the rep reads it: text as it is, numbers as JSON prints them.
std::string JsonText(const json::value& v) {
  if (v.is_null()) return "";
  if (const json::string* s = v.if_string()) return std::string(*s);
  return WriteJson(v);
}

json::value ToJsonValue(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return json::value(*i);
  if (const auto* d = std::get_if<double>(&v)) return json::value(*d);
  if (const auto* s = std::get_if<std::string>(&v)) return json::value(*s);
  return json::value(nullptr);
}

// Columns a new record carries that say nothing the rep entered: its garage (the entry's title),
// who and when (the rep, the device), and deleted = 0.
bool Bookkeeping(const TableInfo& t, const std::string& column) {
  static const std::set<std::string> kColumns = {"owner_rep_id", "created_by", "created_at",
                                                 "deleted"};
  return column == t.customer_column || column == t.rep_column || kColumns.count(column) > 0;
}

struct Item {
  int64_t id = 0;
  std::string table, row_id, code, reason, payload, outcome, customer_id, customer_name;
  bool resolved = false, held = false;
};

// The value this device holds now in `column` of the record, if it has the record.
Result<std::optional<json::value>> StoredValue(Db& db, const TableInfo& t,
                                               const std::string& row_id,
                                               const std::string& column) {
  if (t.ColumnIndex(column) < 0) return std::optional<json::value>();
  // Table and column names come from the catalog, never from the stored payload.
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      db.Prepare("SELECT \"" + column + "\" FROM \"" + t.name + "\" WHERE id = ?"));
  internal::Stmt s(raw);
  s->Bind(1, row_id);
  FB_ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return std::optional<json::value>();
  return std::optional<json::value>(s->IsNull(0) ? json::value(nullptr) : ToJsonValue(s->Get(0)));
}

Status Describe(Db& db, const Catalog& catalog, const std::vector<Item>& items, ReviewEntry& e) {
  const Item& first = items.front();
  e.id = first.id;
  e.table = first.table;
  e.row_id = first.row_id;
  e.resolved = first.resolved;
  json::object merged;  // column -> the newest refused value
  for (const Item& it : items) {
    e.items.push_back(it.id);
    if (std::find(e.codes.begin(), e.codes.end(), it.code) == e.codes.end()) {
      e.codes.push_back(it.code);
    }
    if (std::find(e.reasons.begin(), e.reasons.end(), it.reason) == e.reasons.end()) {
      e.reasons.push_back(it.reason);
    }
    e.held = e.held || it.held;
    if (!it.outcome.empty()) e.outcome = it.outcome;
    if (e.customer_id.empty()) e.customer_id = it.customer_id;
    if (e.customer_name.empty()) e.customer_name = it.customer_name;
    boost::system::error_code ec;
    json::value values = ReadJson(it.payload, ec);
    if (ec || !values.is_object()) continue;  // written by this device only
    for (auto& kv : values.as_object()) merged[kv.key()] = kv.value();
  }
  const TableInfo* t = catalog.Find(e.table);
  if (t == nullptr) {  // a table this version does not know: the values as they are
    for (const auto& kv : merged) {
      e.changes.push_back(ReviewChange{std::string(kv.key()), std::nullopt, JsonText(kv.value()),
                                       kv.value().is_null()});
    }
    return Status::Ok();
  }
  const json::value* deleted = merged.if_contains("deleted");
  e.new_record = t->is_fact() || (deleted != nullptr && deleted->is_int64() &&
                                  deleted->as_int64() == 0 && merged.size() > 1);
  if (e.customer_id.empty()) {
    if (t->customer_column == "id") {
      e.customer_id = e.row_id;
    } else if (const json::value* c = merged.if_contains(t->customer_column);
               c != nullptr && c->is_string()) {
      e.customer_id = std::string(c->as_string());
    }
  }
  if (e.customer_name.empty() && !e.customer_id.empty()) {
    FB_RETURN_IF_ERROR(ForEachRow(db, "SELECT coalesce(name, '') FROM customers WHERE id = ?",
                                  {Value(e.customer_id)},
                                  [&](Statement& s) { e.customer_name = s.Text(0); }));
  }
  std::vector<std::pair<int, std::string>> order;
  for (const auto& kv : merged) order.emplace_back(t->ColumnIndex(kv.key()), kv.key());
  std::sort(order.begin(), order.end());
  json::object refused;
  for (const auto& [index, column] : order) {
    const json::value& v = merged.at(column);
    if (e.new_record && (Bookkeeping(*t, column) || JsonText(v).empty())) continue;
    ReviewChange c{column, std::nullopt, JsonText(v), v.is_null()};
    if (!e.new_record && !e.resolved) {
      FB_ASSIGN_OR_RETURN(std::optional<json::value> now, StoredValue(db, *t, e.row_id, column));
      if (now && *now != v) c.before = JsonText(*now);
    }
    refused[column] = v;
    e.changes.push_back(std::move(c));
  }
  e.refused_json = WriteJson(refused);
  return Status::Ok();
}

}  // namespace

Result<std::vector<ReviewEntry>> ReviewList::Entries(bool include_resolved) {
  Db& db = replica_.db();
  std::vector<std::vector<Item>> groups;
  std::map<std::tuple<bool, std::string, std::string>, size_t> by_record;
  FB_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT id, tbl, row_id, code, reason, payload, resolved, coalesce(outcome, ''), held IS NOT "
      "NULL, coalesce(customer_id, ''), coalesce(customer_name, '') FROM fb_rejections WHERE ?1 "
      "OR resolved = 0 ORDER BY resolved, id",
      {Value(int64_t{include_resolved ? 1 : 0})}, [&](Statement& s) {
        Item it{s.Int(0),  s.Text(1), s.Text(2),  s.Text(3),     s.Text(4),    s.Text(5),
                s.Text(7), s.Text(9), s.Text(10), s.Int(6) != 0, s.Int(8) != 0};
        auto [at, added] = by_record.try_emplace({it.resolved, it.table, it.row_id}, groups.size());
        if (added) groups.emplace_back();
        groups[at->second].push_back(std::move(it));
      }));
  std::vector<ReviewEntry> out;
  out.reserve(groups.size());
  for (const std::vector<Item>& items : groups) {
    ReviewEntry e;
    FB_RETURN_IF_ERROR(Describe(db, replica_.catalog(), items, e));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::string> ReviewList::Dismiss(int64_t id, const std::string& raw_note,
                                        const std::string& rep, const std::string& now) {
  const std::string note = Trim(raw_note);
  if (CodePoints(note) > kMaxNote) {
    return Invalid("err_dismiss_note_long", {{"max", std::to_string(kMaxNote)}});
  }
  Db& db = replica_.db();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  std::string table, row_id;
  FB_RETURN_IF_ERROR(ForEachRow(db,
                                "SELECT tbl, row_id FROM fb_rejections WHERE id = ? AND "
                                "resolved = 0",
                                {Value(id)}, [&](Statement& s) {
                                  table = s.Text(0);
                                  row_id = s.Text(1);
                                }));
  if (table.empty()) {
    return StoreError(StatusCode::kNotFound, "err_no_review_entry", {{"id", std::to_string(id)}});
  }
  FB_ASSIGN_OR_RETURN(std::vector<ReviewEntry> entries, Entries(false));
  const auto e = std::find_if(entries.begin(), entries.end(), [&](const ReviewEntry& x) {
    return x.table == table && x.row_id == row_id;
  });
  if (e == entries.end()) return Status::Internal("review entry #" + std::to_string(id) + " lost");
  FB_RETURN_IF_ERROR(RunWrite(
      db,
      "UPDATE fb_rejections SET resolved = 1, outcome = ? WHERE tbl = ? "
      "AND row_id = ? AND resolved = 0",
      {Value(note.empty() ? std::string("dismissed by the rep") : "dismissed by the rep: " + note),
       Value(table), Value(row_id)}));
  std::string dismissal;
  if (!e->customer_id.empty()) {
    std::string codes;
    for (const std::string& c : e->codes) codes += (codes.empty() ? "" : ",") + c;
    dismissal = replica_.ids().Next();
    FB_RETURN_IF_ERROR(RunWrite(
        db,
        "INSERT INTO review_dismissals (id, customer_id, rep_id, tbl, row_id, code, refused, "
        "dismissed_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {Value(dismissal), Value(e->customer_id), Value(rep), Value(table), Value(row_id),
         Value(codes), Value(e->refused_json), Value(now), note.empty() ? Value() : Value(note)}));
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return dismissal;
}

std::string ReviewFieldLabel(Lang lang, const std::string& column) {
  return std::string(MessageTemplate(lang, "review_field_" + column).value_or(column));
}

std::string ReviewCodeText(Lang lang, const std::string& code) {
  return std::string(MessageTemplate(lang, "review_code_" + code).value_or(code));
}

std::string ReviewTitle(Lang lang, const ReviewEntry& e) {
  const std::string garage = !e.customer_name.empty() ? e.customer_name
                                                      : Render(lang, "review_unknown_garage",
                                                               {e.customer_id.substr(0, 8)});
  const std::string what =
      std::string(MessageTemplate(lang, "review_table_" + e.table).value_or(e.table));
  return Render(lang, e.new_record ? "review_title_new" : "review_title", {garage, what});
}

// The enumeration a column's codes belong to (fieldbook/lang_text.h CodeLabels), "" for a kind
// (a task's and a preference's kinds share the column, not a value); nullopt for other columns.
static std::optional<std::string_view> EnumerationOf(const std::string& column) {
  static constexpr std::pair<std::string_view, std::string_view> kColumns[] = {
      {"purpose", "purpose"},      {"outcome", "outcome"},
      {"purchase_stage", "stage"}, {"customer_type", "type"},
      {"region_class", "region"},  {"relationship", "relationship"},
      {"status", "task_status"},   {"kind", ""}};
  for (const auto& [name, enumeration] : kColumns) {
    if (name == column) return enumeration;
  }
  return std::nullopt;
}

std::string ReviewChangeText(Lang lang, const ReviewChange& c) {
  const std::optional<std::string_view> enumeration = EnumerationOf(c.column);
  auto shown = [&](const std::string& text) {
    if (c.column == "deleted" && text == "1") return Render(lang, "review_removed");
    if (text.empty()) return Render(lang, "review_empty_value");
    // A code is shown by its label ("routine" -> "Routine call" / "例行拜访").
    if (enumeration) return std::string(CodeLabel(lang, *enumeration, text));
    return text;
  };
  const std::string label = ReviewFieldLabel(lang, c.column);
  if (!c.before) return Render(lang, "review_change_new", {label, shown(c.refused)});
  return Render(lang, "review_change", {label, shown(*c.before), shown(c.refused)});
}

}  // namespace fieldbook::client
