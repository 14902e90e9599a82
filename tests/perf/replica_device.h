// fieldbook-loadgen's devices with a real replica (server_load.cc phases 1 and 2, and phase 3
// with --fleet-replicas): a rep's Replica, SyncEngine and HttpSyncTransport, with a transport
// that times each round trip and counts what the server merged.
//
// Thread safety: a Device and its TimedTransport are used by one thread at a time.
#ifndef FIELDBOOK_TESTS_PERF_REPLICA_DEVICE_H_
#define FIELDBOOK_TESTS_PERF_REPLICA_DEVICE_H_

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "fieldbook/change_set_codec.h"
#include "load_harness.h"

namespace fieldbook::loadgen {

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
          // A push goes as its stored bytes (wire version 4); read them after the timing.
          if (request.push_bytes.empty()) {
            columns_accepted += request.push.ColumnCount();
          } else if (auto sent = DecodeChangeSet(request.push_bytes); sent.ok()) {
            columns_accepted += sent->ColumnCount();
          }
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

}  // namespace fieldbook::loadgen

#endif  // FIELDBOOK_TESTS_PERF_REPLICA_DEVICE_H_
