#include "store/server_store.h"

#include <boost/json.hpp>

#include <algorithm>

#include "fieldbook/canonical_export.h"
#include "fieldbook/columns.h"
#include "fieldbook/migrations.h"
#include "fieldbook/phrase_json.h"
#include "fieldbook/refusal_status.h"
#include "fieldbook/sqlite_db.h"
#include "store/audit_store.h"
#include "store/device_tokens.h"
#include "store/duplicate_store.h"
#include "store/not_found.h"
#include "store/pg/pg_db.h"
#include "store/pg/pg_export.h"
#include "store/pg/pg_hub_backend.h"
#include "store/pg/pg_schema.h"
#include "store/pg/pg_sql_db.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

std::string TextOr(const Value& v, std::string fallback = {}) {
  const auto* s = std::get_if<std::string>(&v);
  return s != nullptr ? *s : fallback;
}

// The pushed copy of `column` (a validated row names each column once), or null.
const ColumnChange* FindColumn(const RowChange& change, std::string_view column) {
  for (const ColumnChange& c : change.columns) {
    if (c.column == column) return &c;
  }
  return nullptr;
}

// Columns naming a row of another table that must be a row of the same customer already on the
// hub: a check-in's visit_id names the visit recorded at check-out (a device packs a push by table,
// visits before visit_checkins, and writes both in one transaction, so the visit is never later).
// A correction's voids_id (TableInfo::voids_column) names a fact of its own table.
struct Reference {
  const char* table;
  const char* column;
  const char* target;
};
constexpr Reference kReferences[] = {{"visit_checkins", "visit_id", "visits"}};

// Why a pushed row of `customer` must be refused for the row its `column` names: itself, a row the
// hub does not hold, or a `target` row of another customer; nullopt when it may stay.
Result<std::optional<std::string>> CheckReference(Hub& hub, const RowChange& change,
                                                  const std::string& customer,
                                                  const std::string& column,
                                                  const TableInfo& target) {
  using Verdict = std::optional<std::string>;
  const ColumnChange* ref = FindColumn(change, column);
  if (ref == nullptr || std::holds_alternative<std::monostate>(ref->value)) return Verdict();
  const std::string id = TextOr(ref->value);
  if (id.empty() || (target.name == change.table && id == change.row_id)) {
    return Verdict(column + " must name another " + target.name + " row");
  }
  FB_ASSIGN_OR_RETURN(auto stored, hub.ReadValues(target, id));
  if (!stored || TextOr((*stored)[static_cast<size_t>(target.customer_column_index)]) != customer) {
    return Verdict(column + " " + id + " is not a " + target.name + " row of customer " + customer);
  }
  return Verdict();
}

}  // namespace

// The connection a ServerStore on PostgreSQL keeps under its Hub (members destroyed in reverse).
struct ServerStore::PgConnection {
  std::unique_ptr<pg::PgDb> db;
  std::unique_ptr<pg::PgSqlDb> sql;
  std::unique_ptr<pg::PgHubBackend> backend;
};

namespace {

// The replicated tables, as the SQLite hub's schema has them (PostgreSQL's hub tables have the
// same columns in the same order: PgDomainSchemaTest): made once per process.
Result<const Catalog*> SqliteHubCatalog() {
  static const Result<Catalog> catalog = []() -> Result<Catalog> {
    FB_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(":memory:"));
    FB_RETURN_IF_ERROR(ApplyMigrations(*db, HubMigrations()).status());
    return Catalog::Load(*db);
  }();
  if (!catalog.ok()) return catalog.status();
  return &*catalog;
}

}  // namespace

ServerStore::~ServerStore() = default;

bool ServerStore::NamesPostgres(const std::string& db) {
  if (db.starts_with("postgresql://") || db.starts_with("postgres://")) return true;
  for (const char* key : {"host=", "hostaddr=", "dbname=", "user=", "port=", "service="}) {
    if (db.starts_with(key)) return true;
  }
  return false;
}

