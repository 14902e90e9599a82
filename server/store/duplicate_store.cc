#include "store/duplicate_store.h"

#include <boost/json.hpp>

#include "fieldbook/columns.h"
#include "fieldbook/duplicate_detector.h"
#include "fieldbook/phrase_json.h"
#include "fieldbook/refusal_status.h"
#include "store/audit_store.h"
#include "store/not_found.h"
#include "store/store_dialect.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

// Customer columns a rep fills in; a merged survivor takes the loser's value where its own is
// empty.
constexpr const char* kFillable[] = {
    "name_latin",      "customer_type", "relationship", "purchase_stage",
    "region_class",    "address",       "city",         "province",
    "country",         "lat",           "lon",          "phone",
    "primary_contact", "birthday",      "tags",         "notes"};

// The end of customer ?1's merge chain (?1 itself when it was never merged away).
constexpr const char* kSurvivorSql =
    "WITH RECURSIVE chain(id, depth) AS (SELECT ?1, 0 UNION ALL "
    "SELECT m.survivor, chain.depth + 1 FROM srv_merges m JOIN chain ON "
    "m.loser = chain.id WHERE chain.depth < 64) "
    "SELECT id FROM chain ORDER BY depth DESC LIMIT 1";

bool Empty(const Value& v) {
  if (IsNull(v)) return true;
  const auto* s = std::get_if<std::string>(&v);
  return s != nullptr && s->empty();
}

}  // namespace

std::vector<std::string> DuplicateStore::RecordTables(const Catalog& catalog) {
  std::vector<std::string> tables;
  for (const TableInfo& t : catalog.tables()) {
    if (!t.customer_column.empty() && t.customer_column != "id") tables.push_back(t.name);
  }
  return tables;
}

Result<std::string> DuplicateStore::SurvivorOf(const std::string& customer_id) {
  // A chain (A merged into B, then B into C) ends at the customer that was never merged away.
  // Merges only take live customers, so a chain has no loop; the depth bound is a safeguard.
  FB_ASSIGN_OR_RETURN(SqlStatement * follow, store_.sql().Prepare(kSurvivorSql));
  follow->Bind(1, customer_id);
  FB_ASSIGN_OR_RETURN(std::optional<std::string> survivor,
                      ReadOneRow(*follow, [](SqlStatement& s) { return s.Text(0); }));
  return survivor.value_or(customer_id);
}

Result<bool> DuplicateStore::FollowMerges(const TableInfo& t, RowChange& change) {
  if (t.customer_column_index < 0) return false;  // customers themselves, tables of no customer
  for (ColumnChange& c : change.columns) {
    if (c.column != t.customer_column) continue;
    const auto* named = std::get_if<std::string>(&c.value);
    if (named == nullptr || named->empty()) return false;
    FB_ASSIGN_OR_RETURN(std::string survivor, SurvivorOf(*named));
    if (survivor == *named) return false;
    // One tick later than the device's own stamp, so the device that pushed the row takes the
    // survivor at its next pull instead of keeping its older value.
    c.value = Value(std::move(survivor));
    c.hlc = Hlc(c.hlc.packed() + 1);
    return true;
  }
  return false;
}

Result<DuplicateSide> DuplicateStore::Side(const std::string& id) {
  SqlDb& db = store_.sql();
  DuplicateSide side;
  side.id = id;
  FB_ASSIGN_OR_RETURN(
      SqlStatement * c,
      db.Prepare("SELECT coalesce(name, ''), coalesce(city, ''), coalesce(phone, ''), "
                 "coalesce(address, ''), coalesce(owner_rep_id, ''), coalesce(grade_tier, ''), "
                 "coalesce(created_at, ''), deleted FROM customers WHERE id = ?"));
  c->Bind(1, id);
  FB_ASSIGN_OR_RETURN(std::optional<bool> found, ReadOneRow(*c, [&](SqlStatement& s) {
                        ReadTextColumns(s, 0,
                                        {&side.name, &side.city, &side.phone, &side.address,
                                         &side.owner_rep, &side.tier, &side.created_at});
                        return s.Int(7) != 0;
                      }));
  if (!found) return NoCustomer(id);
  side.deleted = *found;
  FB_ASSIGN_OR_RETURN(SqlStatement * h,
                      db.Prepare("SELECT rep_id FROM srv_scope WHERE customer_id = ? LIMIT 1"));
  h->Bind(1, id);
  FB_ASSIGN_OR_RETURN(std::optional<std::string> holder,
                      ReadOneRow(*h, [](SqlStatement& s) { return s.Text(0); }));
  side.holder = holder.value_or("");
  for (const std::string& table : RecordTables(store_.hub().catalog())) {
    // Table names come from the catalog, never from a request.
    const std::string live =
        store_.hub().catalog().Find(table)->ColumnIndex("deleted") >= 0 ? " AND deleted = 0" : "";
    FB_ASSIGN_OR_RETURN(SqlStatement * n, db.Prepare("SELECT count(*) FROM \"" + table +
                                                     "\" WHERE customer_id = ?" + live));
    n->Bind(1, id);
    FB_ASSIGN_OR_RETURN(side.records[table], ReadInt(*n));
  }
  return side;
}

