#include "http/health.h"

#include <boost/json.hpp>

#include "fieldbook/json.h"

namespace fieldbook::server {

HttpResponse HealthEndpoint::Health() {
  if (!probe_) {  // liveness alone (a shared PostgreSQL: sync_service.h)
    boost::json::object body{{"status", "ok"}, {"store", "not_read"}};
    return HttpResponse{200, "application/json", WriteJson(body), {}};
  }
  std::optional<Result<uint64_t>> seq = probe_();
  if (seq) {
    if (!seq->ok()) return JsonError(503, "unhealthy", seq->status().ToString());
    last_seq_.store(static_cast<int64_t>(**seq));
    boost::json::object body{{"status", "ok"}, {"seq", **seq}, {"store", "idle"}};
    return HttpResponse{200, "application/json", WriteJson(body), {}};
  }
  // The store is busy (a sync, an admin action, the nightly job): alive all the same; the last
  // sequence number read stands in.
  boost::json::object body{{"status", "ok"}, {"seq", last_seq_.load()}, {"store", "busy"}};
  return HttpResponse{200, "application/json", WriteJson(body), {}};
}

HttpResponse HealthEndpoint::MetricsText() const {
  return HttpResponse{200, "text/plain; version=0.0.4", metrics_.RenderPrometheus(), {}};
}

}  // namespace fieldbook::server