Result<std::unique_ptr<ServerStore>> ServerStore::Open(const std::string& db, WallClock& wall,
                                                       const HubOptions& options) {
  std::unique_ptr<ServerStore> store(new ServerStore());
  if (NamesPostgres(db)) {
    auto pg = std::make_unique<PgConnection>();
    FB_ASSIGN_OR_RETURN(pg->db, pg::PgDb::Connect(db));
    FB_RETURN_IF_ERROR(pg::MigratePg(*pg->db).status());
    pg->sql = std::make_unique<pg::PgSqlDb>(*pg->db);
    pg->backend = std::make_unique<pg::PgHubBackend>(*pg->db);
    FB_ASSIGN_OR_RETURN(const Catalog* catalog, SqliteHubCatalog());
    store->pg_ = std::move(pg);
    FB_ASSIGN_OR_RETURN(store->hub_,
                        Hub::Open(*store->pg_->sql, *store->pg_->backend, *catalog, wall, options));
    store->location_ = db;
  } else {
    FB_ASSIGN_OR_RETURN(store->hub_, Hub::Open(db, wall, options));
    store->location_ = store->hub_->db().path();
  }
  FB_ASSIGN_OR_RETURN(store->devices_, DeviceTokens::Open(store->sql(), wall));
  store->ids_ = std::make_unique<RowIdGenerator>(wall);
  store->wall_ = &wall;
  FB_ASSIGN_OR_RETURN(uint64_t epoch, store->Epoch());
  if (epoch == 0) FB_RETURN_IF_ERROR(store->StartEpoch().status());
  return store;
}

namespace {

// The seam's read snapshot (SqlDb::BeginRead), held until the StoreRead is destroyed.
class SeamStoreRead final : public StoreRead {
 public:
  explicit SeamStoreRead(std::unique_ptr<SqlTransaction> snapshot)
      : snapshot_(std::move(snapshot)) {}

 private:
  std::unique_ptr<SqlTransaction> snapshot_;
};

}  // namespace

Status ServerStore::Reconnect() {
  if (pg_ == nullptr || pg_->db->connected()) return Status::Ok();
  FB_RETURN_IF_ERROR(pg_->db->Reconnect());
  hub_->ForgetUncommitted();
  return Status::Ok();
}

Result<std::unique_ptr<StoreRead>> ServerStore::BeginRead() {
  FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> snapshot, sql().BeginRead());
  return std::unique_ptr<StoreRead>(std::make_unique<SeamStoreRead>(std::move(snapshot)));
}

void ServerStore::ForgetUncommitted() { hub_->ForgetUncommitted(); }

Result<std::unique_ptr<StoreTransaction>> ServerStore::BeginWrite() { return sql().Begin(); }

bool ServerStore::RepExists(const std::string& rep_id) {
  auto stmt = sql().Prepare("SELECT 1 FROM reps WHERE id = ? AND deleted = 0");
  if (!stmt.ok()) return false;
  (*stmt)->Bind(1, rep_id);
  auto row = (*stmt)->Step();
  const bool found = row.ok() && *row;
  (*stmt)->Reset();
  return found;
}

Status ServerStore::Audit(AuditEntry entry) {
  AuditStore audit(sql(), *wall_);
  return audit.Record(std::move(entry)).status();
}

Result<std::string> ServerStore::HolderOf(const std::string& customer_id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      sql().Prepare("SELECT rep_id FROM srv_scope WHERE customer_id = ?"));
  stmt->Bind(1, customer_id);
  FB_ASSIGN_OR_RETURN(std::optional<std::string> rep,
                      ReadOneRow(*stmt, [](SqlStatement& s) { return s.Text(0); }));
  return rep.value_or("");
}

