// fieldbook-loadgen's measuring kit (server_load.cc): statistics of latencies, the errors seen,
// the machine and its conditions (CPU, memory, filesystem, fsync cost, CPU time and peak RSS of a
// process), the fieldbook-server process it starts, and a watch on the server's /metrics.
//
// Thread safety: ErrorLog is thread-safe; the rest is used by the benchmark's main thread.
#ifndef FIELDBOOK_TESTS_PERF_LOAD_HARNESS_H_
#define FIELDBOOK_TESTS_PERF_LOAD_HARNESS_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
#include "store/server_store.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "sync/http_client.h"
#include "sync/sync_engine.h"

namespace fieldbook::loadgen {

using Clock = std::chrono::steady_clock;
using testing::ReadWholeFile;
using testing::SpawnProcess;
using testing::WaitForExit;

inline double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
inline double Millis(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}
inline Clock::time_point After(Clock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// ---------------------------------------------------------------------------------------------
// Small helpers

inline Status Exec(Db& db, const std::string& sql, std::initializer_list<Value> params = {}) {
  FB_ASSIGN_OR_RETURN(Statement * stmt, db.Prepare(sql));
  int i = 1;
  for (const Value& v : params) stmt->Bind(i++, v);
  return stmt->Run();
}

// Nearest-rank percentile of `sorted` (ascending), p in (0, 1].
inline double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

struct LatencySummary {
  size_t n = 0;
  double median = 0, p95 = 0, p99 = 0, max = 0, mean = 0;
};

inline LatencySummary Summarise(std::vector<double> ms) {
  LatencySummary s;
  s.n = ms.size();
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  s.median = Percentile(ms, 0.5);
  s.p95 = Percentile(ms, 0.95);
  s.p99 = Percentile(ms, 0.99);
  s.max = ms.back();
  double sum = 0;
  for (double v : ms) sum += v;
  s.mean = sum / static_cast<double>(ms.size());
  return s;
}

inline void PrintLatency(const char* label, const LatencySummary& s) {
  std::printf(
      "  %-34s n=%zu  median %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  mean %.2f ms\n", label,
      s.n, s.median, s.p95, s.p99, s.max, s.mean);
}

// Errors are collected from every thread and printed (the first few) at the end of a phase.
class ErrorLog {
 public:
  void Add(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    ++count_;
    if (samples_.size() < 5) samples_.push_back(what);
  }
  size_t count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return count_;
  }
  void Print() const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& s : samples_) std::printf("    error: %s\n", s.c_str());
  }

 private:
  mutable std::mutex mu_;
  size_t count_ = 0;
  std::vector<std::string> samples_;
};

// What a run found: errors, and the targets it missed.
struct Verdicts {
  size_t errors = 0;
  std::vector<std::string> missed;
};

inline void Target(Verdicts& v, bool met, const std::string& what) {
  std::printf("  target: %s -- %s\n", what.c_str(), met ? "met" : "target missed");
  if (!met) v.missed.push_back(what);
}

// ---------------------------------------------------------------------------------------------
// The machine and the conditions

inline std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

inline double MemTotalGiB() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  long kb = 0;
  while (in >> key >> kb) {
    if (key == "MemTotal:") return static_cast<double>(kb) / (1024.0 * 1024.0);
    in.ignore(1 << 10, '\n');
  }
  return 0;
}

inline std::string FilesystemOf(const std::string& path) {
  struct statfs fs {};
  if (statfs(path.c_str(), &fs) != 0) return "unknown";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0xEF53:
      return "ext4";
    case 0x01021994:
      return "tmpfs (fsync is free: figures are optimistic)";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    case 0x794C7630:
      return "overlayfs";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "fs type 0x%lx", static_cast<unsigned long>(fs.f_type));
      return buf;
    }
  }
}

