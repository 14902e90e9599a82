// fieldbook-pg-push-bench: what a device's push costs per row on PostgreSQL (issue #15, the
// PostgreSQL fleet section of the README), measured on the production path without HTTP:
// ServerStore::Open on a scratch schema of a PostgreSQL cluster, then every rep's device pushes
// its first sets through ServerStore::ApplyRepPush (the gate, the merge, the scope observer, the
// change log), as a fleet of new devices does. Reports, per run on a fresh schema: the push time
// per row, the connection's round trips per row (PgDb::round_trips), and the CPU per row of this
// process and of the PostgreSQL backend serving the store's connection (from /proc: the cluster
// must run on this machine), then min/median over the runs and the machine's load average. On a
// loaded machine the CPU figures and the round trips say more than the time.
//
// Usage: fieldbook-pg-push-bench [--pg CONNINFO] [--reps 200] [--sets 2] [--rows 10] [--runs 3]
// (the cluster defaults to FIELDBOOK_TEST_PG: `export FIELDBOOK_TEST_PG="$(scripts/pg-cluster
// start /tmp/fbpg)"`). Each set is 4 new customers to 1 visit of one of the rep's earlier ones.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "fieldbook/change_set.h"
#include "perf/bench_util.h"
#include "store/pg/pg_sql_db.h"
#include "store/server_store.h"
#include "support/fake_clock.h"
#include "support/pg_scratch.h"