Result<std::pair<std::string, std::string>> ServerStore::AddRep(const NewRep& rep,
                                                                const std::string& actor,
                                                                const std::string& device) {
  if (rep.name.empty()) {
    return Status(StatusCode::kInvalidArgument, "a rep needs a name",
                  {"http_missing_field", {{"field", "name"}}});
  }
  if (rep.role != "rep" && rep.role != "manager") {
    return Status(StatusCode::kInvalidArgument,
                  "role must be rep or manager, not '" + rep.role + "'",
                  {"http_field_one_of", {{"field", "role"}, {"choices", "rep, manager"}}});
  }
  const std::string id = rep.id.empty() ? ids_->Next() : rep.id;
  if (RepExists(id))
    return RefusalStatus(StatusCode::kConflict, {"http_rep_already_exists", {{"rep", id}}});
  SqlDb& db = sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  std::vector<std::pair<std::string, Value>> cols = {
      {"name", rep.name}, {"role", rep.role}, {"active", int64_t{1}}};
  if (!rep.phone.empty()) cols.emplace_back("phone", rep.phone);
  if (!rep.email.empty()) cols.emplace_back("email", rep.email);
  if (!rep.regions.empty()) cols.emplace_back("regions", rep.regions);
  FB_ASSIGN_OR_RETURN(PushResult written, Write({RowWrite{"reps", id, cols}}));
  if (!written.rejections.empty()) return Status::InvalidArgument(written.rejections[0].reason);
  FB_ASSIGN_OR_RETURN(auto issued, devices_->Issue(id, device));
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "rep.add";
  audit.subject = id;
  audit.after = {{"name", rep.name},
                 {"role", rep.role},
                 {"device", issued.first.device},
                 {"device_id", issued.first.id}};
  FB_RETURN_IF_ERROR(Audit(std::move(audit)));
  FB_RETURN_IF_ERROR(txn->Commit());
  return std::make_pair(id, std::move(issued.second));
}

Result<std::vector<RepInfo>> ServerStore::ListReps() {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      sql().Prepare(SqlFor(
          sql(),
          "SELECT id, name, role, active, (SELECT count(*) FROM srv_scope s JOIN customers c ON "
          "c.id = s.customer_id WHERE s.rep_id = reps.id AND c.deleted = 0) FROM reps WHERE "
          "deleted = 0 ORDER BY name, id",
          "SELECT id, name, role, active, (SELECT count(*) FROM srv_scope s JOIN customers c ON "
          "c.id = s.customer_id WHERE s.rep_id = reps.id AND c.deleted = 0) FROM reps WHERE "
          "deleted = 0 ORDER BY name COLLATE \"C\", id COLLATE \"C\"")));
  std::vector<RepInfo> out;
  FB_RETURN_IF_ERROR(VisitRows(*stmt, [&](auto& r) {
    out.push_back(RepInfo{r.Text(0), r.Text(1), r.Text(2), r.Int(3) != 0, r.Int(4)});
  }));
  return out;
}

Result<std::string> ServerStore::AddTerritory(const std::string& name, const std::string& region,
                                              const std::string& city) {
  if (name.empty()) {
    return Status(StatusCode::kInvalidArgument, "a territory needs a name",
                  {"http_missing_field", {{"field", "name"}}});
  }
  const std::string id = ids_->Next();
  std::vector<std::pair<std::string, Value>> cols = {{"name", name}};
  if (!region.empty()) cols.emplace_back("region", region);
  if (!city.empty()) cols.emplace_back("city", city);
  FB_ASSIGN_OR_RETURN(PushResult written, Write({RowWrite{"territories", id, cols}}));
  (void)written;
  return id;
}

Result<std::vector<TerritoryInfo>> ServerStore::ListTerritories() {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      sql().Prepare(
          SqlFor(sql(),
                 "SELECT id, name, region, city, rep_id, (SELECT count(*) FROM customers c "
                 "WHERE c.territory_id = t.id AND c.deleted = 0) FROM territories t "
                 "WHERE deleted = 0 ORDER BY name, id",
                 "SELECT id, name, region, city, rep_id, (SELECT count(*) FROM customers c "
                 "WHERE c.territory_id = t.id AND c.deleted = 0) FROM territories t "
                 "WHERE deleted = 0 ORDER BY name COLLATE \"C\", id COLLATE \"C\"")));
  std::vector<TerritoryInfo> out;
  FB_RETURN_IF_ERROR(VisitRows(*stmt, [&](auto& r) {
    out.push_back(TerritoryInfo{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5)});
  }));
  return out;
}

