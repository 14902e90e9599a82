// First-sync benchmark (issue #5): a rep's new device downloads a territory of 5,000 customers
// with 50,000 visits and 100,000 orders from the real fieldbook-server on loopback, through the
// real client (Replica + SyncEngine + HTTP). The reference, in the same run: the same rows
// inserted into plain SQLite (the domain tables alone: no capture, no search index, no sync) in
// one transaction. Targets on the 2-core machine: at most 3x the plain insert, under 2 s.
//
// Run: scripts/bench, or build/release/tests/perf/first_sync_bench [customers]
#include <signal.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "fieldbook/migrations.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
#include "integration/server_process.h"
#include "server_store.h"
#include "support/temp_dir.h"
#include "sync_engine.h"

namespace {

using namespace fieldbook;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "first_sync_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

// The territory's rows, generated once and written both to the server and to plain SQLite.
std::vector<RowWrite> Territory(int customers) {
  std::mt19937_64 rng(5000);
  std::vector<RowWrite> rows;
  char id[40];
  auto next_id = [&](const char* prefix, int n) {
    std::snprintf(id, sizeof id, "%s%08d", prefix, n);
    return std::string(id);
  };
  for (int c = 0; c < customers; ++c) {
    const std::string cid = next_id("cust", c);
    rows.push_back(RowWrite{"customers",
                            cid,
                            {{"name", "鑫达汽修 " + std::to_string(c)},
                             {"customer_type", "garage"},
                             {"relationship", "existing"},
                             {"purchase_stage", "customer"},
                             {"region_class", "local"},
                             {"address", "天河区中山大道 " + std::to_string(c) + " 号"},
                             {"city", "广州"},
                             {"lat", 23.12},
                             {"lon", 113.25},
                             {"phone", "138" + std::to_string(10000000 + c)},
                             {"primary_contact", "王师傅"},
                             {"owner_rep_id", "rep-bench"},
                             {"grade_tier", "B"}}});
    for (int v = 0; v < 10; ++v) {
      rows.push_back(RowWrite{"visits",
                              next_id("vis", c * 10 + v),
                              {{"customer_id", cid},
                               {"rep_id", "rep-bench"},
                               {"check_in", "2026-11-23T09:00:00Z"},
                               {"check_out", "2026-11-23T09:40:00Z"},
                               {"purpose", "routine"},
                               {"outcome", "ordered"},
                               {"notes", "换刹车片，下周再来 " + std::to_string(rng() % 1000)}}});
    }
    for (int o = 0; o < 20; ++o) {
      rows.push_back(RowWrite{"orders",
                              next_id("ord", c * 20 + o),
                              {{"customer_id", cid},
                               {"rep_id", "rep-bench"},
                               {"order_date", "2026-11-23"},
                               {"amount_cents", static_cast<int64_t>(10000 + rng() % 900000)},
                               {"currency", "CNY"}}});
    }
  }
  return rows;
}

// Times the round trips (the server building pages, HTTP on loopback, encoding and decoding), so
// the report can tell them from the device's own work of storing the pages.
class TimedTransport final : public client::SyncTransport {
 public:
  explicit TimedTransport(client::SyncTransport& inner) : inner_(inner) {}
  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    const auto start = Clock::now();
    auto response = inner_.Exchange(request);
    seconds += Since(start);
    return response;
  }
  double seconds = 0;

 private:
  client::SyncTransport& inner_;
};

double PlainInsert(const std::vector<RowWrite>& rows, const std::string& path) {
  auto db = Db::Open(path);
  if (!db.ok()) Die("plain open", db.status());
  // The domain tables alone: the first migration of the replica's list.
  auto migrated = ApplyMigrations(**db, ReplicaMigrations().subspan(0, 1));
  if (!migrated.ok()) Die("plain migrate", migrated.status());
  const auto start = Clock::now();
  if (!(*db)->ExecScript("BEGIN").ok()) std::exit(1);
  for (const RowWrite& w : rows) {
    std::string sql = "INSERT INTO " + w.table + " (id";
    std::string params = "?";
    for (const auto& [name, value] : w.columns) {
      sql += ", " + name;
      params += ", ?";
    }
    sql += ") VALUES (" + params + ")";
    auto stmt = (*db)->Prepare(sql);
    if (!stmt.ok()) Die("plain prepare", stmt.status());
    int p = 1;
    (*stmt)->Bind(p++, w.row_id);
    for (const auto& [name, value] : w.columns) (*stmt)->Bind(p++, value);
    Status s = (*stmt)->Run();
    if (!s.ok()) Die("plain insert", s);
  }
  if (!(*db)->ExecScript("COMMIT").ok()) std::exit(1);
  return Since(start);
}

}  // namespace

int main(int argc, char** argv) {
  const int customers = argc > 1 ? std::atoi(argv[1]) : 5000;
  testing::TempDir dir;
  const std::string db_path = dir.File("server.db");
  const std::vector<RowWrite> rows = Territory(customers);

  std::string token;
  {
    SystemWallClock wall;
    auto store = server::ServerStore::Open(db_path, wall);
    if (!store.ok()) Die("server store", store.status());
    auto rep = (*store)->AddRep(server::NewRep{"rep-bench", "Bench Rep", "rep", "", "", ""});
    if (!rep.ok()) Die("add rep", rep.status());
    token = rep->second;
    for (size_t i = 0; i < rows.size(); i += 5000) {
      std::vector<RowWrite> batch(
          rows.begin() + static_cast<std::ptrdiff_t>(i),
          rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), i + 5000)));
      auto written = (*store)->Write(batch);
      if (!written.ok()) Die("seed", written.status());
    }
  }
  testing::ServerProcess server(db_path, dir.path().string());
  if (!server.Start()) {
    std::fprintf(stderr, "first_sync_bench: the server did not start:\n%s\n", server.Log().c_str());
    return 1;
  }

  const double plain_s = PlainInsert(rows, dir.File("plain.db"));

  SystemWallClock wall;
  auto replica = Replica::Open(dir.File("device.db"), wall);
  if (!replica.ok()) Die("replica", replica.status());
  auto transport = client::HttpSyncTransport::Create(server.url(), token);
  if (!transport.ok()) Die("transport", transport.status());
  TimedTransport timed(**transport);
  client::SyncEngine engine(**replica, timed, client::SyncOptions{5000, 100000});
  const auto start = Clock::now();
  auto report = engine.SyncOnce();
  const double sync_s = Since(start);
  if (!report.ok()) Die("sync", report.status());
  server.Stop(SIGTERM);

  std::printf(
      "first sync: %d customers, %d visits, %d orders (%zu rows) from fieldbook-server on "
      "loopback\n",
      customers, customers * 10, customers * 20, rows.size());
  std::printf("  device sync: %.2f s (%zu rows received in %zu pages, %.0f rows/s)\n", sync_s,
              report->rows_received, report->pages, static_cast<double>(rows.size()) / sync_s);
  std::printf(
      "    of which round trips (server pages, HTTP, codec) %.2f s, storing on the device %.2f s\n",
      timed.seconds, sync_s - timed.seconds);
  std::printf("  plain SQLite insert of the same rows, one transaction: %.2f s\n", plain_s);
  std::printf("  ratio %.2fx (target <= 3x: %s); under 2 s: %s\n", sync_s / plain_s,
              sync_s / plain_s <= 3 ? "met" : "MISSED", sync_s < 2 ? "met" : "MISSED");
  return report->rows_received >= rows.size() ? 0 : 1;
}
