// fieldbook-syncbench: sync at a real distributor's scale, whole processes (issue #12, Targets).
// A standalone program run by scripts/bench-sync; it prints one table.
//
//   first sync   `fieldbook-server seed-demo --customers N` (9,000: 8 reps, rep-huang-yong holding
//                ~1,570 customers and ~153k rows), the real server on loopback, and a new device
//                of that rep: wall time of `fieldbook-cli init` + `fieldbook-cli sync`, pages and
//                round trips (from `sync --json`), bytes the device wrote to storage (ru_oublock)
//                and, from one extra run under strace, bytes written to its WAL. The baseline, in
//                the same run, alternating with the device runs: the same rows (exported from the
//                synced device with the sqlite3 shell) imported by the `sqlite3` shell into the
//                same tables with no triggers, WAL and synchronous=FULL like the device, in one
//                transaction.
//   4x territory the same with 4 times the customers (so the rep's scope is 4 times larger).
//   steady state a hub with --fleet-reps reps (1,000), each with a few customers; every rep's
//                device syncs once, then in each round every rep edits 1-3 of its customers and
//                syncs, one after another; exchanges (round trips) per steady-state sync. The
//                devices are the client library in this process (DeviceSync::ExchangeChanges, the
//                code `fieldbook-cli sync` runs), except the first --cli-reps reps, which run the
//                real fieldbook-cli; the table shows both. --fleet-walk measures the baseline:
//                the same hub with every cursor below the feed floor, so pulls walk every change
//                as they did before the per-rep feeds.
//
// Min and median of --runs runs (5) are reported, with the machine and its load before and after.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fieldbook/sqlite_db.h"
#include "integration/server_process.h"
#include "store/client_store.h"
#include "store/server_store.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "sync/device_sync.h"
#include "sync/http_client.h"
#include "sync/sync_engine.h"

