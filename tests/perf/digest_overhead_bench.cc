// What replica verification's digest tracking costs on the device (docs/sync.md, "Verification
// and repair"). Digests are kept by triggers for local writes and in C++ for pulled rows
// (digest_tracker.h), so the cost has two parts, each measured alone:
//
//  * storing a first sync: the pages of a 5,000-customer territory (50,000 visits, 100,000 orders;
//    the first_sync_bench data) merged into an empty replica, pages pre-fetched from an
//    in-process hub so that only the device's own work is timed; with the digest triggers in
//    place and with them dropped (they fire on updates and deletes only, so this should be
//    noise);
//  * the C++ part for those rows: the DigestListener the merge engine calls for every row it
//    writes (digest and bucket of the row, added to the pending sums), timed on the same rows;
//  * local writes: customer inserts, 1,000 per transaction, and one per transaction (WAL,
//    synchronous=FULL, as a rep writes), with the triggers and without;
//  * on the server: the hub writing that territory (Hub::Write, 5,000 rows per transaction), and
//    the part of it that is digests (HubDigestListener for every row, and its upserts of
//    fb_owner_digests once per transaction), timed alone on the same rows.
// Each variant runs `repeats` times, alternating; the best time of each is reported: CPU time of
// the process (the machine may be busy) except for one write per transaction, which waits for the
// disk and is timed on the wall clock.
//
// Run: build/release/tests/perf/digest_overhead_bench [customers] [repeats]
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "digest_tracker.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/hub.h"
#include "fieldbook/replica.h"
#include "support/temp_dir.h"

