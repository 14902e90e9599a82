#include "store/directory_store.h"

#include <boost/json.hpp>

#include "fieldbook/columns.h"
#include "store/audit_store.h"
#include "store/duplicate_store.h"
#include "store/not_found.h"
#include "store/store_dialect.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

// The search's filters, parameters ?1..?6 (see Bind below). Live customers only.
constexpr const char* kWhere =
    " FROM customers c LEFT JOIN srv_scope s ON s.customer_id = c.id WHERE c.deleted = 0"
    " AND (?1 = '' OR c.id = ?1 OR c.name LIKE ?2 ESCAPE '\\' OR c.name_latin LIKE ?2 ESCAPE '\\'"
    " OR c.phone LIKE ?2 ESCAPE '\\')"
    " AND (?3 = '' OR (?3 = '-' AND s.rep_id IS NULL) OR s.rep_id = ?3)"
    " AND (?4 = '' OR (?4 = '-' AND coalesce(c.territory_id, '') = '') OR c.territory_id = ?4)"
    " AND (?5 = '' OR (?5 = '-' AND coalesce(c.grade_tier, '') = '') OR c.grade_tier = ?5)"
    " AND (?6 = '' OR c.city = ?6)";

// kWhere for the backend. SQLite's LIKE ignores the case of ASCII letters only; PostgreSQL's LIKE
// ignores none and its ILIKE that of every letter, so there both sides are folded as SQLite folds
// (AsciiLower) and compared with LIKE: the same customers match.
std::string Where(const SqlDb& db) {
  std::string where = kWhere;
  if (db.dialect() == SqlDialect::kPostgres) {
    for (const char* column : {"c.name_latin", "c.name", "c.phone"}) {
      const std::string from = std::string(column) + " LIKE ?2";
      const size_t at = where.find(from);
      if (at == std::string::npos) continue;
      where.replace(at, from.size(), AsciiLower(db, column) + " LIKE " + AsciiLower(db, "?2"));
    }
  }
  return where;
}

std::string LikePattern(const std::string& text) {
  std::string out = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "%";
}

void BindFilter(SqlStatement& stmt, const CustomerFilter& f) {
  stmt.Bind(1, f.text)
      .Bind(2, LikePattern(f.text))
      .Bind(3, f.rep)
      .Bind(4, f.territory)
      .Bind(5, f.tier)
      .Bind(6, f.city);
}

// The column that orders a table's records newest first in an archive (NULL last, as on SQLite).
std::string NewestFirst(const SqlDb& db, const std::string& table) {
  const std::string id_desc = ByteOrder(db, "id") + " DESC";
  const std::string nulls = NullsAsSqlite(db, /*descending=*/true);
  if (table == "visits") return ByteOrder(db, "check_in") + " DESC" + nulls + ", " + id_desc;
  if (table == "orders") return ByteOrder(db, "order_date") + " DESC" + nulls + ", " + id_desc;
  if (table == "tasks") return ByteOrder(db, "due_date") + " DESC" + nulls + ", " + id_desc;
  if (table == "feedback") return ByteOrder(db, "created_at") + " DESC" + nulls + ", " + id_desc;
  return ByteOrder(db, "id");
}

// A row read by "SELECT id, <Columns(table)>": its id first, then the replicated columns.
Record ReadRecord(const TableInfo& table, SqlStatement& stmt) {
  Record r;
  r.emplace_back("id", stmt.Get(0));
  for (size_t i = 0; i < table.columns.size(); ++i) {
    r.emplace_back(table.columns[i], stmt.Get(static_cast<int>(i + 1)));
  }
  return r;
}

std::string Columns(const TableInfo& table) {
  std::string out = "id";
  for (const std::string& c : table.columns) out += ", \"" + c + "\"";
  return out;
}

}  // namespace