Status ServerStore::AssignTerritory(const std::string& territory_id, const std::string& rep_id,
                                    const std::string& actor, const std::string& reason) {
  const TableInfo& territories = *hub_->catalog().Find("territories");
  FB_ASSIGN_OR_RETURN(auto values, hub_->ReadValues(territories, territory_id));
  if (!values) return NoTerritory(territory_id);
  if (!RepExists(rep_id)) return NoRep(rep_id);
  const std::string previous = TextOr((*values)[territories.ColumnIndex("rep_id")]);

  SqlDb& db = sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  scope_reason_ = StorePhrase({"scope_territory_assigned",
                               {{"territory", territory_id}, {"rep", rep_id}, {"actor", actor}}});
  std::vector<RowWrite> writes = {RowWrite{"territories", territory_id, {{"rep_id", rep_id}}}};
  boost::json::array moved;
  // The previous rep's customers in the territory move with it.
  if (!previous.empty() && previous != rep_id) {
    FB_ASSIGN_OR_RETURN(SqlStatement * owned,
                        db.Prepare(SqlFor(db,
                                          "SELECT id FROM customers WHERE territory_id = ? AND "
                                          "owner_rep_id = ? ORDER BY id",
                                          "SELECT id FROM customers WHERE territory_id = ? AND "
                                          "owner_rep_id = ? ORDER BY id COLLATE \"C\"")));
    owned->Bind(1, territory_id).Bind(2, previous);
    FB_RETURN_IF_ERROR(VisitRows(*owned, [&](auto& r) {
      writes.push_back(RowWrite{"customers", r.Text(0), {{"owner_rep_id", rep_id}}});
      moved.push_back(boost::json::string(r.Text(0)));
    }));
  }
  FB_ASSIGN_OR_RETURN(PushResult written, Write(writes));
  (void)written;
  scope_reason_.clear();
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "territory.assign";
  audit.subject = territory_id;
  audit.before = {
      {"rep", previous.empty() ? boost::json::value(nullptr) : boost::json::value(previous)}};
  audit.after = {{"rep", rep_id}, {"customers_moved", moved}};
  audit.reason = reason;
  FB_RETURN_IF_ERROR(Audit(std::move(audit)));
  return txn->Commit();
}

Status ServerStore::ReassignCustomer(const std::string& customer_id, const std::string& rep_id,
                                     const std::string& actor, const std::string& reason,
                                     const std::string& action) {
  const TableInfo& customers = *hub_->catalog().Find("customers");
  FB_ASSIGN_OR_RETURN(auto values, hub_->ReadValues(customers, customer_id));
  if (!values) return NoCustomer(customer_id);
  if (!RepExists(rep_id)) return NoRep(rep_id);
  FB_ASSIGN_OR_RETURN(SqlStatement * pooled,
                      sql().Prepare("SELECT 1 FROM srv_pool WHERE customer_id = ?"));
  pooled->Bind(1, customer_id);
  FB_ASSIGN_OR_RETURN(bool in_pool, pooled->Step());
  pooled->Reset();
  if (in_pool) {
    return RefusalStatus(StatusCode::kConflict,
                         {"http_customer_in_pool", {{"customer", customer_id}}});
  }
  FB_ASSIGN_OR_RETURN(auto txn, sql().Begin());
  const std::string owner = TextOr((*values)[customers.ColumnIndex("owner_rep_id")]);
  FB_ASSIGN_OR_RETURN(std::string holder, HolderOf(customer_id));
  scope_reason_ = StorePhrase({"scope_reassigned", {{"rep", rep_id}, {"actor", actor}}});
  auto written = Write({RowWrite{"customers", customer_id, {{"owner_rep_id", rep_id}}}});
  scope_reason_.clear();
  if (!written.ok()) return written.status();
  auto or_null = [](const std::string& s) {
    return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
  };
  AuditEntry audit;
  audit.actor = actor;
  audit.action = action;
  audit.customer_id = customer_id;
  audit.before = {{"owner", or_null(owner)}, {"holder", or_null(holder)}};
  audit.after = {{"owner", rep_id}, {"holder", rep_id}};
  audit.reason = reason;
  FB_RETURN_IF_ERROR(Audit(std::move(audit)));
  return txn->Commit();
}

Status ServerStore::SetCustomerOwner(const std::string& customer_id, const std::string& rep_id,
                                     const std::string& reason) {
  const TableInfo& customers = *hub_->catalog().Find("customers");
  FB_ASSIGN_OR_RETURN(auto values, hub_->ReadValues(customers, customer_id));
  if (!values) return NoCustomer(customer_id);
  if (!rep_id.empty() && !RepExists(rep_id)) return NoRep(rep_id);
  FB_ASSIGN_OR_RETURN(auto txn, sql().Begin());
  scope_reason_ = reason;
  auto written = Write({RowWrite{
      "customers", customer_id, {{"owner_rep_id", rep_id.empty() ? Value() : Value(rep_id)}}}});
  scope_reason_.clear();
  if (!written.ok()) return written.status();
  // The write may not have changed the owner (a territory's customer going to the pool), while
  // srv_pool did change: recompute either way.
  FB_RETURN_IF_ERROR(RecomputeScope(customer_id, reason));
  return txn->Commit();
}

