// Metrics: the server's Prometheus counters, gauge and histogram — open HTTP connections, HTTP
// responses by status code, sync exchanges by result, accepted and rejected changes and sync
// latency — rendered in the Prometheus text exposition format 0.0.4 for GET /metrics.
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

  // One sync exchange: fieldbook_syncs_total{result="ok|error"},
  // fieldbook_changes_accepted_total, fieldbook_changes_rejected_total and the histogram
  // fieldbook_sync_latency_seconds. A negative latency counts as zero.
  void SyncCompleted(std::chrono::microseconds latency, uint64_t changes_accepted,
                     uint64_t changes_rejected, bool ok);

  // Every metric with its # HELP and # TYPE lines, Prometheus text format 0.0.4
  // (Content-Type: text/plain; version=0.0.4; charset=utf-8).
  std::string RenderPrometheus() const;

 private:
  mutable std::mutex mu_;
  int64_t open_sessions_ = 0;
  std::map<int, uint64_t> requests_by_code_;
  uint64_t syncs_ok_ = 0;
  uint64_t syncs_error_ = 0;
  uint64_t changes_accepted_ = 0;
  uint64_t changes_rejected_ = 0;
  // Per-bucket (not cumulative) counts; the last one is +Inf.
  std::array<uint64_t, kLatencyBucketsUs.size() + 1> latency_buckets_{};
  uint64_t latency_sum_us_ = 0;
  uint64_t latency_count_ = 0;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_METRICS_H_
