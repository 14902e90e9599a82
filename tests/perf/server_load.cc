// fieldbook-loadgen: the server load benchmark (issue #4 item 8). A standalone program, not a
// Google Benchmark: it starts the real fieldbook-server binary on a loopback port and drives it
// with real replicas (Replica + SyncEngine + HttpSyncTransport), bounded in count and in time.
//
//   1. merge throughput     4 reps at once each push 20,000 new customers (17 columns each) made
//                           in their own replica; wall time of the sync, rows/s and column
//                           changes/s merged (target: >= 20,000 column changes/s).
//   2. small-delta sync     one synced rep edits 1-10 customers, then SyncOnce; 500 times;
//                           median, p95, p99 of SyncOnce (target: median < 5 ms).
//   3. 200 concurrent reps  200 threads, each its own replica (5 customers), 20 rounds of 1-5
//                           edits + SyncOnce; errors (must be 0), syncs/s and latency.
//
// Every phase has a time limit (merge 50 s, small deltas 20 s, 200 reps 30 s for the first syncs
// and 35 s for the rounds; a round trip already under way finishes first), so the whole run stays
// under 3 minutes on the 2-core CI machine; a phase that hits its limit says so and misses its
// target.
//
// Exit status: 0 when no phase had errors (a missed target is reported, not failed), 1 on errors,
// 2 on bad arguments. Run it through scripts/bench, or directly:
//   build/release/tests/perf/fieldbook-loadgen [--quick] [--keep] [--merge-rows N] ...
// (--help lists the knobs).
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
namespace {

using Clock = std::chrono::steady_clock;
using testing::ReadWholeFile;
using testing::SpawnProcess;
using testing::WaitForExit;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
Clock::time_point After(Clock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
  std::string server = FIELDBOOK_SERVER_BINARY;
  int merge_reps = 4;
  int merge_rows = 20000;
  int delta_customers = 500;
  int delta_iterations = 500;
  int fleet_reps = 200;
  int fleet_customers = 5;
  int fleet_rounds = 20;
  int server_threads = 2;
  // Time limits per phase (seconds); a phase that hits its limit stops early and says so.
  double merge_limit_s = 50;
  double delta_limit_s = 20;
  double fleet_setup_limit_s = 30;
  double fleet_limit_s = 35;
  bool keep = false;
};

void Usage(FILE* out) {
  std::fprintf(out,
               "usage: fieldbook-loadgen [options]\n"
               "  --quick                 a small run (2,000 rows/rep, 50 deltas, 20 reps x 5)\n"
               "  --merge-reps N          reps pushing at once in phase 1 (4)\n"
               "  --merge-rows N          new customers per rep in phase 1 (20000)\n"
               "  --delta-customers N     customers of the phase-2 rep (500)\n"
               "  --delta-iterations N    edit + SyncOnce repetitions in phase 2 (500)\n"
               "  --fleet-reps N          concurrent reps in phase 3 (200)\n"
               "  --fleet-rounds N        edit + SyncOnce rounds per rep in phase 3 (20)\n"
               "  --server-threads N      fieldbook-server --threads (2)\n"
               "  --fleet-setup-limit S   seconds for phase 3's first syncs (30; more breaks the "
               "3-minute bound)\n"
               "  --server PATH           the fieldbook-server binary (the one built with this)\n"
               "  --keep                  keep the temporary directory (printed)\n");
}

bool ParseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next_int = [&](int& field) {
      if (i + 1 >= argc) return false;
      char* end = nullptr;
      const long v = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || v < 1 || v > 1000000) return false;
      field = static_cast<int>(v);
      return true;
    };
    if (a == "--help" || a == "-h") {
      Usage(stdout);
      std::exit(0);
    } else if (a == "--quick") {
      o.merge_rows = 2000;
      o.delta_customers = 100;
      o.delta_iterations = 50;
      o.fleet_reps = 20;
      o.fleet_rounds = 5;
    } else if (a == "--keep") {
      o.keep = true;
    } else if (a == "--server" && i + 1 < argc) {
      o.server = argv[++i];
    } else if (a == "--merge-reps") {
      if (!next_int(o.merge_reps)) return false;
    } else if (a == "--merge-rows") {
      if (!next_int(o.merge_rows)) return false;
    } else if (a == "--delta-customers") {
      if (!next_int(o.delta_customers)) return false;
    } else if (a == "--delta-iterations") {
      if (!next_int(o.delta_iterations)) return false;
    } else if (a == "--fleet-reps") {
      if (!next_int(o.fleet_reps)) return false;
    } else if (a == "--fleet-rounds") {
      if (!next_int(o.fleet_rounds)) return false;
    } else if (a == "--server-threads") {
      if (!next_int(o.server_threads)) return false;
    } else if (a == "--fleet-setup-limit") {
      int seconds = 0;
      if (!next_int(seconds)) return false;
      o.fleet_setup_limit_s = seconds;
    } else {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

Status Exec(Db& db, const std::string& sql, std::initializer_list<Value> params = {}) {
  FB_ASSIGN_OR_RETURN(Statement * stmt, db.Prepare(sql));
  int i = 1;
  for (const Value& v : params) stmt->Bind(i++, v);
  return stmt->Run();
}

// Nearest-rank percentile of `sorted` (ascending), p in (0, 1].
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

struct LatencySummary {
  size_t n = 0;
  double median = 0, p95 = 0, p99 = 0, max = 0, mean = 0;
};

LatencySummary Summarise(std::vector<double> ms) {
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

void PrintLatency(const char* label, const LatencySummary& s) {
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

// ---------------------------------------------------------------------------------------------
// The machine and the conditions

std::string CpuModel() {
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

double MemTotalGiB() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  long kb = 0;
  while (in >> key >> kb) {
    if (key == "MemTotal:") return static_cast<double>(kb) / (1024.0 * 1024.0);
    in.ignore(1 << 10, '\n');
  }
  return 0;
}

std::string FilesystemOf(const std::string& path) {
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
std::pair<double, double> MeasureFsyncMs(const std::string& dir) {
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
double ProcessCpuSeconds(pid_t pid) {
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

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long PeakRssMiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10) / 1024;
  }
  return -1;
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

  bool Start(const std::string& db, int threads) {
    const std::string port_file = dir_ + "/port";
    pid_ = SpawnProcess(binary_,
                        {"serve", "--db", db, "--port", "0", "--port-file", port_file, "--threads",
                         std::to_string(threads)},
                        dir_ + "/server.out", log_path());
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

std::optional<ServerMetrics> ScrapeMetrics(const std::string& url) {
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
int64_t HubSeq(const std::string& url) {
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

// ---------------------------------------------------------------------------------------------
// Realistic customers: Chinese and Latin names, addresses, contacts and notes of garages.

struct City {
  const char* name;
  const char* province;
  double lat, lon;
  const char* districts[4];
  const char* roads[4];
};

// Each rep works one region; region r is kRegions[r % 4].
const City kRegions[4][3] = {
    {{"广州",
      "广东",
      23.13,
      113.26,
      {"天河区", "白云区", "海珠区", "番禺区"},
      {"中山大道", "广州大道北", "工业大道", "迎宾路"}},
     {"佛山",
      "广东",
      23.02,
      113.12,
      {"禅城区", "南海区", "顺德区", "三水区"},
      {"季华路", "佛山大道", "桂澜路", "容桂大道"}},
     {"东莞",
      "广东",
      23.02,
      113.75,
      {"南城区", "东城区", "虎门镇", "长安镇"},
      {"东莞大道", "莞太路", "长安路", "107国道"}}},
    {{"杭州",
      "浙江",
      30.27,
      120.16,
      {"西湖区", "拱墅区", "萧山区", "余杭区"},
      {"文一路", "莫干山路", "通惠路", "临平大道"}},
     {"宁波",
      "浙江",
      29.87,
      121.54,
      {"海曙区", "江北区", "鄞州区", "北仑区"},
      {"环城西路", "北环路", "鄞州大道", "明州路"}},
     {"温州",
      "浙江",
      28.00,
      120.70,
      {"鹿城区", "龙湾区", "瓯海区", "乐清市"},
      {"车站大道", "温州大道", "瓯海大道", "104国道"}}},
    {{"南京",
      "江苏",
      32.06,
      118.80,
      {"玄武区", "秦淮区", "江宁区", "浦口区"},
      {"中山路", "龙蟠路", "双龙大道", "江浦路"}},
     {"苏州",
      "江苏",
      31.30,
      120.59,
      {"姑苏区", "吴中区", "相城区", "工业园区"},
      {"人民路", "东环路", "太湖东路", "星湖街"}},
     {"无锡",
      "江苏",
      31.49,
      120.31,
      {"梁溪区", "锡山区", "惠山区", "滨湖区"},
      {"解放路", "锡沪路", "惠山大道", "蠡湖大道"}}},
    {{"成都",
      "四川",
      30.57,
      104.07,
      {"武侯区", "成华区", "金牛区", "双流区"},
      {"人民南路", "二环路东", "蜀汉路", "机场路"}},
     {"绵阳",
      "四川",
      31.47,
      104.68,
      {"涪城区", "游仙区", "安州区", "江油市"},
      {"临园路", "剑南路", "绵兴路", "九洲大道"}},
     {"德阳",
      "四川",
      31.13,
      104.40,
      {"旌阳区", "广汉市", "什邡市", "绵竹市"},
      {"长江东路", "黄河路", "成绵路", "珠江路"}}},
};

struct Brand {
  const char* hanzi;
  const char* latin;
};
const Brand kBrands[] = {
    {"鑫达", "Xinda"},      {"顺通", "Shuntong"},  {"永盛", "Yongsheng"},   {"华隆", "Hualong"},
    {"金桥", "Jinqiao"},    {"宏发", "Hongfa"},    {"恒通", "Hengtong"},    {"利民", "Limin"},
    {"众诚", "Zhongcheng"}, {"安达", "Anda"},      {"骏马", "Junma"},       {"天成", "Tiancheng"},
    {"路路通", "Lulutong"}, {"广源", "Guangyuan"}, {"车之家", "Chezhijia"}, {"诚信", "Chengxin"}};
const Brand kKinds[] = {{"汽修厂", "Auto Repair"},       {"汽配商行", "Auto Parts"},
                        {"汽车维修中心", "Car Service"}, {"轮胎店", "Tyres"},
                        {"快修店", "Quick Fix"},         {"钣喷中心", "Body & Paint"}};
const Brand kSurnames[] = {{"王", "Wang"}, {"李", "Li"},   {"张", "Zhang"}, {"刘", "Liu"},
                           {"陈", "Chen"}, {"杨", "Yang"}, {"黄", "Huang"}, {"赵", "Zhao"},
                           {"吴", "Wu"},   {"周", "Zhou"}, {"徐", "Xu"},    {"孙", "Sun"},
                           {"马", "Ma"},   {"朱", "Zhu"},  {"胡", "Hu"},    {"郭", "Guo"}};
const char* const kLatinNames[] = {"Bright Auto",        "Star Motors",      "Golden Bridge Garage",
                                   "Speedy Tyre & Lube", "Pacific Car Care", "Eastern Auto Works"};
const char* const kTitles[] = {"师傅", "老板", "经理", "总"};
const char* const kTags[] = {"brakes,filters", "tyres",     "oil,filters", "batteries",
                             "bosch,brakes",   "钣喷,油漆", "vip,monthly", "lubricants",
                             "月结",           ""};
const char* const kNotes[] = {
    "prefers Bosch; pays monthly (月结 30 天)",
    "老板周二上午不在，找前台小刘",
    "asks for Mobil 1 samples every visit",
    "竞品：途虎工场店在 500 米外，价格敏感",
    "two lifts, 6 mechanics; mostly Japanese cars",
    "wants delivery before 10:00; 仓库在后院",
    "欠款已结清，可恢复赊账",
    "interested in the new brake pad line (陶瓷片)",
};
const char* const kRelationship[] = {"potential", "existing", "vip"};
const char* const kStage[] = {"aware", "interested", "deciding", "customer"};
const char* const kCustomerType[] = {"garage", "garage", "garage", "dealer", "fleet"};

template <typename T, size_t N>
const T& Pick(std::mt19937_64& rng, const T (&items)[N]) {
  return items[rng() % N];
}

std::string Phone(int rep_index, int i) {
  // Unique per (rep, customer): a mobile number 1[3589]x xxxx xxxx.
  static const char* const kPrefixes[] = {"138", "139", "158", "186", "135", "189"};
  char buf[32];
  const long long serial = static_cast<long long>(rep_index) * 100000 + i;
  std::snprintf(buf, sizeof buf, "%s%08lld", kPrefixes[rep_index % 6], serial % 100000000);
  return buf;
}

constexpr const char* kInsertCustomer =
    "INSERT INTO customers (id, name, name_latin, customer_type, relationship, purchase_stage, "
    "address, city, province, lat, lon, phone, primary_contact, tags, notes, owner_rep_id, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// Inserts `count` new customers owned by `rep_id` into the replica, `per_txn` per transaction.
Status AddCustomers(Replica& replica, const std::string& rep_id, int rep_index, int first,
                    int count, std::mt19937_64& rng, std::vector<std::string>* ids,
                    int per_txn = 1000) {
  Db& db = replica.db();
  const City* cities = kRegions[rep_index % 4];
  std::uniform_real_distribution<double> jitter(-0.15, 0.15);
  for (int done = 0; done < count;) {
    FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
    for (int j = 0; j < per_txn && done < count; ++j, ++done) {
      const int i = first + done;
      const City& city = cities[rng() % 3];
      const Brand& surname = Pick(rng, kSurnames);
      const Brand& brand = Pick(rng, kBrands);
      const Brand& kind = Pick(rng, kKinds);
      std::string name, latin;
      if (rng() % 10 == 0) {
        latin = Pick(rng, kLatinNames);
        name = latin + " " + std::to_string(i % 97 + 1);
      } else {
        name = std::string(city.districts[rng() % 4]).substr(0, 6) + surname.hanzi + "记" +
               brand.hanzi + kind.hanzi;
        latin = std::string(surname.latin) + "ji " + brand.latin + " " + kind.latin;
      }
      const std::string address = std::string(city.districts[rng() % 4]) + city.roads[rng() % 4] +
                                  std::to_string(rng() % 900 + 1) + "号";
      const std::string contact = rng() % 8 == 0 ? std::string("Mr. ") + surname.latin
                                                 : std::string(surname.hanzi) + Pick(rng, kTitles);
      const std::string id = replica.ids().Next();
      FB_RETURN_IF_ERROR(
          Exec(db, kInsertCustomer,
               {id, name, latin, std::string(Pick(rng, kCustomerType)),
                std::string(Pick(rng, kRelationship)), std::string(Pick(rng, kStage)), address,
                std::string(city.name), std::string(city.province), city.lat + jitter(rng),
                city.lon + jitter(rng), Phone(rep_index, i), contact, std::string(Pick(rng, kTags)),
                std::string(Pick(rng, kNotes)), rep_id, std::string("2026-11-23T08:00:00Z")}));
      if (ids != nullptr) ids->push_back(id);
    }
    FB_RETURN_IF_ERROR(txn->Commit());
  }
  return Status::Ok();
}

// One edit of a random field of a customer, as a rep would make it in the app.
Status EditCustomer(Db& db, const std::string& id, std::mt19937_64& rng, int rep_index, int n) {
  switch (rng() % 8) {
    case 0:
      return Exec(db, "UPDATE customers SET notes = ? WHERE id = ?",
                  {std::string(Pick(rng, kNotes)) + " (" + std::to_string(n) + ")", id});
    case 1:
      return Exec(db, "UPDATE customers SET tags = ? WHERE id = ?",
                  {std::string(Pick(rng, kTags)), id});
    case 2:
      return Exec(db, "UPDATE customers SET relationship = ? WHERE id = ?",
                  {std::string(Pick(rng, kRelationship)), id});
    case 3:
      return Exec(db, "UPDATE customers SET purchase_stage = ? WHERE id = ?",
                  {std::string(Pick(rng, kStage)), id});
    case 4:
      return Exec(db, "UPDATE customers SET primary_contact = ? WHERE id = ?",
                  {std::string(Pick(rng, kSurnames).hanzi) + Pick(rng, kTitles), id});
    case 5:
      return Exec(db, "UPDATE customers SET phone = ? WHERE id = ?",
                  {Phone(rep_index, 50000 + n), id});
    case 6:
      return Exec(db, "UPDATE customers SET lat = lat + 0.0001, lon = lon - 0.0001 WHERE id = ?",
                  {id});
    default:
      return Exec(db, "UPDATE customers SET address = address || ? WHERE id = ?",
                  {std::string(" 后门"), id});
  }
}

// Edits 1..max_rows distinct random customers of `ids` in one transaction.
Status EditRandomCustomers(Replica& replica, const std::vector<std::string>& ids, int max_rows,
                           std::mt19937_64& rng, int rep_index, int& counter) {
  const int rows = 1 + static_cast<int>(rng() % static_cast<uint64_t>(max_rows));
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica.db()));
  std::vector<size_t> picked;
  for (int k = 0; k < rows && picked.size() < ids.size(); ++k) {
    size_t idx = rng() % ids.size();
    while (std::find(picked.begin(), picked.end(), idx) != picked.end()) idx = rng() % ids.size();
    picked.push_back(idx);
    FB_RETURN_IF_ERROR(EditCustomer(replica.db(), ids[idx], rng, rep_index, counter++));
  }
  return txn->Commit();
}

// ---------------------------------------------------------------------------------------------
// A transport that times each round trip and counts what the server merged.

class TimedTransport final : public client::SyncTransport {
 public:
  explicit TimedTransport(std::unique_ptr<client::HttpSyncTransport> inner)
      : inner_(std::move(inner)) {}

  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    const auto start = Clock::now();
    auto response = inner_->Exchange(request);
    const auto end = Clock::now();
    const double ms = Millis(end - start);
    exchanged_ms += ms;
    if (request.has_push) {
      push_latencies.push_back(ms);
      if (response.ok() && response->has_push_result) {
        rows_accepted += response->push_result.rows_accepted;
        rejections += response->push_result.rejections.size();
        if (!response->push_result.rejections.empty() && first_rejection.empty()) {
          const RowRejection& r = response->push_result.rejections.front();
          first_rejection = r.table + " " + r.row_id + ": " + r.code + " " + r.reason;
        }
        // Every column of an accepted row was merged; refused rows are counted as errors.
        if (response->push_result.rejections.empty()) {
          columns_accepted += request.push.ColumnCount();
        }
        last_push_acked = end;
      }
    } else {
      pull_latencies.push_back(ms);
    }
    if (response.ok()) {
      rows_received += response->pull.rows.size();
      // SyncEngine stops after a round trip without a push whose page says no more.
      last_was_final = !request.has_push && !response->more && !response->rebuild;
    }
    return response;
  }

  void ClearLatencies() {
    push_latencies.clear();
    pull_latencies.clear();
    exchanged_ms = 0;
  }
  size_t exchanges() const { return push_latencies.size() + pull_latencies.size(); }

  std::vector<double> push_latencies;  // ms of round trips that carried a push
  std::vector<double> pull_latencies;  // ms of pull-only round trips
  double exchanged_ms = 0;             // total ms spent in Exchange
  size_t rows_accepted = 0, columns_accepted = 0, rejections = 0, rows_received = 0;
  std::string first_rejection;
  Clock::time_point last_push_acked{};
  bool last_was_final = false;

 private:
  std::unique_ptr<client::HttpSyncTransport> inner_;
};

// A rep's device: its replica, transport and engine, used by one thread.
struct Device {
  std::string rep_id;
  int rep_index = 0;
  std::string token;
  SystemWallClock wall;
  std::unique_ptr<Replica> replica;
  std::unique_ptr<TimedTransport> transport;
  std::vector<std::string> customers;
  std::mt19937_64 rng;

  Status Open(const std::string& path, const std::string& url) {
    FB_ASSIGN_OR_RETURN(replica, Replica::Open(path, wall));
    FB_ASSIGN_OR_RETURN(auto http, client::HttpSyncTransport::Create(url, token));
    transport = std::make_unique<TimedTransport>(std::move(http));
    return Status::Ok();
  }

  // One SyncOnce (page_rows 1000), to the end.
  Status Sync() {
    client::SyncEngine engine(*replica, *transport, client::SyncOptions{1000, 100000});
    return engine.SyncOnce().status();
  }

  // SyncOnce one round trip at a time (max_round_trips = 1), until the engine would have stopped
  // by itself (a round trip without a push that says no more) or `deadline`; false when the
  // deadline stopped it. The same round trips as one SyncOnce, but bounded in time.
  Result<bool> SyncUntil(Clock::time_point deadline) {
    while (Clock::now() < deadline) {
      client::SyncEngine engine(*replica, *transport, client::SyncOptions{1000, 1});
      FB_ASSIGN_OR_RETURN(client::SyncReport report, engine.SyncOnce());
      (void)report;
      if (transport->last_was_final) return true;
    }
    return false;
  }
};

// ---------------------------------------------------------------------------------------------
// Phases

struct Verdicts {
  size_t errors = 0;
  std::vector<std::string> missed;
};

void Target(Verdicts& v, bool met, const std::string& what) {
  std::printf("  target: %s -- %s\n", what.c_str(), met ? "met" : "target missed");
  if (!met) v.missed.push_back(what);
}

std::vector<std::unique_ptr<Device>> MakeDevices(
    const std::vector<std::pair<std::string, std::string>>& reps, int first_index, int count) {
  std::vector<std::unique_ptr<Device>> devices;
  for (int i = 0; i < count; ++i) {
    auto d = std::make_unique<Device>();
    d->rep_index = first_index + i;
    d->rep_id = reps[static_cast<size_t>(first_index + i)].first;
    d->token = reps[static_cast<size_t>(first_index + i)].second;
    d->rng.seed(0x5eed0000u + static_cast<uint64_t>(d->rep_index));
    devices.push_back(std::move(d));
  }
  return devices;
}

void PhaseMerge(const Options& o, const Server& server, const testing::TempDir& dir,
                std::vector<std::unique_ptr<Device>>& devices, Verdicts& v) {
  std::printf("\n== phase 1: merge throughput (%d reps at once, %d new customers each)\n",
              o.merge_reps, o.merge_rows);
  ErrorLog errors;
  // Each rep creates its customers offline, in its own replica (not timed).
  const auto gen_start = Clock::now();
  {
    std::vector<std::thread> threads;
    for (auto& d : devices) {
      threads.emplace_back([&, dev = d.get()] {
        Status s = dev->Open(dir.File("merge-" + dev->rep_id + ".db"), server.url());
        if (s.ok()) {
          s = AddCustomers(*dev->replica, dev->rep_id, dev->rep_index, 0, o.merge_rows, dev->rng,
                           &dev->customers);
        }
        if (!s.ok()) errors.Add(dev->rep_id + " setup: " + s.ToString());
      });
    }
    for (auto& t : threads) t.join();
  }
  std::printf("  offline inserts into the 4 replicas: %.2f s (not timed below)\n",
              Seconds(Clock::now() - gen_start));
  if (errors.count() > 0) {
    errors.Print();
    v.errors += errors.count();
    return;
  }

  ServerWatch watch(server);
  std::latch ready(static_cast<ptrdiff_t>(devices.size()) + 1);
  std::atomic<bool> timed_out{false};
  std::vector<Clock::time_point> finished(devices.size());
  const auto deadline_base = Clock::now();
  Clock::time_point start;
  {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < devices.size(); ++i) {
      threads.emplace_back([&, i] {
        Device& dev = *devices[i];
        ready.arrive_and_wait();
        // A failed sync is an error; the device then tries again, as the app would (a retried
        // push is answered from the hub's record of applied sets), at most 3 times.
        for (int attempt = 0; attempt < 3; ++attempt) {
          auto done = dev.SyncUntil(After(deadline_base, o.merge_limit_s));
          if (done.ok()) {
            if (!*done) timed_out = true;
            break;
          }
          errors.Add(dev.rep_id + " sync: " + done.status().ToString());
        }
        finished[i] = Clock::now();
        if (dev.transport->rejections > 0) {
          errors.Add(dev.rep_id + ": " + std::to_string(dev.transport->rejections) +
                     " rows refused, e.g. " + dev.transport->first_rejection);
        }
      });
    }
    start = Clock::now();
    ready.arrive_and_wait();
    for (auto& t : threads) t.join();
  }
  const auto end = *std::max_element(finished.begin(), finished.end());
  Clock::time_point pushes_done = start;
  size_t rows = 0, columns = 0, received = 0;
  std::vector<double> push_latencies, pull_latencies;
  for (auto& d : devices) {
    const TimedTransport& t = *d->transport;
    rows += t.rows_accepted;
    columns += t.columns_accepted;
    received += t.rows_received;
    push_latencies.insert(push_latencies.end(), t.push_latencies.begin(), t.push_latencies.end());
    pull_latencies.insert(pull_latencies.end(), t.pull_latencies.begin(), t.pull_latencies.end());
    pushes_done = std::max(pushes_done, t.last_push_acked);
  }
  const double wall = std::max(Seconds(end - start), 1e-6);
  const double push_wall = std::max(Seconds(pushes_done - start), 1e-6);
  const double wanted = static_cast<double>(o.merge_reps) * o.merge_rows;
  const double rows_d = static_cast<double>(rows), columns_d = static_cast<double>(columns);
  std::printf(
      "  merged by the server: %zu of %.0f rows, %zu column changes (%.1f columns per row; "
      "counted by the client from acknowledged pushes)\n",
      rows, wanted, columns, rows > 0 ? columns_d / rows_d : 0.0);
  std::printf("  sync phase wall time: %.2f s (until every rep's SyncOnce returned)%s\n", wall,
              timed_out ? "  ** stopped by the time limit **" : "");
  std::printf("    -> %.0f rows/s, %.0f column changes/s\n", rows_d / wall, columns_d / wall);
  std::printf("  last push acknowledged after %.2f s\n", push_wall);
  std::printf("    -> %.0f rows/s, %.0f column changes/s (push side only)\n", rows_d / push_wall,
              columns_d / push_wall);
  PrintLatency("round trip with a push (<=2000 rows)", Summarise(push_latencies));
  PrintLatency("pull-only round trip", Summarise(pull_latencies));
  std::printf("  rows pulled back by the 4 replicas: %zu\n", received);
  const double server_cpu = watch.ServerCpuSeconds();
  if (rows > 0 && server_cpu > 0) {
    std::printf(
        "  server CPU per merged row: %.0f us (%.1f us per column change, pulls included): ~%.0f "
        "column changes per server CPU-second\n",
        1e6 * server_cpu / rows_d, 1e6 * server_cpu / columns_d, columns_d / server_cpu);
  }
  watch.Print(wall);
  if (errors.count() > 0) {
    std::printf("  errors: %zu\n", errors.count());
    errors.Print();
  }
  v.errors += errors.count();
  Target(v, !timed_out && rows_d >= wanted && columns_d / wall >= 20000,
         "merge >= 20,000 column changes/s over the whole sync (got " +
             std::to_string(static_cast<long>(columns_d / wall)) + ")");
}

void PhaseDelta(const Options& o, const Server& server, const testing::TempDir& dir, Device& dev,
                Verdicts& v) {
  std::printf("\n== phase 2: small-delta round trip (one synced rep with %d customers, %d times)\n",
              o.delta_customers, o.delta_iterations);
  ErrorLog errors;
  Status s = dev.Open(dir.File("delta-" + dev.rep_id + ".db"), server.url());
  if (s.ok()) {
    s = AddCustomers(*dev.replica, dev.rep_id, dev.rep_index, 0, o.delta_customers, dev.rng,
                     &dev.customers);
  }
  const auto setup_start = Clock::now();
  if (s.ok()) {
    auto synced = dev.SyncUntil(After(setup_start, 20));
    if (!synced.ok()) {
      s = synced.status();
    } else if (!*synced) {
      s = Status::Unavailable("the first sync did not finish within 20 s");
    }
  }
  if (!s.ok()) {
    std::printf("  setup failed: %s\n", s.ToString().c_str());
    v.errors += 1;
    return;
  }
  std::printf("  first sync (push %d customers, catch up): %.2f s\n", o.delta_customers,
              Seconds(Clock::now() - setup_start));
  dev.transport->ClearLatencies();

  ServerWatch watch(server);
  std::vector<double> sync_ms, client_ms;
  const auto start = Clock::now();
  const auto deadline = After(start, o.delta_limit_s);
  int counter = 0;
  size_t round_trips = 0;
  bool timed_out = false;
  for (int i = 0; i < o.delta_iterations; ++i) {
    if (Clock::now() >= deadline) {
      timed_out = true;
      break;
    }
    Status edit =
        EditRandomCustomers(*dev.replica, dev.customers, 10, dev.rng, dev.rep_index, counter);
    if (!edit.ok()) {
      errors.Add("edit: " + edit.ToString());
      continue;
    }
    const size_t before = dev.transport->exchanges();
    const double exchanged_before = dev.transport->exchanged_ms;
    const auto t0 = Clock::now();
    Status synced = dev.Sync();
    sync_ms.push_back(Millis(Clock::now() - t0));
    // What SyncOnce spent outside the HTTP round trips: the replica's PreparePush,
    // AcknowledgePush and ApplyPull (each a SQLite transaction with fsync).
    client_ms.push_back(sync_ms.back() - (dev.transport->exchanged_ms - exchanged_before));
    round_trips += dev.transport->exchanges() - before;
    if (!synced.ok()) errors.Add("sync: " + synced.ToString());
  }
  const double wall = Seconds(Clock::now() - start);
  if (dev.transport->rejections > 0) {
    errors.Add(std::to_string(dev.transport->rejections) + " rows refused, e.g. " +
               dev.transport->first_rejection);
  }
  const LatencySummary sync = Summarise(sync_ms);
  std::printf("  %zu SyncOnce calls in %.2f s%s; %.2f round trips each (push + final pull)\n",
              sync.n, wall, timed_out ? "  ** stopped by the time limit **" : "",
              sync.n > 0 ? static_cast<double>(round_trips) / static_cast<double>(sync.n) : 0.0);
  PrintLatency("SyncOnce (client, end to end)", sync);
  PrintLatency("  round trip with the push", Summarise(dev.transport->push_latencies));
  PrintLatency("  pull-only round trip", Summarise(dev.transport->pull_latencies));
  PrintLatency("  replica work outside round trips", Summarise(client_ms));
  watch.Print(wall);
  if (errors.count() > 0) {
    std::printf("  errors: %zu\n", errors.count());
    errors.Print();
  }
  v.errors += errors.count();
  char what[96];
  std::snprintf(what, sizeof what, "SyncOnce median < 5 ms (got %.2f ms)", sync.median);
  Target(v, !timed_out && sync.n > 0 && sync.median < 5.0, what);
}

void PhaseFleet(const Options& o, const Server& server, const testing::TempDir& dir,
                std::vector<std::unique_ptr<Device>>& devices, Verdicts& v) {
  std::printf(
      "\n== phase 3: %d concurrent reps (one thread and replica each, %d customers, %d rounds "
      "of 1-5 edits + SyncOnce)\n",
      o.fleet_reps, o.fleet_customers, o.fleet_rounds);
  ErrorLog errors;
  const int n = static_cast<int>(devices.size());
  std::latch setup_done(n + 1);
  std::latch go(1);
  std::vector<std::vector<double>> latencies(devices.size());
  std::vector<double> setup_s(devices.size());
  std::atomic<int> setup_ok{0};
  std::atomic<int> setup_slow{0};
  std::atomic<int> rounds_done{0};
  std::atomic<bool> timed_out{false};
  std::optional<ServerWatch> watch;
  watch.emplace(server);
  const auto setup_start = Clock::now();
  const auto setup_deadline = After(setup_start, o.fleet_setup_limit_s);
  Clock::time_point start, deadline;
  std::vector<std::thread> threads;
  threads.reserve(devices.size());
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      Device& dev = *devices[static_cast<size_t>(i)];
      const auto t0 = Clock::now();
      Status s = dev.Open(dir.File("fleet-" + dev.rep_id + ".db"), server.url());
      if (s.ok()) {
        s = AddCustomers(*dev.replica, dev.rep_id, dev.rep_index, 0, o.fleet_customers, dev.rng,
                         &dev.customers);
      }
      bool caught_up = false;
      if (s.ok()) {
        auto synced = dev.SyncUntil(setup_deadline);
        if (!synced.ok()) {
          s = synced.status();
        } else {
          caught_up = *synced;
        }
      }
      setup_s[static_cast<size_t>(i)] = Seconds(Clock::now() - t0);
      // A first sync still running at the time limit is slow, not failed: no rounds for this
      // device, and the target is missed.
      if (s.ok() && !caught_up) ++setup_slow;
      if (!s.ok()) errors.Add(dev.rep_id + " setup: " + s.ToString());
      const bool ready = s.ok() && caught_up;
      if (ready) ++setup_ok;
      if (dev.transport) dev.transport->ClearLatencies();
      setup_done.count_down();
      go.wait();
      if (!ready) return;
      int counter = 0;
      for (int round = 0; round < o.fleet_rounds; ++round) {
        if (Clock::now() >= deadline) {
          timed_out = true;
          break;
        }
        Status edit =
            EditRandomCustomers(*dev.replica, dev.customers, 5, dev.rng, dev.rep_index, counter);
        if (!edit.ok()) {
          errors.Add(dev.rep_id + " edit: " + edit.ToString());
          continue;
        }
        const auto r0 = Clock::now();
        Status synced = dev.Sync();
        latencies[static_cast<size_t>(i)].push_back(Millis(Clock::now() - r0));
        if (!synced.ok()) {
          errors.Add(dev.rep_id + " sync: " + synced.ToString());
        } else {
          ++rounds_done;
        }
      }
      if (dev.transport->rejections > 0) {
        errors.Add(dev.rep_id + ": " + std::to_string(dev.transport->rejections) +
                   " rows refused, e.g. " + dev.transport->first_rejection);
      }
    });
  }
  setup_done.arrive_and_wait();
  const double setup_wall = Seconds(Clock::now() - setup_start);
  std::vector<double> setup_sorted = setup_s;
  std::sort(setup_sorted.begin(), setup_sorted.end());
  std::printf(
      "  setup: %d/%d replicas opened, filled and first-synced in %.2f s (per rep: median %.2f s, "
      "max %.2f s)\n",
      setup_ok.load(), n, setup_wall, Percentile(setup_sorted, 0.5), setup_sorted.back());
  if (setup_slow.load() > 0) {
    std::printf(
        "  ** %d devices were still in their first sync at the %.0f s limit: no rounds for "
        "them **\n",
        setup_slow.load(), o.fleet_setup_limit_s);
  }
  watch->Print(setup_wall);
  watch.emplace(server);
  start = Clock::now();
  deadline = After(start, o.fleet_limit_s);
  go.count_down();
  for (auto& t : threads) t.join();
  const double wall = Seconds(Clock::now() - start);
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const LatencySummary sync = Summarise(all);
  const int expected = setup_ok.load() * o.fleet_rounds;
  std::printf("  %d of %d syncs done in %.2f s%s -> %.1f syncs/s\n", rounds_done.load(), expected,
              wall, timed_out ? "  ** stopped by the time limit **" : "",
              rounds_done.load() / wall);
  std::vector<double> push_latencies, pull_latencies;
  for (auto& d : devices) {
    if (!d->transport) continue;
    const TimedTransport& t = *d->transport;
    push_latencies.insert(push_latencies.end(), t.push_latencies.begin(), t.push_latencies.end());
    pull_latencies.insert(pull_latencies.end(), t.pull_latencies.begin(), t.pull_latencies.end());
  }
  PrintLatency("SyncOnce under load", sync);
  PrintLatency("  round trip with a push", Summarise(push_latencies));
  PrintLatency("  pull-only round trip", Summarise(pull_latencies));
  watch->Print(wall);
  std::printf("  errors: %zu\n", errors.count());
  errors.Print();
  v.errors += errors.count();
  Target(v,
         !timed_out && setup_slow.load() == 0 && errors.count() == 0 &&
             rounds_done.load() == n * o.fleet_rounds,
         "every one of the " + std::to_string(n * o.fleet_rounds) + " syncs succeeds, in time");
}

