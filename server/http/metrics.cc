#include "http/metrics.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string_view>

#include <unistd.h>

namespace fieldbook::server {
namespace {

// The `le` labels of kLatencyBucketsUs, in seconds.
constexpr std::array<std::string_view, Metrics::kLatencyBucketsUs.size()> kLatencyBucketLabels = {
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
    "0.25",  "0.5",    "1",     "2.5",  "5",     "10"};

void AppendHeader(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void AppendSample(std::string& out, std::string_view name, std::string_view labels,
                  std::string_view value) {
  out += name;
  out += labels;
  out += ' ';
  out += value;
  out += '\n';
}

std::string Uint(uint64_t v) { return std::to_string(v); }

// Resident set size from /proc/self/statm (0 when it cannot be read).
int64_t ResidentBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%lld %lld", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<int64_t>(resident) * static_cast<int64_t>(::sysconf(_SC_PAGESIZE));
}

// Microseconds as seconds with six decimals, exactly ("1.250000").
std::string MicrosAsSeconds(uint64_t us) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
  return buf;
}

}  // namespace

void Metrics::SessionOpened() {
  std::lock_guard lock(mu_);
  ++open_sessions_;
}

void Metrics::SessionClosed() {
  std::lock_guard lock(mu_);
  --open_sessions_;
}

void Metrics::RequestServed(int status) {
  std::lock_guard lock(mu_);
  ++requests_by_code_[status];
}

void Metrics::ConnectionRefused(const std::string& reason) {
  std::lock_guard lock(mu_);
  ++refused_by_reason_[reason];
}

void Metrics::RequestTimedOut(const std::string& phase) {
  std::lock_guard lock(mu_);
  ++timeouts_by_phase_[phase];
}

void Metrics::RequestCompleted(const std::string& route, std::chrono::microseconds latency) {
  std::lock_guard lock(mu_);
  latency_by_route_[route].Observe(latency);
}

void Metrics::BodyBytesInFlight(int64_t delta) {
  std::lock_guard lock(mu_);
  body_bytes_in_flight_ += delta;
}

void Metrics::StoreLockWaited(std::chrono::microseconds wait) {
  std::lock_guard lock(mu_);
  lock_wait_.Observe(wait);
}

void Metrics::Histogram::Observe(std::chrono::microseconds latency) {
  const int64_t us = std::max<int64_t>(0, latency.count());
  const size_t bucket =
      std::lower_bound(kLatencyBucketsUs.begin(), kLatencyBucketsUs.end(), us) -
      kLatencyBucketsUs.begin();  // first bound >= us, i.e. le is inclusive; size() = +Inf
  ++buckets[bucket];
  sum_us += static_cast<uint64_t>(us);
  ++count;
}

void Metrics::AppendHistogram(std::string& out, const std::string& name, const std::string& labels,
                              const Histogram& h) {
  const std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kLatencyBucketLabels.size(); ++i) {
    cumulative += h.buckets[i];
    AppendSample(out, name + "_bucket",
                 "{" + labels + sep + "le=\"" + std::string(kLatencyBucketLabels[i]) + "\"}",
                 Uint(cumulative));
  }
  cumulative += h.buckets.back();
  AppendSample(out, name + "_bucket", "{" + labels + sep + "le=\"+Inf\"}", Uint(cumulative));
  const std::string plain = labels.empty() ? "" : "{" + labels + "}";
  AppendSample(out, name + "_sum", plain, MicrosAsSeconds(h.sum_us));
  AppendSample(out, name + "_count", plain, Uint(h.count));
}

void Metrics::SyncCompleted(std::chrono::microseconds latency, uint64_t changes_accepted,
                            uint64_t changes_rejected, bool ok) {
  std::lock_guard lock(mu_);
  ++(ok ? syncs_ok_ : syncs_error_);
  changes_accepted_ += changes_accepted;
  changes_rejected_ += changes_rejected;
  sync_latency_.Observe(latency);
}