Result<std::vector<CustomerRow>> DirectoryStore::Search(const CustomerFilter& filter, size_t offset,
                                                        size_t limit, int64_t* total) {
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> snapshot, db.BeginRead());
  if (total != nullptr) {
    FB_ASSIGN_OR_RETURN(SqlStatement * count, db.Prepare("SELECT count(*)" + Where(db)));
    BindFilter(*count, filter);
    FB_ASSIGN_OR_RETURN(*total, ReadInt(*count));
  }
  FB_ASSIGN_OR_RETURN(
      SqlStatement * list,
      db.Prepare(std::string("SELECT c.id, coalesce(c.name, ''), coalesce(c.city, ''), "
                             "coalesce(c.phone, ''), coalesce(c.owner_rep_id, ''), "
                             "coalesce(s.rep_id, ''), coalesce(c.territory_id, ''), "
                             "coalesce(c.grade_tier, ''), coalesce(c.grade_lifecycle, ''), "
                             "coalesce(c.created_at, ''), EXISTS (SELECT 1 FROM srv_pool p "
                             "WHERE p.customer_id = c.id)") +
                 Where(db) + " ORDER BY " +
                 // SQLite sorts NULL names first; PostgreSQL last unless told.
                 ByteOrder(db, "c.name") + NullsAsSqlite(db, /*descending=*/false) + ", " +
                 ByteOrder(db, "c.id") + " LIMIT ?7 OFFSET ?8"));
  BindFilter(*list, filter);
  list->Bind(7, static_cast<int64_t>(limit)).Bind(8, static_cast<int64_t>(offset));
  FB_ASSIGN_OR_RETURN(std::vector<CustomerRow> rows, ReadRows(*list, [](SqlStatement& s) {
                        CustomerRow c;
                        ReadTextColumns(s, 0,
                                        {&c.id, &c.name, &c.city, &c.phone, &c.owner_rep, &c.holder,
                                         &c.territory, &c.tier, &c.lifecycle, &c.created_at});
                        c.pooled = s.Int(10) != 0;
                        return c;
                      }));
  list->Reset();
  return rows;
}

Result<CustomerArchive> DirectoryStore::Archive(const std::string& customer_id) {
  Hub& hub = store_.hub();
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> snapshot, db.BeginRead());
  const TableInfo& customers = *hub.catalog().Find("customers");
  FB_ASSIGN_OR_RETURN(auto values, hub.ReadValues(customers, customer_id));
  if (!values) return NoCustomer(customer_id);
  CustomerArchive a;
  a.customer.emplace_back("id", Value(customer_id));
  for (size_t i = 0; i < customers.columns.size(); ++i) {
    a.customer.emplace_back(customers.columns[i], (*values)[i]);
  }
  FB_ASSIGN_OR_RETURN(
      SqlStatement * holder,
      db.Prepare("SELECT (SELECT rep_id FROM srv_scope WHERE customer_id = ?1 "
                 "LIMIT 1), EXISTS (SELECT 1 FROM srv_pool WHERE customer_id = ?1)"));
  holder->Bind(1, customer_id);
  FB_RETURN_IF_ERROR(VisitRows(*holder, [&](SqlStatement& s) {
    a.holder = s.Text(0);  // NULL (held by nobody) reads as ""
    a.pooled = s.Int(1) != 0;
  }));
  for (const std::string& name : DuplicateStore::RecordTables(hub.catalog())) {
    const TableInfo& table = *hub.catalog().Find(name);
    // Identifiers from the catalog only; the customer is bound.
    FB_ASSIGN_OR_RETURN(SqlStatement * rows,
                        db.Prepare("SELECT " + Columns(table) + " FROM \"" + name +
                                   "\" WHERE customer_id = ? ORDER BY " + NewestFirst(db, name) +
                                   " LIMIT " + std::to_string(kMaxRecords)));
    rows->Bind(1, customer_id);
    FB_ASSIGN_OR_RETURN(a.records[name],
                        ReadRows(*rows, [&](SqlStatement& s) { return ReadRecord(table, s); }));
    rows->Reset();
    FB_ASSIGN_OR_RETURN(SqlStatement * count,
                        db.Prepare("SELECT count(*) FROM \"" + name + "\" WHERE customer_id = ?"));
    count->Bind(1, customer_id);
    FB_ASSIGN_OR_RETURN(a.totals[name], ReadInt(*count));
  }
  FB_ASSIGN_OR_RETURN(
      SqlStatement * grades,
      db.Prepare("SELECT h.run_id, r.today, coalesce(h.tier, ''), coalesce(h.recency, 0), "
                 "coalesce(h.frequency, 0), coalesce(h.monetary, 0), coalesce(h.ticket_class, ''), "
                 "coalesce(h.lifecycle, ''), coalesce(h.churn_risk, 0) FROM srv_grade_history h "
                 "JOIN srv_grade_runs r ON r.id = h.run_id WHERE h.customer_id = ? "
                 "ORDER BY h.run_id"));
  grades->Bind(1, customer_id);
  FB_ASSIGN_OR_RETURN(a.grades, ReadRows(*grades, [](SqlStatement& s) {
                        return GradePoint{s.Int(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4),
                                          s.Int(5), s.Text(6), s.Text(7), s.Real(8)};
                      }));
  grades->Reset();
  return a;
}