// ---------------------------------------------------------------------------------------------

int Main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, o)) {
    Usage(stderr);
    return 2;
  }
  const auto program_start = Clock::now();
  testing::TempDir dir;
  const std::string dir_path = dir.path().string();

  // The machine and the conditions.
  utsname un{};
  uname(&un);
  const auto [fsync_ms, fsync_max_ms] = MeasureFsyncMs(dir_path);
  std::printf("fieldbook-loadgen: server load benchmark (issue #4 item 8)\n");
  std::printf("machine:    %ld cores, %.1f GiB, %s %s %s\n", sysconf(_SC_NPROCESSORS_ONLN),
              MemTotalGiB(), un.sysname, un.release, un.machine);
  std::printf("cpu:        %s\n", CpuModel().c_str());
#ifdef NDEBUG
  const char* build = "release (NDEBUG, optimised)";
#else
  const char* build = "NOT a release build (assertions on): figures are not representative";
#endif
  std::printf("build:      %s; server %s\n", build, o.server.c_str());
  std::printf("network:    loopback (127.0.0.1), plain HTTP/1.1 keep-alive, --threads %d\n",
              o.server_threads);
  std::printf("storage:    %s on %s; 4 KiB write+fdatasync %.2f ms mean, %.2f ms max\n",
              dir_path.c_str(), FilesystemOf(dir_path).c_str(), fsync_ms, fsync_max_ms);
  std::printf("            server and replicas: SQLite WAL, synchronous=FULL\n");
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf(
      "load:       %.2f %.2f %.2f before the run (other work on the machine skews figures)\n",
      load[0], load[1], load[2]);

  // 1. The server database: `init` through the binary, then the reps in-process (one
  // transaction; 200 `rep add` processes would take a while) before the server starts.
  Server server(o.server, dir_path);
  const std::string db = dir.File("server.db");
  std::string out;
  if (server.RunCommand({"init", "--db", db}, &out) != 0) {
    std::printf("fieldbook-server init failed: %s\n",
                ReadWholeFile(dir.File("command.err")).c_str());
    return 1;
  }
  const int total_reps = o.merge_reps + 1 + o.fleet_reps;
  std::vector<std::pair<std::string, std::string>> reps;  // (id, token)
  {
    const auto t0 = Clock::now();
    SystemWallClock wall;
    auto store = server::ServerStore::Open(db, wall);
    if (!store.ok()) {
      std::printf("cannot open %s: %s\n", db.c_str(), store.status().ToString().c_str());
      return 1;
    }
    auto txn = Transaction::Begin((*store)->hub().db());
    if (!txn.ok()) return 1;
    for (int i = 1; i <= total_reps; ++i) {
      server::NewRep rep;
      rep.id = "rep-" + std::to_string(i);
      rep.name = std::string(kSurnames[i % 16].hanzi) + "代表 " + std::to_string(i);
      auto added = (*store)->AddRep(rep);
      if (!added.ok()) {
        std::printf("AddRep %s: %s\n", rep.id.c_str(), added.status().ToString().c_str());
        return 1;
      }
      reps.push_back(*added);
    }
    if (Status s = (*txn)->Commit(); !s.ok()) {
      std::printf("commit: %s\n", s.ToString().c_str());
      return 1;
    }
    std::printf("setup:      %d reps provisioned in-process in %.2f s\n", total_reps,
                Seconds(Clock::now() - t0));
  }

  // 2. The server.
  if (!server.Start(db, o.server_threads)) {
    std::printf("the server did not start:\n%s\n", ReadWholeFile(server.log_path()).c_str());
    return 1;
  }
  std::printf("server:     pid %d at %s\n", static_cast<int>(server.pid()), server.url().c_str());

  Verdicts v;
  auto merge = MakeDevices(reps, 0, o.merge_reps);
  PhaseMerge(o, server, dir, merge, v);
  merge.clear();

  auto delta = MakeDevices(reps, o.merge_reps, 1);
  PhaseDelta(o, server, dir, *delta[0], v);
  delta.clear();

  auto fleet = MakeDevices(reps, o.merge_reps + 1, o.fleet_reps);
  PhaseFleet(o, server, dir, fleet, v);
  fleet.clear();

  // 7. Stop the server gracefully.
  const long server_rss = PeakRssMiB(server.pid());
  const int64_t seq = HubSeq(server.url());
  const int code = server.Stop(SIGTERM);
  std::printf("\nserver:     hub sequence %" PRId64 ", peak RSS %ld MiB; SIGTERM -> exit %d\n", seq,
              server_rss, code);
  if (code != 0) {
    ++v.errors;
    std::printf("server log:\n%s\n", ReadWholeFile(server.log_path()).c_str());
  }
  std::printf("load generator peak RSS %ld MiB; total run time %.1f s\n", PeakRssMiB(getpid()),
              Seconds(Clock::now() - program_start));
  std::printf("result:     %zu errors; %s\n", v.errors,
              v.missed.empty() ? "all targets met"
                               : (std::to_string(v.missed.size()) + " target(s) missed").c_str());
  if (o.keep) {
    std::printf("kept:       %s\n", dir_path.c_str());
    // TempDir removes the directory when it dies; keep it by leaving without destructors.
    std::fflush(stdout);
    std::_Exit(v.errors > 0 ? 1 : 0);
  }
  return v.errors > 0 ? 1 : 0;
}

}  // namespace
}  // namespace fieldbook::loadgen

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  return fieldbook::loadgen::Main(argc, argv);
}
