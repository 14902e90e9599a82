#include "http/metrics.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fieldbook::server {
namespace {

using namespace std::chrono_literals;

// The value of the sample line that starts with `series ` ("" when absent).
std::string Sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(series + " ")) return line.substr(series.size() + 1);
  }
  return "";
}

TEST(Metrics, RendersHelpAndTypeForEveryMetric) {
  Metrics metrics;
  const std::string text = metrics.RenderPrometheus();
  for (const auto& [name, type] : std::vector<std::pair<std::string, std::string>>{
           {"fieldbook_open_sessions", "gauge"},
           {"fieldbook_http_requests_total", "counter"},
           {"fieldbook_syncs_total", "counter"},
           {"fieldbook_changes_accepted_total", "counter"},
           {"fieldbook_changes_rejected_total", "counter"},
           {"fieldbook_sync_latency_seconds", "histogram"},
           {"fieldbook_connections_refused_total", "counter"},
           {"fieldbook_request_timeouts_total", "counter"},
           {"fieldbook_http_request_duration_seconds", "histogram"},
           {"fieldbook_request_body_bytes_in_flight", "gauge"},
           {"fieldbook_store_lock_wait_seconds", "histogram"},
           {"process_resident_memory_bytes", "gauge"}}) {
    EXPECT_NE(text.find("# HELP " + name + " "), std::string::npos) << name;
    EXPECT_NE(text.find("# TYPE " + name + " " + type + "\n"), std::string::npos) << name;
  }
  EXPECT_EQ(Sample(text, "fieldbook_open_sessions"), "0");
  EXPECT_EQ(Sample(text, "fieldbook_syncs_total{result=\"ok\"}"), "0");
  EXPECT_EQ(Sample(text, "fieldbook_sync_latency_seconds_bucket{le=\"+Inf\"}"), "0");
  EXPECT_EQ(Sample(text, "fieldbook_sync_latency_seconds_count"), "0");
  EXPECT_TRUE(text.ends_with("\n"));
}

TEST(Metrics, RefusalsTimeoutsRouteLatencyLockWaitAndMemory) {
  Metrics metrics;
  metrics.ConnectionRefused("per_address");
  metrics.ConnectionRefused("per_address");
  metrics.ConnectionRefused("body_budget");
  metrics.RequestTimedOut("header");
  metrics.RequestCompleted("sync", 3ms);
  metrics.RequestCompleted("sync", 2s);
  metrics.RequestCompleted("healthz", 100us);
  metrics.BodyBytesInFlight(500);
  metrics.BodyBytesInFlight(-200);
  metrics.StoreLockWaited(40ms);
  const std::string text = metrics.RenderPrometheus();
  EXPECT_EQ(Sample(text, "fieldbook_connections_refused_total{reason=\"per_address\"}"), "2");
  EXPECT_EQ(Sample(text, "fieldbook_connections_refused_total{reason=\"body_budget\"}"), "1");
  EXPECT_EQ(Sample(text, "fieldbook_request_timeouts_total{phase=\"header\"}"), "1");
  EXPECT_EQ(
      Sample(text, "fieldbook_http_request_duration_seconds_bucket{route=\"sync\",le=\"0.005\"}"),
      "1");
  EXPECT_EQ(
      Sample(text, "fieldbook_http_request_duration_seconds_bucket{route=\"sync\",le=\"+Inf\"}"),
      "2");
  EXPECT_EQ(Sample(text, "fieldbook_http_request_duration_seconds_sum{route=\"sync\"}"),
            "2.003000");
  EXPECT_EQ(Sample(text, "fieldbook_http_request_duration_seconds_count{route=\"healthz\"}"), "1");
  EXPECT_EQ(Sample(text, "fieldbook_request_body_bytes_in_flight"), "300");
  EXPECT_EQ(Sample(text, "fieldbook_store_lock_wait_seconds_bucket{le=\"0.05\"}"), "1");
  EXPECT_EQ(Sample(text, "fieldbook_store_lock_wait_seconds_bucket{le=\"0.025\"}"), "0");
  EXPECT_GT(std::stoll(Sample(text, "process_resident_memory_bytes")), 1 << 20);
}

TEST(Metrics, SessionsGaugeGoesUpAndDown) {
  Metrics metrics;
  metrics.SessionOpened();
  metrics.SessionOpened();
  metrics.SessionOpened();
  metrics.SessionClosed();
  EXPECT_EQ(Sample(metrics.RenderPrometheus(), "fieldbook_open_sessions"), "2");
}

