// Sync bookkeeping against user data (issue #8: at most 25% after compaction), on the demo data.
//
// Seeds the demo distributor (seed-demo's data), then simulates `days` days of field work on the
// server's side of the wire: each rep's device pushes `syncs` small change sets a day (a visit, now
// and then a customer edit, a contact created and deleted), managers move a few customers, and
// every night the nightly job grades everyone and compacts with a `retention`-day horizon. The same
// days are simulated a second time without compaction. Sizes come from NightlyStore::
// MeasureBookkeeping (dbstat pages; docs/nightly.md defines what counts as bookkeeping).
//
// Run: scripts/bench, or build/release/tests/perf/bookkeeping_bench [customers] [days] [retention]
// [syncs per rep per day]. Sizes do not depend on the disk: the simulation runs with
// synchronous=OFF to be quick.
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "commands/demo_seed.h"
#include "fieldbook/grading.h"
#include "fieldbook/sqlite_db.h"
#include "nightly/nightly_runner.h"
#include "nightly/nightly_steps.h"
#include "store/nightly_store.h"
#include "store/server_store.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

namespace {

using namespace fieldbook;
using namespace fieldbook::server;

constexpr uint64_t kDayMs = 86400000;

struct Figures {
  BookkeepingStats stats;
  double longest_batch_ms = 0;
  int64_t database_bytes = 0;
};

void Print(const char* label, const BookkeepingStats& s) {
  std::printf(
      "%-38s bookkeeping %7.2f MiB  user data %7.2f MiB  = %5.1f%% (%5.1f%% of tables "
      "alone)\n",
      label, s.bookkeeping_bytes / 1048576.0, s.user_bytes / 1048576.0, s.share() * 100,
      s.strict_share() * 100);
}

Result<Figures> Simulate(const std::string& path, int customers, int days, int retention, int syncs,
                         bool compact, bool print_fresh) {
  testing::FakeWallClock wall(testing::FakeWallClock::kDefaultStartMs - days * kDayMs);
  FB_ASSIGN_OR_RETURN(std::unique_ptr<ServerStore> store, ServerStore::Open(path, wall));
  FB_RETURN_IF_ERROR(store->hub().db().ExecScript("PRAGMA synchronous = OFF"));
  DemoSeedOptions seed;
  seed.customers = customers;
  seed.today = FormatDay(static_cast<int32_t>(wall.NowMs() / kDayMs));
  FB_ASSIGN_OR_RETURN(DemoSeedReport demo, SeedDemo(*store, wall, seed));
  NightlyStore nightly(*store);
  if (print_fresh) {
    FB_ASSIGN_OR_RETURN(BookkeepingStats fresh, nightly.MeasureBookkeeping());
    Print("demo data as seeded", fresh);
  }
  std::vector<std::string> reps;
  for (const DemoRep& r : demo.reps) {
    if (r.role == "rep") reps.push_back(r.id);
  }
  std::mt19937_64 rng(20261123);
  Figures out;
  int set_no = 0, row_no = 0;
  for (int day = 0; day < days; ++day) {
    const uint64_t morning = wall.NowMs();
    for (const std::string& rep : reps) {
      FB_ASSIGN_OR_RETURN(auto scope, store->ScopeOf(rep));
      std::vector<std::string> mine(scope.begin(), scope.end());
      std::sort(mine.begin(), mine.end());
      if (mine.empty()) continue;
      const Principal who{rep, rep, "rep"};
      std::string contact;
      for (int s = 0; s < syncs; ++s) {
        wall.Set(morning + static_cast<uint64_t>(s + 1) * 20 * 60 * 1000);
        const Hlc at = Hlc::FromParts(wall.NowMs(), 0);
        ChangeSet set;
        set.set_id = "bench-" + std::to_string(++set_no);
        set.replica_id = "device-" + rep;
        const uint32_t origin = set.OriginIndex(set.replica_id);
        const std::string& customer = mine[rng() % mine.size()];
        set.rows.push_back(RowChange{
            "visits",
            "v-bench-" + std::to_string(++row_no),
            {{"customer_id", customer, at, origin},
             {"rep_id", rep, at, origin},
             {"check_in", FormatDay(static_cast<int32_t>(wall.NowMs() / kDayMs)), at, origin},
             {"purpose", std::string("routine"), at, origin},
             {"notes", std::string("查看库存, 补货刹车片和机油滤芯"), at, origin}}});
        if (s % 4 == 0) {
          set.rows.push_back(
              RowChange{"customers",
                        customer,
                        {{"notes", "最近一次拜访 " + std::to_string(set_no), at, origin}}});
        }
        if (s == 1) {  // a contact recorded in the morning...
          contact = "k-bench-" + std::to_string(++row_no);
          set.rows.push_back(RowChange{"contacts",
                                       contact,
                                       {{"customer_id", customer, at, origin},
                                        {"name", std::string("临时联系人"), at, origin}}});
        } else if (s == syncs - 1 && !contact.empty()) {  // ...and deleted in the evening
          set.rows.push_back(RowChange{"contacts", contact, {{"deleted", int64_t{1}, at, origin}}});
        }
        FB_ASSIGN_OR_RETURN(PushResult pushed, store->ApplyRepPush(who, set));
        (void)pushed;
      }
    }
    // Managers move two customers a day.
    for (int m = 0; m < 2 && reps.size() > 1; ++m) {
      const size_t from = rng() % reps.size();
      const size_t to = (from + 1 + rng() % (reps.size() - 1)) % reps.size();
      FB_ASSIGN_OR_RETURN(auto scope, store->ScopeOf(reps[from]));
      if (scope.empty()) continue;
      std::vector<std::string> held(scope.begin(), scope.end());
      std::sort(held.begin(), held.end());
      FB_RETURN_IF_ERROR(store->ReassignCustomer(held[rng() % held.size()], reps[to], "bench"));
    }
    // The nightly job late in the (simulated) night.
    wall.Set(morning + 23 * 3600 * 1000);
    std::vector<std::unique_ptr<NightlyStep>> steps;
    steps.push_back(std::make_unique<GradeStep>());
    if (compact) {
      CompactOptions options;
      options.retention_days = retention;
      options.floor_grace = std::chrono::milliseconds(0);
      options.measure_bookkeeping = false;
      steps.push_back(std::make_unique<CompactStep>(options));
    }
    RunnerOptions runner_options;
    runner_options.holder = "bench:1:1";
    NightlyRunner runner(*store, wall, std::move(steps), runner_options);
    FB_ASSIGN_OR_RETURN(NightlyRunRecord run, runner.Run());
    for (const NightlyStepRecord& step : run.steps) {
      if (step.status != "done") return Status::Internal("step " + step.name + ": " + step.error);
      if (step.name != "compact") continue;
      boost::system::error_code ec;
      auto report = boost::json::parse(step.report_json, ec);
      if (!ec && report.is_object()) {
        if (const auto* ms = report.as_object().if_contains("longest_batch_ms")) {
          out.longest_batch_ms = std::max(out.longest_batch_ms, ms->to_number<double>());
        }
      }
    }
    wall.Set(morning + kDayMs);
  }
  FB_ASSIGN_OR_RETURN(out.stats, nightly.MeasureBookkeeping());
  FB_ASSIGN_OR_RETURN(PageStats pages, nightly.Pages());
  out.database_bytes = (pages.pages - pages.free_pages) * pages.page_size;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int customers = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int days = argc > 2 ? std::atoi(argv[2]) : 60;
  const int retention = argc > 3 ? std::atoi(argv[3]) : 30;
  const int syncs = argc > 4 ? std::atoi(argv[4]) : 20;
  std::printf(
      "demo data: %d customers; %d days of work (%d syncs per rep per day), nightly "
      "grading; retention %d days\n",
      customers, days, syncs, retention);
  fieldbook::testing::TempDir dir;
  const auto t0 = std::chrono::steady_clock::now();
  auto kept = Simulate(dir.File("no-compaction.db"), customers, days, retention, syncs,
                       /*compact=*/false, /*print_fresh=*/true);
  if (!kept.ok()) {
    std::fprintf(stderr, "simulation failed: %s\n", kept.status().ToString().c_str());
    return 1;
  }
  Print("after the days, never compacted", kept->stats);
  auto compacted = Simulate(dir.File("compacted.db"), customers, days, retention, syncs,
                            /*compact=*/true, /*print_fresh=*/false);
  if (!compacted.ok()) {
    std::fprintf(stderr, "simulation failed: %s\n", compacted.status().ToString().c_str());
    return 1;
  }
  Print("after the days, compacted nightly", compacted->stats);
  std::printf("largest bookkeeping objects after compaction:\n");
  for (size_t i = 0; i < compacted->stats.by_object.size() && i < 8; ++i) {
    std::printf("  %-28s %8.1f KiB\n", compacted->stats.by_object[i].first.c_str(),
                compacted->stats.by_object[i].second / 1024.0);
  }
  std::printf("longest compaction transaction: %.0f ms; total time %.1f s\n",
              compacted->longest_batch_ms,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  const double share = compacted->stats.share();
  std::printf("target: bookkeeping at most 25%% of user data after compaction: %s (%.1f%%)\n",
              share <= 0.25 ? "met" : "MISSED", share * 100);
  return share <= 0.25 ? 0 : 1;
}
