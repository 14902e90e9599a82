// fieldbook-importbench: `fieldbook-server import` at a distributor's scale (issue #17) — 100,000
// customers and 1,000,000 order lines (500,000 orders) from CSV sheets with Chinese headers, as
// whole processes, against the sqlite3 shell's `.import` of the same rows into plain tables in the
// same run (alternating, fresh databases each round). Reports min and median wall time of each,
// and of CPU time (user + system: on a loaded machine the wall time mostly measures the share of
// a core a process got), the ratios, the import's peak RSS (memory stays bounded: rows are
// streamed), and the load.
//
// In the same rounds it measures the floor of such an import (import_floor.h): a `sqlite3` shell
// storing, with `INSERT ... SELECT` in one transaction into a hub made by `fieldbook-server init`,
// exactly the rows the import must store for the change stream (rows with `_v` and `_seq`, feed
// entries, import keys, duplicate keys, digest rows), from the sheets staged into final values by
// another `sqlite3` process first (timed apart, not part of the floor). No regrade: the floor is a
// lower bound.
//
//   fieldbook-importbench [--customers N] [--orders N] [--runs N] [--import-runs N] [--dir DIR]
//                         [--server BIN] [--also BIN]
//
// `--import-runs N`: run the import itself (and `--also`) in the first N rounds only (default:
// all); the baseline and the floor run in every round.
//
// The sheets are generated into DIR (default: a temporary directory, removed afterwards). BIN:
// the fieldbook-server to measure (default: the one built beside this benchmark); `--also` names a
// second one (an older build) measured in the same rounds, for a before/after comparison.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "import_floor.h"
#include "support/import_sheets.h"

