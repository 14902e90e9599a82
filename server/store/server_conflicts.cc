// ServerStore's conflict list (server_store.h): the edits a rep made to a customer after it was
// reassigned away from them, held for the new owner and managers (docs/server.md, "Conflicts").
//
//  * One item per held column edit of an existing record, keyed by (table, row, column, hlc,
//    rep): a push applied again (its stored answer purged before a lost acknowledgement was
//    retried) finds its items already there and adds none.
//  * A new record (a contact or task added offline after its customer moved) is held whole, as one
//    item (column "*"), applied whole or not at all: a part of it would be a record no rep sees.
#include <algorithm>

#include "fieldbook/columns.h"
#include "fieldbook/json.h"
#include "fieldbook/refusal_status.h"
#include "store/audit_store.h"
#include "store/server_store.h"

namespace fieldbook::server {

namespace {

boost::json::value ValueToJson(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) return boost::json::string(*s);
  return nullptr;
}

Value JsonToValue(const boost::json::value& j) {
  if (j.is_int64()) return j.as_int64();
  if (j.is_uint64()) return static_cast<int64_t>(j.as_uint64());
  if (j.is_double()) return j.as_double();
  if (j.is_string()) return std::string(j.as_string());
  return std::monostate{};
}

}  // namespace

Status ServerStore::RecordConflict(const Conflict& c) {
  // Idempotent by the edit: the same (table, row, column, hlc) from the same rep is one item.
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      sql().Prepare("INSERT INTO srv_conflicts (customer_id, tbl, row_id, column_name, "
                    "value_json, hlc, from_rep, owner_rep, created_ms, kind) VALUES (?, ?, ?, "
                    "?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tbl, row_id, column_name, hlc, "
                    "from_rep) DO NOTHING"));
  BindValues(*stmt,
             {c.customer_id, c.table, c.row_id, c.column, c.value_json,
              static_cast<int64_t>(c.hlc.packed()), c.from_rep, c.owner_rep, c.created_ms, c.kind});
  return stmt->Run();
}

Result<GateDecision> ServerStore::DivertAfterMove(const std::string& rep_id, const TableInfo& t,
                                                  RowChange& change, const std::string& customer,
                                                  bool exists, Hlc removal) {
  std::vector<ColumnChange> kept, held;
  for (ColumnChange& c : change.columns) (c.hlc < removal ? kept : held).push_back(std::move(c));
  if (held.empty()) {
    change.columns = std::move(kept);
    return GateDecision{};
  }
  Conflict conflict;
  conflict.customer_id = customer;
  conflict.table = t.name;
  conflict.row_id = change.row_id;
  conflict.from_rep = rep_id;
  conflict.created_ms = static_cast<int64_t>(wall_->NowMs());
  {
    FB_ASSIGN_OR_RETURN(SqlStatement * owner,
                        sql().Prepare("SELECT rep_id FROM srv_scope WHERE customer_id = ?"));
    owner->Bind(1, customer);
    FB_ASSIGN_OR_RETURN(bool found, owner->Step());
    if (found) conflict.owner_rep = owner->Text(0);
    owner->Reset();
  }
  RowRejection report;
  report.table = t.name;
  report.row_id = change.row_id;
  report.code = "reassigned";

  // A record the hub does not have, made after the move (its customer column is held): one item.
  bool new_record = false;
  if (!exists) {
    for (const ColumnChange& c : held) new_record = new_record || c.column == t.customer_column;
  }
  if (new_record) {
    std::vector<ColumnChange> all = std::move(kept);
    for (ColumnChange& c : held) all.push_back(std::move(c));
    std::sort(all.begin(), all.end(), [&](const ColumnChange& a, const ColumnChange& b) {
      return t.ColumnIndex(a.column) < t.ColumnIndex(b.column);
    });
    boost::json::object values;
    for (const ColumnChange& c : all) {
      values[c.column] = ValueToJson(c.value);
      conflict.hlc = std::max(conflict.hlc, c.hlc);
      report.columns.push_back(c.column);
    }
    conflict.kind = "row";
    conflict.column = "*";
    conflict.value_json = WriteJson(values);
    FB_RETURN_IF_ERROR(RecordConflict(conflict));
    change.columns.clear();
    report.reason = "customer " + customer + " was reassigned to another rep at " +
                    removal.ToString() + "; this new " + t.name +
                    " record, made after that, waits whole for the new owner's review";
    return GateDecision{false, std::move(report)};
  }
  for (const ColumnChange& c : held) {
    conflict.kind = "column";
    conflict.column = c.column;
    conflict.value_json = WriteJson(ValueToJson(c.value));
    conflict.hlc = c.hlc;
    FB_RETURN_IF_ERROR(RecordConflict(conflict));
    report.columns.push_back(c.column);
  }
  change.columns = std::move(kept);
  report.reason = "customer " + customer + " was reassigned to another rep at " +
                  removal.ToString() + "; " + std::to_string(held.size()) +
                  " field edit(s) made after that wait for the new owner's review";
  GateDecision decision;
  decision.apply = !change.columns.empty();
  decision.report = std::move(report);
  return decision;
}

