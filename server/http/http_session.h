// Internals of HttpServer (http_server.h), shared by http_server.cc (the listener, start and
// stop) and http_session.cc (one connection: admission, reading, handling, answering). Not for
// use outside the HTTP server.
//
// Thread safety: ServerState is shared by every session and the listener; its members are
// thread-safe (atomics, ConnectionLimits, Metrics, a mutex for the session list). HttpLog may be
// called from any thread.
#ifndef FIELDBOOK_SERVER_HTTP_SESSION_H_
#define FIELDBOOK_SERVER_HTTP_SESSION_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <cstddef>
#include <initializer_list>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "http/connection_limits.h"
#include "http/http_server.h"
#include "http/log.h"
#include "http/worker_pool.h"

namespace fieldbook::server::http_internal {

// Beast stores a header field in at most 64 KiB; the header limit stays below that, so that no
// field (nor a trailer, which shares the limit) can make it throw.
inline constexpr size_t kMaxHeaderLimit = 60u << 10;
// The overflow pool: connections over max_connections or max_connections_per_address that still
// get one request header read (health checks answered, the rest told to retry).
inline constexpr size_t kMaxOverflowConnections = 64;
inline constexpr size_t kMaxOverflowPerAddress = 8;

// One log line with component=http (log.h).
inline void HttpLog(std::string_view level, std::string_view event, LogFields fields = {}) {
  LogComponentEvent("http", level, event, fields);
}

class SessionBase;

struct ServerState {
  ServerState(const HttpServerOptions& o, RequestHandler& h, Metrics& m);

  const HttpServerOptions options;
  RequestHandler& handler;
  Metrics& metrics;
  ConnectionLimits limits;
  std::atomic<bool> shutting_down{false};

  // Every live session, so Shutdown() can reach the idle ones.
  std::mutex mu;
  std::list<std::weak_ptr<SessionBase>> sessions;

  // Runs the handlers off the I/O threads; last, so it is joined before the rest goes.
  WorkerPool workers;

  void Register(const std::shared_ptr<SessionBase>& session);
  void Unregister(std::list<std::weak_ptr<SessionBase>>::iterator it);
  void NotifySessionsOfShutdown();
};

// Admits (or refuses) an accepted connection and starts its session on its own strand; `tls`
// null means plain HTTP.
void LaunchSession(ServerState& state, boost::asio::ip::tcp::socket socket,
                   boost::asio::ssl::context* tls);

}  // namespace fieldbook::server::http_internal

#endif  // FIELDBOOK_SERVER_HTTP_SESSION_H_