namespace {

using namespace fieldbook;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of this process: other programs on a busy machine do not count.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "digest_overhead_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

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
                             {"address", "天河区中山大道 " + std::to_string(c) + " 号"},
                             {"city", "广州"},
                             {"lat", 23.12},
                             {"lon", 113.25},
                             {"phone", "138" + std::to_string(10000000 + c)},
                             {"owner_rep_id", "rep-bench"},
                             {"grade_tier", "B"}}});
    for (int v = 0; v < 10; ++v) {
      rows.push_back(RowWrite{"visits",
                              next_id("vis", c * 10 + v),
                              {{"customer_id", cid},
                               {"rep_id", "rep-bench"},
                               {"check_in", "2026-11-23T09:00:00Z"},
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

void DropDigestTriggers(Db& db) {
  auto list = db.Prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name GLOB 'fb_*_digest_*'");
  if (!list.ok()) Die("list triggers", list.status());
  std::vector<std::string> names;
  while (true) {
    auto row = (*list)->Step();
    if (!row.ok()) Die("list triggers", row.status());
    if (!*row) break;
    names.push_back((*list)->Text(0));
  }
  for (const std::string& name : names) {
    Status s = db.ExecScript("DROP TRIGGER \"" + name + "\"");
    if (!s.ok()) Die("drop trigger", s);
  }
}

double StorePages(const std::vector<ChangeSet>& pages, const std::string& path, bool digests) {
  SystemWallClock wall;
  auto replica = Replica::Open(path, wall);
  if (!replica.ok()) Die("replica", replica.status());
  if (!digests) DropDigestTriggers((*replica)->db());
  const double start = CpuSeconds();
  for (const ChangeSet& page : pages) {
    auto stats = (*replica)->ApplyPull(page);
    if (!stats.ok()) Die("apply", stats.status());
  }
  return CpuSeconds() - start;
}

double LocalInserts(const std::string& path, bool digests, int rows, int per_txn) {
  SystemWallClock wall;
  auto replica = Replica::Open(path, wall);
  if (!replica.ok()) Die("replica", replica.status());
  if (!digests) DropDigestTriggers((*replica)->db());
  Db& db = (*replica)->db();
  const auto start = Clock::now();
  const double cpu_start = CpuSeconds();
  for (int done = 0; done < rows; done += per_txn) {
    if (per_txn > 1 && !db.ExecScript("BEGIN").ok()) std::exit(1);
    for (int j = 0; j < per_txn; ++j) {
      auto stmt = db.Prepare(
          "INSERT INTO customers (id, name, customer_type, address, city, lat, lon, phone, "
          "owner_rep_id) VALUES (?, ?, 'garage', ?, '广州', 23.12, 113.25, ?, 'rep-1')");
      if (!stmt.ok()) Die("prepare", stmt.status());
      const std::string n = std::to_string(done + j);
      (*stmt)
          ->Bind(1, (*replica)->ids().Next())
          .Bind(2, "鑫达汽修 " + n)
          .Bind(3, "天河区中山大道 " + n + " 号")
          .Bind(4, "138" + std::to_string(10000000 + done + j));
      Status s = (*stmt)->Run();
      if (!s.ok()) Die("insert", s);
    }
    if (per_txn > 1 && !db.ExecScript("COMMIT").ok()) std::exit(1);
  }
  // Batches are CPU-bound; one write per transaction waits for the disk.
  return per_txn > 1 ? CpuSeconds() - cpu_start : Since(start);
}

// The listener's work for every row of the pages, as ApplyPull's merge engine calls it for an
// empty replica (every row created).
double ListenerSeconds(const std::vector<ChangeSet>& pages, const Catalog& catalog) {
  std::vector<std::pair<const TableInfo*, std::pair<std::string, std::vector<Value>>>> rows;
  for (const ChangeSet& page : pages) {
    for (const RowChange& rc : page.rows) {
      const TableInfo* t = catalog.Find(rc.table);
      if (t == nullptr) Die("table", Status::Internal(rc.table));
      std::vector<Value> values(t->columns.size());
      if (t->deleted_column >= 0) values[t->deleted_column] = int64_t{0};
      for (const ColumnChange& c : rc.columns) values[t->ColumnIndex(c.column)] = c.value;
      rows.push_back({t, {rc.row_id, std::move(values)}});
    }
  }
  DigestContext context;
  DigestListener listener(context);
  const double start = CpuSeconds();
  for (const auto& [table, row] : rows) listener.After(*table, row.first, true, row.second);
  const double seconds = CpuSeconds() - start;
  if (context.deltas.empty()) std::exit(1);
  return seconds;
}

double HubWrites(const std::vector<RowWrite>& rows, const std::string& path) {
  SystemWallClock wall;
  auto hub = Hub::Open(path, wall);
  if (!hub.ok()) Die("hub", hub.status());
  const double start = CpuSeconds();
  for (size_t i = 0; i < rows.size(); i += 5000) {
    std::vector<RowWrite> batch(
        rows.begin() + static_cast<std::ptrdiff_t>(i),
        rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), i + 5000)));
    auto written = (*hub)->Write(batch);
    if (!written.ok()) Die("hub write", written.status());
  }
  return CpuSeconds() - start;
}

// The hub's digest work for those rows: the listener per row, the upserts per transaction.
double HubDigestSeconds(const std::vector<RowWrite>& rows, const std::string& path) {
  SystemWallClock wall;
  auto hub = Hub::Open(path, wall);  // the schema and the digest functions
  if (!hub.ok()) Die("hub", hub.status());
  const Catalog& catalog = (*hub)->catalog();
  std::vector<std::pair<const TableInfo*, std::vector<Value>>> images;
  for (const RowWrite& w : rows) {
    const TableInfo* t = catalog.Find(w.table);
    std::vector<Value> values(t->columns.size());
    if (t->deleted_column >= 0) values[t->deleted_column] = int64_t{0};
    for (const auto& [column, value] : w.columns) values[t->ColumnIndex(column)] = value;
    images.emplace_back(t, std::move(values));
  }
  DigestContext context;
  HubDigestListener listener(context);
  Db& db = (*hub)->db();
  const double start = CpuSeconds();
  for (size_t i = 0; i < rows.size(); i += 5000) {
    if (!db.ExecScript("BEGIN").ok()) std::exit(1);
    for (size_t j = i; j < std::min(rows.size(), i + 5000); ++j) {
      listener.After(*images[j].first, rows[j].row_id, true, images[j].second);
    }
    Status s = listener.Flush(db);
    if (!s.ok()) Die("flush", s);
    if (!db.ExecScript("COMMIT").ok()) std::exit(1);
  }
  return CpuSeconds() - start;
}

}  // namespace

