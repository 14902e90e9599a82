// ServerStore on PostgreSQL (issue #15, docs/postgres.md): the server's database opened on a
// postgresql:// / "host=… dbname=…" string answers as the SQLite file does. Every test runs once
// per backend (/Sqlite on a server.db file, /Postgres on a private schema of FIELDBOOK_TEST_PG's
// cluster), each through ServerStore::Open, the production path.
//
// ServerStoreBothTest.ARepsDayOfWorkAnswersAsOnSqlite runs one script and compares the transcripts
// line by line, besides checks computed from the script itself: a manager and four reps, four
// territories; 2,080 customers and 480 visits pushed by the reps' devices through ApplyRepPush in
// sets of 40, 64 customers of no owner written into territories by the hub; every rep pulls in
// pages of 50 through its feed every 5 rounds; mid-stream a territory moves to another rep (with
// the customers its rep owned there) and one customer is reassigned: the old holders' pulls evict
// them, the new holders' pulls bring them with their history; the old owner then pushes a field
// edit (held: the conflict list), an edit stamped before the move (merged) and a visit (kept);
// device tokens are issued, authenticated, revoked, a rep disabled and enabled again.
//
// ServerStoreBothTest.ACursorBelowTheHistoryFloorIsToldToRebuild: after compaction raised the
// history floor (and, on PostgreSQL, forgot the change log below it), a pull from a cursor below
// the floor is told to rebuild, and one from the floor is served (through SyncService).
//
// ServerStoreBothTest.ALostConnectionComesBackWithReconnect: on PostgreSQL, a session the server
// ended answers kUnavailable until Reconnect(), then reads and writes on the same schema.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/sync_service.h"
#include "fieldbook/change_set_codec.h"
#include "http/metrics.h"
#include "postgres/sql_backend.h"
#include "store/server_store.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {
namespace {

using server::Principal;
using server::ServerStore;

constexpr size_t kPage = 50;
constexpr int kPerRep = 520;  // customers each rep's devices create
constexpr int kSetRows = 40;
const std::vector<std::string> kReps = {"rep-a", "rep-b", "rep-c", "rep-d"};

std::string Num(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", n);
  return buf;
}
// Customer n is created by rep n % 4.
std::string CustomerId(int n) { return "cus-" + Num(n); }

class ServerStoreBothTest : public SqlBackendTest {
 protected:
  // The production path: ServerStore::Open on a file, or on a connection string whose
  // search_path is this test's schema.
  std::unique_ptr<ServerStore> OpenStore(WallClock& wall) {
    std::string where;
    if (postgres()) {
      where = ConninfoWithSchema();
      EXPECT_TRUE(ServerStore::NamesPostgres(where)) << where;
    } else {
      where = dir_.File("server.db");
      EXPECT_FALSE(ServerStore::NamesPostgres(where));
    }
    auto opened = ServerStore::Open(where, wall);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return nullptr;
    EXPECT_EQ((*opened)->on_postgres(), postgres());
    return std::move(opened).value();
  }