Status DirectoryStore::SetTerritory(const std::string& customer_id, const std::string& territory,
                                    const std::string& actor, const std::string& reason) {
  Hub& hub = store_.hub();
  SqlDb& db = store_.sql();
  const TableInfo& customers = *hub.catalog().Find("customers");
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(auto values, hub.ReadValues(customers, customer_id));
  if (!values) return NoCustomer(customer_id);
  if (!territory.empty()) {
    FB_ASSIGN_OR_RETURN(SqlStatement * known,
                        db.Prepare("SELECT 1 FROM territories WHERE id = ? AND deleted = 0"));
    known->Bind(1, territory);
    FB_ASSIGN_OR_RETURN(bool found, known->Step());
    known->Reset();
    if (!found) return NoTerritory(territory);
  }
  const Value& old = (*values)[static_cast<size_t>(customers.ColumnIndex("territory_id"))];
  const std::string before =
      std::holds_alternative<std::string>(old) ? std::get<std::string>(old) : std::string();
  FB_ASSIGN_OR_RETURN(
      PushResult written,
      store_.Write({RowWrite{"customers",
                             customer_id,
                             {{"territory_id", territory.empty() ? Value() : Value(territory)}}}},
                   /*move_fact_customers=*/false,
                   "territory set to " + territory + " by " + actor));
  if (!written.rejections.empty()) return Status::Internal(written.rejections.front().reason);
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "customer.territory";
  audit.customer_id = customer_id;
  auto or_null = [](const std::string& s) {
    return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
  };
  audit.before = {{"territory", or_null(before)}};
  audit.after = {{"territory", or_null(territory)}};
  audit.reason = reason;
  FB_RETURN_IF_ERROR(store_.Audit(std::move(audit)));
  return txn->Commit();
}