uint64_t Metrics::AddGauge(std::string name, std::string help, std::function<int64_t()> read) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_gauge_++;
  gauges_.emplace(id, Gauge{std::move(name), std::move(help), std::move(read)});
  return id;
}

void Metrics::RemoveGauge(uint64_t id) {
  std::lock_guard lock(mu_);
  gauges_.erase(id);
}

std::string Metrics::RenderPrometheus() const {
  const int64_t rss = ResidentBytes();
  std::lock_guard lock(mu_);
  std::string out;
  out.reserve(4096);

  AppendHeader(out, "fieldbook_open_sessions", "HTTP connections currently open.", "gauge");
  AppendSample(out, "fieldbook_open_sessions", "", std::to_string(open_sessions_));

  AppendHeader(out, "fieldbook_connections_refused_total",
               "Connections and requests turned away by a limit, by reason.", "counter");
  for (const auto& [reason, count] : refused_by_reason_) {
    AppendSample(out, "fieldbook_connections_refused_total", "{reason=\"" + reason + "\"}",
                 Uint(count));
  }

  AppendHeader(out, "fieldbook_request_timeouts_total",
               "Connections closed because a request's header or body came too slowly.", "counter");
  for (const auto& [phase, count] : timeouts_by_phase_) {
    AppendSample(out, "fieldbook_request_timeouts_total", "{phase=\"" + phase + "\"}", Uint(count));
  }

  AppendHeader(out, "fieldbook_http_requests_total", "HTTP responses sent, by status code.",
               "counter");
  for (const auto& [code, count] : requests_by_code_) {
    AppendSample(out, "fieldbook_http_requests_total", "{code=\"" + std::to_string(code) + "\"}",
                 Uint(count));
  }

  AppendHeader(out, "fieldbook_http_request_duration_seconds",
               "From a request's complete header to its response, by route.", "histogram");
  for (const auto& [route, histogram] : latency_by_route_) {
    AppendHistogram(out, "fieldbook_http_request_duration_seconds", "route=\"" + route + "\"",
                    histogram);
  }

  AppendHeader(out, "fieldbook_request_body_bytes_in_flight",
               "Request body bytes reserved by requests being read or handled.", "gauge");
  AppendSample(out, "fieldbook_request_body_bytes_in_flight", "",
               std::to_string(body_bytes_in_flight_));

  AppendHeader(out, "fieldbook_syncs_total", "Sync exchanges handled, by result.", "counter");
  AppendSample(out, "fieldbook_syncs_total", "{result=\"ok\"}", Uint(syncs_ok_));
  AppendSample(out, "fieldbook_syncs_total", "{result=\"error\"}", Uint(syncs_error_));

  AppendHeader(out, "fieldbook_changes_accepted_total", "Pushed changes applied by the hub.",
               "counter");
  AppendSample(out, "fieldbook_changes_accepted_total", "", Uint(changes_accepted_));

  AppendHeader(out, "fieldbook_changes_rejected_total",
               "Pushed changes refused by the hub (scope, immutability, constraints).", "counter");
  AppendSample(out, "fieldbook_changes_rejected_total", "", Uint(changes_rejected_));

  AppendHeader(out, "fieldbook_sync_latency_seconds", "Time to handle one sync exchange.",
               "histogram");
  AppendHistogram(out, "fieldbook_sync_latency_seconds", "", sync_latency_);

  AppendHeader(out, "fieldbook_store_lock_wait_seconds",
               "Time a request waited for the store's lock.", "histogram");
  AppendHistogram(out, "fieldbook_store_lock_wait_seconds", "", lock_wait_);

  for (const auto& [id, gauge] : gauges_) {
    AppendHeader(out, gauge.name, gauge.help, "gauge");
    AppendSample(out, gauge.name, "", std::to_string(gauge.read()));
  }

  AppendHeader(out, "process_resident_memory_bytes", "Resident memory of the server process.",
               "gauge");
  AppendSample(out, "process_resident_memory_bytes", "", std::to_string(rss));
  return out;
}

}  // namespace fieldbook::server