namespace fieldbook::syncbench {
namespace {

using Clock = std::chrono::steady_clock;
using testing::ReadWholeFile;

struct Options {
  int customers = 9000;
  int scale = 4;
  std::string rep = "rep-huang-yong";  // the largest territory of seed-demo --customers 9000
  int runs = 5;
  int fleet_reps = 1000;
  int fleet_customers = 3;
  int fleet_rounds = 3;
  int cli_reps = 5;
  int scale_base = 0;  // customers of the 1x run the 4x run is compared with (0: --customers)
  bool skip_first = false;
  bool skip_scale = false;
  bool skip_fleet = false;
  bool fleet_walk = false;  // the baseline: pulls walk every change (as before per-rep feeds)
  bool keep = false;
  std::string hubs;  // keep seeded hubs here and reuse them (--hubs DIR)
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fieldbook-syncbench: %s\n", what.c_str());
  std::exit(1);
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Tv(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

std::string Load() {
  double l[3] = {0, 0, 0};
  getloadavg(l, 3);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", l[0], l[1], l[2]);
  return buf;
}

// One finished process: exit code, wall and CPU seconds, bytes it wrote to storage.
struct Run {
  int exit_code = -1;
  double wall_s = 0, cpu_s = 0;
  double written_bytes = 0;
  std::string out, err;
};

Run RunTimed(const std::string& binary, const std::vector<std::string>& args,
             const std::string& dir) {
  const std::string out = dir + "/proc.out", err = dir + "/proc.err";
  std::filesystem::remove(err);
  Run r;
  const auto t0 = Clock::now();
  const pid_t pid = testing::SpawnProcess(binary, args, out, err);
  if (pid <= 0) Die("cannot start " + binary);
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid) Die("wait4 failed for " + binary);
  r.wall_s = Seconds(Clock::now() - t0);
  r.cpu_s = Tv(ru.ru_utime) + Tv(ru.ru_stime);
  r.written_bytes = static_cast<double>(ru.ru_oublock) * 512.0;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  r.out = ReadWholeFile(out);
  r.err = ReadWholeFile(err);
  return r;
}

Run MustRun(const std::string& binary, const std::vector<std::string>& args,
            const std::string& dir) {
  Run r = RunTimed(binary, args, dir);
  if (r.exit_code != 0) {
    std::string cmd = binary;
    for (const std::string& a : args) cmd += " " + a;
    Die(cmd + " exited " + std::to_string(r.exit_code) + ":\n" + r.err + r.out);
  }
  return r;
}

struct Stat {
  std::vector<double> v;
  double Min() const { return v.empty() ? 0 : *std::min_element(v.begin(), v.end()); }
  double Median() const {
    if (v.empty()) return 0;
    std::vector<double> s = v;
    std::sort(s.begin(), s.end());
    return s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
  }
  double Max() const { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }
};

// ---------------------------------------------------------------------------------------------
// First sync against a plain sqlite3 import

struct FirstSync {
  int customers = 0;
  int64_t rows = 0;
  Stat device_s, device_cpu_s, plain_s, ratio, pages, round_trips, written_mb;
  double wal_mb = -1, db_mb = 0;
  double seed_s = 0;
};

const char* kCli = FIELDBOOK_CLI_BINARY;
const char* kServer = FIELDBOOK_SERVER_BINARY;

// `name` found on PATH (programs are started without a shell).
std::string OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string d; std::getline(dirs, d, ':');) {
    const std::string candidate = d + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}
const std::string kSqlite3 = OnPath("sqlite3");
const std::string kStrace = OnPath("strace");

// The replicated tables of a replica (everything but fb_* and sqlite_*).
std::vector<std::string> DomainTables(const std::string& replica, const std::string& dir) {
  Run r = MustRun(kSqlite3,
                  {replica,
                   "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                   "'fb\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1"},
                  dir);
  std::vector<std::string> tables;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) tables.push_back(line);
  }
  return tables;
}

// import.sql: the replicated tables' schema (tables and indexes, no triggers) and every row the
// synced device holds as INSERT statements, in one transaction, WAL and synchronous=FULL.
int64_t WritePlainImport(const std::string& replica, const std::string& path,
                         const std::string& dir) {
  const std::vector<std::string> tables = DomainTables(replica, dir);
  std::ofstream out(path);
  out << "PRAGMA journal_mode = WAL;\nPRAGMA synchronous = FULL;\nBEGIN;\n";
  std::string in_list;
  for (const std::string& t : tables) in_list += (in_list.empty() ? "'" : ", '") + t + "'";
  Run schema = MustRun(kSqlite3,
                       {replica, ".mode list",
                        "SELECT sql || ';' FROM sqlite_schema WHERE type IN "
                        "('table', 'index') AND sql IS NOT NULL AND "
                        "tbl_name IN (" +
                            in_list + ") ORDER BY type DESC"},
                       dir);
  out << schema.out;
  int64_t rows = 0;
  for (const std::string& t : tables) {
    Run data = MustRun(kSqlite3,
                       {replica, ".mode insert \"" + t + "\"", "SELECT * FROM \"" + t + "\""}, dir);
    rows += std::count(data.out.begin(), data.out.end(), '\n');
    out << data.out;
  }
  out << "COMMIT;\n";
  return rows;
}

// Bytes written to files whose name ends in `suffix`, from an strace -y log of write/pwrite64.
double StracedBytes(const std::string& log, const std::string& suffix) {
  std::istringstream in(log);
  double bytes = 0;
  for (std::string line; std::getline(in, line);) {
    const size_t close = line.find('>');
    if (close == std::string::npos || close < suffix.size() ||
        line.compare(close - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    const size_t eq = line.rfind(" = ");
    if (eq == std::string::npos) continue;
    bytes += std::strtod(line.c_str() + eq + 3, nullptr);
  }
  return bytes;
}

FirstSync MeasureFirstSync(const Options& o, int customers, const std::string& dir) {
  FirstSync f;
  f.customers = customers;
  const std::string tag = std::to_string(customers);
  const std::string hub = dir + "/hub-" + tag + ".db";
  // Seeding takes minutes: with --hubs DIR a seeded hub is kept there and copied on later runs.
  const std::string kept = o.hubs.empty() ? "" : o.hubs + "/hub-" + tag + ".db";
  if (!kept.empty() && std::filesystem::exists(kept)) {
    std::printf("  copying the hub seeded with %d customers from %s\n", customers, kept.c_str());
    std::filesystem::copy_file(kept, hub);
  } else {
    std::printf("  seeding %d customers ... ", customers);
    std::fflush(stdout);
    const auto t0 = Clock::now();
    MustRun(kServer, {"seed-demo", "--db", hub, "--customers", tag, "--json"}, dir);
    f.seed_s = Seconds(Clock::now() - t0);
    std::printf("%.1f s\n", f.seed_s);
    if (!kept.empty()) {
      // A checkpointed copy (the seeding process has closed the file).
      MustRun(kSqlite3, {hub, "PRAGMA wal_checkpoint(TRUNCATE)"}, dir);
      std::filesystem::create_directories(o.hubs);
      std::filesystem::copy_file(hub, kept);
    }
  }
  std::vector<std::string> tokens;
  // One device token per run, +1 for the traced run: each run is a new device.
  for (int i = 0; i <= o.runs; ++i) {
    Run issued = MustRun(kServer, {"rep", "token", "--db", hub, "--rep", o.rep}, dir);
    std::string token = issued.out.substr(issued.out.rfind(": ") + 2);
    token.erase(token.find_last_not_of(" \n") + 1);
    tokens.push_back(token);
  }
  // A directory of its own per server: ServerProcess finds the port in a file named by its count.
  const std::string server_dir = dir + "/server-" + tag;
  std::filesystem::create_directories(server_dir);
  testing::ServerProcess server(hub, server_dir);
  if (!server.Start()) Die("the server did not start:\n" + server.Log());

  const std::string import = dir + "/import-" + tag + ".sql";
  for (int run = 0; run < o.runs; ++run) {
    const std::string replica = dir + "/device-" + tag + "-" + std::to_string(run) + ".db";
    Run init = MustRun(
        kCli, {"--replica", replica, "init", "--server", server.url(), "--token", tokens[run]},
        dir);
    Run sync = MustRun(kCli, {"--replica", replica, "sync", "--json"}, dir);
    const auto report = boost::json::parse(sync.out);
    const double device = init.wall_s + sync.wall_s;
    f.device_s.v.push_back(device);
    f.device_cpu_s.v.push_back(init.cpu_s + sync.cpu_s);
    f.pages.v.push_back(static_cast<double>(report.at("pages").to_number<int64_t>()));
    f.round_trips.v.push_back(static_cast<double>(report.at("round_trips").to_number<int64_t>()));
    f.written_mb.v.push_back((init.written_bytes + sync.written_bytes) / 1e6);
    if (run == 0) {
      f.rows = WritePlainImport(replica, import, dir);
      f.db_mb = static_cast<double>(std::filesystem::file_size(replica)) / 1e6;
    }
    const std::string plain = dir + "/plain-" + tag + ".db";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(plain + suffix);
    Run imported = MustRun(kSqlite3, {plain, ".read " + import}, dir);
    f.plain_s.v.push_back(imported.wall_s);
    f.ratio.v.push_back(device / imported.wall_s);
    std::printf(
        "  run %d: device %.2f s (cpu %.2f s, %d pages, %d round trips), sqlite3 %.2f s, "
        "%.2fx, load %s\n",
        run + 1, device, init.cpu_s + sync.cpu_s, static_cast<int>(f.pages.v.back()),
        static_cast<int>(f.round_trips.v.back()), imported.wall_s, device / imported.wall_s,
        Load().c_str());
    std::filesystem::remove(replica);
    for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(replica + suffix);
  }

  // WAL bytes: one more device, its sync traced (not timed).
  if (!kStrace.empty()) {
    const std::string replica = dir + "/device-" + tag + "-traced.db";
    MustRun(kCli,
            {"--replica", replica, "init", "--server", server.url(), "--token", tokens.back()},
            dir);
    const std::string log = dir + "/strace-" + tag + ".log";
    MustRun(kStrace,
            {"-f", "-qq", "-y", "-e", "trace=write,pwrite64,pwritev", "-e", "signal=none", "-o",
             log, kCli, "--replica", replica, "sync"},
            dir);
    const std::string text = ReadWholeFile(log);
    f.wal_mb = StracedBytes(text, ".db-wal") / 1e6;
    std::filesystem::remove(log);
  }
  server.Stop(SIGTERM);
  return f;
}

// ---------------------------------------------------------------------------------------------
// Steady state with many reps

struct Fleet {
  int reps = 0;
  Stat library_trips, cli_trips;
  double setup_s = 0, rounds_s = 0;
};

Fleet MeasureFleet(const Options& o, const std::string& dir) {
  Fleet f;
  f.reps = o.fleet_reps;
  const std::string hub = dir + "/hub-fleet.db";
  MustRun(kServer, {"init", "--db", hub}, dir);
  std::vector<std::pair<std::string, std::string>> reps;  // (id, token)
  std::vector<std::vector<std::string>> customers(static_cast<size_t>(o.fleet_reps));
  const auto t0 = Clock::now();
  {
    SystemWallClock wall;
    auto store = server::ServerStore::Open(hub, wall);
    if (!store.ok()) Die(store.status().ToString());
    auto txn = Transaction::Begin((*store)->hub().db());
    if (!txn.ok()) Die(txn.status().ToString());
    std::vector<RowWrite> rows;
    for (int i = 0; i < o.fleet_reps; ++i) {
      server::NewRep rep;
      rep.id = "rep-" + std::to_string(i + 1);
      rep.name = "代表 " + std::to_string(i + 1);
      auto added = (*store)->AddRep(rep);
      if (!added.ok()) Die(added.status().ToString());
      reps.push_back(*added);
      for (int c = 0; c < o.fleet_customers; ++c) {
        char id[40];
        std::snprintf(id, sizeof id, "fleet%06d%04d", i, c);
        customers[static_cast<size_t>(i)].push_back(id);
        rows.push_back(
            RowWrite{"customers",
                     id,
                     {{"name", "鑫达汽修 " + std::to_string(i) + "-" + std::to_string(c)},
                      {"customer_type", "garage"},
                      {"city", "广州"},
                      {"phone", "1380000" + std::to_string(1000 + c)},
                      {"owner_rep_id", rep.id}}});
      }
    }
    auto written = (*store)->Write(rows);
    if (!written.ok()) Die(written.status().ToString());
    if (o.fleet_walk) {
      // Every cursor below the feed floor: the hub serves each pull by walking every change after
      // the cursor, which is how every pull was served before the per-rep feeds (docs/sync.md).
      auto floor = (*store)->hub().db().Prepare(
          "UPDATE fb_meta SET value = 4611686018427387904 WHERE key = 'feed_floor'");
      if (!floor.ok() || !(*floor)->Run().ok()) Die("cannot raise the feed floor");
    }
    if (Status s = (*txn)->Commit(); !s.ok()) Die(s.ToString());
  }
  const std::string server_dir = dir + "/server-fleet";
  std::filesystem::create_directories(server_dir);
  testing::ServerProcess server(hub, server_dir);
  if (!server.Start()) Die("the server did not start:\n" + server.Log());

  // A device is opened for each step and closed after it, as fieldbook-cli does (and 1,000 open
  // replicas would hold 3,000 file descriptors).
  SystemWallClock wall;
  // The devices' files live in memory when the machine has /dev/shm: what is measured here is
  // exchanges, and 1,000 new replicas (each a dozen fsyncs to create) on a busy disk take an hour.
  std::string device_dir = dir + "/fleet";
  if (access("/dev/shm", W_OK) == 0) {
    device_dir = "/dev/shm/fieldbook-syncbench-" + std::to_string(getpid());
  }
  std::filesystem::create_directories(device_dir);
  auto replica_of = [&](size_t i) { return device_dir + "/fleet-" + std::to_string(i) + ".db"; };
  auto is_cli = [&](size_t i) { return static_cast<int>(i) < o.cli_reps; };
  auto open = [&](size_t i) {
    auto store = client::ClientStore::Open(replica_of(i), wall);
    if (!store.ok()) Die(store.status().ToString());
    return std::move(*store);
  };
  // Edits `edits` of rep i's customers (none for the first sync), then syncs; the round trips.
  auto edit_and_sync = [&](size_t i, int edits, int round) -> int {
    std::vector<std::string> notes;
    for (int e = 0; e < edits; ++e) {
      notes.push_back("round " + std::to_string(round) + " edit " + std::to_string(e));
    }
    std::mt19937_64 pick(i * 1000 + static_cast<size_t>(round));
    if (is_cli(i)) {
      for (const std::string& n : notes) {
        MustRun(kCli,
                {"--replica", replica_of(i), "customer", "edit",
                 customers[i][pick() % customers[i].size()], "--notes", n},
                dir);
      }
      Run r = MustRun(kCli, {"--replica", replica_of(i), "sync", "--json"}, dir);
      return static_cast<int>(boost::json::parse(r.out).at("round_trips").to_number<int64_t>());
    }
    auto store = open(i);
    for (const std::string& n : notes) {
      Status s =
          store->customers().Edit(customers[i][pick() % customers[i].size()], {{"notes", n}});
      if (!s.ok()) Die(reps[i].first + " edit: " + s.ToString());
    }
    auto transport = client::HttpSyncTransport::Create(server.url(), reps[i].second);
    if (!transport.ok()) Die(transport.status().ToString());
    auto report = client::DeviceSync(*store).ExchangeChanges(**transport, client::SyncOptions{});
    if (!report.ok()) Die(reps[i].first + " sync: " + report.status().ToString());
    return report->round_trips;
  };
  for (size_t i = 0; i < reps.size(); ++i) {
    if (is_cli(i)) {
      MustRun(
          kCli,
          {"--replica", replica_of(i), "init", "--server", server.url(), "--token", reps[i].second},
          dir);
    } else {
      (void)open(i);
    }
    edit_and_sync(i, 0, -1);
  }
  f.setup_s = Seconds(Clock::now() - t0);

  std::mt19937_64 rng(12);
  const auto r0 = Clock::now();
  for (int round = 0; round < o.fleet_rounds; ++round) {
    for (size_t i = 0; i < reps.size(); ++i) {
      const int trips = edit_and_sync(i, 1 + static_cast<int>(rng() % 3), round);
      // Round 0 follows first syncs without edits: only from round 1 on has every other rep
      // edited since this rep's last sync (the steady state).
      if (round > 0 || o.fleet_rounds == 1) {
        (is_cli(i) ? f.cli_trips : f.library_trips).v.push_back(trips);
      }
    }
  }
  f.rounds_s = Seconds(Clock::now() - r0);
  server.Stop(SIGTERM);
  std::filesystem::remove_all(device_dir);
  return f;
}

// ---------------------------------------------------------------------------------------------

bool ParseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&](int& field) {
      if (i + 1 >= argc) return false;
      field = std::atoi(argv[++i]);
      return field > 0;
    };
    if (a == "--customers") {
      if (!next(o.customers)) return false;
    } else if (a == "--scale") {
      if (!next(o.scale)) return false;
    } else if (a == "--runs") {
      if (!next(o.runs)) return false;
    } else if (a == "--fleet-reps") {
      if (!next(o.fleet_reps)) return false;
    } else if (a == "--fleet-rounds") {
      if (!next(o.fleet_rounds)) return false;
    } else if (a == "--cli-reps") {
      if (i + 1 >= argc) return false;
      o.cli_reps = std::atoi(argv[++i]);
    } else if (a == "--rep" && i + 1 < argc) {
      o.rep = argv[++i];
    } else if (a == "--scale-base") {
      if (!next(o.scale_base)) return false;
    } else if (a == "--skip-first") {
      o.skip_first = true;
    } else if (a == "--skip-scale") {
      o.skip_scale = true;
    } else if (a == "--skip-fleet") {
      o.skip_fleet = true;
    } else if (a == "--fleet-walk") {
      o.fleet_walk = true;
    } else if (a == "--hubs" && i + 1 < argc) {
      o.hubs = argv[++i];
    } else if (a == "--keep") {
      o.keep = true;
    } else {
      return false;
    }
  }
  return true;
}