Result<std::vector<Conflict>> ServerStore::ListConflicts(const std::string& owner, bool open_only) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      sql().Prepare("SELECT id, customer_id, tbl, row_id, column_name, value_json, hlc, "
                    "from_rep, owner_rep, created_ms, status, kind FROM srv_conflicts "
                    "WHERE (?1 = '' OR owner_rep = ?1) AND (?2 = 0 OR status = 'open') "
                    "ORDER BY id"));
  stmt->Bind(1, owner).Bind(2, int64_t{open_only ? 1 : 0});
  std::vector<Conflict> out;
  FB_RETURN_IF_ERROR(VisitRows(*stmt, [&](auto& r) {
    out.push_back(Conflict{r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5),
                           Hlc(static_cast<uint64_t>(r.Int(6))), r.Text(7), r.Text(8), r.Int(9),
                           r.Text(10), r.Text(11)});
  }));
  return out;
}

Status ServerStore::ResolveConflict(int64_t id, const std::string& action, const std::string& actor,
                                    const std::string& reason) {
  if (action != "apply" && action != "dismiss") {
    return Status(StatusCode::kInvalidArgument,
                  "action must be apply or dismiss, not '" + action + "'",
                  {"http_field_one_of", {{"field", "action"}, {"choices", "apply, dismiss"}}});
  }
  SqlDb& db = sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(SqlStatement * load,
                      db.Prepare("SELECT tbl, row_id, column_name, value_json, status, kind, "
                                 "customer_id, from_rep FROM srv_conflicts WHERE id = ?"));
  load->Bind(1, id);
  FB_ASSIGN_OR_RETURN(bool found, load->Step());
  if (!found) {
    return RefusalStatus(StatusCode::kNotFound, {"http_no_conflict", {{"id", std::to_string(id)}}});
  }
  const std::string table = load->Text(0), row_id = load->Text(1), column = load->Text(2);
  const std::string value = load->Text(3), status = load->Text(4), kind = load->Text(5);
  const std::string customer = load->Text(6), from_rep = load->Text(7);
  load->Reset();
  if (status != "open") {
    return RefusalStatus(StatusCode::kConflict, {"http_conflict_resolved",
                                                 {{"id", std::to_string(id)}, {"status", status}}});
  }
  if (action == "apply") {
    boost::system::error_code ec;
    const boost::json::value parsed = ReadJson(value, ec);
    if (ec) return Status::Corrupt("conflict " + std::to_string(id) + " holds unreadable JSON");
    RowWrite write{table, row_id, {}};
    if (kind == "row") {
      // A new record: every column at once, or nothing.
      if (!parsed.is_object()) {
        return Status::Corrupt("conflict " + std::to_string(id) + " holds no record");
      }
      for (const auto& kv : parsed.as_object()) {
        write.columns.emplace_back(std::string(kv.key()), JsonToValue(kv.value()));
      }
    } else {
      write.columns.emplace_back(column, JsonToValue(parsed));
    }
    FB_ASSIGN_OR_RETURN(PushResult written, Write({write}));
    if (!written.rejections.empty()) return Status::Rejected(written.rejections[0].reason);
  }
  FB_ASSIGN_OR_RETURN(SqlStatement * mark,
                      db.Prepare("UPDATE srv_conflicts SET status = ?, resolved_by = ?, "
                                 "resolved_ms = ? WHERE id = ?"));
  BindValues(*mark, {action == "apply" ? "applied" : "dismissed", actor,
                     static_cast<int64_t>(wall_->NowMs()), id});
  FB_RETURN_IF_ERROR(mark->Run());
  boost::system::error_code ec;
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "conflict." + action;
  audit.customer_id = customer;
  audit.subject = "conflict " + std::to_string(id);
  audit.before = {{"status", "open"}, {"table", table},       {"row", row_id},
                  {"column", column}, {"from_rep", from_rep}, {"value", ReadJson(value, ec)}};
  audit.after = {{"status", action == "apply" ? "applied" : "dismissed"}};
  audit.reason = reason;
  FB_RETURN_IF_ERROR(Audit(std::move(audit)));
  return txn->Commit();
}