Result<PushResult> ServerStore::Write(const std::vector<RowWrite>& rows) {
  ApplyObserver observer = MakeScopeObserver();
  return hub_->Write(rows, &observer);
}

Result<PushResult> ServerStore::Write(const std::vector<RowWrite>& rows, bool move_fact_customers,
                                      const std::string& scope_reason) {
  ApplyObserver observer = MakeScopeObserver();
  PushOptions options;
  options.observer = &observer;
  options.move_fact_customers = move_fact_customers;
  scope_reason_ = scope_reason;
  auto written = hub_->Write(rows, options);
  scope_reason_.clear();
  return written;
}

Result<PushResult> ServerStore::WriteBulk(const std::vector<RowWrite>& rows,
                                          const std::vector<bool>& fresh,
                                          bool in_callers_transaction) {
  ApplyObserver observer = MakeScopeObserver();
  // The hub's write is a savepoint inside this transaction (or the caller's, which rolls back
  // whole on failure): its feed entries are stored with it.
  std::unique_ptr<StoreTransaction> txn;
  if (!in_callers_transaction) {
    FB_ASSIGN_OR_RETURN(txn, sql().Begin());
  } else if (!sql().InTransaction()) {
    return Status::InvalidArgument("WriteBulk: no caller's transaction is open");
  }
  bulk_feed_ = BulkFeed{};
  bulk_feed_.on = true;
  auto written = hub_->WriteBulk(rows, fresh, &observer, in_callers_transaction);
  Status s = written.status();
  if (s.ok()) s = FlushBulkFeed();
  bulk_feed_ = BulkFeed{};
  if (s.ok() && txn != nullptr) s = txn->Commit();
  if (!s.ok()) {
    txn.reset();
    hub_->ForgetUncommitted();
    return s;
  }
  return written;
}

ApplyObserver ServerStore::MakeScopeObserver() {
  return [this](const AppliedRow& row) -> Status {
    // The feed entry first: it goes to whoever holds the row's customer before this write moves
    // it (the scope event that follows brings the row to the new holder).
    std::optional<std::vector<std::string>> holders;
    FB_RETURN_IF_ERROR(FeedRow(row, &holders));
    auto touched = [&](const char* column) {
      for (const std::string& c : row.changed_columns) {
        if (c == column) return true;
      }
      return false;
    };
    if (row.table->name == "customers" &&
        (row.created || touched("owner_rep_id") || touched("territory_id"))) {
      // A customers row's feed holders are its srv_scope rows, unchanged since: not read again.
      static const std::string kCreated = StorePhrase({"scope_created", {}});
      return RecomputeScope(row.row_id, scope_reason_.empty() ? kCreated : scope_reason_,
                            holders ? &*holders : nullptr);
    }
    if (row.table->name == "territories" && (row.created || touched("rep_id"))) {
      FB_ASSIGN_OR_RETURN(
          SqlStatement * unowned,
          sql().Prepare(SqlFor(sql(),
                               "SELECT id FROM customers WHERE territory_id = ? AND "
                               "(owner_rep_id IS NULL OR owner_rep_id = '') ORDER BY id",
                               "SELECT id FROM customers WHERE territory_id = ? AND "
                               "(owner_rep_id IS NULL OR owner_rep_id = '') ORDER BY id "
                               "COLLATE \"C\"")));
      unowned->Bind(1, row.row_id);
      std::vector<std::string> ids;
      FB_RETURN_IF_ERROR(VisitRows(*unowned, [&](auto& r) { ids.push_back(r.Text(0)); }));
      static const std::string kTerritoryChanged = StorePhrase({"scope_territory_changed", {}});
      for (const std::string& id : ids) {
        FB_RETURN_IF_ERROR(
            RecomputeScope(id, scope_reason_.empty() ? kTerritoryChanged : scope_reason_));
      }
    }
    return Status::Ok();
  };
}