TEST(Metrics, CountsRequestsByStatusCode) {
  Metrics metrics;
  metrics.RequestServed(200);
  metrics.RequestServed(200);
  metrics.RequestServed(413);
  const std::string text = metrics.RenderPrometheus();
  EXPECT_EQ(Sample(text, "fieldbook_http_requests_total{code=\"200\"}"), "2");
  EXPECT_EQ(Sample(text, "fieldbook_http_requests_total{code=\"413\"}"), "1");
  EXPECT_EQ(Sample(text, "fieldbook_http_requests_total{code=\"500\"}"), "");
}

TEST(Metrics, CountsSyncsAndChanges) {
  Metrics metrics;
  metrics.SyncCompleted(3ms, 10, 2, true);
  metrics.SyncCompleted(4ms, 5, 0, true);
  metrics.SyncCompleted(1ms, 0, 7, false);
  const std::string text = metrics.RenderPrometheus();
  EXPECT_EQ(Sample(text, "fieldbook_syncs_total{result=\"ok\"}"), "2");
  EXPECT_EQ(Sample(text, "fieldbook_syncs_total{result=\"error\"}"), "1");
  EXPECT_EQ(Sample(text, "fieldbook_changes_accepted_total"), "15");
  EXPECT_EQ(Sample(text, "fieldbook_changes_rejected_total"), "9");
}

TEST(Metrics, LatencyHistogramIsCumulativeWithSumAndCount) {
  Metrics metrics;
  metrics.SyncCompleted(500us, 0, 0, true);   // <= 0.001
  metrics.SyncCompleted(1000us, 0, 0, true);  // == 0.001: le is inclusive
  metrics.SyncCompleted(30ms, 0, 0, true);    // <= 0.05
  metrics.SyncCompleted(1s, 0, 0, true);      // == 1
  metrics.SyncCompleted(20s, 0, 0, false);    // +Inf only
  metrics.SyncCompleted(-5ms, 0, 0, true);    // a clock step: counts as 0
  const std::string text = metrics.RenderPrometheus();
  const auto bucket = [&](const std::string& le) {
    return Sample(text, "fieldbook_sync_latency_seconds_bucket{le=\"" + le + "\"}");
  };
  EXPECT_EQ(bucket("0.001"), "3");
  EXPECT_EQ(bucket("0.0025"), "3");
  EXPECT_EQ(bucket("0.025"), "3");
  EXPECT_EQ(bucket("0.05"), "4");
  EXPECT_EQ(bucket("0.5"), "4");
  EXPECT_EQ(bucket("1"), "5");
  EXPECT_EQ(bucket("10"), "5");
  EXPECT_EQ(bucket("+Inf"), "6");
  EXPECT_EQ(Sample(text, "fieldbook_sync_latency_seconds_count"), "6");
  EXPECT_EQ(Sample(text, "fieldbook_sync_latency_seconds_sum"), "21.031500");

  // Every bucket line, in order, never decreases; the last is +Inf and equals _count.
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> les;
  uint64_t previous = 0;
  while (std::getline(in, line)) {
    if (!line.starts_with("fieldbook_sync_latency_seconds_bucket{le=\"")) continue;
    const size_t close = line.find("\"}");
    les.push_back(line.substr(42, close - 42));
    const uint64_t value = std::stoull(line.substr(close + 3));
    EXPECT_GE(value, previous) << line;
    previous = value;
  }
  EXPECT_EQ(les, (std::vector<std::string>{"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
                                           "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"}));
}

TEST(Metrics, IsSafeToUseFromManyThreads) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < 1000; ++i) {
        metrics.SessionOpened();
        metrics.RequestServed(200);
        metrics.SyncCompleted(2ms, 1, 0, true);
        if (i % 100 == 0) (void)metrics.RenderPrometheus();
        metrics.SessionClosed();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const std::string text = metrics.RenderPrometheus();
  EXPECT_EQ(Sample(text, "fieldbook_open_sessions"), "0");
  EXPECT_EQ(Sample(text, "fieldbook_http_requests_total{code=\"200\"}"), "4000");
  EXPECT_EQ(Sample(text, "fieldbook_changes_accepted_total"), "4000");
  EXPECT_EQ(Sample(text, "fieldbook_sync_latency_seconds_bucket{le=\"0.0025\"}"), "4000");
  EXPECT_EQ(Sample(text, "fieldbook_sync_latency_seconds_sum"), "8.000000");
}

}  // namespace
}  // namespace fieldbook::server