Result<std::vector<DuplicateCase>> DuplicateStore::List(const std::string& status, size_t limit) {
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> snapshot, db.BeginRead());
  FB_ASSIGN_OR_RETURN(
      SqlStatement * list,
      db.Prepare("SELECT p.customer_a, p.customer_b, p.reason, p.status, p.detected_ms "
                 "FROM fb_possible_duplicates p WHERE (?1 = '' OR p.status = ?1) AND (p.status <> "
                 "'open' OR (EXISTS (SELECT 1 FROM customers a WHERE a.id = p.customer_a AND "
                 "a.deleted = 0) AND EXISTS (SELECT 1 FROM customers b WHERE b.id = p.customer_b "
                 "AND b.deleted = 0))) ORDER BY p.detected_ms DESC, " +
                 ByteOrder(db, "p.customer_a") + ", " + ByteOrder(db, "p.customer_b") +
                 " LIMIT ?2"));
  list->Bind(1, status).Bind(2, static_cast<int64_t>(limit));
  FB_ASSIGN_OR_RETURN(std::vector<DuplicateCase> cases, ReadRows(*list, [](SqlStatement& s) {
                        DuplicateCase c;
                        ReadTextColumns(s, 0, {&c.a.id, &c.b.id, &c.reason, &c.status});
                        c.detected_ms = s.Int(4);
                        return c;
                      }));
  for (DuplicateCase& c : cases) {
    auto a = Side(c.a.id);
    auto b = Side(c.b.id);
    // A customer purged since the pair was flagged keeps its id only.
    if (a.ok()) c.a = std::move(*a);
    if (b.ok()) c.b = std::move(*b);
  }
  return cases;
}