Status ServerStore::RecomputeScope(const std::string& customer_id, const std::string& reason,
                                   const std::vector<std::string>* known_holders) {
  SqlDb& db = sql();
  if (bulk_feed_.on) bulk_feed_.holders.erase(customer_id);
  FB_ASSIGN_OR_RETURN(SqlStatement * who,
                      db.Prepare("SELECT CASE WHEN EXISTS (SELECT 1 FROM srv_pool p WHERE "
                                 "p.customer_id = c.id) THEN NULL WHEN c.owner_rep_id IS NOT NULL "
                                 "AND c.owner_rep_id <> '' THEN c.owner_rep_id ELSE (SELECT "
                                 "t.rep_id FROM territories t WHERE t.id = c.territory_id AND "
                                 "t.deleted = 0) END FROM customers c WHERE c.id = ?"));
  who->Bind(1, customer_id);
  FB_ASSIGN_OR_RETURN(std::optional<std::string> holder,
                      ReadOneRow(*who, [](SqlStatement& s) { return s.Text(0); }));
  const std::string effective = holder.value_or("");

  std::vector<std::string> holders;
  if (known_holders != nullptr) {
    holders = *known_holders;
  } else {
    FB_ASSIGN_OR_RETURN(SqlStatement * current,
                        db.Prepare("SELECT rep_id FROM srv_scope WHERE customer_id = ?"));
    current->Bind(1, customer_id);
    FB_RETURN_IF_ERROR(VisitRows(*current, [&](auto& r) { holders.push_back(r.Text(0)); }));
  }

  // A change of srv_scope and its scope event. On PostgreSQL one statement (a data-modifying
  // WITH): one round trip instead of two.
  const bool postgres = db.dialect() == SqlDialect::kPostgres;
  auto change = [&](const std::string& rep, const char* kind) -> Status {
    const bool add = std::string_view(kind) == "added";
    if (!postgres) {
      FB_ASSIGN_OR_RETURN(
          SqlStatement * scope,
          db.Prepare(add ? "INSERT INTO srv_scope (rep_id, customer_id) VALUES (?, ?)"
                         : "DELETE FROM srv_scope WHERE rep_id = ? AND customer_id = ?"));
      scope->Bind(1, rep).Bind(2, customer_id);
      FB_RETURN_IF_ERROR(scope->Run());
    }
    FB_ASSIGN_OR_RETURN(uint64_t seq, hub_->AllocateSeq());
    constexpr std::string_view kEvent =
        "INSERT INTO srv_scope_events (seq, rep_id, customer_id, kind, hlc, reason) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    const std::string text =
        !postgres ? std::string(kEvent)
        : add     ? "WITH s AS (INSERT INTO srv_scope (rep_id, customer_id) VALUES (?2, ?3)) " +
                    std::string(kEvent)
              : "WITH s AS (DELETE FROM srv_scope WHERE rep_id = ?2 AND customer_id = ?3) " +
                    std::string(kEvent);
    FB_ASSIGN_OR_RETURN(SqlStatement * log, db.Prepare(text));
    log->Bind(1, static_cast<int64_t>(seq))
        .Bind(2, rep)
        .Bind(3, customer_id)
        .Bind(4, kind)
        .Bind(5, static_cast<int64_t>(hub_->clock().Now().packed()))
        .Bind(6, reason);
    return log->Run();
  };
  bool kept = false;
  for (const std::string& rep : holders) {
    if (rep == effective) {
      kept = true;
      continue;
    }
    FB_RETURN_IF_ERROR(change(rep, "removed"));
  }
  if (!effective.empty() && !kept) FB_RETURN_IF_ERROR(change(effective, "added"));
  return Status::Ok();
}

Result<std::unordered_set<std::string>> ServerStore::ScopeOf(const std::string& rep_id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      sql().Prepare("SELECT customer_id FROM srv_scope WHERE rep_id = ?"));
  stmt->Bind(1, rep_id);
  std::unordered_set<std::string> out;
  FB_RETURN_IF_ERROR(VisitRows(*stmt, [&](auto& r) { out.insert(r.Text(0)); }));
  return out;
}

