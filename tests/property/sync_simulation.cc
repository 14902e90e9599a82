#include "property/sync_simulation.h"

#include <algorithm>
#include <sstream>

#include "column_versions.h"
#include "fieldbook/canonical_export.h"
#include "fieldbook/change_set_codec.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {

struct SyncSimulation::Message {
  enum Kind { kPush, kAck, kPage } kind;
  int node;
  std::string body;
};

struct SyncSimulation::Edit {
  std::string table;
  std::string row_id;
  std::string column;
  Value value;
  Hlc hlc;
  std::string replica;
};

struct SyncSimulation::Node {
  int index = 0;
  std::string id;
  std::unique_ptr<FakeWallClock> wall;
  std::unique_ptr<RowIdGenerator> ids;
  std::unique_ptr<Replica> replica;
  std::vector<Message> inbox;
  Hlc last_recorded;
};

namespace {

const char* const kNames[] = {"鑫达汽修",   "Bright Auto", "顺通汽配", "Golden Wrench",
                              "华信修理厂", "Speedy Fix",  "东风快修", "Li's Garage"};
const char* const kCities[] = {"广州", "深圳", "佛山", "Guangzhou"};
const char* const kPhones[] = {"13800138000", "+86 139 0000 1111", "020-8888-6666", "13512345678"};
const char* const kStages[] = {"aware", "interested", "deciding", "customer"};
const char* const kRelations[] = {"potential", "existing", "vip"};
const char* const kTaskStatus[] = {"open", "done", "cancelled"};

std::vector<std::string> Ids(Db& db, const std::string& table) {
  std::vector<std::string> out;
  auto stmt = db.Prepare("SELECT id FROM \"" + table + "\" ORDER BY id");
  if (!stmt.ok()) return out;
  while (true) {
    auto row = (*stmt)->Step();
    if (!row.ok() || !*row) break;
    out.push_back((*stmt)->Text(0));
  }
  return out;
}

}  // namespace

std::string SimulationStats::ToString() const {
  std::ostringstream o;
  o << local_writes << " local writes, " << pushes_sent << " pushes sent (" << pushes_applied
    << " applied), " << pages_applied << " pages applied, " << dropped << " messages dropped, "
    << duplicated << " duplicated, " << edits_checked << " edits checked";
  return o.str();
}

SyncSimulation::SyncSimulation(uint64_t seed, SimulationConfig config)
    : seed_(seed), config_(config), rng_(seed) {}

SyncSimulation::~SyncSimulation() = default;

bool SyncSimulation::Chance(double p) {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
}

size_t SyncSimulation::Pick(size_t n) {
  return std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
}

void SyncSimulation::Deliver(std::vector<Message>& queue, Message message) {
  if (Chance(config_.drop_rate)) {
    ++stats_.dropped;
    return;
  }
  if (Chance(config_.duplicate_rate)) {
    ++stats_.duplicated;
    queue.push_back(message);
  }
  queue.push_back(std::move(message));
}

