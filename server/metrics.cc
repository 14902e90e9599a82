#include "metrics.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string_view>

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

void Metrics::SyncCompleted(std::chrono::microseconds latency, uint64_t changes_accepted,
                            uint64_t changes_rejected, bool ok) {
  const int64_t us = std::max<int64_t>(0, latency.count());
  const size_t bucket =
      std::lower_bound(kLatencyBucketsUs.begin(), kLatencyBucketsUs.end(), us) -
      kLatencyBucketsUs.begin();  // first bound >= us, i.e. le is inclusive; size() = +Inf
  std::lock_guard lock(mu_);
  ++(ok ? syncs_ok_ : syncs_error_);
  changes_accepted_ += changes_accepted;
  changes_rejected_ += changes_rejected;
  ++latency_buckets_[bucket];
  latency_sum_us_ += static_cast<uint64_t>(us);
  ++latency_count_;
}

std::string Metrics::RenderPrometheus() const {
  std::lock_guard lock(mu_);
  std::string out;
  out.reserve(2048);

  AppendHeader(out, "fieldbook_open_sessions", "HTTP connections currently open.", "gauge");
  AppendSample(out, "fieldbook_open_sessions", "", std::to_string(open_sessions_));

  AppendHeader(out, "fieldbook_http_requests_total", "HTTP responses sent, by status code.",
               "counter");
  for (const auto& [code, count] : requests_by_code_) {
    AppendSample(out, "fieldbook_http_requests_total", "{code=\"" + std::to_string(code) + "\"}",
                 Uint(count));
  }

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
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kLatencyBucketLabels.size(); ++i) {
    cumulative += latency_buckets_[i];
    AppendSample(out, "fieldbook_sync_latency_seconds_bucket",
                 "{le=\"" + std::string(kLatencyBucketLabels[i]) + "\"}", Uint(cumulative));
  }
  cumulative += latency_buckets_.back();
  AppendSample(out, "fieldbook_sync_latency_seconds_bucket", "{le=\"+Inf\"}", Uint(cumulative));
  AppendSample(out, "fieldbook_sync_latency_seconds_sum", "", MicrosAsSeconds(latency_sum_us_));
  AppendSample(out, "fieldbook_sync_latency_seconds_count", "", Uint(latency_count_));
  return out;
}

}  // namespace fieldbook::server