Result<std::optional<Hlc>> ServerStore::LastRemoval(const std::string& rep_id,
                                                    const std::string& customer_id) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      sql().Prepare(std::string("SELECT hlc FROM srv_scope_events WHERE customer_id IN (") +
                    DuplicateStore::kMergedIntoSql +
                    ") AND rep_id = ?2 AND kind = "
                    "'removed' ORDER BY seq DESC LIMIT 1"));
  stmt->Bind(1, customer_id).Bind(2, rep_id);
  FB_ASSIGN_OR_RETURN(bool found, stmt->Step());
  if (!found) return std::optional<Hlc>();
  const Hlc hlc(static_cast<uint64_t>(stmt->Int(0)));
  stmt->Reset();
  return std::optional<Hlc>(hlc);
}

Result<std::string> ServerStore::CustomerOfRow(const TableInfo& t, const RowChange& change,
                                               bool* exists, bool* moves) {
  FB_ASSIGN_OR_RETURN(auto values, hub_->ReadValues(t, change.row_id));
  *exists = values.has_value();
  *moves = false;
  if (t.customer_column == "id") return change.row_id;
  std::string stored = values ? TextOr((*values)[t.customer_column_index]) : std::string();
  for (const ColumnChange& c : change.columns) {
    if (c.column != t.customer_column) continue;
    const std::string pushed = TextOr(c.value);
    if (*exists && pushed != stored) *moves = true;
    return pushed;
  }
  return stored;
}

Result<std::optional<std::string>> ServerStore::CheckRowRules(const TableInfo& t,
                                                              const RowChange& change,
                                                              const Principal& rep,
                                                              const std::string& customer,
                                                              bool exists) {
  using Verdict = std::optional<std::string>;
  // A row with a rep column (facts, check-ins) is recorded in the name of the rep who pushes it.
  if (!t.rep_column.empty()) {
    const ColumnChange* by = FindColumn(change, t.rep_column);
    if (by != nullptr ? TextOr(by->value) != rep.rep_id : !exists) {
      return Verdict("a " + t.name + " row is recorded in the name of the rep who pushes it (" +
                     t.rep_column + " = " + rep.rep_id + ")");
    }
  }
  // A correction voids a fact of the same table and the same customer, already recorded.
  if (t.voids_column.empty()) return Verdict();
  return CheckReference(*hub_, change, customer, t.voids_column, t);
}

