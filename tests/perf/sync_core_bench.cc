// Sync core benchmarks (issue #3, issue #12). Run through scripts/bench, which builds the release
// preset.
//
//  * CaptureOverhead/batch    — 1,000 customer inserts per transaction into three files with the
//                               same tables: no triggers at all (the baseline), the capture
//                               triggers alone, and a full replica (capture, search queue,
//                               digests), timed in turn in each of >= 5 rounds. Counters: min and
//                               median over the rounds of captured / plain (`capture_*`, target
//                               <= 1.3) and replica / plain (`replica_*`), by wall time and by
//                               thread CPU time (steadier on a busy machine).
//  * CaptureOverhead/single   — the same, one insert per transaction (how a rep writes), on a
//                               WAL file with synchronous=FULL.
//  * ApplyPull100k            — merging a 100,000-row change set (10k customers, 40k visits,
//                               50k orders) into an empty replica in one transaction.
//  * ApplyPullOverExisting    — merging newer versions of 10,000 customers the replica holds (the
//                               merge engine's upsert names every column, so every capture
//                               trigger of an UPDATE OF is invoked, and finds capture suspended);
//                               `ratio` against the same replica without the per-column triggers.
//  * EncodedBytes             — packed Cap'n Proto bytes per row and per column of that set.
//  * PushEncoding/0 and /1    — a push of 2,000 new customers (18 columns each) as the device makes
//                               and sends it and the hub reads it, then its retry (issue #14): /0
//                               inline (wire version 3, the path before: the set is made and its
//                               bytes stored, then encoded again into the request; a retry decodes
//                               the stored bytes and encodes them again), /1 as the stored bytes
//                               (wire version 4). Counters, min and median over the iterations, in
//                               ms: `first_device` (PreparePush[Bytes] + EncodeSyncRequest),
//                               `retry_device` (the same for the retry), `hub` (DecodeSyncRequest).
#include <benchmark/benchmark.h>

#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/change_set_codec.h"
#include "fieldbook/migrations.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

