// HealthEndpoint: GET /healthz and GET /metrics, the two routes a monitor polls. Neither waits
// for the store: /healthz asks a probe that answers at once (nullopt when the store is busy;
// then the sequence number last read stands in) and /metrics renders the Metrics.
//   /healthz  {"status":"ok","seq":<hub sequence>,"store":"idle"|"busy"}; 503 `unhealthy`
//             when the probe reads an error; without a probe {"status":"ok","store":"not_read"}
//             (the process's liveness alone: serving from PostgreSQL)
//   /metrics  Prometheus text (metrics.h)
//
// Thread safety: thread-safe (the probe must be too).
#ifndef FIELDBOOK_SERVER_HEALTH_H_
#define FIELDBOOK_SERVER_HEALTH_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

#include "fieldbook/status.h"
#include "http/http_types.h"
#include "http/metrics.h"

namespace fieldbook::server {

class HealthEndpoint {
 public:
  // The hub's latest sequence number, or nullopt without waiting when the store is busy. An
  // empty probe: /healthz never reads the store.
  using SeqProbe = std::function<std::optional<Result<uint64_t>>()>;
  HealthEndpoint(Metrics& metrics, SeqProbe probe) : metrics_(metrics), probe_(std::move(probe)) {}

  HttpResponse Health();
  HttpResponse MetricsText() const;

 private:
  Metrics& metrics_;
  SeqProbe probe_;
  std::atomic<int64_t> last_seq_{-1};  // the sequence /healthz last read (-1: none yet)
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_HEALTH_H_
