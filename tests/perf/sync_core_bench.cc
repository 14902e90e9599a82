// Sync core benchmarks (issue #3). Run through scripts/bench, which builds the release preset.
//
//  * CaptureOverhead/batch    — 1,000 customer inserts per transaction into a replica (capture
//                               triggers on) and into the same schema without capture; the
//                               counter `ratio` is captured time / plain time (target <= 1.5).
//  * CaptureOverhead/single   — the same, one insert per transaction (how a rep writes), on a
//                               WAL file with synchronous=FULL.
//  * ApplyPull100k            — merging a 100,000-row change set (10k customers, 40k visits,
//                               50k orders) into an empty replica in one transaction.
//  * EncodedBytes             — packed Cap'n Proto bytes per row and per column of that set.
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>

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

// Times `rows` inserts, `per_txn` to a transaction, into `db`.
double TimeInserts(Db& db, RowIdGenerator& ids, int rows, int per_txn, int& counter) {
  const auto start = Clock::now();
  for (int done = 0; done < rows; done += per_txn) {
    if (!db.ExecScript("BEGIN").ok()) std::abort();
    for (int j = 0; j < per_txn; ++j) InsertCustomer(db, ids, counter++);
    if (!db.ExecScript("COMMIT").ok()) std::abort();
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void CaptureOverhead(benchmark::State& state) {
  const int per_txn = static_cast<int>(state.range(0));
  const int rows = per_txn == 1 ? 500 : 20000;
  testing::TempDir dir;
  FakeWallClock wall;
  RowIdGenerator ids(wall, 7);
  auto plain = Db::Open(dir.File("plain.db"));
  if (!plain.ok() || !ApplyMigrations(**plain, ReplicaMigrations()).ok()) std::abort();
  auto replica = Replica::Open(dir.File("replica.db"), wall);
  if (!replica.ok()) std::abort();
  double plain_s = 0, captured_s = 0;
  int counter = 0;
  for (auto _ : state) {
    // Alternate so that both see the same cache and disk conditions.
    plain_s += TimeInserts(**plain, ids, rows, per_txn, counter);
    captured_s += TimeInserts((*replica)->db(), ids, rows, per_txn, counter);
  }
  const double n = static_cast<double>(rows) * static_cast<double>(state.iterations());
  state.counters["plain_rows_per_s"] = n / plain_s;
  state.counters["captured_rows_per_s"] = n / captured_s;
  state.counters["ratio"] = captured_s / plain_s;
}
BENCHMARK(CaptureOverhead)->Arg(1000)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

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

}  // namespace
}  // namespace fieldbook

BENCHMARK_MAIN();