Result<std::vector<std::string>> ServerStore::HeldEditStatus(const std::string& rep_id,
                                                             const std::vector<HeldEdit>& edits) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      sql().Prepare("SELECT status FROM srv_conflicts WHERE tbl = ? AND "
                                    "row_id = ? AND column_name = ? AND hlc = ? AND "
                                    "from_rep = ?"));
  // A column of a new record held whole is answered by that record's item.
  FB_ASSIGN_OR_RETURN(SqlStatement * record,
                      sql().Prepare("SELECT status FROM srv_conflicts WHERE tbl = ? AND "
                                    "row_id = ? AND column_name = '*' AND kind = 'row' AND "
                                    "from_rep = ? ORDER BY id DESC LIMIT 1"));
  std::vector<std::string> out;
  out.reserve(edits.size());
  for (const HeldEdit& e : edits) {
    stmt->Reset();
    BindValues(*stmt, {e.table, e.row_id, e.column, static_cast<int64_t>(e.hlc.packed()), rep_id});
    FB_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (found) {
      out.push_back(stmt->Text(0));
      continue;
    }
    record->Reset();
    record->Bind(1, e.table).Bind(2, e.row_id).Bind(3, rep_id);
    FB_ASSIGN_OR_RETURN(bool whole, record->Step());
    out.push_back(whole ? record->Text(0) : std::string("unknown"));
  }
  stmt->Reset();
  record->Reset();
  return out;
}

Result<std::optional<std::vector<Value>>> ServerStore::CurrentValues(
    const TableInfo& table, const std::string& row_id, const std::vector<std::string>& columns) {
  // Table and column names come from the catalog, never from a request.
  if (hub_->catalog().Find(table.name) != &table) {
    return Status::InvalidArgument("no table " + table.name + " in the catalog");
  }
  std::string text = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (table.ColumnIndex(columns[i]) < 0) {
      return Status::InvalidArgument("no column " + columns[i] + " in " + table.name);
    }
    text += (i ? ", \"" : "\"") + columns[i] + "\"";
  }
  text += " FROM \"" + table.name + "\" WHERE id = ?";
  FB_ASSIGN_OR_RETURN(SqlStatement * select, sql().Prepare(text));
  select->Bind(1, row_id);
  auto found = select->Step();
  if (!found.ok()) {
    select->Reset();
    return found.status();
  }
  std::optional<std::vector<Value>> out;
  if (*found) {
    out.emplace();
    for (size_t i = 0; i < columns.size(); ++i) {
      const int col = static_cast<int>(i);
      if (select->IsNull(col)) {
        out->emplace_back(std::monostate{});
        continue;
      }
      Value v = select->Get(col);
      if (std::holds_alternative<std::string>(v)) v = select->Text(col);
      out->push_back(std::move(v));
    }
  }
  select->Reset();
  return out;
}

Result<std::string> ServerStore::CustomerName(const std::string& customer_id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * select,
                      sql().Prepare("SELECT coalesce(name, '') FROM customers WHERE id = ?"));
  select->Bind(1, customer_id);
  auto found = select->Step();
  std::string name = found.ok() && *found ? select->Text(0) : std::string();
  select->Reset();
  if (!found.ok()) return found.status();
  return name;
}

}  // namespace fieldbook::server