Status SyncSimulation::LocalWrite(Node& node) {
  Db& db = node.replica->db();
  const auto customers = Ids(db, "customers");
  auto pick = [&](const auto& arr) { return S(arr[Pick(std::size(arr))]); };
  const size_t kind = customers.empty() ? 0 : Pick(11);
  Status s;
  std::string id = node.ids->Next();
  const Value customer = customers.empty() ? Value() : S(customers[Pick(customers.size())].c_str());
  switch (kind) {
    case 0:
    case 1:
      s = Exec(db,
               "INSERT INTO customers (id, name, city, phone, customer_type, purchase_stage) "
               "VALUES (?, ?, ?, ?, 'garage', 'aware')",
               {S(id.c_str()), pick(kNames), pick(kCities), pick(kPhones)});
      break;
    case 2:
      s = Exec(db, "UPDATE customers SET name = ? WHERE id = ?", {pick(kNames), customer});
      break;
    case 3:
      s = Exec(db, "UPDATE customers SET notes = ?, purchase_stage = ? WHERE id = ?",
               {S(("note " + std::to_string(Pick(1000))).c_str()), pick(kStages), customer});
      break;
    case 4:
      s = Exec(db, "UPDATE customers SET relationship = ?, phone = ? WHERE id = ?",
               {pick(kRelations), pick(kPhones), customer});
      break;
    case 5:
      s = Exec(db, "UPDATE customers SET deleted = ? WHERE id = ?",
               {I(Chance(0.7) ? 1 : 0), customer});
      break;
    case 6:
      s = Exec(db,
               "INSERT INTO visits (id, customer_id, rep_id, check_in, purpose, outcome, notes) "
               "VALUES (?, ?, ?, '2026-11-23T09:00:00Z', 'routine', 'ordered', ?)",
               {S(id.c_str()), customer, S(node.id.c_str()),
                S(("换刹车片 " + std::to_string(Pick(100))).c_str())});
      break;
    case 7: {
      const std::string line_id = node.ids->Next();
      FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
      FB_RETURN_IF_ERROR(Exec(db,
                              "INSERT INTO orders (id, customer_id, rep_id, order_date, "
                              "amount_cents, currency) VALUES (?, ?, ?, '2026-11-23', ?, 'CNY')",
                              {S(id.c_str()), customer, S(node.id.c_str()),
                               I(static_cast<int64_t>(100 + Pick(100000)))}));
      FB_RETURN_IF_ERROR(Exec(db,
                              "INSERT INTO order_lines (id, order_id, customer_id, part_no, "
                              "quantity, unit_price_cents) VALUES (?, ?, ?, 'BOSCH-0986', 2, 4500)",
                              {S(line_id.c_str()), S(id.c_str()), customer}));
      s = txn->Commit();
      break;
    }
    case 8: {
      const auto tasks = Ids(db, "tasks");
      if (tasks.empty() || Chance(0.4)) {
        s = Exec(db,
                 "INSERT INTO tasks (id, customer_id, rep_id, due_date, kind, status, title) "
                 "VALUES (?, ?, ?, '2026-11-30', 'call', 'open', 'follow up')",
                 {S(id.c_str()), customer, S(node.id.c_str())});
      } else {
        s = Exec(db, "UPDATE tasks SET status = ? WHERE id = ?",
                 {pick(kTaskStatus), S(tasks[Pick(tasks.size())].c_str())});
      }
      break;
    }
    case 9: {  // a customer's preferences: added, or a note or removal on an existing one
      const auto prefs = Ids(db, "customer_preferences");
      if (prefs.empty() || Chance(0.5)) {
        const char* const kinds[] = {"brand", "payment_terms", "delivery", "other"};
        const char* const values[] = {"月结", "博世", "上午送货", "现结"};
        s = Exec(db,
                 "INSERT INTO customer_preferences (id, customer_id, kind, value, note) "
                 "VALUES (?, ?, ?, ?, ?)",
                 {S(id.c_str()), customer, pick(kinds), pick(values), pick(kNames)});
      } else if (Chance(0.7)) {
        s = Exec(db, "UPDATE customer_preferences SET note = ? WHERE id = ?",
                 {pick(kNames), S(prefs[Pick(prefs.size())].c_str())});
      } else {
        s = Exec(db, "UPDATE customer_preferences SET deleted = 1 WHERE id = ?",
                 {S(prefs[Pick(prefs.size())].c_str())});
      }
      break;
    }
    default:
      if (Chance(0.5)) {
        // A visit in progress (visit_checkins, #18), as the devices of one rep write it: checked
        // in, its location entered or corrected, or checked out (visit_id set).
        const auto open = Ids(db, "visit_checkins");
        if (open.empty() || Chance(0.4)) {
          s = Exec(db,
                   "INSERT INTO visit_checkins (id, customer_id, rep_id, check_in) "
                   "VALUES (?, ?, ?, '2026-11-23T09:00:00Z')",
                   {S(id.c_str()), customer, S(node.id.c_str())});
        } else if (Chance(0.5)) {
          s = Exec(db, "UPDATE visit_checkins SET lat = ?, lon = ? WHERE id = ?",
                   {Value(23.0 + static_cast<double>(Pick(1000)) / 1000),
                    Value(113.0 + static_cast<double>(Pick(1000)) / 1000),
                    S(open[Pick(open.size())].c_str())});
        } else {
          s = Exec(db, "UPDATE visit_checkins SET visit_id = ? WHERE id = ?",
                   {S(id.c_str()), S(open[Pick(open.size())].c_str())});
        }
        break;
      }
      s = Exec(db, "INSERT INTO contacts (id, customer_id, name, phone) VALUES (?, ?, ?, ?)",
               {S(id.c_str()), customer, pick(kNames), pick(kPhones)});
      break;
  }
  FB_RETURN_IF_ERROR(s);
  ++stats_.local_writes;

  // Record what was captured, column by column, for the "no accepted edit is missing" check.
  FB_ASSIGN_OR_RETURN(std::vector<CapturedEdit> captured,
                      CapturedSince(*node.replica, node.last_recorded));
  for (CapturedEdit& c : captured) {
    edits_.push_back(Edit{std::move(c.table), std::move(c.row_id), std::move(c.column),
                          std::move(c.value), c.hlc, node.id});
  }
  return Status::Ok();
}

