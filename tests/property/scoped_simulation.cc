#include "property/scoped_simulation.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>

#include "api/sync_service.h"
#include "column_versions.h"
#include "commands/demo_seed.h"
#include "fieldbook/canonical_export.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/columns.h"
#include "fieldbook/replica.h"
#include "http/metrics.h"
#include "store/backup.h"
#include "store/grading_store.h"
#include "store/server_store.h"
#include "support/sync_fixture.h"
#include "sync/sync_engine.h"

namespace fieldbook::testing {

namespace {

constexpr uint64_t kDayMs = 24ull * 3600 * 1000;

const char* const kNotes[] = {"改之前", "改之后", "月结", "嘉实多 5W-30", "换刹车片", "老板姓王"};
const char* const kPhones[] = {"13800138001", "13800138002", "020-8888-6666", "13512345678"};
const char* const kStages[] = {"aware", "interested", "deciding", "customer"};
const char* const kRelations[] = {"potential", "existing", "vip"};
const char* const kTaskStatus[] = {"open", "done", "cancelled"};

// The first column of every row `sql` selects (a device's Db, or the server's SqlDb).
template <typename Database>
std::vector<std::string> Column(Database& db, const std::string& sql) {
  std::vector<std::string> out;
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return out;
  while (true) {
    auto row = (*stmt)->Step();
    if (!row.ok() || !*row) break;
    out.push_back((*stmt)->Text(0));
  }
  return out;
}

// The first column of the first row `sql` selects (NULL when none), on a device's Db or on the
// server's database through the storage seam (either backend).
template <typename Database>
Value FirstValue(Database& db, const std::string& sql, std::initializer_list<Value> params = {}) {
  auto stmt = db.Prepare(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
  if (!stmt.ok()) return {};
  BindValues(**stmt, params);
  auto found = ReadOneRow(**stmt, [](auto& row) { return row.Get(0); });
  EXPECT_TRUE(found.ok()) << found.status().ToString();
  return found.ok() && *found ? **found : Value();
}

size_t Lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

std::string FirstDifference(const std::string& want, const std::string& got) {
  size_t at = 0;
  while (at < want.size() && at < got.size() && want[at] == got[at]) ++at;
  const size_t line = want.rfind('\n', at) == std::string::npos ? 0 : want.rfind('\n', at) + 1;
  return "\n  server: " + want.substr(line, 240) + "\n  device: " + got.substr(line, 240);
}

}  // namespace

std::string ScopedSimulationStats::ToString() const {
  std::ostringstream o;
  o << local_writes << " local writes (" << reentered_values << " re-entered values), " << syncs
    << " syncs (" << syncs_cut << " cut short, " << rebuilds << " rebuilds), " << exchanges
    << " exchanges (" << answers_lost << " answers lost, at most " << max_exchanges
    << " in one sync), " << reassignments << " reassignments, " << trims << " trims, "
    << compactions << " compactions, " << restores << " restores, " << grade_runs << " grade runs, "
    << conflicts_resolved << " conflicts resolved, " << edits_checked << " edits checked ("
    << edits_in_review << " waiting for review, " << edits_unrecoverable
    << " lost with a restore that no device held any more, " << edits_superseded
    << " superseded by a manager's apply)";
  return o.str();
}

struct ScopedSimulation::Edit {
  std::string table;
  std::string row_id;
  std::string column;
  Value value;
  Hlc hlc;
  std::string replica;
  int device = 0;
};

struct ScopedSimulation::Server {
  std::unique_ptr<server::ServerStore> store;
  server::Metrics metrics;
  std::unique_ptr<server::SyncService> service;
};

// The device's wire: the real codec and the real SyncService, with faults.
class ScopedSimulation::Transport final : public client::SyncTransport {
 public:
  Transport(ScopedSimulation& sim, std::string token) : sim_(sim), token_(std::move(token)) {}

  // Faults for the next sync: `budget` exchanges before the device dies (-1: no limit).
  void Arm(bool faults, int budget) {
    faults_ = faults;
    budget_ = budget;
    exchanges_ = 0;
    cut_ = false;
  }
  int exchanges() const { return exchanges_; }
  bool cut() const { return cut_; }

  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    if (budget_ >= 0 && exchanges_ >= budget_) {
      cut_ = true;
      return Status::Unavailable("the device was killed");
    }
    ++exchanges_;
    ++sim_.stats_.exchanges;
    if (faults_ && sim_.Chance(sim_.config_.lose_request)) {
      return Status::Unavailable("the request was lost");
    }
    server::HttpRequest http;
    http.method = "POST";
    http.target = "/v1/sync";
    http.authorization = "Bearer " + token_;
    http.content_type = server::kSyncContentType;
    http.body = EncodeSyncRequest(request);
    http.remote = "127.0.0.1";
    server::HttpResponse answer = sim_.server_->service->Handle(http);
    if (faults_ && sim_.Chance(sim_.config_.lose_answer)) {
      ++sim_.stats_.answers_lost;
      return Status::Unavailable("the answer was lost");
    }
    if (answer.status != 200) {
      return Status::Internal("the server answered " + std::to_string(answer.status) + ": " +
                              answer.body);
    }
    return DecodeSyncResponse(answer.body);
  }

