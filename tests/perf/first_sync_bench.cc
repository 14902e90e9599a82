// First-sync benchmark (issue #5): a rep's new device downloads a territory of 5,000 customers
// with 50,000 visits and 100,000 orders from the real fieldbook-server on loopback, through the
// real client (DeviceSync::ExchangeChanges: Replica + SyncEngine + HTTP + the local search index,
// which is complete when the sync returns). The reference, in the same run: the same rows inserted
// into plain SQLite (the domain tables alone: no capture, no search index, no sync) in one
// transaction. Targets on the 2-core machine: at most 3x the plain insert, under 2 s.
//
// Run: scripts/bench, or build/release/tests/perf/first_sync_bench [customers] [--page-rows N]
// [--no-prefetch] (the last two to compare settings: fixed pages of N rows, one round trip at a
// time; the defaults are the client's own).
#include <signal.h>
#include <sys/resource.h>
#include <time.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "fieldbook/migrations.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
#include "integration/server_process.h"
#include "store/client_store.h"
#include "store/server_store.h"
#include "support/temp_dir.h"
#include "sync/device_sync.h"
#include "sync/sync_engine.h"

namespace {

using namespace fieldbook;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU seconds: of the calling thread, of this process, or of its waited-for children (the
// server), so that figures taken on a busy machine can still be told apart.
double CpuSeconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double ChildrenCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
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
  int customers = 5000;
  client::SyncOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--no-prefetch") {
      options.prefetch = false;
    } else if (arg == "--page-rows" && i + 1 < argc) {
      options.page_rows = static_cast<uint32_t>(std::atoi(argv[++i]));
      options.max_page_rows = options.page_rows;  // a fixed size instead of growing pages
    } else if (std::atoi(arg.c_str()) > 0) {
      customers = std::atoi(arg.c_str());
    } else {
      std::fprintf(stderr, "usage: first_sync_bench [customers] [--page-rows N] [--no-prefetch]\n");
      return 2;
    }
  }
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
  auto store = client::ClientStore::Open(dir.File("device.db"), wall);
  if (!store.ok()) Die("client store", store.status());
  auto transport = client::HttpSyncTransport::Create(server.url(), token);
  if (!transport.ok()) Die("transport", transport.status());
  TimedTransport timed(**transport);
  const double children_before = ChildrenCpuSeconds();
  const double thread_before = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
  const double process_before = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
  const auto start = Clock::now();
  auto report = client::DeviceSync(**store).ExchangeChanges(timed, options);
  const double sync_s = Since(start);
  const double thread_cpu = CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - thread_before;
  const double process_cpu = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - process_before;
  if (!report.ok()) Die("sync", report.status());
  server.Stop(SIGTERM);
  // The server's whole life (start-up is a small part): it is a child reaped by Stop.
  const double server_cpu = ChildrenCpuSeconds() - children_before;
  // The search index is complete when the sync returns: nothing is left in its queue.
  auto queued = (*store)->replica().db().Prepare("SELECT count(*) FROM fb_search_queue");
  if (!queued.ok() || !(*queued)->Step().ok() || (*queued)->Int(0) != 0) {
    std::fprintf(stderr, "first_sync_bench: the sync left rows unindexed\n");
    return 1;
  }
  (*queued)->Reset();
  // Searches right after the sync: a name (few hits) and a phrase in every visit's notes.
  const auto search_start = Clock::now();
  auto found = (*store)->search().Search("鑫达汽修 " + std::to_string(customers - 1), 5);
  const double name_search_s = Since(search_start);
  const auto notes_start = Clock::now();
  auto notes = (*store)->search().Search("下周再来", 20);
  const double notes_search_s = Since(notes_start);
  if (!found.ok() || found->empty() || !notes.ok() || notes->size() != 20) {
    std::fprintf(stderr, "first_sync_bench: the synced customers are not searchable\n");
    return 1;
  }

  std::printf(
      "first sync: %d customers, %d visits, %d orders (%zu rows) from fieldbook-server on "
      "loopback\n",
      customers, customers * 10, customers * 20, rows.size());
  std::printf("  device sync: %.2f s (%zu rows received in %zu pages, %.0f rows/s)\n", sync_s,
              report->rows_received, report->pages, static_cast<double>(rows.size()) / sync_s);
  std::printf(
      "    pages of %u rows growing to %u while round trips are quick; next page requested while "
      "one is stored: %s\n",
      options.page_rows, options.max_page_rows, options.prefetch ? "yes" : "no");
  if (options.prefetch) {
    // The round trips overlap the storing, so their sum says nothing about the device's share.
    std::printf(
        "    round trips (server pages, HTTP, codec) took %.2f s in all, overlapping the "
        "storing; --no-prefetch splits the two\n",
        timed.seconds);
  } else {
    std::printf(
        "    of which round trips (server pages, HTTP, codec) %.2f s, storing on the device %.2f "
        "s\n",
        timed.seconds, sync_s - timed.seconds);
  }
  std::printf(
      "    CPU: syncing thread %.2f s, whole device process %.2f s, fieldbook-server %.2f s\n",
      thread_cpu, process_cpu, server_cpu);
  std::printf("    search right after: a name %.1f ms, a phrase in all %d visits %.1f ms\n",
              name_search_s * 1000, customers * 10, notes_search_s * 1000);
  std::printf("  plain SQLite insert of the same rows, one transaction: %.2f s\n", plain_s);
  std::printf("  ratio %.2fx (target <= 3x: %s); under 2 s: %s\n", sync_s / plain_s,
              sync_s / plain_s <= 3 ? "met" : "MISSED", sync_s < 2 ? "met" : "MISSED");
  return report->rows_received >= rows.size() ? 0 : 1;
}