int main(int argc, char** argv) {
  const int customers = argc > 1 ? std::atoi(argv[1]) : 5000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  testing::TempDir dir;
  SystemWallClock wall;
  auto hub = Hub::Open(dir.File("hub.db"), wall);
  if (!hub.ok()) Die("hub", hub.status());
  const std::vector<RowWrite> rows = Territory(customers);
  for (size_t i = 0; i < rows.size(); i += 5000) {
    std::vector<RowWrite> batch(
        rows.begin() + static_cast<std::ptrdiff_t>(i),
        rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), i + 5000)));
    auto written = (*hub)->Write(batch);
    if (!written.ok()) Die("seed", written.status());
  }
  std::vector<ChangeSet> pages;
  uint64_t cursor = 0;
  while (true) {
    auto page = (*hub)->Pull(cursor, 5000);
    if (!page.ok()) Die("pull", page.status());
    auto wire = DecodeChangeSet(EncodeChangeSet(page->changes));
    if (!wire.ok()) Die("codec", wire.status());
    cursor = wire->cursor;
    pages.push_back(std::move(*wire));
    if (!page->more) break;
  }

  double listener = 1e9, hub_with = 1e9, hub_digests = 1e9;
  double best_with = 1e9, best_without = 1e9;
  double batch_with = 1e9, batch_without = 1e9, single_with = 1e9, single_without = 1e9;
  for (int r = 0; r < repeats; ++r) {
    const std::string n = std::to_string(r);
    best_without = std::min(best_without, StorePages(pages, dir.File("off" + n + ".db"), false));
    best_with = std::min(best_with, StorePages(pages, dir.File("on" + n + ".db"), true));
    listener = std::min(listener, ListenerSeconds(pages, (*hub)->catalog()));
    hub_with = std::min(hub_with, HubWrites(rows, dir.File("hub-w" + n + ".db")));
    hub_digests = std::min(hub_digests, HubDigestSeconds(rows, dir.File("hub-d" + n + ".db")));
    batch_without =
        std::min(batch_without, LocalInserts(dir.File("lb-off" + n + ".db"), false, 20000, 1000));
    batch_with =
        std::min(batch_with, LocalInserts(dir.File("lb-on" + n + ".db"), true, 20000, 1000));
    single_without =
        std::min(single_without, LocalInserts(dir.File("ls-off" + n + ".db"), false, 300, 1));
    single_with = std::min(single_with, LocalInserts(dir.File("ls-on" + n + ".db"), true, 300, 1));
  }
  // A first sync inserts rows, which fire no digest trigger: their difference is noise, and a
  // negative one is not a saving.
  const double storing = std::max(0.0, best_with - best_without) + listener;
  std::printf("digest tracking overhead on the device (best of %d)\n", repeats);
  std::printf(
      "  storing a first sync (%zu rows in %zu pages), CPU: %.3f s with the digest triggers, "
      "%.3f s without: %+.3f s\n",
      rows.size(), pages.size(), best_with, best_without, best_with - best_without);
  std::printf("  the C++ digests of those rows (DigestListener), CPU: %.3f s\n", listener);
  std::printf("  => digest tracking adds %.3f s to storing the first sync (%.1f%% of %.3f s)\n",
              storing, 100 * storing / best_without, best_without);
  std::printf(
      "  20,000 local inserts, 1,000 per transaction, CPU: %.3f s with the triggers, %.3f s "
      "without (%.2fx)\n",
      batch_with, batch_without, batch_with / batch_without);
  std::printf(
      "  300 local inserts, one per transaction (synchronous=FULL), wall: %.3f s with, %.3f s "
      "without (%.2fx)\n",
      single_with, single_without, single_with / single_without);
  std::printf(
      "  server: the hub writing those rows (5,000 per transaction), CPU: %.3f s, of which "
      "digests %.3f s (%.1f%%)\n",
      hub_with, hub_digests, 100 * hub_digests / hub_with);
  return 0;
}