 private:
  ScopedSimulation& sim_;
  std::string token_;
  bool faults_ = false;
  int budget_ = -1;
  int exchanges_ = 0;
  bool cut_ = false;
};

struct ScopedSimulation::Device {
  int index = 0;
  std::string rep;
  std::string path;
  std::unique_ptr<Replica> replica;
  std::unique_ptr<Transport> transport;
  Hlc last_recorded;
};

ScopedSimulation::ScopedSimulation(uint64_t seed, ScopedSimulationConfig config)
    : seed_(seed), config_(config), rng_(seed) {}

ScopedSimulation::~ScopedSimulation() = default;

bool ScopedSimulation::Chance(double p) {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
}

size_t ScopedSimulation::Pick(size_t n) {
  return std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
}

Status ScopedSimulation::OpenServer() {
  server_ = std::make_unique<Server>();
  const std::string db = config_.server_db.empty() ? dir_.File("server.db") : config_.server_db;
  FB_ASSIGN_OR_RETURN(server_->store, server::ServerStore::Open(db, wall_));
  server::SyncServiceOptions options;
  options.default_page_rows = config_.page_rows;
  options.max_page_rows = config_.page_rows;
  server_->service =
      std::make_unique<server::SyncService>(*server_->store, server_->metrics, wall_, options);
  return Status::Ok();
}

Status ScopedSimulation::Setup() {
  FB_RETURN_IF_ERROR(OpenServer());
  server::DemoSeedOptions seed;
  seed.customers = config_.customers;
  seed.seed = seed_;
  FB_ASSIGN_OR_RETURN(server::DemoSeedReport demo, server::SeedDemo(*server_->store, wall_, seed));
  int with_devices = 0;
  for (const server::DemoRep& rep : demo.reps) {
    if (rep.role != "rep") continue;
    reps_.push_back(rep.id);
    if (with_devices >= config_.reps_with_devices) continue;
    ++with_devices;
    for (int i = 0; i < config_.devices_per_rep; ++i) {
      auto d = std::make_unique<Device>();
      d->index = static_cast<int>(devices_.size());
      d->rep = rep.id;
      d->path = dir_.File("device-" + std::to_string(d->index) + ".db");
      FB_ASSIGN_OR_RETURN(
          std::string token,
          server_->store->IssueToken(rep.id, "device " + std::to_string(i), "simulation"));
      d->transport = std::make_unique<Transport>(*this, token);
      devices_.push_back(std::move(d));
    }
  }
  for (auto& d : devices_) FB_RETURN_IF_ERROR(Reopen(*d));
  // Each rep's first device starts synced; the others make their first sync in the run, with
  // faults, some of them after history was trimmed.
  for (auto& d : devices_) {
    if (d->index % config_.devices_per_rep == 0) FB_RETURN_IF_ERROR(Sync(*d, false));
  }
  return Status::Ok();
}

Status ScopedSimulation::Reopen(Device& d) {
  d.replica.reset();
  ReplicaOptions options;
  options.replica_id = "device-" + std::to_string(d.index);
  options.id_seed = seed_ * 131 + static_cast<uint64_t>(d.index) * 7 + stats_.syncs;
  FB_ASSIGN_OR_RETURN(d.replica, Replica::Open(d.path, wall_, options));
  return Status::Ok();
}

Status ScopedSimulation::LocalWrite(Device& d, const std::string& only) {
  Db& db = d.replica->db();
  const auto customers = Column(db, "SELECT id FROM customers WHERE deleted = 0 ORDER BY id");
  if (customers.empty()) return Status::Ok();
  const Value customer = Value(only.empty() ? customers[Pick(customers.size())] : only);
  const Value id = Value(d.replica->ids().Next());
  auto pick = [&](const auto& arr) { return Value(std::string(arr[Pick(std::size(arr))])); };
  Status s;
  switch (only.empty() ? Pick(11) : std::array<size_t, 5>{0, 1, 3, 4, 9}[Pick(5)]) {
    case 0:
    case 1:
    case 2: {
      // A field edit; a quarter of them re-enter the value the device shows now, which is still
      // an edit with a new stamp (another device may have changed it meanwhile).
      const char* const columns[] = {"notes", "phone", "purchase_stage", "relationship", "lat"};
      const std::string column = columns[Pick(5)];
      // Coordinates: doubles that must survive every encoding exactly (JSON included).
      Value value = column == "lat"
                        ? Value(std::uniform_real_distribution<double>(-89.9, 89.9)(rng_))
                    : column == "notes"          ? pick(kNotes)
                    : column == "phone"          ? pick(kPhones)
                    : column == "purchase_stage" ? pick(kStages)
                                                 : pick(kRelations);
      if (Chance(0.25)) {
        value = QueryValue(db, "SELECT \"" + column + "\" FROM customers WHERE id = ?", {customer});
        ++stats_.reentered_values;
      }
      s = Exec(db, "UPDATE customers SET \"" + column + "\" = ? WHERE id = ?", {value, customer});
      if (s.ok()) {
        // Every explicit write is an edit with a new stamp, even when it equals what is shown.
        const int bit = d.replica->catalog().Find("customers")->ColumnIndex(column);
        Value queued =
            QueryValue(db,
                       "SELECT count(*) FROM fb_outbox WHERE row_id = ? AND hlc > ? "
                       "AND (cols >> ?) & 1",
                       {customer, I(static_cast<int64_t>(d.last_recorded.packed())), I(bit)});
        if (queued != I(1) && queued != I(2)) {
          return Status::Internal(d.replica->replica_id() + ": the edit of customers." + column +
                                  " of " + std::get<std::string>(customer) + " was not captured");
        }
      }
      break;
    }
    case 3:
      s = Exec(db, "INSERT INTO contacts (id, customer_id, name, phone, title) VALUES (?,?,?,?,?)",
               {id, customer, S("王师傅"), pick(kPhones), S("采购")});
      break;
    case 4:
      s = Exec(db,
               "INSERT INTO tasks (id, customer_id, rep_id, due_date, kind, status, title) "
               "VALUES (?, ?, ?, '2026-12-20', 'call', 'open', ?)",
               {id, customer, Value(d.rep), pick(kNotes)});
      break;
    case 5: {
      const auto tasks = Column(db, "SELECT id FROM tasks WHERE deleted = 0 ORDER BY id");
      if (tasks.empty()) return Status::Ok();
      s = Exec(db, "UPDATE tasks SET status = ?, notes = ? WHERE id = ?",
               {pick(kTaskStatus), pick(kNotes), Value(tasks[Pick(tasks.size())])});
      break;
    }
    case 6:
      s = Exec(db,
               "INSERT INTO visits (id, customer_id, rep_id, check_in, purpose, outcome, notes) "
               "VALUES (?, ?, ?, '2026-11-30T09:00:00Z', 'routine', 'ordered', ?)",
               {id, customer, Value(d.rep), pick(kNotes)});
      break;
    case 7: {
      FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
      FB_RETURN_IF_ERROR(Exec(db,
                              "INSERT INTO orders (id, customer_id, rep_id, order_date, "
                              "amount_cents, currency) VALUES (?, ?, ?, '2026-11-30', ?, 'CNY')",
                              {id, customer, Value(d.rep), I(int64_t(1000 + Pick(90000)))}));
      FB_RETURN_IF_ERROR(Exec(db,
                              "INSERT INTO order_lines (id, order_id, customer_id, part_no, "
                              "quantity, unit_price_cents) VALUES (?, ?, ?, 'BP-1043', 2, 1999)",
                              {Value(d.replica->ids().Next()), id, customer}));
      s = txn->Commit();
      break;
    }
    case 8:
      s = Exec(db,
               "INSERT INTO feedback (id, customer_id, rep_id, created_at, satisfaction) "
               "VALUES (?, ?, ?, '2026-11-30T10:00:00Z', ?)",
               {id, customer, Value(d.rep), I(int64_t(1 + Pick(5)))});
      break;
    case 9: {  // a customer's preferences: added, or its note edited
      const auto prefs =
          Column(db, "SELECT id FROM customer_preferences WHERE deleted = 0 ORDER BY id");
      if (prefs.empty() || Chance(0.5) || !only.empty()) {
        const char* const kinds[] = {"brand", "payment_terms", "delivery"};
        s = Exec(db,
                 "INSERT INTO customer_preferences (id, customer_id, kind, value, note) "
                 "VALUES (?, ?, ?, ?, ?)",
                 {id, customer, pick(kinds), pick(kNotes), pick(kNotes)});
      } else {
        s = Exec(db, "UPDATE customer_preferences SET note = ? WHERE id = ?",
                 {pick(kNotes), Value(prefs[Pick(prefs.size())])});
      }
      break;
    }
    default: {
      const auto contacts = Column(db, "SELECT id FROM contacts WHERE deleted = 0 ORDER BY id");
      if (contacts.empty()) return Status::Ok();
      s = Exec(db, "UPDATE contacts SET phone = ?, notes = ? WHERE id = ?",
               {pick(kPhones), pick(kNotes), Value(contacts[Pick(contacts.size())])});
      break;
    }
  }
  FB_RETURN_IF_ERROR(s);
  ++stats_.local_writes;
  return RecordCaptured(d);
}

// Records what capture queued, column by column, for the "no accepted edit is lost" check.
Status ScopedSimulation::RecordCaptured(Device& d) {
  FB_ASSIGN_OR_RETURN(std::vector<CapturedEdit> captured,
                      CapturedSince(*d.replica, d.last_recorded));
  for (CapturedEdit& c : captured) {
    edits_.push_back(Edit{std::move(c.table), std::move(c.row_id), std::move(c.column),
                          std::move(c.value), c.hlc, d.replica->replica_id(), d.index});
  }
  return Status::Ok();
}

Status ScopedSimulation::Sync(Device& d, bool faults) {
  const bool cut = faults && Chance(config_.cut_sync);
  d.transport->Arm(faults, cut ? static_cast<int>(1 + Pick(6)) : -1);
  client::SyncOptions options;
  options.page_rows = config_.page_rows;
  options.max_page_rows = config_.page_rows;
  options.prefetch = false;        // one thread, so that a seed replays exactly
  options.max_round_trips = 1000;  // far above the bound checked below
  client::SyncEngine engine(*d.replica, *d.transport, options);
  auto report = engine.SyncOnce();
  ++stats_.syncs;
  const int exchanges = d.transport->exchanges();
  stats_.max_exchanges = std::max(stats_.max_exchanges, exchanges);
  if (report.ok()) {
    if (report->rebuilt) ++stats_.rebuilds;
    // A sync costs in proportion to what it moves: pages of the rows it received and pushed, and a
    // few exchanges more (the final page, a rebuild's restart, verification, repairs).
    const size_t moved = report->rows_received + report->rows_pushed + report->rows_repaired;
    const int bound = 8 + 2 * static_cast<int>((moved + config_.page_rows - 1) / config_.page_rows);
    if (exchanges > bound) {
      return Status::Internal(d.replica->replica_id() + ": a sync took " +
                              std::to_string(exchanges) + " exchanges to move " +
                              std::to_string(moved) + " rows (bound " + std::to_string(bound) +
                              ")");
    }
    return Status::Ok();
  }
  if (!faults)
    return Status(report.status().code(),
                  "a sync without faults failed: " + report.status().message());
  if (report.status().code() != StatusCode::kUnavailable) {
    return Status(report.status().code(), "sync failed: " + report.status().message());
  }
  if (d.transport->cut()) {
    ++stats_.syncs_cut;
    return Reopen(d);  // the device was killed: whatever it had not committed is gone
  }
  return Status::Ok();
}

Status ScopedSimulation::Reassign() {
  server::ServerStore& store = *server_->store;
  const auto customers =
      Column(store.sql(), "SELECT id FROM customers WHERE deleted = 0 ORDER BY id");
  if (customers.empty()) return Status::Ok();
  // Mostly a customer a device has just edited and not pushed yet, so that edits cross a scope
  // change (and the device edits it again before it learns of the move).
  std::string customer = customers[Pick(customers.size())];
  Device* editor = nullptr;
  if (Chance(0.7)) {
    Device& d = *devices_[Pick(devices_.size())];
    const auto pending =
        Column(d.replica->db(),
               "SELECT DISTINCT coalesce((SELECT customer_id FROM contacts WHERE id = o.row_id), "
               "(SELECT customer_id FROM tasks WHERE id = o.row_id), "
               "(SELECT customer_id FROM customer_preferences WHERE id = o.row_id), o.row_id) "
               "FROM fb_outbox o "
               "ORDER BY 1");
    if (!pending.empty()) {
      customer = pending[Pick(pending.size())];
      editor = &d;
    }
  }
  // Mostly between the reps with devices.
  const size_t reps =
      Chance(0.8) ? std::min<size_t>(config_.reps_with_devices, reps_.size()) : reps_.size();
  Status s = store.ReassignCustomer(customer, reps_[Pick(reps)], "simulation");
  // kConflict: in the public pool; kNotFound: a row the device made that is not a customer's.
  if (!s.ok() && s.code() != StatusCode::kConflict && s.code() != StatusCode::kNotFound) return s;
  if (!s.ok()) return Status::Ok();
  ++stats_.reassignments;
  // The device, not knowing yet, goes on working on the customer: edits and new rows after the
  // move, beside the ones before it.
  if (editor != nullptr && Chance(0.7)) {
    const Value held = QueryValue(editor->replica->db(),
                                  "SELECT count(*) FROM customers WHERE id = ? AND deleted = 0",
                                  {Value(customer)});
    if (held == I(1)) {
      for (size_t i = 0, n = 1 + Pick(3); i < n; ++i)
        FB_RETURN_IF_ERROR(LocalWrite(*editor, customer));
    }
  }
  return Status::Ok();
}

Status ScopedSimulation::ManagerEdit() {
  server::ServerStore& store = *server_->store;
  const auto customers =
      Column(store.sql(), "SELECT id FROM customers WHERE deleted = 0 ORDER BY id");
  if (customers.empty()) return Status::Ok();
  FB_ASSIGN_OR_RETURN(
      PushResult written,
      store.Write({RowWrite{"customers",
                            customers[Pick(customers.size())],
                            {{"notes", Value(std::string("经理: ") + kNotes[Pick(6)])}}}}));
  if (!written.rejections.empty()) return Status::Internal(written.rejections[0].reason);
  return Status::Ok();
}

// A manager applies or dismisses one open conflict. An applied value is stored exactly as the rep
// wrote it.
Status ScopedSimulation::ResolveConflict() {
  server::ServerStore& store = *server_->store;
  FB_ASSIGN_OR_RETURN(std::vector<server::Conflict> open, store.ListConflicts("", true));
  if (open.empty()) return Status::Ok();
  const server::Conflict c = open[Pick(open.size())];
  const bool apply = Chance(0.6);
  FB_RETURN_IF_ERROR(store.ResolveConflict(c.id, apply ? "apply" : "dismiss", "manager-sim"));
  ++stats_.conflicts_resolved;
  if (!apply) return Status::Ok();
  // The manager's decision is the latest write of that field: every edit of it made so far is
  // superseded (the console shows the current value beside the held one before applying).
  superseded_.resize(edits_.size(), false);
  for (size_t i = 0; i < edits_.size(); ++i) {
    if (edits_[i].row_id == c.row_id && (c.column == "*" || edits_[i].column == c.column)) {
      superseded_[i] = true;
    }
  }
  for (const Edit& edit : edits_) {
    if (edit.row_id != c.row_id || edit.hlc != c.hlc || edit.column != c.column) continue;
    const TableInfo& t = *store.hub().catalog().Find(edit.table);
    Value now = FirstValue(store.sql(),
                           "SELECT \"" + edit.column + "\" FROM \"" + t.name + "\" WHERE id = ?",
                           {Value(edit.row_id)});
    if (now != edit.value) {
      return Status::Internal("applying conflict " + std::to_string(c.id) + " stored " +
                              ValueToDebugString(now) + " for " + edit.table + "." + edit.column +
                              " where the rep wrote " + ValueToDebugString(edit.value));
    }
  }
  return Status::Ok();
}

Status ScopedSimulation::GradeRun() {
  server::GradingStore grading(*server_->store);
  FB_ASSIGN_OR_RETURN(int32_t today, server::DayOrToday("", wall_));
  FB_ASSIGN_OR_RETURN(server::GradeRun run, grading.GradeAll(today));
  (void)run;
  ++stats_.grade_runs;
  return Status::Ok();
}

Status ScopedSimulation::Trim() {
  server::ServerStore& store = *server_->store;
  FB_ASSIGN_OR_RETURN(uint64_t latest, store.hub().LatestSeq());
  FB_ASSIGN_OR_RETURN(uint64_t floor, store.HistoryFloor());
  const uint64_t before = floor + (latest > floor ? Pick(latest - floor + 1) : 0);
  // Stored push answers go too: a device whose answer was lost retries into an empty memory.
  FB_ASSIGN_OR_RETURN(uint64_t raised, store.TrimHistory(before, wall_.NowMs() + 1));
  (void)raised;
  ++stats_.trims;
  return Status::Ok();
}

// The nightly compaction's steps with a retention of zero: everything up to now is history.
Status ScopedSimulation::Compact() {
  server::ServerStore& store = *server_->store;
  FB_ASSIGN_OR_RETURN(uint64_t latest, store.hub().LatestSeq());
  FB_ASSIGN_OR_RETURN(uint64_t floor, store.RaiseHistoryFloor(latest));
  server::ScopeTrim trim;
  while (!trim.done) {
    FB_ASSIGN_OR_RETURN(trim, store.TrimScopeEvents(trim.scanned_to, floor, 500));
  }
  for (bool more = true; more;) {
    FB_ASSIGN_OR_RETURN(TombstonePurge purge, store.hub().PurgeTombstones(floor, 500));
    more = purge.more;
  }
  for (size_t n = 1; n > 0;) {
    FB_ASSIGN_OR_RETURN(n, store.TrimAppliedSets(wall_.NowMs() + 1, 500));
  }
  ++stats_.compactions;
  return Status::Ok();
}

Status ScopedSimulation::Backup() {
  server::BackupOptions options;
  options.dir = dir_.File("backups");
  options.keep = 2;
  FB_ASSIGN_OR_RETURN(server::BackupInfo info,
                      server::WriteBackup(dir_.File("server.db"), options, wall_.NowMs()));
  last_backup_ = info.file;
  return Status::Ok();
}

Status ScopedSimulation::Restore() {
  if (last_backup_.empty()) return Backup();
  server_.reset();
  server::RestoreOptions options;
  options.force = true;
  FB_ASSIGN_OR_RETURN(server::RestoreInfo info,
                      server::RestoreBackup(last_backup_, dir_.File("server.db"), options, wall_));
  (void)info;
  ++stats_.restores;
  FB_RETURN_IF_ERROR(OpenServer());
  return MarkUnrecoverable();
}

// What a restore can give back (docs/sync.md, "Restores"): a device sends again each column
// version it holds as its own write (its own origin in the row, or a write still in its outbox);
// the server keeps the greater version. So an edit the restored server lacks comes back if some
// device holds it or a later version of its cell as its own. It cannot come back when no device
// does: its device was emptied for a rebuild (a trim, a compaction or an earlier restore) and had
// not received it again, and the devices that pulled it hold it as another device's write, which
// they do not send. A device holds the same at the restore as when it next syncs and learns of
// it (until then it only adds writes of its own), so the set is decided here.
Status ScopedSimulation::MarkUnrecoverable() {
  unrecoverable_.resize(edits_.size(), false);
  Hub& hub = server_->store->hub();
  OriginRegistry hub_origins(server_->store->sql());
  FB_RETURN_IF_ERROR(hub_origins.Load());
  FB_ASSIGN_OR_RETURN(std::vector<server::Conflict> conflicts,
                      server_->store->ListConflicts("", false));
  // The version of a cell in `db`, and its origin's replica id; nullopt when the row is absent.
  auto version = [](auto& db, OriginRegistry& origins, const TableInfo& t,
                    const Edit& e) -> std::optional<std::pair<Hlc, std::string>> {
    Value blob =
        FirstValue(db, "SELECT _v FROM \"" + t.name + "\" WHERE id = ?", {Value(e.row_id)});
    const std::string* bytes = std::get_if<std::string>(&blob);
    if (bytes == nullptr) return std::nullopt;
    auto versions = ColumnVersions::Decode(*bytes, t.columns.size());
    if (!versions.ok()) return std::nullopt;
    const ColumnVersion& v = (*versions)[t.ColumnIndex(e.column)];
    if (v.empty()) return std::nullopt;
    return std::make_pair(v.hlc, origins.IdOf(v.origin));
  };
  std::vector<std::unique_ptr<OriginRegistry>> device_origins;
  for (auto& d : devices_) {
    device_origins.push_back(std::make_unique<OriginRegistry>(d->replica->db()));
    FB_RETURN_IF_ERROR(device_origins.back()->Load());
  }
  for (size_t i = 0; i < edits_.size(); ++i) {
    if (unrecoverable_[i]) continue;
    const Edit& e = edits_[i];
    const TableInfo& t = *hub.catalog().Find(e.table);
    auto at_server = version(server_->store->sql(), hub_origins, t, e);
    if (at_server && !VersionGreater(e.hlc, e.replica, at_server->first, at_server->second)) {
      continue;  // the backup had it, or a later version
    }
    const bool diverted = std::any_of(conflicts.begin(), conflicts.end(), [&](const auto& c) {
      return c.row_id == e.row_id && (c.column == "*" || (c.column == e.column && c.hlc == e.hlc));
    });
    if (diverted) continue;
    bool held = false;
    for (size_t k = 0; k < devices_.size() && !held; ++k) {
      Device& d = *devices_[k];
      const std::string& self = d.replica->replica_id();
      auto own = version(d.replica->db(), *device_origins[k], t, e);
      if (own && own->second == self && !VersionGreater(e.hlc, e.replica, own->first, self)) {
        held = true;
        break;
      }
      // A write still in the outbox (its version is stored in the row once acknowledged).
      const int64_t later = static_cast<int64_t>(e.hlc.packed()) + (self == e.replica ? 0 : 1);
      Value queued = QueryValue(d.replica->db(),
                                "SELECT count(*) FROM fb_outbox WHERE tbl = ? AND row_id = ? AND "
                                "(cols >> ?) & 1 AND hlc >= ?",
                                {I(t.code), Value(e.row_id), I(t.ColumnIndex(e.column)), I(later)});
      held = queued != I(0);
    }
    if (!held) unrecoverable_[i] = true;
  }
  return Status::Ok();
}

Status ScopedSimulation::Run() {
  FB_RETURN_IF_ERROR(Setup());
  for (int step = 0; step < config_.steps; ++step) {
    wall_.Advance(1000 + Pick(120000));
    if (Chance(0.03)) wall_.Advance(kDayMs);
    Device& d = *devices_[Pick(devices_.size())];
    const size_t action = Pick(100);
    Status s;
    if (action < 40) {
      for (size_t i = 0, n = 1 + Pick(3); i < n && s.ok(); ++i) s = LocalWrite(d);
    } else if (action < 72) {
      s = Sync(d, true);
    } else if (action < 76) {
      s = Reopen(d);
    } else if (action < 83) {
      if (config_.reassignments) s = Reassign();
    } else if (action < 85) {
      if (config_.manager_edits) s = ManagerEdit();
    } else if (action < 87) {
      if (config_.conflict_reviews) s = ResolveConflict();
    } else if (action < 90) {
      if (config_.grade_runs) s = GradeRun();
    } else if (action < 93) {
      if (config_.trims) s = Trim();
    } else if (action < 96) {
      if (config_.compactions) s = Compact();
    } else if (action < 98) {
      if (config_.restores) s = Backup();
    } else {
      if (config_.restores) s = Restore();
    }
    if (!s.ok()) return Status(s.code(), "step " + std::to_string(step) + ": " + s.message());
  }
  // Heal: every device syncs twice without faults (the second round brings what the others
  // pushed in the first).
  for (int round = 0; round < 2; ++round) {
    for (auto& d : devices_) {
      wall_.Advance(1000);
      FB_RETURN_IF_ERROR(Sync(*d, false));
    }
  }
  return Status::Ok();
}

Status ScopedSimulation::Check() {
  server::ServerStore& store = *server_->store;
  std::map<std::string, std::string> exports;
  for (auto& d : devices_) {
    FB_ASSIGN_OR_RETURN(int64_t pending, d->replica->PendingWriteCount());
    if (pending != 0) {
      return Status::Internal(d->replica->replica_id() + " still has " + std::to_string(pending) +
                              " pending writes");
    }
    if (!exports.count(d->rep)) {
      std::ostringstream out;
      FB_RETURN_IF_ERROR(store.ExportForRep(d->rep, out));
      exports[d->rep] = out.str();
      if (Lines(exports[d->rep]) < 200) {
        return Status::Internal(d->rep + " holds only " + std::to_string(Lines(exports[d->rep])) +
                                " rows: the simulation is meant to span many pages");
      }
    }
    FB_ASSIGN_OR_RETURN(std::string got, CanonicalExport(d->replica->db(), d->replica->catalog()));
    if (got != exports[d->rep]) {
      return Status::Internal(d->replica->replica_id() + " (" + d->rep + ", " +
                              std::to_string(Lines(got)) + " rows) differs from the server (" +
                              std::to_string(Lines(exports[d->rep])) +
                              " rows):" + FirstDifference(exports[d->rep], got));
    }
  }

  // No accepted edit is lost: the server holds it, or a greater version, or it waits for review
  // (diverted after a reassignment, or refused with a reason the device shows).
  OriginRegistry origins(store.sql());
  FB_RETURN_IF_ERROR(origins.Load());
  FB_ASSIGN_OR_RETURN(std::vector<server::Conflict> conflicts, store.ListConflicts("", false));
  std::vector<std::vector<ReviewItem>> reviews;
  for (auto& d : devices_) {
    FB_ASSIGN_OR_RETURN(std::vector<ReviewItem> items, d->replica->ReviewList());
    reviews.push_back(std::move(items));
  }
  // A diverted edit waits for review once, however often its push was retried.
  std::map<std::tuple<std::string, std::string, uint64_t>, int> diverted_times;
  for (const server::Conflict& c : conflicts) {
    if (++diverted_times[{c.row_id, c.column, c.hlc.packed()}] > 1) {
      return Status::Internal("edit of " + c.table + "." + c.column + " of " + c.row_id + " at " +
                              c.hlc.ToString() + " was diverted for review more than once");
    }
  }
  // A row of a customer's is never left without its customer (a diverted new row is applied
  // whole or not at all).
  for (const char* table : {"contacts", "tasks", "visits", "orders", "order_lines", "feedback",
                            "customer_preferences"}) {
    Value orphans = FirstValue(
        store.sql(), std::string("SELECT count(*) FROM ") + table + " WHERE customer_id IS NULL");
    if (orphans != I(0)) {
      return Status::Internal(std::string("the server holds ") + table +
                              " rows without a customer: " + ValueToDebugString(orphans));
    }
  }
  unrecoverable_.resize(edits_.size(), false);
  for (size_t i = 0; i < edits_.size(); ++i) {
    const Edit& edit = edits_[i];
    if (unrecoverable_[i]) {
      ++stats_.edits_unrecoverable;
      continue;
    }
    if (i < superseded_.size() && superseded_[i]) {
      ++stats_.edits_superseded;
      continue;
    }
    ++stats_.edits_checked;
    const bool diverted = std::any_of(conflicts.begin(), conflicts.end(), [&](const auto& c) {
      // A row made after its customer moved is held whole (column "*"), whatever its stamps.
      if (c.row_id == edit.row_id && c.column == "*") return true;
      return c.row_id == edit.row_id && c.column == edit.column && c.hlc == edit.hlc;
    });
    // Refused outright (not diverted after a reassignment: those are in the conflict list,
    // column by column and stamp by stamp).
    const auto& review = reviews[edit.device];
    const bool refused = std::any_of(review.begin(), review.end(), [&](const ReviewItem& r) {
      return r.row_id == edit.row_id && r.code != "reassigned";
    });
    if (diverted || refused) {
      ++stats_.edits_in_review;
      continue;
    }
    const TableInfo& t = *store.hub().catalog().Find(edit.table);
    Value blob = FirstValue(store.sql(), "SELECT _v FROM \"" + t.name + "\" WHERE id = ?",
                            {S(edit.row_id.c_str())});
    const std::string* bytes = std::get_if<std::string>(&blob);
    if (bytes == nullptr) {
      return Status::Internal("edit lost: " + edit.table + " row " + edit.row_id + " by " +
                              edit.replica + " is not on the server");
    }
    FB_ASSIGN_OR_RETURN(ColumnVersions versions, ColumnVersions::Decode(*bytes, t.columns.size()));
    const ColumnVersion& v = versions[t.ColumnIndex(edit.column)];
    const std::string& origin = origins.IdOf(v.origin);
    if (origin == store.hub().hub_id() && !VersionGreater(edit.hlc, edit.replica, v.hlc, origin) &&
        (edit.column == "purchase_stage" || edit.column == "relationship")) {
      // Only reps write these; managers here edit notes. The grading job must not overwrite them.
      return Status::Internal("the server overwrote " + edit.replica + "'s " + edit.column +
                              " of " + edit.row_id + " (" + ValueToDebugString(edit.value) + ")");
    }
    if (VersionGreater(edit.hlc, edit.replica, v.hlc, origin)) {
      return Status::Internal("edit lost: " + edit.table + "." + edit.column + " of " +
                              edit.row_id + " = " + ValueToDebugString(edit.value) + " at " +
                              edit.hlc.ToString() + " by " + edit.replica + "; the server has " +
                              v.hlc.ToString() + " by " + origin);
    }
    if (v.hlc == edit.hlc && origin == edit.replica) {
      Value now = FirstValue(store.sql(),
                             "SELECT \"" + edit.column + "\" FROM \"" + t.name + "\" WHERE id = ?",
                             {S(edit.row_id.c_str())});
      if (now != edit.value) {
        return Status::Internal("edit altered: " + edit.table + "." + edit.column + " of " +
                                edit.row_id);
      }
    }
  }
  return Status::Ok();
}

}  // namespace fieldbook::testing