// Mean and max of 4 KiB write + fdatasync on a file in `dir`: what synchronous=FULL costs here.
inline std::pair<double, double> MeasureFsyncMs(const std::string& dir) {
  const std::string path = dir + "/fsync-probe";
  const int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0) return {-1, -1};
  std::string block(4096, 'x');
  double sum = 0, max = 0;
  constexpr int kRounds = 20;
  for (int i = 0; i < kRounds; ++i) {
    const auto start = Clock::now();
    if (pwrite(fd, block.data(), block.size(), static_cast<off_t>(i) * 4096) < 0 ||
        fdatasync(fd) != 0) {
      close(fd);
      return {-1, -1};
    }
    const double ms = Millis(Clock::now() - start);
    sum += ms;
    max = std::max(max, ms);
  }
  close(fd);
  unlink(path.c_str());
  return {sum / kRounds, max};
}

// CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat.
inline double ProcessCpuSeconds(pid_t pid) {
  std::string stat = ReadWholeFile("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream in(stat.substr(paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {  // fields 14 and 15 are utime and stime
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

inline double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// CPU seconds of a process and its direct children: their own time while they run, the reaped
// ones' through the parent's cutime/cstime (PostgreSQL's postmaster and its backends).
inline double ProcessTreeCpuSeconds(pid_t root) {
  auto fields = [](pid_t pid) {
    std::vector<std::string> out;
    std::string stat = ReadWholeFile("/proc/" + std::to_string(pid) + "/stat");
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) return out;
    std::istringstream in(stat.substr(paren + 2));
    for (std::string f; in >> f;) out.push_back(f);  // out[0] is field 3 (state)
    return out;
  };
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  auto at = [](const std::vector<std::string>& f, size_t field) {
    return f.size() > field - 3 ? std::strtod(f[field - 3].c_str(), nullptr) : 0.0;
  };
  const std::vector<std::string> r = fields(root);
  double ticks = at(r, 14) + at(r, 15) + at(r, 16) + at(r, 17);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::vector<std::string> f = fields(static_cast<pid_t>(std::stol(name)));
    if (at(f, 4) == static_cast<double>(root)) ticks += at(f, 14) + at(f, 15);
  }
  return ticks / tick;
}

// The postmaster's pid from a PostgreSQL data directory (0 when it is not running).
inline pid_t PostmasterPid(const std::string& data_dir) {
  std::ifstream in(data_dir + "/postmaster.pid");
  long pid = 0;
  return in >> pid ? static_cast<pid_t>(pid) : 0;
}

inline long PeakRssMiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10) / 1024;
  }
  return -1;
}

// Prints the machine and the conditions of a run (loadgen's header).
inline void PrintConditions(const std::string& dir, const std::string& server, int server_threads,
                            const std::string& storage) {
  utsname un{};
  uname(&un);
  const auto [fsync_ms, fsync_max_ms] = MeasureFsyncMs(dir);
  std::printf("fieldbook-loadgen: server load benchmark (issue #4 item 8)\n");
  std::printf("machine:    %ld cores, %.1f GiB, %s %s %s\n", sysconf(_SC_NPROCESSORS_ONLN),
              MemTotalGiB(), un.sysname, un.release, un.machine);
  std::printf("cpu:        %s\n", CpuModel().c_str());
#ifdef NDEBUG
  const char* build = "release (NDEBUG, optimised)";
#else
  const char* build = "NOT a release build (assertions on): figures are not representative";
#endif
  std::printf("build:      %s; server %s\n", build, server.c_str());
  std::printf("network:    loopback (127.0.0.1), plain HTTP/1.1 keep-alive, --threads %d\n",
              server_threads);
  std::printf("storage:    %s on %s; 4 KiB write+fdatasync %.2f ms mean, %.2f ms max\n",
              dir.c_str(), FilesystemOf(dir).c_str(), fsync_ms, fsync_max_ms);
  std::printf("            server: %s; replicas: SQLite WAL, synchronous=FULL\n", storage.c_str());
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf(
      "load:       %.2f %.2f %.2f before the run (other work on the machine skews figures)\n",
      load[0], load[1], load[2]);
}