Result<PushResult> ServerStore::ApplyRepPush(const Principal& rep, const ChangeSet& set) {
  RowGate gate = [&](const TableInfo& t, RowChange& change) -> GateDecision {
    // A read the gate needs failed: the hub rolls the whole push back and returns it.
    auto Failed = [](Status s) { return GateDecision{false, std::nullopt, std::move(s)}; };
    auto reject = [&](const char* code, std::string reason) {
      RowRejection r;
      r.table = t.name;
      r.row_id = change.row_id;
      r.code = code;
      r.reason = std::move(reason);
      return GateDecision{false, std::move(r)};
    };
    if (t.customer_column.empty()) {
      return reject("read_only_table", t.name + " are managed on the server");
    }
    // A row naming a garage merged away since is judged and stored as one of the survivor.
    auto followed = DuplicateStore(*this).FollowMerges(t, change);
    if (!followed.ok()) return Failed(followed.status());
    bool exists = false, moves = false;
    auto customer = CustomerOfRow(t, change, &exists, &moves);
    if (!customer.ok()) return Failed(customer.status());
    if (moves) return reject("invalid", "a " + t.name + " record cannot move to another customer");
    if (customer->empty()) return reject("invalid", t.name + " row names no customer");

    if (exists) {
      // A device that pushes its own writes again after a restore (docs/sync.md, "Restores")
      // resends the owner it created the customer with: the same value is no change, dropped.
      // (The hub answers the judged row from the read its merge uses: no second read.)
      auto stored = hub_->ReadValues(t, change.row_id);
      if (!stored.ok()) return Failed(stored.status());
      if (*stored) {
        std::erase_if(change.columns, [&](const ColumnChange& c) {
          const int idx = t.ColumnIndex(c.column);
          return t.IsServerOwned(c.column) && idx >= 0 && (**stored)[idx] == c.value;
        });
      }
      if (change.columns.empty()) return GateDecision{false, std::nullopt};
    }
    // Columns only the server writes (catalog.h), on new rows too; a new customer's owner is the
    // rep who creates it.
    for (const ColumnChange& c : change.columns) {
      if (!t.IsServerOwned(c.column)) continue;
      if (!exists && t.SetByCreator(c.column)) continue;
      return reject("read_only_column", c.column + " is set on the server, not by a device");
    }
    if (t.name == "customers" && !exists) {
      const ColumnChange* owner = FindColumn(change, "owner_rep_id");
      if (owner == nullptr || TextOr(owner->value) != rep.rep_id) {
        return reject("invalid",
                      "a new customer must be owned by the rep who creates it "
                      "(owner_rep_id = " +
                          rep.rep_id + ")");
      }
      return GateDecision{};
    }
    auto scope = sql().Prepare("SELECT 1 FROM srv_scope WHERE rep_id = ? AND customer_id = ?");
    if (!scope.ok()) return Failed(scope.status());
    (*scope)->Bind(1, rep.rep_id).Bind(2, *customer);
    auto in_scope = (*scope)->Step();
    if (!in_scope.ok()) return Failed(in_scope.status());
    (*scope)->Reset();
    std::optional<Hlc> removed;
    if (!*in_scope) {
      auto removal = LastRemoval(rep.rep_id, *customer);
      if (!removal.ok()) return Failed(removal.status());
      if (!*removal)
        return reject("out_of_scope", "customer " + *customer + " is not assigned to you");
      removed = *removal;
    }
    // The row's own rules, once the customer is known to be the rep's (or was, before a move):
    // checked after the scope, so a refusal never tells a prober about another rep's rows.
    auto rules = CheckRowRules(t, change, rep, *customer, exists);
    if (!rules.ok()) return Failed(rules.status());
    if (rules->has_value()) return reject("invalid", std::move(**rules));
    for (const Reference& ref : kReferences) {
      const TableInfo* target = hub_->catalog().Find(ref.target);
      if (t.name != ref.table || target == nullptr) continue;
      auto verdict = CheckReference(*hub_, change, *customer, ref.column, *target);
      if (!verdict.ok()) return Failed(verdict.status());
      if (verdict->has_value()) return reject("invalid", std::move(**verdict));
    }
    if (*in_scope) return GateDecision{};

    // Work recorded before the rep learned of the move is kept: facts always, attributed to them.
    if (t.is_fact()) return GateDecision{};
    // Field edits: those stamped before the move merge, later ones wait for review.
    auto decision = DivertAfterMove(rep.rep_id, t, change, *customer, exists, *removed);
    if (!decision.ok()) return Failed(decision.status());
    return *decision;
  };
  ApplyObserver observer = MakeScopeObserver();
  PushOptions options;
  options.gate = &gate;
  options.observer = &observer;
  // The push is the hub's transaction (a savepoint of a group commit's batch): a gate that fails
  // rolls it back whole, so a set is never half applied, and its stored answer never hides a row
  // that was skipped by an error; a refused row is refused alone (the rest is applied).
  scope_reason_ = StorePhrase({"scope_created_by", {{"rep", rep.rep_id}}});
  auto result = hub_->ApplyPush(set, options);
  scope_reason_.clear();
  return result;
}

Status ServerStore::ExportForRep(const std::string& rep_id, std::ostream& out) {
  if (!RepExists(rep_id)) return NoRep(rep_id);
  FB_ASSIGN_OR_RETURN(auto customers, ScopeOf(rep_id));
  ExportFilter filter = [&](const TableInfo& t, const std::string& id,
                            const std::vector<Value>& values) {
    if (t.customer_column.empty()) return true;
    if (t.customer_column == "id") return customers.count(id) > 0;
    return customers.count(TextOr(values[t.customer_column_index])) > 0;
  };
  if (pg_ != nullptr) {
    // One snapshot for every table (SQLite's export takes its own).
    FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> snapshot, sql().BeginRead());
    FB_RETURN_IF_ERROR(pg::WritePgCanonicalExport(*pg_->db, hub_->catalog(), out, &filter));
    return snapshot->Commit();
  }
  return WriteCanonicalExport(hub_->db(), hub_->catalog(), out, &filter);
}

}  // namespace fieldbook::server
