// Metrics: the server's Prometheus counters, gauges and histograms — open HTTP connections,
// connections refused by reason, request timeouts, HTTP responses by status code, request
// latency by route, request body bytes held in memory, sync exchanges by result, accepted and
// rejected changes, sync latency, the wait for the store's lock and the process's resident memory
// — rendered in the Prometheus text exposition format 0.0.4 for GET /metrics.
//
// There is no global registry: the server owns one Metrics and hands it to whoever records.
//
// Thread safety: thread-safe. Every method may be called concurrently from any thread;
// RenderPrometheus() sees a consistent snapshot.
#ifndef FIELDBOOK_SERVER_METRICS_H_
#define FIELDBOOK_SERVER_METRICS_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace fieldbook::server {

class Metrics {
 public:
  // Upper bounds of the sync latency histogram's finite buckets, in microseconds
  // (0.001 s ... 10 s); a +Inf bucket follows them.
  static constexpr std::array<int64_t, 13> kLatencyBucketsUs = {
      1000,   2500,   5000,    10000,   25000,   50000,   100000,
      250000, 500000, 1000000, 2500000, 5000000, 10000000};

  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Gauge fieldbook_open_sessions: HTTP connections currently open.
  void SessionOpened();
  void SessionClosed();

  // Counter fieldbook_http_requests_total{code="..."}: one per response sent.
  void RequestServed(int status);

  // Counter fieldbook_connections_refused_total{reason="..."}: a connection or request turned
  // away by a limit (max_connections, per_address, overflow_full, body_budget).
  void ConnectionRefused(const std::string& reason);
  // Counter fieldbook_request_timeouts_total{phase="header|body"}: connections closed because a
  // request's header or body did not arrive in time.
  void RequestTimedOut(const std::string& phase);
  // Histogram fieldbook_http_request_duration_seconds{route="..."}: from a request's complete
  // header to its response being ready (reading the body and handling it). `route` comes from a
  // small fixed set (the handler's HttpAdmission::route).
  void RequestCompleted(const std::string& route, std::chrono::microseconds latency);
  // Gauge fieldbook_request_body_bytes_in_flight: body bytes reserved by requests being read or
  // handled (the server's in-flight budget).
  void BodyBytesInFlight(int64_t delta);
  // Histogram fieldbook_store_lock_wait_seconds: how long a request waited for the store's lock.
  void StoreLockWaited(std::chrono::microseconds wait);

  // One sync exchange: fieldbook_syncs_total{result="ok|error"},
  // fieldbook_changes_accepted_total, fieldbook_changes_rejected_total and the histogram
  // fieldbook_sync_latency_seconds. A negative latency counts as zero.
  void SyncCompleted(std::chrono::microseconds latency, uint64_t changes_accepted,
                     uint64_t changes_rejected, bool ok);

  // A gauge read when rendering (the worker pool's queue, the pushes waiting for group commit,
  // the read connections in use): `read` must be thread-safe, quick, and must not call this
  // Metrics. Returns its id for RemoveGauge, which its owner calls before `read` dangles.
  uint64_t AddGauge(std::string name, std::string help, std::function<int64_t()> read);
  void RemoveGauge(uint64_t id);

  // Every metric with its # HELP and # TYPE lines, Prometheus text format 0.0.4
  // (Content-Type: text/plain; version=0.0.4; charset=utf-8). Also the gauge
  // process_resident_memory_bytes, read from /proc/self/statm when rendering.
  std::string RenderPrometheus() const;

 private:
  struct Histogram {
    // Per-bucket (not cumulative) counts; the last one is +Inf.
    std::array<uint64_t, kLatencyBucketsUs.size() + 1> buckets{};
    uint64_t sum_us = 0;
    uint64_t count = 0;
    void Observe(std::chrono::microseconds latency);
  };
  static void AppendHistogram(std::string& out, const std::string& name, const std::string& labels,
                              const Histogram& h);

  mutable std::mutex mu_;
  int64_t open_sessions_ = 0;
  std::map<int, uint64_t> requests_by_code_;
  uint64_t syncs_ok_ = 0;
  uint64_t syncs_error_ = 0;
  uint64_t changes_accepted_ = 0;
  uint64_t changes_rejected_ = 0;
  Histogram sync_latency_;
  std::map<std::string, uint64_t> refused_by_reason_;
  std::map<std::string, uint64_t> timeouts_by_phase_;
  std::map<std::string, Histogram> latency_by_route_;
  int64_t body_bytes_in_flight_ = 0;
  Histogram lock_wait_;
  struct Gauge {
    std::string name;
    std::string help;
    std::function<int64_t()> read;
  };
  std::map<uint64_t, Gauge> gauges_;  // by id, in the order added
  uint64_t next_gauge_ = 1;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_METRICS_H_
