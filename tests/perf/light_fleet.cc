#include "light_fleet.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <optional>
#include <random>
#include <thread>
#include <tuple>

#include "fieldbook/change_set_codec.h"
#include "fieldbook/row_id.h"
#include "load_data.h"
#include "sync/http_client.h"

namespace fieldbook::loadgen {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using net::awaitable;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr const char* kSyncContentType = "application/x-fieldbook-sync";
constexpr uint32_t kPageRows = 1000;  // SyncOptions::page_rows, as the app asks
constexpr int kMaxRoundTrips = 1000;  // per sync; a first sync of 5 customers takes 1-2

// A customer as the device holds it: the columns its edits touch, kept up to date with pulls.
struct Customer {
  std::string id;
  std::string address;
  double lat = 0, lon = 0;
  std::map<std::string, Value> acked;  // each column's last value the server acknowledged
};

struct Reply {
  int status = 0;
  std::string body;
  std::string retry_after;
};

}  // namespace

struct LightFleet::Impl {
  struct Device {
    std::string rep_id, token, replica_id;
    int rep_index = 0;
    std::mt19937_64 rng;
    std::unique_ptr<RowIdGenerator> ids;
    uint64_t last_hlc = 0;
    uint64_t cursor = 0, epoch = 0;
    std::string snapshot_token;
    std::vector<Customer> customers;
    int edits = 0;
    bool ready = false;
    // One keep-alive connection per server instance.
    std::vector<std::optional<beast::tcp_stream>> streams;
    std::vector<bool> used;  // the connection has answered a request already
    beast::flat_buffer buffer;
    // Figures of this device, summed after a run (devices may run on several threads).
    FleetFigures f;
  };

  FleetOptions o;
  SystemWallClock wall;
  net::io_context io;
  std::vector<std::unique_ptr<Device>> devices;
  FleetFigures figures;
  std::atomic<bool> timed_out{false};

  Hlc NextHlc(Device& d) {
    const uint64_t now = Hlc::FromParts(wall.NowMs(), 0).packed();
    d.last_hlc = std::max(d.last_hlc + 1, now);
    return Hlc(d.last_hlc);
  }