namespace {

struct Run {
  double seconds = 0;
  double cpu_seconds = 0;  // user + system
  long max_rss_kb = 0;
  int exit_code = -1;
};

// Runs `argv` with stdin from `in` ("" = /dev/null) and stdout to /dev/null; wall time and RSS.
Run Spawn(const std::vector<std::string>& argv, const std::string& in = "") {
  std::fflush(stdout);  // else the child's freopen writes the parent's buffered lines again
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    std::freopen(in.empty() ? "/dev/null" : in.c_str(), "r", stdin);
    std::freopen("/dev/null", "w", stdout);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  Run r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.max_rss_kb = usage.ru_maxrss;
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  r.cpu_seconds = secs(usage.ru_utime) + secs(usage.ru_stime);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  return r;
}

void Die(const std::string& what) {
  std::fprintf(stderr, "fieldbook-importbench: %s\n", what.c_str());
  std::exit(1);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string Load() {
  double l[3] = {0, 0, 0};
  getloadavg(l, 3);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", l[0], l[1], l[2]);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fieldbook::testing;
  int customers = 100000, orders = 500000, runs = 5, import_runs = -1;
  std::string dir;
  std::string server = FIELDBOOK_SERVER_BINARY, also;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--customers")
      customers = std::atoi(argv[i + 1]);
    else if (a == "--orders")
      orders = std::atoi(argv[i + 1]);
    else if (a == "--runs")
      runs = std::atoi(argv[i + 1]);
    else if (a == "--import-runs")
      import_runs = std::atoi(argv[i + 1]);
    else if (a == "--dir")
      dir = argv[i + 1];
    else if (a == "--server")
      server = argv[i + 1];
    else if (a == "--also")
      also = argv[i + 1];
    else
      Die("unknown option " + a);
  }
  const bool temp = dir.empty();
  if (temp) {
    dir = (std::filesystem::temp_directory_path() / "fieldbook-importbench-XXXXXX").string();
    if (!mkdtemp(dir.data())) Die("mkdtemp");
  }
  const std::vector<std::string> reps = {"rep-a", "rep-b", "rep-c", "rep-d",
                                         "rep-e", "rep-f", "rep-g", "rep-h"};
  const std::string customers_csv = dir + "/customers.csv";
  const std::string orders_csv = dir + "/orders.csv";
  {
    std::ofstream(customers_csv, std::ios::binary) << RowsToCsv(CustomerRows(customers, reps));
    std::ofstream out(orders_csv, std::ios::binary);
    // Written in slices so the generator's memory stays small too.
    auto rows = OrderRows(orders, customers);
    out << RowsToCsv(rows);
  }
  int64_t lines = 0;
  {
    std::ifstream in(orders_csv);
    std::string l;
    while (std::getline(in, l)) ++lines;
    --lines;
  }
  std::printf("machine: %ld cores; load %s\n", sysconf(_SC_NPROCESSORS_ONLN), Load().c_str());
  std::printf("sheets: %d customers (%.1f MB), %d orders with %lld lines (%.1f MB), CSV UTF-8\n",
              customers, std::filesystem::file_size(customers_csv) / 1e6, orders,
              static_cast<long long>(lines), std::filesystem::file_size(orders_csv) / 1e6);
  const std::string sql = dir + "/import.sql";
  std::ofstream(sql) << ".mode csv\n.import " << customers_csv << " customers_raw\n.import "
                     << orders_csv << " orders_raw\n";
  if (import_runs <= 0 || import_runs > runs) import_runs = runs;
  const std::string stage_sql = dir + "/floor_stage.sql", store_sql = dir + "/floor_store.sql";
  const std::string stage_db = dir + "/floor_stage.db";
  std::ofstream(stage_sql) << FloorStageScript(customers_csv, orders_csv);
  // The `_v` blobs of the import's rows (all the written columns at one version, the others
  // never written), as the bench's import stores them before the regrade.
  std::ofstream(store_sql) << FloorStoreScript(stage_db, kFloorCustomerV, kFloorOrderV,
                                               kFloorLineV);
  std::vector<double> fb_c, fb_o, fb_total, sq, fb_cpu, sq_cpu, also_total, also_cpu;
  std::vector<double> fl, fl_cpu, st, st_cpu;
  long max_rss = 0;
  // Both sheets into a fresh database with `binary`: customers, then orders.
  auto import = [&](const std::string& binary, const std::string& db) {
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(db + ext);
    if (Spawn({binary, "init", "--db", db}).exit_code != 0) Die("init failed");
    for (const auto& rep : reps) {
      if (Spawn({binary, "rep", "add", "--db", db, "--id", rep, "--name", rep}).exit_code != 0) {
        Die("rep add failed");
      }
    }
    Run c = Spawn({binary, "import", "customers", customers_csv, "--db", db});
    if (c.exit_code != 0) Die("import customers failed");
    Run o = Spawn({binary, "import", "orders", orders_csv, "--db", db, "--today", "2026-11-30"});
    if (o.exit_code != 0) Die("import orders failed");
    return std::make_pair(c, o);
  };
  for (int r = 0; r < runs; ++r) {
    const std::string db = dir + "/fb.db", plain = dir + "/plain.db";
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(plain + ext);
    // Baseline first on even runs, second on odd ones.
    auto baseline = [&] {
      Run s = Spawn({"sqlite3", plain}, sql);
      if (s.exit_code != 0) Die("sqlite3 .import failed");
      sq.push_back(s.seconds);
      sq_cpu.push_back(s.cpu_seconds);
    };
    // The floor: staged (timed apart), then stored into a fresh hub.
    auto floor = [&] {
      const std::string hub = dir + "/floor.db";
      for (const std::string& f : {stage_db, hub, hub + "-wal", hub + "-shm"}) {
        std::filesystem::remove(f);
      }
      Run s = Spawn({"sqlite3", stage_db}, stage_sql);
      if (s.exit_code != 0) Die("floor: staging failed");
      if (Spawn({server, "init", "--db", hub}).exit_code != 0) Die("floor: init failed");
      for (const auto& rep : reps) {
        if (Spawn({server, "rep", "add", "--db", hub, "--id", rep, "--name", rep}).exit_code != 0) {
          Die("floor: rep add failed");
        }
      }
      Run f = Spawn({"sqlite3", "-bail", hub}, store_sql);
      if (f.exit_code != 0) Die("floor: storing failed");
      st.push_back(s.seconds);
      st_cpu.push_back(s.cpu_seconds);
      fl.push_back(f.seconds);
      fl_cpu.push_back(f.cpu_seconds);
    };
    if (r % 2 == 0) baseline();
    floor();
    if (r >= import_runs) {
      if (r % 2 == 1) baseline();
      std::printf(
          "  run %d: floor %.2f s (CPU %.2f s; staging %.2f s, CPU %.2f s); sqlite3 .import %.2f "
          "s (CPU %.2f s); load %s\n",
          r + 1, fl.back(), fl_cpu.back(), st.back(), st_cpu.back(), sq.back(), sq_cpu.back(),
          Load().c_str());
      std::fflush(stdout);
      continue;
    }
    auto [c, o] = import(server, db);
    if (r % 2 == 1) baseline();
    if (!also.empty()) {
      auto [ac, ao] = import(also, dir + "/also.db");
      also_total.push_back(ac.seconds + ao.seconds);
      also_cpu.push_back(ac.cpu_seconds + ao.cpu_seconds);
      std::printf(
          "  run %d: --also %s: customers %.2f s (CPU %.2f s), orders %.2f s (CPU %.2f s)\n", r + 1,
          also.c_str(), ac.seconds, ac.cpu_seconds, ao.seconds, ao.cpu_seconds);
    }
    fb_c.push_back(c.seconds);
    fb_o.push_back(o.seconds);
    fb_total.push_back(c.seconds + o.seconds);
    fb_cpu.push_back(c.cpu_seconds + o.cpu_seconds);
    max_rss = std::max({max_rss, c.max_rss_kb, o.max_rss_kb});
    std::printf(
        "  run %d: import customers %.2f s (CPU %.2f s, RSS %ld MiB), orders %.2f s (CPU %.2f s, "
        "RSS %ld MiB); floor %.2f s (CPU %.2f s; staging %.2f s, CPU %.2f s); sqlite3 .import "
        "%.2f s (CPU %.2f s); load %s\n",
        r + 1, c.seconds, c.cpu_seconds, c.max_rss_kb / 1024, o.seconds, o.cpu_seconds,
        o.max_rss_kb / 1024, fl.back(), fl_cpu.back(), st.back(), st_cpu.back(), sq.back(),
        sq_cpu.back(), Load().c_str());
    std::fflush(stdout);
  }
  const double fmin = *std::min_element(fb_total.begin(), fb_total.end());
  const double smin = *std::min_element(sq.begin(), sq.end());
  std::printf(
      "fieldbook-server import: min %.2f s, median %.2f s (customers median %.2f s, "
      "orders median %.2f s, grading included); peak RSS %ld MiB\n",
      fmin, Median(fb_total), Median(fb_c), Median(fb_o), max_rss / 1024);
  std::printf("sqlite3 .import of the same rows: min %.2f s, median %.2f s\n", smin, Median(sq));
  std::printf("ratio: %.2fx (min), %.2fx (median); target at most 3x; load %s\n", fmin / smin,
              Median(fb_total) / Median(sq), Load().c_str());
  const double cmin = *std::min_element(fb_cpu.begin(), fb_cpu.end());
  const double scmin = *std::min_element(sq_cpu.begin(), sq_cpu.end());
  std::printf(
      "CPU time: import min %.2f s, median %.2f s; sqlite3 min %.2f s, median %.2f s; "
      "ratio %.2fx (min), %.2fx (median)\n",
      cmin, Median(fb_cpu), scmin, Median(sq_cpu), cmin / scmin, Median(fb_cpu) / Median(sq_cpu));
  auto min_of = [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); };
  std::printf(
      "floor (plain sqlite3 storing the change stream's rows, no regrade): wall min %.2f s, "
      "median %.2f s (%.2fx / %.2fx sqlite3); CPU min %.2f s, median %.2f s; CPU ratio to sqlite3 "
      "%.2fx (min), %.2fx (median); import CPU / floor CPU %.1fx (min), %.1fx (median)\n",
      min_of(fl), Median(fl), min_of(fl) / smin, Median(fl) / Median(sq), min_of(fl_cpu),
      Median(fl_cpu), min_of(fl_cpu) / scmin, Median(fl_cpu) / Median(sq_cpu),
      cmin / min_of(fl_cpu), Median(fb_cpu) / Median(fl_cpu));
  std::printf(
      "floor staging (sheets to final values in SQL, not part of the floor): wall min %.2f s, "
      "median %.2f s; CPU min %.2f s, median %.2f s; %d rounds of floor and sqlite3, %d of the "
      "import\n",
      min_of(st), Median(st), min_of(st_cpu), Median(st_cpu), runs, import_runs);
  if (!also.empty()) {
    std::printf(
        "--also %s: min %.2f s, median %.2f s; CPU min %.2f s, median %.2f s; CPU ratio to "
        "sqlite3 %.2fx (min), %.2fx (median)\n",
        also.c_str(), *std::min_element(also_total.begin(), also_total.end()), Median(also_total),
        *std::min_element(also_cpu.begin(), also_cpu.end()), Median(also_cpu),
        *std::min_element(also_cpu.begin(), also_cpu.end()) / scmin,
        Median(also_cpu) / Median(sq_cpu));
  }
  if (temp) std::filesystem::remove_all(dir);
  return 0;
}