Result<MergeReport> DuplicateStore::Merge(const std::string& survivor, const std::string& loser,
                                          const std::string& actor, const std::string& reason) {
  if (survivor == loser) {
    return RefusalStatus(StatusCode::kInvalidArgument, {"http_merge_itself", {}});
  }
  SqlDb& db = store_.sql();
  Hub& hub = store_.hub();
  const TableInfo& customers = *hub.catalog().Find("customers");
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(auto keep, hub.ReadValues(customers, survivor));
  FB_ASSIGN_OR_RETURN(auto drop, hub.ReadValues(customers, loser));
  if (!keep) return NoCustomer(survivor);
  if (!drop) return NoCustomer(loser);
  const int deleted = customers.ColumnIndex("deleted");
  for (const auto& [id, values] : {std::pair{survivor, &*keep}, std::pair{loser, &*drop}}) {
    if (std::get_if<int64_t>(&(*values)[deleted]) != nullptr &&
        std::get<int64_t>((*values)[deleted]) != 0) {
      return RefusalStatus(StatusCode::kConflict, {"http_customer_deleted", {{"customer", id}}});
    }
  }
  FB_ASSIGN_OR_RETURN(SqlStatement * pooled,
                      db.Prepare("SELECT customer_id FROM srv_pool WHERE customer_id IN (?, ?)"));
  pooled->Bind(1, survivor).Bind(2, loser);
  FB_ASSIGN_OR_RETURN(std::optional<std::string> pooled_id,
                      ReadOneRow(*pooled, [](SqlStatement& s) { return s.Text(0); }));
  if (pooled_id) {
    return RefusalStatus(StatusCode::kConflict, {"http_merge_pooled", {{"customer", *pooled_id}}});
  }

  MergeReport report;
  report.survivor = survivor;
  report.loser = loser;
  FB_ASSIGN_OR_RETURN(DuplicateSide before_keep, Side(survivor));
  FB_ASSIGN_OR_RETURN(DuplicateSide before_drop, Side(loser));
  report.survivor_holder = before_keep.holder;
  report.loser_holder = before_drop.holder;

  // 1. Every record of the loser, tombstones included, to the survivor.
  std::vector<RowWrite> rows;
  for (const std::string& table : RecordTables(hub.catalog())) {
    FB_ASSIGN_OR_RETURN(SqlStatement * ids,
                        db.Prepare("SELECT id FROM \"" + table +
                                   "\" WHERE customer_id = ? ORDER BY " + ByteOrder(db, "id")));
    ids->Bind(1, loser);
    int64_t& n = report.moved[table];
    FB_RETURN_IF_ERROR(VisitRows(*ids, [&](SqlStatement& s) {
      rows.push_back(RowWrite{table, s.Text(0), {{"customer_id", Value(survivor)}}});
      ++n;
    }));
  }
  // 2. The survivor's empty fields take the loser's values.
  RowWrite fill{"customers", survivor, {}};
  for (const char* column : kFillable) {
    const int i = customers.ColumnIndex(column);
    if (i < 0) continue;
    const Value& mine = (*keep)[static_cast<size_t>(i)];
    const Value& theirs = (*drop)[static_cast<size_t>(i)];
    if (Empty(mine) && !Empty(theirs)) {
      fill.columns.emplace_back(column, theirs);
      report.filled.emplace_back(column);
    }
  }
  if (!fill.columns.empty()) rows.push_back(std::move(fill));
  // 3. The loser: a tombstone held by nobody (its holders' devices purge it).
  rows.push_back(RowWrite{
      "customers",
      loser,
      {{"deleted", Value(int64_t{1})}, {"owner_rep_id", Value()}, {"territory_id", Value()}}});
  // The scope history keeps why as a phrase with its English (issue #19).
  FB_ASSIGN_OR_RETURN(
      PushResult written,
      store_.Write(rows, /*move_fact_customers=*/true,
                   StorePhrase({"scope_merged", {{"survivor", survivor}, {"actor", actor}}})));
  if (!written.rejections.empty()) {
    const auto& r = written.rejections.front();
    return Status::Internal("merging " + loser + " into " + survivor + ": " + r.table + " " +
                            r.row_id + " was refused: " + r.reason);
  }

  // 4. Rows pushed later for the loser (logged offline meanwhile) follow it to the survivor.
  FB_ASSIGN_OR_RETURN(SqlStatement * remember,
                      db.Prepare("INSERT INTO srv_merges (loser, survivor, merged_ms, actor) "
                                 "VALUES (?, ?, ?, ?) ON CONFLICT (loser) DO UPDATE SET "
                                 "survivor = excluded.survivor, merged_ms = excluded.merged_ms, "
                                 "actor = excluded.actor"));
  remember->Bind(1, loser)
      .Bind(2, survivor)
      .Bind(3, static_cast<int64_t>(store_.wall().NowMs()))
      .Bind(4, actor);
  FB_RETURN_IF_ERROR(remember->Run());

  // 5. The pair is merged; other open pairs of the loser are moot; the survivor is checked again.
  FB_ASSIGN_OR_RETURN(
      SqlStatement * settle,
      db.Prepare("UPDATE fb_possible_duplicates SET status = 'merged' WHERE status = 'open' AND "
                 "(customer_a = ?1 OR customer_b = ?1)"));
  settle->Bind(1, loser);
  FB_RETURN_IF_ERROR(settle->Run());
  FB_RETURN_IF_ERROR(
      // The hub's detector, on the hub's connection (either backend).
      FlagPossibleDuplicates(db, survivor, static_cast<uint64_t>(store_.wall().NowMs())).status());

  boost::json::object moved;
  for (const auto& [table, n] : report.moved) moved[table] = n;
  boost::json::array filled;
  for (const std::string& f : report.filled) filled.push_back(boost::json::string(f));
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "customer.merge";
  audit.customer_id = survivor;
  audit.subject = loser;
  audit.before = {{"survivor", survivor},
                  {"loser", loser},
                  {"loser_name", before_drop.name},
                  {"loser_holder", before_drop.holder},
                  {"survivor_holder", before_keep.holder}};
  audit.after = {{"moved", moved}, {"filled", filled}, {"loser", "deleted"}};
  audit.reason = reason;
  FB_RETURN_IF_ERROR(store_.Audit(std::move(audit)));
  FB_RETURN_IF_ERROR(txn->Commit());
  return report;
}

Status DuplicateStore::MarkDistinct(const std::string& a, const std::string& b,
                                    const std::string& actor, const std::string& reason) {
  const std::string first = a < b ? a : b;
  const std::string second = a < b ? b : a;
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(SqlStatement * mark,
                      db.Prepare("UPDATE fb_possible_duplicates SET status = 'distinct' WHERE "
                                 "customer_a = ? AND customer_b = ?"));
  mark->Bind(1, first).Bind(2, second);
  FB_RETURN_IF_ERROR(mark->Run());
  if (db.LastChanges() == 0) {
    return RefusalStatus(StatusCode::kNotFound,
                         {"http_not_flagged", {{"first", first}, {"second", second}}});
  }
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "customer.distinct";
  audit.customer_id = first;
  audit.subject = second;
  audit.before = {{"status", "open"}};
  audit.after = {{"status", "distinct"}};
  audit.reason = reason;
  FB_RETURN_IF_ERROR(store_.Audit(std::move(audit)));
  return txn->Commit();
}

}  // namespace fieldbook::server