// ---------------------------------------------------------------------------------------------
// The server process (the approach of tests/integration/server_process.cc)

class Server {
 public:
  Server(std::string binary, std::string dir) : binary_(std::move(binary)), dir_(std::move(dir)) {}
  ~Server() {
    if (pid_ > 0) Stop(SIGKILL);
  }

  int RunCommand(const std::vector<std::string>& args, std::string* out) {
    const std::string out_file = dir_ + "/command.out";
    const pid_t pid = SpawnProcess(binary_, args, out_file, dir_ + "/command.err");
    if (pid <= 0) return -1;
    const int code = WaitForExit(pid);
    if (out != nullptr) *out = ReadWholeFile(out_file);
    return code;
  }

  // `extra`: more `serve` flags (--max-connections, --workers, ...).
  bool Start(const std::string& db, int threads, const std::vector<std::string>& extra = {}) {
    const std::string port_file = dir_ + "/port";
    std::vector<std::string> args = {"serve",   "--db",      db,
                                     "--port",  "0",         "--port-file",
                                     port_file, "--threads", std::to_string(threads)};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = SpawnProcess(binary_, args, dir_ + "/server.out", log_path());
    if (pid_ <= 0) return false;
    for (int i = 0; i < 200; ++i) {  // up to 10 s
      std::ifstream in(port_file);
      if (in >> port_) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  int Stop(int signal) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    const int code = WaitForExit(pid_);
    pid_ = -1;
    return code;
  }

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log_path() const { return dir_ + "/server.log"; }

 private:
  std::string binary_;
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Server-side figures from GET /metrics (Prometheus text).
struct ServerMetrics {
  double syncs_ok = 0, syncs_error = 0, changes_accepted = 0, changes_rejected = 0;
  double handler_seconds = 0;  // fieldbook_sync_latency_seconds_sum
  double open_sessions = 0;
  double http_503 = 0;
};

inline std::optional<ServerMetrics> ScrapeMetrics(const std::string& url) {
  auto http = client::HttpClient::Create(url);
  if (!http.ok()) return std::nullopt;
  auto reply = (*http)->Get("/metrics");
  if (!reply.ok() || reply->status != 200) return std::nullopt;
  ServerMetrics m;
  std::istringstream in(reply->body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    const std::string key = line.substr(0, space);
    const double v = std::strtod(line.c_str() + space + 1, nullptr);
    if (key == "fieldbook_syncs_total{result=\"ok\"}") m.syncs_ok = v;
    if (key == "fieldbook_syncs_total{result=\"error\"}") m.syncs_error = v;
    if (key == "fieldbook_changes_accepted_total") m.changes_accepted = v;
    if (key == "fieldbook_changes_rejected_total") m.changes_rejected = v;
    if (key == "fieldbook_sync_latency_seconds_sum") m.handler_seconds = v;
    if (key == "fieldbook_open_sessions") m.open_sessions = v;
    if (key == "fieldbook_http_requests_total{code=\"503\"}") m.http_503 = v;
  }
  return m;
}

// The hub's sequence number from GET /healthz ({"status":"ok","seq":N}).
inline int64_t HubSeq(const std::string& url) {
  auto http = client::HttpClient::Create(url);
  if (!http.ok()) return -1;
  auto reply = (*http)->Get("/healthz");
  if (!reply.ok() || reply->status != 200) return -1;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(reply->body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("seq")) return -1;
  const boost::json::value& seq = v.as_object().at("seq");
  return seq.is_int64()    ? seq.as_int64()
         : seq.is_uint64() ? static_cast<int64_t>(seq.as_uint64())
                           : -1;
}

// Server-side cost of a phase: what the server's own metrics and /proc say changed over it.
class ServerWatch {
 public:
  explicit ServerWatch(const Server& server) : server_(server) {
    before_ = ScrapeMetrics(server.url()).value_or(ServerMetrics{});
    cpu_before_ = ProcessCpuSeconds(server.pid());
    self_cpu_before_ = SelfCpuSeconds();
  }
  double ServerCpuSeconds() const { return ProcessCpuSeconds(server_.pid()) - cpu_before_; }
  double LoadGeneratorCpuSeconds() const { return SelfCpuSeconds() - self_cpu_before_; }
  void Print(double wall_s) const {
    const ServerMetrics after = ScrapeMetrics(server_.url()).value_or(ServerMetrics{});
    const double server_cpu = ProcessCpuSeconds(server_.pid()) - cpu_before_;
    const double self_cpu = SelfCpuSeconds() - self_cpu_before_;
    const double handled = after.syncs_ok - before_.syncs_ok;
    const double handler_s = after.handler_seconds - before_.handler_seconds;
    std::printf(
        "  server side: %.0f sync exchanges (%.0f failed), %.0f pushed rows accepted, "
        "%.0f refused;\n"
        "               sync handler time %.2f s (%.0f%% of the wall time, mean %.2f ms per "
        "exchange);\n"
        "               server CPU %.2f s, load generator CPU %.2f s (wall %.2f s, %ld cores)\n",
        handled, after.syncs_error - before_.syncs_error,
        after.changes_accepted - before_.changes_accepted,
        after.changes_rejected - before_.changes_rejected, handler_s,
        wall_s > 0 ? 100.0 * handler_s / wall_s : 0.0,
        handled > 0 ? 1000.0 * handler_s / handled : 0.0, server_cpu, self_cpu, wall_s,
        sysconf(_SC_NPROCESSORS_ONLN));
    if (after.http_503 > before_.http_503) {
      std::printf("               %.0f requests refused with 503 (max_connections)\n",
                  after.http_503 - before_.http_503);
    }
  }

 private:
  const Server& server_;
  ServerMetrics before_;
  double cpu_before_ = 0;
  double self_cpu_before_ = 0;
};

// Polls GET /healthz every 50 ms on a connection of its own while a phase runs (a monitor's
// view of the server under load): latency of each answer, and the polls that failed (no answer
// within 5 s, or not 200).
class HealthProbe {
 public:
  explicit HealthProbe(std::string url) : url_(std::move(url)), thread_([this] { Run(); }) {}
  ~HealthProbe() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Call after Stop().
  void Print() const {
    std::vector<double> sorted = latencies_ms_;
    std::sort(sorted.begin(), sorted.end());
    std::printf(
        "  /healthz during the run: %zu polls, %d failed; p50 %.1f ms, p99 %.1f ms, max %.1f ms "
        "(target: p99 <= 50 ms)\n",
        sorted.size() + static_cast<size_t>(failed_), failed_, Percentile(sorted, 0.5),
        Percentile(sorted, 0.99), sorted.empty() ? 0.0 : sorted.back());
  }
  double P99() const {
    std::vector<double> sorted = latencies_ms_;
    std::sort(sorted.begin(), sorted.end());
    return Percentile(sorted, 0.99);
  }
  int failed() const { return failed_; }

 private:
  void Run() {
    client::HttpClientOptions options;
    options.request_timeout = std::chrono::milliseconds(5000);
    options.busy_retries = 0;
    auto http = client::HttpClient::Create(url_, options);
    if (!http.ok()) return;
    while (!stop_.load()) {
      const auto t0 = Clock::now();
      auto reply = (*http)->Get("/healthz");
      if (reply.ok() && reply->status == 200) {
        latencies_ms_.push_back(Millis(Clock::now() - t0));
      } else {
        ++failed_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  std::string url_;
  std::atomic<bool> stop_{false};
  std::vector<double> latencies_ms_;  // the probe's thread only, until Stop()
  int failed_ = 0;
  std::thread thread_;
};

}  // namespace fieldbook::loadgen

#endif  // FIELDBOOK_TESTS_PERF_LOAD_HARNESS_H_