 private:
  TempDir dir_;
};

std::string Describe(const ChangeSet& set) {
  std::string out = "cursor " + std::to_string(set.cursor) + " evicted";
  for (const std::string& c : set.evicted_customers) out += " " + c;
  for (const RowChange& r : set.rows) {
    out += "\n  " + r.table + "/" + r.row_id + ":";
    for (const ColumnChange& c : r.columns) {
      const std::string origin = c.origin < set.origins.size() ? set.origins[c.origin] : "?";
      out += " " + c.column + "=" + ShowValue(c.value) + "@" + std::to_string(c.hlc.packed()) +
             "/" + origin;
    }
  }
  return out;
}

std::string Describe(const PushResult& r) {
  std::string out = "push " + r.set_id + " accepted " + std::to_string(r.rows_accepted);
  for (const RowRejection& j : r.rejections) {
    out += " [" + j.table + "/" + j.row_id + " " + j.code;
    for (const std::string& c : j.columns) out += " " + c;
    out += " #" + std::to_string(j.row_index) + "]";
  }
  return out;
}

// What one backend answered, and what the test saw of the reps' replicas on the way.
struct ScriptRun {
  std::vector<std::string> transcript;
  // Per rep: the customers its pulls brought and did not evict since (the replica's customers).
  std::map<std::string, std::set<std::string>> pulled;
  std::map<std::string, std::set<std::string>> scope;  // ScopeOf at the end
  std::set<std::string> evicted_from_b;                // rep-b's pulls' evictions
  size_t customers_accepted = 0;
  size_t conflicts_open = 0;
};

ScriptRun RunScript(ServerStore& store, FakeWallClock& wall) {
  ScriptRun run;
  std::vector<std::string>& out = run.transcript;
  auto ok = [&](const Status& s, const std::string& what) {
    EXPECT_TRUE(s.ok()) << what << ": " << s.ToString();
    if (!s.ok()) out.push_back("FAILED " + what + ": " + s.ToString());
    return s.ok();
  };

  // People and places. Territory ids are made by the store (random): the transcript names them.
  std::map<std::string, std::string> territory_name;
  std::map<std::string, std::string> territory_of_rep;
  std::map<std::string, std::string> tokens;  // rep -> its first device's token
  {
    auto mgr = store.AddRep(server::NewRep{"mgr-1", "Manager Wu", "manager", "", "", ""});
    if (ok(mgr.status(), "add manager")) out.push_back("added " + mgr->first);
  }
  for (size_t r = 0; r < kReps.size(); ++r) {
    auto added = store.AddRep(server::NewRep{kReps[r], "Rep " + kReps[r], "rep", "", "", ""},
                              "mgr-1", "phone");
    if (!ok(added.status(), "add " + kReps[r])) continue;
    tokens[kReps[r]] = added->second;
    auto t = store.AddTerritory("Territory " + std::to_string(r), "South", "广州");
    if (!ok(t.status(), "territory")) continue;
    territory_name[*t] = "Territory " + std::to_string(r);
    territory_of_rep[kReps[r]] = *t;
    ok(store.AssignTerritory(*t, kReps[r], "mgr-1", "start"), "assign");
  }
  auto name_of = [&](const std::string& territory) {
    auto it = territory_name.find(territory);
    return it == territory_name.end() ? territory : it->second;
  };

  std::map<std::string, uint64_t> cursors;
  auto pull = [&](const std::string& rep) {
    for (int pages = 0; pages < 2000; ++pages) {
      auto page = store.PullForRep(rep, cursors[rep], kPage);
      if (!ok(page.status(), "pull " + rep)) return;
      std::string line = Describe(page->changes);
      for (const auto& [id, name] : territory_name) {
        for (size_t at = line.find(id); at != std::string::npos; at = line.find(id, at)) {
          line.replace(at, id.size(), name);
        }
      }
      out.push_back(rep + " pull " + line + (page->more ? " more" : ""));
      for (const RowChange& r : page->changes.rows) {
        if (r.table == "customers") run.pulled[rep].insert(r.row_id);
      }
      for (const std::string& c : page->changes.evicted_customers) {
        run.pulled[rep].erase(c);
        if (rep == "rep-b") run.evicted_from_b.insert(c);
      }
      cursors[rep] = page->changes.cursor;
      if (!page->more) return;
    }
    ADD_FAILURE() << "the pull of " << rep << " never ends";
  };

  // The reps' devices create their customers (and visit earlier ones) in sets of 40 rows.
  auto push = [&](const std::string& rep, const ChangeSet& set) {
    auto pushed = store.ApplyRepPush(Principal(rep, "Rep " + rep, "rep", 0, "phone"), set);
    if (!ok(pushed.status(), "push " + set.set_id)) return PushResult();
    out.push_back(Describe(*pushed));
    return *pushed;
  };
  auto hlc = [&](uint64_t ms_ahead) { return Hlc((wall.NowMs() + ms_ahead) << 16); };
  int next_customer[4] = {0, 1, 2, 3};
  int visits = 0;
  const int sets_per_rep = kPerRep * 5 / 4 / kSetRows;  // 4 customers and 1 visit in 5 rows
  for (int k = 0; k < sets_per_rep; ++k) {
    for (size_t r = 0; r < kReps.size(); ++r) {
      wall.Advance(1000);
      const std::string& rep = kReps[r];
      ChangeSet set;
      set.set_id = rep + "-set-" + std::to_string(k);
      set.replica_id = "dev-" + rep;
      const uint32_t self = set.OriginIndex(set.replica_id);
      for (int i = 0; i < kSetRows; ++i) {
        if (k > 0 && i % 5 == 4) {  // a visit of one of its earlier customers
          const std::string customer = CustomerId(next_customer[r] - 4 * (1 + i % 7));
          RowChange v{"visits", "vis-" + std::to_string(visits++), {}};
          v.columns.push_back({"customer_id", customer, hlc(i), self});
          v.columns.push_back({"rep_id", rep, hlc(i), self});
          v.columns.push_back({"check_in", "2026-12-0" + std::to_string(1 + i % 7), hlc(i), self});
          set.rows.push_back(std::move(v));
          continue;
        }
        const int n = next_customer[r];
        next_customer[r] += 4;
        RowChange c{"customers", CustomerId(n), {}};
        c.columns.push_back({"name", "鑫达汽修 " + std::to_string(n), hlc(i), self});
        c.columns.push_back({"owner_rep_id", rep, hlc(i), self});
        c.columns.push_back({"city", n % 3 ? Value("广州") : Value("佛山"), hlc(i), self});
        if (n % 5 == 0) c.columns.push_back({"phone", "138" + Num(n), hlc(i), self});
        set.rows.push_back(std::move(c));
      }
      const PushResult pushed = push(rep, set);
      for (const RowChange& row : set.rows) {
        if (row.table == "customers") ++run.customers_accepted;
      }
      run.customers_accepted -= pushed.rejections.size();
      if (k % 2 == 1) {
        // The manager files every fifth of this set's customers under the rep's territory, and
        // adds two garages of no owner there (held by whoever has the territory).
        std::vector<RowWrite> rows;
        for (const RowChange& row : set.rows) {
          if (row.table == "customers" &&
              std::stoi(row.row_id.substr(4)) % 5 == static_cast<int>(r)) {
            rows.push_back({"customers", row.row_id, {{"territory_id", territory_of_rep[rep]}}});
          }
        }
        for (int u = 0; u < 2; ++u) {
          rows.push_back({"customers",
                          "cus-t" + std::to_string(r) + "-" + std::to_string(k * 2 + u),
                          {{"name", "无主修理厂 " + std::to_string(k)},
                           {"territory_id", territory_of_rep[rep]}}});
        }
        auto written = store.Write(rows);
        if (ok(written.status(), "file under territory")) out.push_back(Describe(*written));
      }
    }
    if (k % 5 == 4) {
      for (const std::string& rep : kReps) pull(rep);
    }
    if (k == sets_per_rep / 2) {
      // Mid-stream, before the reps pulled what they pushed since: rep-b's territory goes to
      // rep-c with the customers rep-b owned in it, and one of rep-a's customers to rep-d.
      wall.Advance(60000);
      ok(store.AssignTerritory(territory_of_rep["rep-b"], "rep-c", "mgr-1", "rep-b moved"),
         "territory to rep-c");
      ok(store.ReassignCustomer(CustomerId(0), "rep-d", "mgr-1", "asked for"), "reassign");
      wall.Advance(60000);
    }
  }
  for (const std::string& rep : kReps) pull(rep);

  // rep-a's phone, which had not heard of the move: an edit of the name after it (held), an edit
  // of the city stamped before it (merged), a visit (kept, attributed to rep-a).
  {
    wall.Advance(1000);
    ChangeSet late;
    late.set_id = "rep-a-late";
    late.replica_id = "dev-rep-a";
    const uint32_t self = late.OriginIndex(late.replica_id);
    const Hlc before((wall.NowMs() - 3'600'000) << 16);
    late.rows.push_back({"customers", CustomerId(0), {}});
    late.rows.back().columns.push_back({"name", "改名 after the move", hlc(0), self});
    late.rows.back().columns.push_back({"city", "深圳", before, self});
    late.rows.push_back({"visits", "vis-late", {}});
    late.rows.back().columns.push_back({"customer_id", CustomerId(0), hlc(0), self});
    late.rows.back().columns.push_back({"rep_id", "rep-a", hlc(0), self});
    late.rows.back().columns.push_back({"check_in", "2026-12-07", hlc(0), self});
    push("rep-a", late);
  }
  auto conflicts = store.ListConflicts("", true);
  if (ok(conflicts.status(), "conflicts")) {
    run.conflicts_open = conflicts->size();
    for (const server::Conflict& c : *conflicts) {
      out.push_back("conflict " + c.customer_id + " " + c.table + "/" + c.row_id + " " + c.column +
                    " " + c.value_json + " @" + std::to_string(c.hlc.packed()) + " from " +
                    c.from_rep + " for " + c.owner_rep + " " + c.status + " " + c.kind);
    }
  }
  auto held = store.HeldEditStatus("rep-a", {{"customers", CustomerId(0), "name", hlc(0)}});
  if (ok(held.status(), "held")) {
    for (const std::string& s : *held) out.push_back("held " + s);
  }
  for (const std::string& rep : kReps) pull(rep);

  // Device tokens.
  for (const std::string& rep : kReps) {
    auto who = store.Authenticate(tokens[rep]);
    if (ok(who.status(), "authenticate") && *who) {
      out.push_back("token of " + rep + ": " + (*who)->rep_id + " " + (*who)->role + " " +
                    (*who)->device + " #" + std::to_string((*who)->device_id));
    } else {
      out.push_back("token of " + rep + ": refused");
    }
  }
  auto tablet = store.IssueDeviceToken("rep-a", "tablet", "mgr-1");
  if (ok(tablet.status(), "issue")) {
    out.push_back("issued " + tablet->first.device + " #" + std::to_string(tablet->first.id));
    auto revoked = store.RevokeDevice("rep-a", "phone", 0, "mgr-1");
    if (ok(revoked.status(), "revoke")) out.push_back("revoked #" + std::to_string(revoked->id));
    auto phone = store.Authenticate(tokens["rep-a"]);
    auto second = store.Authenticate(tablet->second);
    if (ok(phone.status(), "auth phone") && ok(second.status(), "auth tablet")) {
      out.push_back(std::string("after revoke: phone ") + (*phone ? "in" : "refused") +
                    ", tablet " + (*second ? (*second)->device : "refused"));
    }
  }
  ok(store.DisableRep("rep-d", "mgr-1"), "disable");
  auto disabled = store.Authenticate(tokens["rep-d"]);
  if (ok(disabled.status(), "auth disabled")) {
    out.push_back(std::string("disabled rep-d: ") + (*disabled ? "in" : "refused"));
  }
  ok(store.EnableRep("rep-d", "mgr-1"), "enable");
  auto enabled = store.Authenticate(tokens["rep-d"]);
  if (ok(enabled.status(), "auth enabled")) {
    out.push_back(std::string("enabled rep-d: ") + (*enabled ? "in" : "refused"));
  }
  auto devices = store.ListDevices("");
  if (ok(devices.status(), "devices")) {
    for (const server::DeviceInfo& d : *devices) {
      out.push_back("device #" + std::to_string(d.id) + " " + d.rep_id + " " + d.device +
                    (d.revoked ? " revoked by " + d.revoked_by : ""));
    }
  }

  // Who holds what now.
  auto reps = store.ListReps();
  if (ok(reps.status(), "reps")) {
    for (const server::RepInfo& r : *reps) {
      out.push_back("rep " + r.id + " " + r.name + " " + r.role +
                    (r.active ? " active " : " off ") + std::to_string(r.customers));
    }
  }
  auto territories = store.ListTerritories();
  if (ok(territories.status(), "territories")) {
    for (const server::TerritoryInfo& t : *territories) {
      out.push_back("territory " + name_of(t.id) + " " + t.name + " " + t.region + " " + t.city +
                    " " + t.rep_id + " " + std::to_string(t.customers));
    }
  }
  for (const std::string& rep : kReps) {
    auto scope = store.ScopeOf(rep);
    if (ok(scope.status(), "scope")) run.scope[rep].insert(scope->begin(), scope->end());
    auto events = store.ScopeEventsAfter(rep, 0, 100000);
    if (ok(events.status(), "events")) {
      std::string line = "events of " + rep + ":";
      for (const ScopeEvent& e : *events) {
        line += " " + std::to_string(e.seq) + (e.added ? "+" : "-") + e.customer_id;
      }
      out.push_back(line);
    }
  }
  auto latest = store.hub().LatestSeq();
  if (ok(latest.status(), "latest")) out.push_back("latest " + std::to_string(*latest));
  return run;
}

TEST_P(ServerStoreBothTest, ARepsDayOfWorkAnswersAsOnSqlite) {
  // The reference: the same script on a SQLite file, whatever this run's backend.
  ScriptRun reference;
  {
    FakeWallClock wall;
    TempDir dir;
    auto sqlite = ServerStore::Open(dir.File("reference.db"), wall);
    ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
    reference = RunScript(**sqlite, wall);
  }
  FakeWallClock wall;
  std::unique_ptr<ServerStore> store = OpenStore(wall);
  ASSERT_NE(store, nullptr);
  const ScriptRun run = RunScript(*store, wall);

  // What the script itself says must hold.
  EXPECT_GE(run.customers_accepted, 2000u);
  for (const std::string& rep : kReps) {
    // Every rep's replica holds exactly the customers the server says it holds.
    EXPECT_EQ(run.pulled.at(rep), run.scope.at(rep)) << rep;
  }
  EXPECT_FALSE(run.scope.at("rep-a").contains(CustomerId(0)));
  EXPECT_TRUE(run.scope.at("rep-d").contains(CustomerId(0)));
  // rep-b's customers filed under its territory went to rep-c, and its pulls purged them.
  EXPECT_GE(run.evicted_from_b.size(), 10u);
  for (const std::string& c : run.evicted_from_b) {
    EXPECT_TRUE(run.scope.at("rep-c").contains(c)) << c;
    EXPECT_FALSE(run.scope.at("rep-b").contains(c)) << c;
  }
  EXPECT_EQ(run.conflicts_open, 1u);  // the name edited after the move

  // And what SQLite answered, line by line.
  ASSERT_EQ(run.transcript.size(), reference.transcript.size());
  for (size_t i = 0; i < run.transcript.size(); ++i) {
    ASSERT_EQ(run.transcript[i], reference.transcript[i]) << "line " << i;
  }
}

TEST_P(ServerStoreBothTest, ACursorBelowTheHistoryFloorIsToldToRebuild) {
  FakeWallClock wall;
  std::unique_ptr<ServerStore> store = OpenStore(wall);
  ASSERT_NE(store, nullptr);
  auto added = store->AddRep(server::NewRep{"rep-a", "Rep A", "rep", "", "", ""});
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  // 300 garages of rep-a, 60 of them deleted, then 50 renamed after the bound.
  std::vector<RowWrite> rows;
  for (int i = 0; i < 300; ++i) {
    rows.push_back({"customers", CustomerId(i), {{"name", "修理厂"}, {"owner_rep_id", "rep-a"}}});
  }
  ASSERT_TRUE(store->Write(rows).ok());
  rows.clear();
  for (int i = 0; i < 300; i += 5)
    rows.push_back({"customers", CustomerId(i), {{"deleted", int64_t{1}}}});
  ASSERT_TRUE(store->Write(rows).ok());
  ASSERT_TRUE(store->AddTerritory("North", "", "").ok());  // the bound: after every deletion
  auto bound = store->hub().LatestSeq();
  ASSERT_TRUE(bound.ok());
  rows.clear();
  for (int i = 1; i < 250; i += 5) rows.push_back({"customers", CustomerId(i), {{"name", "新名"}}});
  ASSERT_EQ(rows.size(), 50u);
  wall.Advance(1000);
  ASSERT_TRUE(store->Write(rows).ok());

  // Compaction: the floor first, then the tombstones (and, on PostgreSQL, the change log) below.
  auto floor = store->RaiseHistoryFloor(*bound);
  ASSERT_TRUE(floor.ok()) << floor.status().ToString();
  EXPECT_EQ(*floor, *bound);
  auto purged = store->hub().PurgeTombstones(*bound, 10000);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(purged->rows, 60u);
  EXPECT_FALSE(purged->more);
  if (postgres()) {
    EXPECT_GE(purged->log_entries, 300u);  // every change below the bound
    for (const char* sql : {"SELECT count(*) FROM fb_change_log WHERE seq < ?",
                            "SELECT count(*) FROM fb_change_log WHERE seq > ?"}) {
      auto count = store->sql().Prepare(sql);
      ASSERT_TRUE(count.ok());
      (*count)->Bind(1, static_cast<int64_t>(*bound));
      auto row = (*count)->Step();
      ASSERT_TRUE(row.ok() && *row);
      if (std::string(sql).find('<') != std::string::npos) {
        EXPECT_EQ((*count)->Int(0), 0) << "entries below the floor are forgotten";
      } else {
        EXPECT_EQ((*count)->Int(0), 50) << "the renames stay";
      }
      (*count)->Reset();
    }
  } else {
    EXPECT_EQ(purged->log_entries, 0u);
  }
  auto stored_floor = store->HistoryFloor();
  ASSERT_TRUE(stored_floor.ok());
  EXPECT_EQ(*stored_floor, *bound);

  // A device asks the sync service, as over HTTP.
  server::Metrics metrics;
  server::SyncServiceOptions options;
  options.device_flush_interval_ms = int64_t{1} << 50;
  server::SyncService service(*store, metrics, wall, options);
  auto epoch = store->Epoch();
  ASSERT_TRUE(epoch.ok());
  auto ask = [&](uint64_t cursor) {
    SyncRequest request;
    request.replica_id = "dev-a";
    request.pull_cursor = cursor;
    request.page_limit = 100;
    request.epoch = *epoch;
    server::HttpRequest http{"POST",
                             "/v1/sync",
                             "Bearer " + added->second,
                             server::kSyncContentType,
                             EncodeSyncRequest(request),
                             "test"};
    server::HttpResponse answer = service.Handle(http);
    EXPECT_EQ(answer.status, 200) << answer.body;
    auto decoded = DecodeSyncResponse(answer.body);
    EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
    return decoded.ok() ? *decoded : SyncResponse();
  };
  const SyncResponse below = ask(*bound - 1);
  EXPECT_TRUE(below.rebuild);
  EXPECT_FALSE(below.restored);
  EXPECT_TRUE(below.pull.rows.empty());
  const SyncResponse at = ask(*bound);
  EXPECT_FALSE(at.rebuild);
  ASSERT_EQ(at.pull.rows.size(), 50u);
  for (const RowChange& r : at.pull.rows) EXPECT_EQ(r.table, "customers");
  EXPECT_FALSE(at.more);
}

TEST_P(ServerStoreBothTest, ALostConnectionComesBackWithReconnect) {
  FakeWallClock wall;
  std::unique_ptr<ServerStore> store = OpenStore(wall);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->AddRep(server::NewRep{"rep-a", "Rep A", "rep", "", "", ""}).ok());
  EXPECT_TRUE(store->Reconnect().ok());  // a live connection (or a file): nothing to do
  if (!postgres()) return;
  EXPECT_EQ(store->path(), ConninfoWithSchema());
  // The server ends the store's session (a restart, a failover, an administrator).
  auto pid = store->sql().Prepare("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  auto row = (*pid)->Step();
  ASSERT_TRUE(row.ok() && *row);
  const int64_t backend = (*pid)->Int(0);
  (*pid)->Reset();
  std::unique_ptr<pg::PgDb> admin = SecondConnection();
  ASSERT_NE(admin, nullptr);
  ASSERT_TRUE(admin->Exec("SELECT pg_terminate_backend($1)", {backend}).ok());
  auto lost = store->ListReps();
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable) << lost.status().ToString();
  ASSERT_TRUE(store->Reconnect().ok());
  // The same schema, reads and writes again.
  auto reps = store->ListReps();
  ASSERT_TRUE(reps.ok()) << reps.status().ToString();
  ASSERT_EQ(reps->size(), 1u);
  EXPECT_EQ((*reps)[0].id, "rep-a");
  auto territory = store->AddTerritory("North", "", "");
  ASSERT_TRUE(territory.ok()) << territory.status().ToString();
  ASSERT_TRUE(store->AssignTerritory(*territory, "rep-a", "mgr").ok());
}

FB_BOTH_BACKENDS(ServerStoreBothTest);

}  // namespace
}  // namespace fieldbook::testing