  // One POST /v1/sync to instance `which` over the device's connection to it.
  awaitable<Result<Reply>> Post(Device& d, size_t which, const std::string& body) {
    auto& stream = d.streams[which];
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!stream) {
        stream.emplace(io.get_executor());
        d.used[which] = false;
        stream->expires_after(std::chrono::seconds(5));
        const net::ip::tcp::endpoint to(net::ip::make_address_v4("127.0.0.1"),
                                        static_cast<unsigned short>(o.ports[which]));
        auto [ec] = co_await stream->async_connect(to, kTuple);
        if (ec) {
          stream.reset();
          co_return Status::Unavailable("cannot connect: " + ec.message());
        }
        stream->socket().set_option(net::ip::tcp::no_delay(true));
      }
      http::request<http::string_body> req{http::verb::post, "/v1/sync", 11};
      req.set(http::field::host, "127.0.0.1:" + std::to_string(o.ports[which]));
      req.set(http::field::authorization, "Bearer " + d.token);
      req.set(http::field::content_type, kSyncContentType);
      req.keep_alive(true);
      req.body() = body;
      req.prepare_payload();
      stream->expires_after(std::chrono::seconds(30));
      auto [wec, written] = co_await http::async_write(*stream, req, kTuple);
      (void)written;
      beast::error_code ec = wec;
      if (!ec) {
        http::response<http::string_body> res;
        res.body().reserve(256);
        auto [rec, read] = co_await http::async_read(*stream, d.buffer, res, kTuple);
        (void)read;
        ec = rec;
        if (!ec) {
          d.used[which] = true;
          if (!res.keep_alive()) stream.reset();
          co_return Reply{static_cast<int>(res.result_int()), std::move(res.body()),
                          std::string(res[http::field::retry_after])};
        }
      }
      // A keep-alive connection the server closed while idle fails on first use: open a new one
      // and send again (a push is answered from the hub's record of applied sets).
      const bool stale = d.used[which] && attempt == 0;
      stream.reset();
      d.buffer.clear();
      ++d.f.reconnects;
      if (!stale) co_return Status::Unavailable("lost the connection: " + ec.message());
    }
    co_return Status::Unavailable("lost the connection twice");
  }

  // Applies a pulled page: the device's own customers take the pulled values of the columns it
  // edits; the position moves as the replica's does.
  void ApplyPull(Device& d, const SyncResponse& r) {
    d.f.rows_received += r.pull.rows.size();
    for (const RowChange& row : r.pull.rows) {
      if (row.table != "customers") continue;
      for (Customer& c : d.customers) {
        if (c.id != row.row_id) continue;
        for (const ColumnChange& col : row.columns) {
          if (col.column == "address" && std::holds_alternative<std::string>(col.value)) {
            c.address = std::get<std::string>(col.value);
          } else if (col.column == "lat" && std::holds_alternative<double>(col.value)) {
            c.lat = std::get<double>(col.value);
          } else if (col.column == "lon" && std::holds_alternative<double>(col.value)) {
            c.lon = std::get<double>(col.value);
          }
        }
      }
    }
    if (r.epoch != 0) d.epoch = r.epoch;
    if (r.snapshot) {
      d.snapshot_token = r.snapshot_token;
      if (r.snapshot_token.empty()) d.cursor = r.pull.cursor;
    } else {
      d.cursor = std::max(d.cursor, r.pull.cursor);
    }
  }

  // One round trip to a random instance: the reply decoded, a 503 asked again after the client's
  // back-off (HttpClient: Retry-After grown per retry, with jitter), at most 5 times. `ms`: the
  // round trip that answered.
  awaitable<Result<SyncResponse>> Exchange(Device& d, const SyncRequest& req, double& ms) {
    std::uniform_int_distribution<size_t> instance(0, o.ports.size() - 1);
    std::uniform_real_distribution<double> jitter(0, 1);
    const std::string body = EncodeSyncRequest(req);
    for (int busy = 0;; ++busy) {
      const auto t0 = Clock::now();
      Result<Reply> reply = co_await Post(d, instance(d.rng), body);
      ms = Millis(Clock::now() - t0);
      if (!reply.ok()) co_return reply.status();
      if (reply->status == 503 && busy < 5) {
        net::steady_timer wait(io);
        wait.expires_after(client::BusyBackoff(reply->retry_after, busy, jitter(d.rng)));
        co_await wait.async_wait(kTuple);
        ++d.f.busy_retries;
        continue;
      }
      if (reply->status != 200) {
        client::HttpReply as_client{reply->status, "", reply->body, reply->retry_after, busy};
        co_return Status::Unavailable("the server answered " + std::to_string(reply->status) +
                                      ": " + client::ServerErrorMessage(as_client, 300));
      }
      co_return DecodeSyncResponse(reply->body);
    }
  }

  // One whole sync: `push` (not empty) in the first round trip with the pull, then pull-only
  // round trips until the server says there is no more. `timed`: record round trip latencies.
  awaitable<Status> Sync(Device& d, ChangeSet push, bool timed) {
    push.replica_id = d.replica_id;
    push.set_id = d.ids->Next();
    push.cursor = d.cursor;
    const std::string push_bytes = EncodeChangeSet(push);
    bool pushing = true;
    for (int trips = 0; trips < kMaxRoundTrips; ++trips) {
      SyncRequest req;
      req.replica_id = d.replica_id;
      // Where the device stands, as the replica would send it.
      std::tie(req.pull_cursor, req.snapshot_token, req.epoch) =
          std::tie(d.cursor, d.snapshot_token, d.epoch);
      req.page_limit = kPageRows;
      req.has_push = pushing;
      if (pushing) {
        req.push.set_id = push.set_id;  // for matching the answer; not sent
        req.push_bytes = push_bytes;
      }
      double ms = 0;
      Result<SyncResponse> answer = co_await Exchange(d, req, ms);
      if (!answer.ok()) co_return answer.status();
      const SyncResponse& r = *answer;
      if (timed) (pushing ? d.f.push_ms : d.f.pull_ms).push_back(ms);
      if (pushing) {
        if (!r.has_push_result || r.push_result.set_id != push.set_id) {
          co_return Status::Unavailable("the server did not answer the push");
        }
        d.f.rows_pushed += push.rows.size();
        d.f.rows_acked += r.push_result.rows_accepted;
        d.f.rows_refused += r.push_result.rejections.size();
        if (!r.push_result.rejections.empty()) {
          const RowRejection& x = r.push_result.rejections.front();
          co_return Status::Rejected("row refused: " + x.table + " " + x.row_id + ": " + x.code +
                                     " " + x.reason);
        }
        if (r.push_result.rows_accepted != push.rows.size()) {
          co_return Status::Unavailable("the server acknowledged " +
                                        std::to_string(r.push_result.rows_accepted) + " of " +
                                        std::to_string(push.rows.size()) + " rows");
        }
        pushing = false;
        // Acknowledged: what the server must hold from now on.
        for (const RowChange& row : push.rows) {
          for (Customer& c : d.customers) {
            if (c.id != row.row_id) continue;
            for (const ColumnChange& col : row.columns) c.acked[col.column] = col.value;
          }
        }
      }
      if (r.rebuild) co_return Status::Unavailable("the server asked for a rebuild");
      if (r.verify) ++d.f.verify_asked;
      ApplyPull(d, r);
      if (!r.more) co_return Status::Ok();
    }
    co_return Status::Unavailable("no end after " + std::to_string(kMaxRoundTrips) + " pages");
  }

  // A new device of the same rep (a fresh replica id, cursor 0): its first sync's snapshot must
  // hold, for each of this device's customers, every column value the server acknowledged last.
  awaitable<Status> Check(Device& d) {
    SyncRequest req;
    req.replica_id = d.ids->Next();
    req.page_limit = kPageRows;
    std::map<std::string, std::map<std::string, Value>> seen;  // customer id -> column -> value
    for (int trips = 0; trips < kMaxRoundTrips; ++trips) {
      double ms = 0;
      Result<SyncResponse> answer = co_await Exchange(d, req, ms);
      if (!answer.ok()) co_return answer.status();
      for (const RowChange& row : answer->pull.rows) {
        if (row.table != "customers") continue;
        for (const ColumnChange& col : row.columns) seen[row.row_id][col.column] = col.value;
      }
      if (!answer->more) break;
      req.epoch = answer->epoch;
      req.snapshot_token = answer->snapshot ? answer->snapshot_token : std::string();
      req.pull_cursor = std::max(req.pull_cursor, answer->pull.cursor);
    }
    for (const Customer& c : d.customers) {
      const auto row = seen.find(c.id);
      for (const auto& [column, value] : c.acked) {
        ++d.f.columns_checked;
        if (row == seen.end() || !row->second.contains(column) || row->second.at(column) != value) {
          ++d.f.columns_lost;
          co_return Status::Corrupt("customer " + c.id + " column " + column + ": acknowledged " +
                                    ValueToDebugString(value) + ", a new device gets " +
                                    (row == seen.end() || !row->second.contains(column)
                                         ? std::string("nothing")
                                         : ValueToDebugString(row->second.at(column))));
        }
      }
    }
    co_return Status::Ok();
  }

  // The device's customers, new: every column a replica's INSERT captures (the non-null ones).
  ChangeSet NewCustomers(Device& d) {
    ChangeSet set;
    const uint32_t self = set.OriginIndex(d.replica_id);
    for (int i = 0; i < o.customers; ++i) {
      std::vector<Value> values = NewCustomerValues(d.rep_id, d.rep_index, i, d.rng);
      Customer c{d.ids->Next(), std::get<std::string>(values[5]), std::get<double>(values[8]),
                 std::get<double>(values[9])};
      RowChange row{"customers", c.id, {}};
      const Hlc hlc = NextHlc(d);
      for (size_t k = 0; k < kCustomerColumnCount; ++k) {
        row.columns.push_back(ColumnChange{kCustomerColumns[k], std::move(values[k]), hlc, self});
      }
      row.columns.push_back(ColumnChange{"deleted", int64_t{0}, hlc, self});
      set.rows.push_back(std::move(row));
      d.customers.push_back(std::move(c));
    }
    return set;
  }

  // 1..max_edit_rows distinct customers, one edit each (PickEdit, as the replica benchmark makes).
  ChangeSet Edits(Device& d) {
    ChangeSet set;
    const uint32_t self = set.OriginIndex(d.replica_id);
    const size_t n = d.customers.size();
    const size_t rows = std::min<size_t>(n, 1 + d.rng() % static_cast<uint64_t>(o.max_edit_rows));
    std::vector<size_t> picked;
    while (picked.size() < rows) {
      const size_t idx = d.rng() % n;
      if (std::find(picked.begin(), picked.end(), idx) != picked.end()) continue;
      picked.push_back(idx);
      Customer& c = d.customers[idx];
      const CustomerEdit edit = PickEdit(d.rng, d.rep_index, d.edits++);
      const Hlc hlc = NextHlc(d);
      RowChange row{"customers", c.id, {}};
      if (edit.kind == 6) {
        c.lat += 0.0001;
        c.lon -= 0.0001;
        row.columns.push_back(ColumnChange{"lat", c.lat, hlc, self});
        row.columns.push_back(ColumnChange{"lon", c.lon, hlc, self});
      } else if (edit.kind == 7) {
        c.address += edit.text;
        row.columns.push_back(ColumnChange{"address", c.address, hlc, self});
      } else {
        row.columns.push_back(ColumnChange{edit.column, edit.text, hlc, self});
      }
      set.rows.push_back(std::move(row));
    }
    return set;
  }

  awaitable<void> SetupWorker(std::atomic<size_t>& next, Clock::time_point deadline,
                              ErrorLog& errors) {
    for (size_t i = next++; i < devices.size(); i = next++) {
      Device& d = *devices[i];
      const auto t0 = Clock::now();
      if (t0 >= deadline) {
        ++d.f.setup_slow;
        continue;
      }
      Status s = co_await Sync(d, NewCustomers(d), /*timed=*/false);
      d.f.setup_s.push_back(Seconds(Clock::now() - t0));
      if (!s.ok()) {
        errors.Add(d.rep_id + " setup: " + s.ToString());
      } else if (Clock::now() > deadline) {
        ++d.f.setup_slow;  // finished, but late: no rounds for it, as in the replica fleet
      } else {
        d.ready = true;
        ++d.f.setup_ok;
      }
    }
  }

  awaitable<void> DeviceRounds(Device& d, Clock::time_point start, Clock::time_point deadline,
                               ErrorLog& errors) {
    net::steady_timer timer(io);
    std::uniform_real_distribution<double> pace(o.pace_s * 0.5, o.pace_s * 1.5);
    auto next = After(start, std::uniform_real_distribution<double>(0, o.pace_s)(d.rng));
    for (int round = 0; round < o.rounds; ++round) {
      if (o.pace_s > 0) {
        timer.expires_at(std::min(next, deadline));
        co_await timer.async_wait(kTuple);
        next = After(next, pace(d.rng));
      }
      if (Clock::now() >= deadline) {
        timed_out = true;
        break;
      }
      ChangeSet edits = Edits(d);
      const auto t0 = Clock::now();
      Status s = co_await Sync(d, std::move(edits), /*timed=*/true);
      d.f.sync_ms.push_back(Millis(Clock::now() - t0));
      if (s.ok()) {
        ++d.f.syncs_done;
      } else {
        errors.Add(d.rep_id + " sync: " + s.ToString());
      }
    }
  }

  awaitable<void> CheckWorker(std::atomic<size_t>& next, ErrorLog& errors) {
    for (size_t i = next++; i < devices.size(); i = next++) {
      Device& d = *devices[i];
      if (!d.ready) continue;
      Status s = co_await Check(d);
      if (!s.ok()) errors.Add(d.rep_id + " check: " + s.ToString());
    }
  }

  void Run() {
    io.restart();
    std::vector<std::thread> extra;
    for (int t = 1; t < o.threads; ++t) extra.emplace_back([this] { io.run(); });
    io.run();
    for (auto& t : extra) t.join();
  }

  // Sums the devices' figures into `figures` (their per-run parts were cleared before the run).
  void Collect() {
    FleetFigures sum;
    sum.setup_wall_s = figures.setup_wall_s;
    sum.wall_s = figures.wall_s;
    sum.timed_out = timed_out.load();
    for (auto& d : devices) {
      const FleetFigures& f = d->f;
      sum.setup_ok += f.setup_ok;
      sum.setup_slow += f.setup_slow;
      sum.setup_s.insert(sum.setup_s.end(), f.setup_s.begin(), f.setup_s.end());
      sum.syncs_done += f.syncs_done;
      sum.sync_ms.insert(sum.sync_ms.end(), f.sync_ms.begin(), f.sync_ms.end());
      sum.push_ms.insert(sum.push_ms.end(), f.push_ms.begin(), f.push_ms.end());
      sum.pull_ms.insert(sum.pull_ms.end(), f.pull_ms.begin(), f.pull_ms.end());
      sum.rows_pushed += f.rows_pushed;
      sum.rows_acked += f.rows_acked;
      sum.rows_refused += f.rows_refused;
      sum.rows_received += f.rows_received;
      sum.busy_retries += f.busy_retries;
      sum.reconnects += f.reconnects;
      sum.verify_asked += f.verify_asked;
      sum.columns_checked += f.columns_checked;
      sum.columns_lost += f.columns_lost;
    }
    figures = std::move(sum);
  }
};