namespace fieldbook {
namespace {

using Clock = std::chrono::steady_clock;

// The command line: the cluster, then reps, sets per rep, rows per set and runs.
struct Options {
  std::string pg = testing::TestPgCluster();
  int counts[4] = {200, 2, 10, 3};
  int reps() const { return counts[0]; }
  int sets() const { return counts[1]; }
  int rows() const { return counts[2]; }
  int runs() const { return counts[3]; }
};

// One run's figures, each per pushed row: time, round trips, CPU here and in the backend (ms).
struct RunFigures {
  size_t rows = 0;
  double seconds = 0, ms_per_row = 0, round_trips_per_row = 0;
  double client_cpu_ms_per_row = 0, backend_cpu_ms_per_row = 0;
};

bool Fail(const std::string& what, const Status& s) {
  std::fprintf(stderr, "pg-push-bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  return false;
}

// One rep's set `k`: `rows` rows, every fifth (after the first set) a visit of an earlier customer.
ChangeSet RepSet(const std::string& rep, int k, int rows, uint64_t now_ms, int& next_customer) {
  ChangeSet set;
  set.set_id = rep + "-set-" + std::to_string(k);
  set.replica_id = "dev-" + rep;
  const uint32_t self = set.OriginIndex(set.replica_id);
  const Hlc hlc(now_ms << 16);
  for (int i = 0; i < rows; ++i) {
    if (k > 0 && i % 5 == 4) {
      RowChange v{"visits", rep + "-vis-" + std::to_string(k) + "-" + std::to_string(i), {}};
      v.columns.push_back(
          {"customer_id", rep + "-cus-" + std::to_string(i % next_customer), hlc, self});
      v.columns.push_back({"rep_id", rep, hlc, self});
      v.columns.push_back({"check_in", "2026-12-07", hlc, self});
      set.rows.push_back(std::move(v));
      continue;
    }
    RowChange c{"customers", rep + "-cus-" + std::to_string(next_customer), {}};
    // Names of their own: no possible duplicates to flag (a fleet of distinct garages).
    c.columns.push_back(
        {"name", "鑫达汽修 " + rep + "-" + std::to_string(next_customer), hlc, self});
    c.columns.push_back({"owner_rep_id", rep, hlc, self});
    c.columns.push_back({"city", next_customer % 3 ? Value("广州") : Value("佛山"), hlc, self});
    ++next_customer;
    set.rows.push_back(std::move(c));
  }
  return set;
}

// CPU seconds (user + system) of this process.
double OwnCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds (user + system) of process `pid` on this machine (-1 when it cannot be read).
double ProcessCpuSeconds(int pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return -1;
  char buf[1024];
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  // Fields after the command's closing parenthesis: state is 3rd, utime 14th, stime 15th.
  const char* p = std::strrchr(buf, ')');
  if (p == nullptr) return -1;
  unsigned long long utime = 0, stime = 0;
  if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) !=
      2) {
    return -1;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

bool RunOnce(const Options& o, RunFigures& out) {
  testing::PgScratchSchema schema("fbbench", o.pg);
  if (!schema.status().ok()) return Fail("scratch schema", schema.status());
  testing::FakeWallClock wall;
  auto opened = server::ServerStore::Open(schema.conninfo(), wall);
  if (!opened.ok()) return Fail("open", opened.status());
  server::ServerStore& store = **opened;
  auto* pg = dynamic_cast<pg::PgSqlDb*>(&store.sql());
  if (pg == nullptr) return Fail("open", Status::Internal("the store is not on PostgreSQL"));
  std::vector<std::string> reps;
  for (int r = 0; r < o.reps(); ++r) {
    reps.push_back("rep-" + std::to_string(r));
    auto added =
        store.AddRep(server::NewRep{reps.back(), "Rep " + std::to_string(r), "rep", "", "", ""});
    if (!added.ok()) return Fail("add rep", added.status());
  }
  std::vector<int> next_customer(reps.size(), 0);
  Clock::duration spent{};
  uint64_t round_trips = 0;
  double client_cpu = 0;
  const int backend = pg->db().backend_pid();
  const double backend_cpu_before = ProcessCpuSeconds(backend);
  for (int k = 0; k < o.sets(); ++k) {
    for (size_t r = 0; r < reps.size(); ++r) {
      wall.Advance(1000);
      const ChangeSet set = RepSet(reps[r], k, o.rows(), wall.NowMs(), next_customer[r]);
      const server::Principal rep(reps[r], "Rep", "rep", 0, "phone");
      const uint64_t trips_before = pg->db().round_trips();
      const double cpu0 = OwnCpuSeconds();
      const auto t0 = Clock::now();
      auto pushed = store.ApplyRepPush(rep, set);
      spent += Clock::now() - t0;
      client_cpu += OwnCpuSeconds() - cpu0;
      round_trips += pg->db().round_trips() - trips_before;
      if (!pushed.ok()) return Fail("push " + set.set_id, pushed.status());
      if (!pushed->rejections.empty()) {
        return Fail("push " + set.set_id,
                    Status::Internal("refused a row: " + pushed->rejections.front().reason));
      }
      out.rows += set.rows.size();
    }
  }
  // The backend did nothing but the pushes in between (the reps were added before).
  const double backend_cpu = ProcessCpuSeconds(backend) - backend_cpu_before;
  const double rows = static_cast<double>(out.rows);
  out.client_cpu_ms_per_row = client_cpu * 1000 / rows;
  out.backend_cpu_ms_per_row = backend_cpu_before < 0 ? -1 : backend_cpu * 1000 / rows;
  out.seconds = std::chrono::duration<double>(spent).count();
  out.ms_per_row = out.seconds * 1000 / static_cast<double>(out.rows);
  out.round_trips_per_row = static_cast<double>(round_trips) / static_cast<double>(out.rows);
  return true;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int Main(int argc, char** argv) {
  Options o;
  static constexpr const char* kFlags[] = {"--reps", "--sets", "--rows", "--runs"};
  bool usage = false;
  for (int i = 1; i < argc && !usage; ++i) {
    const std::string flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--pg" && has_value) {
      o.pg = argv[++i];
      continue;
    }
    const auto* known = std::find(std::begin(kFlags), std::end(kFlags), flag);
    usage = known == std::end(kFlags) || !has_value;
    if (usage) break;
    int& count = o.counts[known - std::begin(kFlags)];
    count = std::atoi(argv[++i]);
    usage = count <= 0;
  }
  if (usage) {
    std::fprintf(stderr,
                 "usage: fieldbook-pg-push-bench [--pg CONNINFO] [--reps N] [--sets N] "
                 "[--rows N] [--runs N]\n");
    return 2;
  }
  if (o.pg.empty()) {
    std::fprintf(stderr, "pg-push-bench: %s\n", testing::kNoTestPgCluster);
    return 2;
  }
  std::printf("pg-push-bench: %d reps x %d sets of %d rows, %d runs\n", o.reps(), o.sets(),
              o.rows(), o.runs());
  std::vector<double> ms, trips, client, backend;
  for (int run = 0; run < o.runs(); ++run) {
    RunFigures f;
    const std::string load = bench::LoadAverage();
    if (!RunOnce(o, f)) return 1;
    std::printf(
        "run %d: %zu rows in %.2f s: %.3f ms/row, %.2f round trips/row, CPU per row %.3f ms here "
        "+ %.3f ms PostgreSQL backend (load %s)\n",
        run + 1, f.rows, f.seconds, f.ms_per_row, f.round_trips_per_row, f.client_cpu_ms_per_row,
        f.backend_cpu_ms_per_row, load.c_str());
    ms.push_back(f.ms_per_row);
    trips.push_back(f.round_trips_per_row);
    client.push_back(f.client_cpu_ms_per_row);
    backend.push_back(f.backend_cpu_ms_per_row);
  }
  std::printf(
      "push per row: min %.3f ms, median %.3f ms; round trips per row: %.2f; CPU per row (min / "
      "median): %.3f / %.3f ms here, %.3f / %.3f ms PostgreSQL backend\n",
      *std::min_element(ms.begin(), ms.end()), Median(ms), Median(trips),
      *std::min_element(client.begin(), client.end()), Median(client),
      *std::min_element(backend.begin(), backend.end()), Median(backend));
  return 0;
}

}  // namespace
}  // namespace fieldbook

int main(int argc, char** argv) { return fieldbook::Main(argc, argv); }