Status SyncSimulation::SendPush(Node& node) {
  FB_ASSIGN_OR_RETURN(std::optional<ChangeSet> push, node.replica->PreparePush());
  if (!push) return Status::Ok();
  std::string body = EncodeChangeSet(*push);
  all_pushes_.push_back(body);
  ++stats_.pushes_sent;
  Deliver(hub_inbox_, Message{Message::kPush, node.index, std::move(body)});
  return Status::Ok();
}

Status SyncSimulation::RequestPull(Node& node) {
  if (Chance(config_.drop_rate)) {
    ++stats_.dropped;  // the request never arrived
    return Status::Ok();
  }
  FB_ASSIGN_OR_RETURN(PullPage page, hub_->Pull(node.replica->cursor(), 1 + Pick(20)));
  Deliver(node.inbox, Message{Message::kPage, node.index, EncodeChangeSet(page.changes)});
  return Status::Ok();
}

Status SyncSimulation::HubReceive() {
  if (hub_inbox_.empty()) return Status::Ok();
  const size_t i = Pick(hub_inbox_.size());
  Message m = std::move(hub_inbox_[i]);
  hub_inbox_.erase(hub_inbox_.begin() + static_cast<std::ptrdiff_t>(i));
  FB_ASSIGN_OR_RETURN(ChangeSet set, DecodeChangeSet(m.body));
  FB_ASSIGN_OR_RETURN(PushResult result, hub_->ApplyPush(set));
  if (!result.rejections.empty()) {
    return Status::Internal("hub rejected a valid row: " + result.rejections[0].reason);
  }
  ++stats_.pushes_applied;
  SyncResponse ack;
  ack.has_push_result = true;
  ack.push_result = result;
  Deliver(nodes_[m.node]->inbox, Message{Message::kAck, m.node, EncodeSyncResponse(ack)});
  return Status::Ok();
}

Status SyncSimulation::NodeReceive(Node& node) {
  if (node.inbox.empty()) return Status::Ok();
  const size_t i = Pick(node.inbox.size());
  Message m = std::move(node.inbox[i]);
  node.inbox.erase(node.inbox.begin() + static_cast<std::ptrdiff_t>(i));
  if (m.kind == Message::kAck) {
    FB_ASSIGN_OR_RETURN(SyncResponse ack, DecodeSyncResponse(m.body));
    Status s = node.replica->AcknowledgePush(ack.push_result);
    if (!s.ok() && s.code() != StatusCode::kNotFound) return s;  // NotFound: a duplicate ack
    return Status::Ok();
  }
  FB_ASSIGN_OR_RETURN(ChangeSet page, DecodeChangeSet(m.body));
  FB_ASSIGN_OR_RETURN(PullStats stats, node.replica->ApplyPull(page));
  if (stats.rows_failed != 0) return Status::Internal("a replica could not store a pulled row");
  ++stats_.pages_applied;
  return Status::Ok();
}

Status SyncSimulation::Quiesce() {
  // The network heals: what is in flight is lost, and everyone syncs reliably until quiet.
  hub_inbox_.clear();
  for (auto& n : nodes_) n->inbox.clear();
  for (int round = 0; round < 3; ++round) {
    for (auto& n : nodes_) {
      while (true) {
        FB_ASSIGN_OR_RETURN(std::optional<ChangeSet> push, n->replica->PreparePush());
        if (!push) break;
        all_pushes_.push_back(EncodeChangeSet(*push));
        FB_ASSIGN_OR_RETURN(PushResult result, hub_->ApplyPush(*push));
        FB_RETURN_IF_ERROR(n->replica->AcknowledgePush(result));
      }
      while (true) {
        FB_ASSIGN_OR_RETURN(PullPage page, hub_->Pull(n->replica->cursor(), 50));
        FB_ASSIGN_OR_RETURN(PullStats stats, n->replica->ApplyPull(page.changes));
        (void)stats;
        if (!page.more) break;
      }
    }
  }
  return Status::Ok();
}

Status SyncSimulation::Run() {
  FB_ASSIGN_OR_RETURN(hub_, Hub::Open(":memory:", hub_wall_));
  for (int i = 0; i < config_.replicas; ++i) {
    auto node = std::make_unique<Node>();
    node->index = i;
    node->id = "replica-" + std::to_string(i);
    const int skew =
        static_cast<int>(Pick(2 * config_.max_clock_skew_ms + 1)) - config_.max_clock_skew_ms;
    node->wall = std::make_unique<FakeWallClock>(hub_wall_.NowMs() + skew);
    node->ids = std::make_unique<RowIdGenerator>(*node->wall, seed_ * 131 + i);
    ReplicaOptions options;
    options.replica_id = node->id;
    options.id_seed = seed_ * 977 + i;
    FB_ASSIGN_OR_RETURN(node->replica, Replica::Open(":memory:", *node->wall, options));
    nodes_.push_back(std::move(node));
  }
  for (int step = 0; step < config_.steps; ++step) {
    const uint64_t tick = Pick(40);
    hub_wall_.Advance(tick);
    for (auto& n : nodes_) n->wall->Advance(tick);
    Node& node = *nodes_[Pick(nodes_.size())];
    const size_t action = Pick(100);
    Status s;
    if (action < 45) {
      s = LocalWrite(node);
    } else if (action < 60) {
      s = SendPush(node);
    } else if (action < 75) {
      s = RequestPull(node);
    } else if (action < 87) {
      s = HubReceive();
    } else {
      s = NodeReceive(node);
    }
    if (!s.ok()) {
      return Status(s.code(), "step " + std::to_string(step) + ": " + s.message());
    }
  }
  return Quiesce();
}