LightFleet::LightFleet(FleetOptions options,
                       const std::vector<std::pair<std::string, std::string>>& reps)
    : impl_(std::make_unique<Impl>()) {
  impl_->o = std::move(options);
  if (impl_->o.ports.empty()) impl_->o.ports.push_back(0);
  for (size_t i = 0; i < reps.size(); ++i) {
    auto d = std::make_unique<Impl::Device>();
    d->rep_id = reps[i].first;
    d->token = reps[i].second;
    d->rep_index = static_cast<int>(i);
    d->rng.seed(0x5eed0000u + i);
    d->ids = std::make_unique<RowIdGenerator>(impl_->wall, d->rng());
    d->replica_id = d->ids->Next();
    d->streams.resize(impl_->o.ports.size());
    d->used.resize(impl_->o.ports.size());
    impl_->devices.push_back(std::move(d));
  }
}

LightFleet::~LightFleet() = default;

void LightFleet::Setup(ErrorLog& errors) {
  Impl& m = *impl_;
  std::atomic<size_t> next{0};
  const auto start = Clock::now();
  const auto deadline = After(start, m.o.setup_limit_s);
  for (int w = 0; w < std::max(1, m.o.setup_parallel); ++w) {
    net::co_spawn(m.io, m.SetupWorker(next, deadline, errors), net::detached);
  }
  m.Run();
  m.figures.setup_wall_s = Seconds(Clock::now() - start);
  m.Collect();
}