int Main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: fieldbook-syncbench [--customers 9000] [--scale 4] [--rep rep-huang-yong] "
                 "[--runs 5] [--scale-base N] [--fleet-reps 1000] [--fleet-rounds 3] "
                 "[--cli-reps 5] [--skip-first] [--skip-scale] [--skip-fleet] [--fleet-walk] "
                 "[--keep] [--hubs DIR]\n");
    return 2;
  }
  if (kSqlite3.empty()) Die("the sqlite3 shell is needed (scripts/setup installs it)");
  testing::TempDir tmp;
  const std::string dir = tmp.path().string();
  utsname un{};
  uname(&un);
  std::string cpu;
  {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("model name", 0) == 0) {
        cpu = line.substr(line.find(':') + 2);
        break;
      }
    }
  }
  std::printf("fieldbook-syncbench: whole-process sync at scale (issue #12)\n");
  std::printf("machine: %ld cores, %s; %s %s\n", sysconf(_SC_NPROCESSORS_ONLN), cpu.c_str(),
              un.sysname, un.release);
  std::printf("load before: %s\n", Load().c_str());

  // The 4x run is compared with a 1x run of its own base (--scale-base, default --customers),
  // measured in the same program run.
  const int base = o.scale_base > 0 ? o.scale_base : o.customers;
  FirstSync one, small, big;
  if (!o.skip_first) {
    std::printf("== first sync, %d customers on the hub, %s's new device\n", o.customers,
                o.rep.c_str());
    one = MeasureFirstSync(o, o.customers, dir);
  }
  if (!o.skip_scale) {
    if (o.skip_first || base != o.customers) {
      std::printf("== first sync, %d customers on the hub (the 1x of the next)\n", base);
      small = MeasureFirstSync(o, base, dir);
    } else {
      small = one;
    }
    std::printf("== first sync, %dx the territory (%d customers on the hub)\n", o.scale,
                base * o.scale);
    big = MeasureFirstSync(o, base * o.scale, dir);
  }
  Fleet fleet;
  if (!o.skip_fleet) {
    std::printf("== steady state, %d reps on the hub, %d rounds%s\n", o.fleet_reps, o.fleet_rounds,
                o.fleet_walk ? " (--fleet-walk: pulls walk every change, no feeds)" : "");
    fleet = MeasureFleet(o, dir);
  }
  const std::string load_after = Load();

  std::printf("\n%-44s %12s %12s %s\n", "measure", "min", "median", "notes");
  auto row = [](const std::string& what, const Stat& s, const char* fmt, const std::string& note) {
    char a[32], b[32];
    std::snprintf(a, sizeof a, fmt, s.Min());
    std::snprintf(b, sizeof b, fmt, s.Median());
    std::printf("%-44s %12s %12s %s\n", what.c_str(), a, b, note.c_str());
  };
  auto first = [&](const FirstSync& f, const std::string& label) {
    const std::string rows = std::to_string(f.rows) + " rows";
    row(label + ": device init+sync (s)", f.device_s, "%.2f", rows);
    row(label + ": device CPU (s)", f.device_cpu_s, "%.2f", "fieldbook-cli user+sys");
    row(label + ": sqlite3 import (s)", f.plain_s, "%.2f", "same rows, no triggers");
    row(label + ": ratio device / sqlite3", f.ratio, "%.2fx", "per run pair");
    row(label + ": pages", f.pages, "%.0f", "");
    row(label + ": round trips", f.round_trips, "%.0f", "");
    char note[96];
    std::snprintf(note, sizeof note, "WAL %.0f MB (strace), replica %.0f MB", f.wal_mb, f.db_mb);
    row(label + ": device bytes written (MB)", f.written_mb, "%.0f", note);
  };
  if (!o.skip_first) first(one, std::to_string(o.customers) + " customers");
  if (!o.skip_scale) {
    if (o.skip_first || base != o.customers) first(small, std::to_string(base) + " customers");
    first(big, std::to_string(base * o.scale) + " customers");
    std::printf(
        "%-44s %11.2fx %11.2fx %s\n", ("time " + std::to_string(o.scale) + "x / 1x").c_str(),
        big.device_s.Min() / small.device_s.Min(), big.device_s.Median() / small.device_s.Median(),
        (std::to_string(big.rows) + " / " + std::to_string(small.rows) + " rows").c_str());
  }
  if (!o.skip_fleet) {
    const std::string n =
        std::to_string(fleet.reps) + " reps" + (o.fleet_walk ? " (walk, no feeds)" : "");
    Stat all = fleet.library_trips;
    all.v.insert(all.v.end(), fleet.cli_trips.v.begin(), fleet.cli_trips.v.end());
    double mean = 0;
    for (double v : all.v) mean += v;
    mean /= all.v.empty() ? 1 : static_cast<double>(all.v.size());
    char note[128];
    std::snprintf(note, sizeof note, "mean %.2f, max %.0f over %zu syncs", mean, all.Max(),
                  all.v.size());
    row(n + ": exchanges per steady sync", all, "%.0f", note);
    std::snprintf(note, sizeof note, "max %.0f over %zu syncs", fleet.cli_trips.Max(),
                  fleet.cli_trips.v.size());
    row(n + ":   of which fieldbook-cli", fleet.cli_trips, "%.0f", note);
  }
  std::printf("load after: %s\n", load_after.c_str());
  if (o.keep) {
    std::printf("kept: %s\n", dir.c_str());
    std::fflush(stdout);
    std::_Exit(0);
  }
  return 0;
}

}  // namespace
}  // namespace fieldbook::syncbench

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  return fieldbook::syncbench::Main(argc, argv);
}