Result<BulkMove> DirectoryStore::MoveMatching(const CustomerFilter& filter, const std::string& to,
                                              bool dry_run, const std::string& actor,
                                              const std::string& reason) {
  if (filter.text.empty() && filter.rep.empty() && filter.territory.empty() &&
      filter.tier.empty() && filter.city.empty()) {
    return Status(StatusCode::kInvalidArgument,
                  "filter: name at least one of text, rep, territory, tier, city",
                  {"http_filter_empty", {{"field", "filter"}}});
  }
  FB_ASSIGN_OR_RETURN(std::vector<RepInfo> reps, store_.ListReps());
  bool is_rep = false;
  for (const RepInfo& r : reps) is_rep |= r.id == to && r.role == "rep" && r.active;
  if (!is_rep) {
    return Status(StatusCode::kNotFound, "to: no active rep " + to,
                  {"http_no_active_rep", {{"field", "to"}, {"rep", to}}});
  }
  FB_ASSIGN_OR_RETURN(auto txn, store_.sql().Begin());
  int64_t total = 0;
  FB_ASSIGN_OR_RETURN(std::vector<CustomerRow> rows, Search(filter, 0, kMaxBulk + 1, &total));
  if (rows.size() > kMaxBulk) {
    return Status(
        StatusCode::kResourceExhausted,
        "filter: " + std::to_string(total) + " customers match; move at most " +
            std::to_string(kMaxBulk) + " at a time (narrow the filter)",
        {"http_filter_too_many",
         {{"field", "filter"}, {"n", std::to_string(total)}, {"max", std::to_string(kMaxBulk)}}});
  }
  BulkMove out;
  out.matched = static_cast<int64_t>(rows.size());
  for (const CustomerRow& c : rows) {
    if (c.pooled) {
      out.skipped.push_back(c.id + ": in the public pool");
      continue;
    }
    if (c.holder == to) {
      out.skipped.push_back(c.id + ": held by " + to + " already");
      continue;
    }
    if (!dry_run) {
      FB_RETURN_IF_ERROR(store_.ReassignCustomer(c.id, to, actor, reason));
      ++out.moved;
    }
  }
  constexpr size_t kShown = 100;
  if (rows.size() > kShown) rows.resize(kShown);
  out.customers = std::move(rows);
  if (dry_run) return out;
  FB_RETURN_IF_ERROR(txn->Commit());
  return out;
}

Result<std::string> DirectoryStore::SaveTerritory(const std::string& id, const std::string& name,
                                                  const std::string& region,
                                                  const std::string& city, const std::string& rep,
                                                  const std::string& actor) {
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  std::string territory = id;
  if (territory.empty()) {
    if (name.empty()) {
      return Status(StatusCode::kInvalidArgument, "name: a new territory needs a name",
                    {"http_territory_needs_name", {{"field", "name"}}});
    }
    FB_ASSIGN_OR_RETURN(territory, store_.AddTerritory(name, region, city));
    AuditEntry audit;
    audit.actor = actor;
    audit.action = "territory.add";
    audit.subject = territory;
    audit.after = {{"name", name}, {"region", region}, {"city", city}};
    FB_RETURN_IF_ERROR(store_.Audit(std::move(audit)));
  } else {
    FB_ASSIGN_OR_RETURN(SqlStatement * old,
                        db.Prepare("SELECT coalesce(name, ''), coalesce(region, ''), "
                                   "coalesce(city, '') FROM territories WHERE id = ? AND "
                                   "deleted = 0"));
    old->Bind(1, territory);
    FB_ASSIGN_OR_RETURN(std::optional<boost::json::object> before,
                        ReadOneRow(*old, [](SqlStatement& s) {
                          return boost::json::object{
                              {"name", s.Text(0)}, {"region", s.Text(1)}, {"city", s.Text(2)}};
                        }));
    if (!before) return NoTerritory(territory);
    RowWrite write{"territories", territory, {}};
    boost::json::object after;
    for (const auto& [column, value] :
         {std::pair{"name", name}, std::pair{"region", region}, std::pair{"city", city}}) {
      if (value.empty()) continue;
      write.columns.emplace_back(column, Value(value));
      after[column] = value;
    }
    if (!write.columns.empty()) {
      FB_ASSIGN_OR_RETURN(PushResult written, store_.Write({write}, false, ""));
      if (!written.rejections.empty()) {
        return Status::InvalidArgument(written.rejections.front().reason);
      }
      AuditEntry audit;
      audit.actor = actor;
      audit.action = "territory.edit";
      audit.subject = territory;
      audit.before = std::move(*before);
      audit.after = std::move(after);
      FB_RETURN_IF_ERROR(store_.Audit(std::move(audit)));
    }
  }
  if (!rep.empty()) FB_RETURN_IF_ERROR(store_.AssignTerritory(territory, rep, actor));
  FB_RETURN_IF_ERROR(txn->Commit());
  return territory;
}

}  // namespace fieldbook::server