void LightFleet::Rounds(ErrorLog& errors) {
  Impl& m = *impl_;
  for (auto& d : m.devices) {  // the rounds' own figures from here
    d->f.sync_ms.clear();
    d->f.push_ms.clear();
    d->f.pull_ms.clear();
    d->f.syncs_done = 0;
  }
  const auto start = Clock::now();
  const auto deadline = After(start, m.o.limit_s);
  for (auto& d : m.devices) {
    if (d->ready) net::co_spawn(m.io, m.DeviceRounds(*d, start, deadline, errors), net::detached);
  }
  m.Run();
  m.figures.wall_s = Seconds(Clock::now() - start);
  m.Collect();
}

void LightFleet::Check(ErrorLog& errors) {
  Impl& m = *impl_;
  std::atomic<size_t> next{0};
  for (int w = 0; w < std::max(1, m.o.setup_parallel); ++w) {
    net::co_spawn(m.io, m.CheckWorker(next, errors), net::detached);
  }
  m.Run();
  m.Collect();
}

const FleetFigures& LightFleet::figures() const { return impl_->figures; }

int LightFleet::ready() const { return impl_->figures.setup_ok; }

void PhaseLightFleet(const FleetOptions& options,
                     const std::vector<std::pair<std::string, std::string>>& reps,
                     const std::vector<const Server*>& servers, pid_t database_pid, Verdicts& v) {
  const int n = static_cast<int>(reps.size());
  std::printf(
      "\n== phase 3: %d concurrent reps (light devices: coroutines on %d thread(s), %d customers "
      "each in memory, %d rounds of 1-%d edits + sync) against %zu server instance(s)\n",
      n, options.threads, options.customers, options.rounds, options.max_edit_rows, servers.size());
  if (options.pace_s > 0) {
    std::printf("  pace: each rep syncs every %.1f s on average (0.5-1.5x), %.1f syncs/s offered\n",
                options.pace_s, n / options.pace_s);
  } else {
    std::printf(
        "  pace: back to back (every rep syncs again as soon as its sync ends: saturation)\n");
  }
  ErrorLog errors;
  LightFleet fleet(options, reps);
  auto watch_all = [&] {
    std::vector<std::unique_ptr<ServerWatch>> watches;
    for (const Server* s : servers) watches.push_back(std::make_unique<ServerWatch>(*s));
    return watches;
  };
  double db_cpu_before = 0;
  auto print_all = [&](const std::vector<std::unique_ptr<ServerWatch>>& watches, double wall,
                       size_t syncs) {
    double server_cpu = 0;
    for (size_t i = 0; i < watches.size(); ++i) {
      if (watches.size() > 1) std::printf("  instance %zu (pid %d):\n", i + 1, servers[i]->pid());
      watches[i]->Print(wall);
      server_cpu += watches[i]->ServerCpuSeconds();
    }
    const double self_cpu = watches.empty() ? 0 : watches.front()->LoadGeneratorCpuSeconds();
    const double per = syncs > 0 ? 1000.0 / static_cast<double>(syncs) : 0;
    std::printf(
        "  CPU per sync: server %.2f ms (all instances), load generator %.2f ms (%zu syncs)\n",
        server_cpu * per, self_cpu * per, syncs);
    if (database_pid > 0) {
      const double db_cpu = ProcessTreeCpuSeconds(database_pid) - db_cpu_before;
      std::printf("  CPU per sync: PostgreSQL %.2f ms (%.2f s: postmaster and backends)\n",
                  db_cpu * per, db_cpu);
    }
  };
  auto start_watch = [&] {
    if (database_pid > 0) db_cpu_before = ProcessTreeCpuSeconds(database_pid);
    return watch_all();
  };
  auto watches = start_watch();
  fleet.Setup(errors);
  const FleetFigures& setup = fleet.figures();
  std::vector<double> setup_sorted = setup.setup_s;
  std::sort(setup_sorted.begin(), setup_sorted.end());
  std::printf(
      "  setup: %d/%d devices first-synced in %.2f s (per rep: median %.3f s, max %.3f s)\n",
      setup.setup_ok, n, setup.setup_wall_s, Percentile(setup_sorted, 0.5),
      setup_sorted.empty() ? 0.0 : setup_sorted.back());
  if (setup.setup_slow > 0) {
    std::printf(
        "  ** %d devices were not first-synced within the %.0f s limit: no rounds for "
        "them **\n",
        setup.setup_slow, options.setup_limit_s);
  }
  print_all(watches, setup.setup_wall_s, static_cast<size_t>(setup.setup_ok));
  const size_t acked_before = setup.rows_acked, pushed_before = setup.rows_pushed;
  const size_t refused_before = setup.rows_refused, received_before = setup.rows_received;
  const size_t busy_before = setup.busy_retries, reopened_before = setup.reconnects;

  watches = start_watch();
  HealthProbe health(servers.front()->url());  // a monitor's view, all through the rounds
  fleet.Rounds(errors);
  health.Stop();
  const FleetFigures& f = fleet.figures();
  const int expected = setup.setup_ok * options.rounds;
  std::printf("  %zu of %d syncs done in %.2f s%s -> %.1f syncs/s\n", f.syncs_done, expected,
              f.wall_s, f.timed_out ? "  ** stopped by the time limit **" : "",
              static_cast<double>(f.syncs_done) / f.wall_s);
  const LatencySummary sync = Summarise(f.sync_ms);
  PrintLatency("sync under load (whole sync)", sync);
  PrintLatency("  round trip with a push", Summarise(f.push_ms));
  PrintLatency("  pull-only round trip", Summarise(f.pull_ms));
  std::printf(
      "  pushed rows acknowledged by the server: %zu of %zu (%zu refused); rows pulled %zu; 503 "
      "retries %zu, connections reopened %zu, verification asked %zu (setup and rounds)\n",
      f.rows_acked - acked_before, f.rows_pushed - pushed_before, f.rows_refused - refused_before,
      f.rows_received - received_before, f.busy_retries - busy_before,
      f.reconnects - reopened_before, f.verify_asked);
  print_all(watches, f.wall_s, f.syncs_done);
  health.Print();
  fleet.Check(errors);
  std::printf(
      "  check: a new device of each rep got %zu of %zu acknowledged column values (%zu lost)\n",
      fleet.figures().columns_checked - fleet.figures().columns_lost,
      fleet.figures().columns_checked, fleet.figures().columns_lost);
  std::printf("  errors: %zu\n", errors.count());
  errors.Print();
  v.errors += errors.count();
  Target(v,
         !f.timed_out && setup.setup_slow == 0 && errors.count() == 0 &&
             static_cast<int>(f.syncs_done) == n * options.rounds,
         "every one of the " + std::to_string(n * options.rounds) + " syncs succeeds, in time");
  Target(v, sync.n > 0 && sync.p99 <= 1000, "p99 sync under load <= 1 s");
  Target(v, fleet.figures().columns_checked > 0 && fleet.figures().columns_lost == 0,
         "every acknowledged write is there for a new device");
  Target(v, health.failed() == 0 && health.P99() <= 50, "/healthz p99 <= 50 ms during the run");
}

}  // namespace fieldbook::loadgen