namespace fieldbook {
namespace {

using Clock = std::chrono::steady_clock;
using testing::FakeWallClock;

constexpr const char* kInsertCustomer =
    "INSERT INTO customers (id, name, customer_type, relationship, purchase_stage, region_class, "
    "address, city, province, lat, lon, phone, primary_contact, tags, notes, owner_rep_id, "
    "territory_id, created_at) VALUES (?, ?, 'garage', 'existing', 'customer', 'local', ?, '广州', "
    "'广东', 23.12, 113.25, ?, '王师傅', 'brakes,filters', ?, 'rep-1', 'terr-1', "
    "'2026-11-23T08:00:00Z')";

void InsertCustomer(Db& db, RowIdGenerator& ids, int i) {
  auto stmt = db.Prepare(kInsertCustomer);
  const std::string n = std::to_string(i);
  (*stmt)
      ->Bind(1, ids.Next())
      .Bind(2, "鑫达汽修 " + n)
      .Bind(3, "天河区中山大道 " + n + " 号")
      .Bind(4, "138" + std::to_string(10000000 + i))
      .Bind(5, "prefers Bosch; pays monthly");
  if (!(*stmt)->Run().ok()) std::abort();
}

struct Timing {
  double wall_s = 0, cpu_s = 0;
};

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Times `rows` inserts, `per_txn` to a transaction, into `db`.
Timing TimeInserts(Db& db, RowIdGenerator& ids, int rows, int per_txn, int& counter) {
  const auto start = Clock::now();
  const double cpu = ThreadCpuSeconds();
  for (int done = 0; done < rows; done += per_txn) {
    if (!db.ExecScript("BEGIN").ok()) std::abort();
    for (int j = 0; j < per_txn; ++j) InsertCustomer(db, ids, counter++);
    if (!db.ExecScript("COMMIT").ok()) std::abort();
  }
  return {std::chrono::duration<double>(Clock::now() - start).count(), ThreadCpuSeconds() - cpu};
}

// Drops the triggers of `db` that `keep` (a GLOB list, "" for none) does not name.
void DropTriggersBut(Db& db, const std::vector<std::string>& keep) {
  std::vector<std::string> names;
  auto list = db.Prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'");
  if (!list.ok()) std::abort();
  while (true) {
    auto row = (*list)->Step();
    if (!row.ok()) std::abort();
    if (!*row) break;
    names.push_back((*list)->Text(0));
  }
  for (const std::string& name : names) {
    bool kept = false;
    for (const std::string& glob : keep)
      kept = kept || sqlite3_strglob(glob.c_str(), name.c_str()) == 0;
    if (!kept && !db.ExecScript("DROP TRIGGER \"" + name + "\"").ok()) std::abort();
  }
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}
double Min(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

void CaptureOverhead(benchmark::State& state) {
  const int per_txn = static_cast<int>(state.range(0));
  const int rows = per_txn == 1 ? 500 : 20000;
  testing::TempDir dir;
  // The real clock, as on a device: row ids start with the time, so a batch of new rows lands at
  // the end of the id indexes (and of the outbox), not at random places.
  SystemWallClock wall;
  RowIdGenerator ids(wall, 7);
  // The baseline: the replica's tables with no triggers at all.
  auto plain = Db::Open(dir.File("plain.db"));
  if (!plain.ok() || !ApplyMigrations(**plain, ReplicaMigrations()).ok()) std::abort();
  DropTriggersBut(**plain, {});
  // Capture alone: a replica without the other components' triggers (search queue, digests,
  // provisional grades).
  auto captured = Replica::Open(dir.File("captured.db"), wall);
  if (!captured.ok()) std::abort();
  DropTriggersBut((*captured)->db(), {"fb_*_capture_*", "fb_*_guard_*"});
  // A rep's replica as it is.
  auto replica = Replica::Open(dir.File("replica.db"), wall);
  if (!replica.ok()) std::abort();
  std::vector<double> capture_wall, capture_cpu, replica_wall, replica_cpu;
  double plain_s = 0, captured_s = 0;
  int counter = 0;
  for (auto _ : state) {
    // In turn, so that all three see the same cache and disk conditions.
    const Timing p = TimeInserts(**plain, ids, rows, per_txn, counter);
    const Timing c = TimeInserts((*captured)->db(), ids, rows, per_txn, counter);
    const Timing r = TimeInserts((*replica)->db(), ids, rows, per_txn, counter);
    plain_s += p.wall_s;
    captured_s += c.wall_s;
    capture_wall.push_back(c.wall_s / p.wall_s);
    capture_cpu.push_back(c.cpu_s / p.cpu_s);
    replica_wall.push_back(r.wall_s / p.wall_s);
    replica_cpu.push_back(r.cpu_s / p.cpu_s);
  }
  const double n = static_cast<double>(rows) * static_cast<double>(state.iterations());
  state.counters["plain_rows_per_s"] = n / plain_s;
  state.counters["captured_rows_per_s"] = n / captured_s;
  state.counters["capture_min"] = Min(capture_wall);
  state.counters["capture_med"] = Median(capture_wall);
  state.counters["capture_cpu_min"] = Min(capture_cpu);
  state.counters["capture_cpu_med"] = Median(capture_cpu);
  state.counters["replica_min"] = Min(replica_wall);
  state.counters["replica_med"] = Median(replica_wall);
  state.counters["replica_cpu_med"] = Median(replica_cpu);
}
BENCHMARK(CaptureOverhead)->Arg(1000)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(7);

ChangeSet BuildFirstSyncSet() {
  FakeWallClock wall;
  RowIdGenerator ids(wall, 11);
  ChangeSet set;
  set.set_id = "bench";
  set.replica_id = "hub";
  set.cursor = 100000;
  const uint32_t hub = set.OriginIndex("hub");
  Hlc hlc = Hlc::FromParts(wall.NowMs(), 0);
  auto col = [&](const char* name, Value v) { return ColumnChange{name, std::move(v), hlc, hub}; };
  std::vector<std::string> customers;
  for (int i = 0; i < 10000; ++i) {
    customers.push_back(ids.Next());
    set.rows.push_back(
        {"customers",
         customers.back(),
         {col("name", "鑫达汽修 " + std::to_string(i)), col("customer_type", "garage"),
          col("relationship", "existing"), col("purchase_stage", "customer"),
          col("region_class", "local"), col("address", "天河区中山大道 88 号"), col("city", "广州"),
          col("lat", 23.12), col("lon", 113.25), col("phone", "13800138000"),
          col("primary_contact", "王师傅"), col("owner_rep_id", "rep-1"),
          col("territory_id", "terr-1"), col("grade_tier", "B"), col("deleted", int64_t{0})}});
  }
  for (int i = 0; i < 40000; ++i) {
    set.rows.push_back(
        {"visits",
         ids.Next(),
         {col("customer_id", customers[i % customers.size()]), col("rep_id", "rep-1"),
          col("check_in", "2026-11-23T09:00:00Z"), col("check_out", "2026-11-23T09:40:00Z"),
          col("lat", 23.12), col("lon", 113.25), col("purpose", "routine"),
          col("outcome", "ordered"), col("notes", "换刹车片，下周再来")}});
  }
  for (int i = 0; i < 50000; ++i) {
    set.rows.push_back({"orders",
                        ids.Next(),
                        {col("customer_id", customers[i % customers.size()]),
                         col("rep_id", "rep-1"), col("order_date", "2026-11-23"),
                         col("amount_cents", int64_t{128000 + i}), col("currency", "CNY")}});
  }
  return set;
}

void ApplyPull100k(benchmark::State& state) {
  const ChangeSet set = BuildFirstSyncSet();
  FakeWallClock wall;
  for (auto _ : state) {
    state.PauseTiming();
    testing::TempDir dir;
    auto replica = Replica::Open(dir.File("replica.db"), wall);
    if (!replica.ok()) std::abort();
    state.ResumeTiming();
    auto stats = (*replica)->ApplyPull(set);
    if (!stats.ok() || stats->rows_changed != set.rows.size()) std::abort();
    state.PauseTiming();
    replica->reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * set.rows.size()));
  state.counters["rows"] = static_cast<double>(set.rows.size());
  state.counters["columns"] = static_cast<double>(set.ColumnCount());
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(set.rows.size()),
                                                    benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(ApplyPull100k)->Unit(benchmark::kMillisecond)->Iterations(3);

// Newer versions of the customers of BuildFirstSyncSet, every column changed.
ChangeSet NewerCustomers(const ChangeSet& first, uint64_t cursor) {
  ChangeSet set;
  set.set_id = "bench-update";
  set.replica_id = "hub";
  set.cursor = cursor;
  const uint32_t hub = set.OriginIndex("hub");
  for (const RowChange& row : first.rows) {
    if (row.table != "customers") continue;
    RowChange r{row.table, row.row_id, {}};
    for (const ColumnChange& c : row.columns) {
      ColumnChange changed = c;
      changed.hlc = Hlc::FromParts(c.hlc.physical_ms() + 60000, 0);
      changed.origin = hub;
      if (std::holds_alternative<std::string>(changed.value)) {
        changed.value = std::get<std::string>(changed.value) + " v2";
      }
      r.columns.push_back(std::move(changed));
    }
    set.rows.push_back(std::move(r));
  }
  return set;
}

void ApplyPullOverExisting(benchmark::State& state) {
  const ChangeSet first = BuildFirstSyncSet();
  std::vector<ChangeSet> updates;
  for (int i = 0; i < 20; ++i)
    updates.push_back(NewerCustomers(i ? updates.back() : first, 100001 + i));
  FakeWallClock wall;
  testing::TempDir dir;
  auto with = Replica::Open(dir.File("with.db"), wall);
  auto without = Replica::Open(dir.File("without.db"), wall);
  if (!with.ok() || !without.ok()) std::abort();
  DropTriggersBut((*without)->db(), {"fb_*_capture_insert", "fb_*_capture_update", "fb_*_guard_*",
                                     "fb_search_*", "fb_*_digest_*", "fb_provisional_*"});
  for (auto* r : {&*with, &*without}) {
    if (!(*r)->ApplyPull(first).ok()) std::abort();
  }
  std::vector<double> ratio;
  double with_s = 0;
  size_t next = 0;
  for (auto _ : state) {
    const ChangeSet& set = updates[next++ % updates.size()];
    auto t0 = Clock::now();
    if (!(*with)->ApplyPull(set).ok()) std::abort();
    const double w = std::chrono::duration<double>(Clock::now() - t0).count();
    t0 = Clock::now();
    if (!(*without)->ApplyPull(set).ok()) std::abort();
    const double wo = std::chrono::duration<double>(Clock::now() - t0).count();
    with_s += w;
    ratio.push_back(w / wo);
  }
  state.counters["rows_per_s"] = 10000.0 * static_cast<double>(state.iterations()) / with_s;
  state.counters["ratio_min"] = Min(ratio);
  state.counters["ratio_med"] = Median(ratio);
}
BENCHMARK(ApplyPullOverExisting)->Unit(benchmark::kMillisecond)->Iterations(5);

void EncodedBytes(benchmark::State& state) {
  const ChangeSet set = BuildFirstSyncSet();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string body = EncodeChangeSet(set);
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.counters["bytes_per_row"] =
      static_cast<double>(bytes) / static_cast<double>(set.rows.size());
  state.counters["bytes_per_column"] =
      static_cast<double>(bytes) / static_cast<double>(set.ColumnCount());
  state.counters["total_MiB"] = static_cast<double>(bytes) / (1024.0 * 1024.0);
}
BENCHMARK(EncodedBytes)->Unit(benchmark::kMillisecond)->Iterations(3);

void PushEncoding(benchmark::State& state) {
  const bool as_bytes = state.range(0) == 1;
  FakeWallClock wall;
  testing::TempDir dir;
  auto replica = Replica::Open(dir.File("device.db"), wall);
  if (!replica.ok()) std::abort();
  Replica& device = **replica;
  int next_customer = 0;
  auto write_customers = [&] {
    if (!device.db().ExecScript("BEGIN").ok()) std::abort();
    for (int i = 0; i < 2000; ++i) InsertCustomer(device.db(), device.ids(), next_customer++);
    if (!device.db().ExecScript("COMMIT").ok()) std::abort();
  };
  // One attempt: the request the device sends, and the ms it took to make it.
  auto attempt = [&](SyncRequest& request) {
    request = SyncRequest();
    request.replica_id = device.replica_id();
    request.has_push = true;
    const auto t0 = Clock::now();
    std::string wire;
    if (as_bytes) {
      auto push = device.PreparePushBytes();
      if (!push.ok() || !*push) std::abort();
      request.push.set_id = (*push)->set_id;
      request.push_bytes = std::move((*push)->bytes);
    } else {
      auto push = device.PreparePush();
      if (!push.ok() || !*push) std::abort();
      request.push = std::move(**push);
    }
    wire = EncodeSyncRequest(request);
    const double device_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    const auto t1 = Clock::now();
    auto decoded = DecodeSyncRequest(wire);
    if (!decoded.ok() || decoded->push.rows.size() != 2000) std::abort();
    const double hub_ms = std::chrono::duration<double, std::milli>(Clock::now() - t1).count();
    return std::pair<double, double>(device_ms, hub_ms);
  };
  std::vector<double> first_device, retry_device, hub;
  for (auto _ : state) {
    state.PauseTiming();
    write_customers();
    state.ResumeTiming();
    SyncRequest request;
    const auto [first_ms, first_hub_ms] = attempt(request);
    const auto [retry_ms, retry_hub_ms] = attempt(request);  // the answer was lost
    first_device.push_back(first_ms);
    retry_device.push_back(retry_ms);
    hub.push_back(first_hub_ms);
    hub.push_back(retry_hub_ms);
    state.PauseTiming();
    PushResult result;
    result.set_id = request.push.set_id;
    result.rows_accepted = 2000;
    if (!device.AcknowledgePush(result).ok()) std::abort();
    state.ResumeTiming();
  }
  for (const auto& [name, ms] :
       {std::pair<std::string, const std::vector<double>*>{"first_device", &first_device},
        {"retry_device", &retry_device},
        {"hub", &hub}}) {
    state.counters[name + "_min"] = Min(*ms);
    state.counters[name + "_med"] = Median(*ms);
  }
}
BENCHMARK(PushEncoding)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(7);

}  // namespace
}  // namespace fieldbook

BENCHMARK_MAIN();