Status SyncSimulation::Check() {
  FB_ASSIGN_OR_RETURN(std::string hub_export, CanonicalExport(hub_->db(), hub_->catalog()));
  for (auto& n : nodes_) {
    FB_ASSIGN_OR_RETURN(int64_t pending, n->replica->PendingWriteCount());
    if (pending != 0) {
      return Status::Internal(n->id + " still has " + std::to_string(pending) + " pending writes");
    }
    FB_ASSIGN_OR_RETURN(std::string e, CanonicalExport(n->replica->db(), n->replica->catalog()));
    if (e != hub_export) {
      size_t at = 0;
      while (at < e.size() && at < hub_export.size() && e[at] == hub_export[at]) ++at;
      const size_t line =
          hub_export.rfind('\n', at) == std::string::npos ? 0 : hub_export.rfind('\n', at) + 1;
      return Status::Internal(n->id +
                              " diverged from the hub near: " + hub_export.substr(line, 300) +
                              "\n  replica has: " + e.substr(line, 300));
    }
  }

  // No accepted edit is missing: the hub holds each edit's value, or a greater version.
  OriginRegistry origins(hub_->db());
  FB_RETURN_IF_ERROR(origins.Load());
  for (const Edit& edit : edits_) {
    const TableInfo& t = *hub_->catalog().Find(edit.table);
    const int idx = t.ColumnIndex(edit.column);
    Value blob = QueryValue(hub_->db(), "SELECT _v FROM \"" + t.name + "\" WHERE id = ?",
                            {S(edit.row_id.c_str())});
    const std::string* bytes = std::get_if<std::string>(&blob);
    if (bytes == nullptr) return Status::Internal("edit of missing row " + edit.row_id);
    FB_ASSIGN_OR_RETURN(ColumnVersions versions, ColumnVersions::Decode(*bytes, t.columns.size()));
    const ColumnVersion& v = versions[idx];
    const std::string& origin = origins.IdOf(v.origin);
    if (VersionGreater(edit.hlc, edit.replica, v.hlc, origin)) {
      return Status::Internal("edit lost: " + edit.table + "." + edit.column + " of " +
                              edit.row_id + " = " + ValueToDebugString(edit.value) + " at " +
                              edit.hlc.ToString() + " by " + edit.replica);
    }
    if (v.hlc == edit.hlc && origin == edit.replica) {
      Value now = QueryValue(hub_->db(),
                             "SELECT \"" + edit.column + "\" FROM \"" + t.name + "\" WHERE id = ?",
                             {S(edit.row_id.c_str())});
      if (now != edit.value) {
        return Status::Internal("edit altered: " + edit.table + "." + edit.column + " of " +
                                edit.row_id);
      }
    }
    ++stats_.edits_checked;
  }

  // Order independence: the same pushes, shuffled and partly duplicated, give the same state.
  for (int trial = 0; trial < 2; ++trial) {
    FakeWallClock wall(hub_wall_.NowMs());
    FB_ASSIGN_OR_RETURN(std::unique_ptr<Hub> fresh, Hub::Open(":memory:", wall));
    std::vector<std::string> order = all_pushes_;
    for (size_t i = 0; i < all_pushes_.size() / 5; ++i)
      order.push_back(all_pushes_[Pick(all_pushes_.size())]);
    std::shuffle(order.begin(), order.end(), rng_);
    for (const std::string& body : order) {
      FB_ASSIGN_OR_RETURN(ChangeSet set, DecodeChangeSet(body));
      FB_ASSIGN_OR_RETURN(PushResult r, fresh->ApplyPush(set));
      (void)r;
    }
    FB_ASSIGN_OR_RETURN(std::string e, CanonicalExport(fresh->db(), fresh->catalog()));
    if (e != hub_export) {
      return Status::Internal("applying the same pushes in another order gave another state");
    }
  }
  return Status::Ok();
}

}  // namespace fieldbook::testing
