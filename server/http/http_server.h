// HttpServer: the HTTP/1.1 (optionally HTTPS) front of fieldbook-server, on Boost.Beast and Asio.
// It accepts connections on one address, reads requests with size and time limits, asks the
// RequestHandler to admit each request on its header, reads the body it admitted, hands the
// complete request to the handler and writes back what the handler returns. Connections are
// kept alive between requests.
//
//  * `threads` I/O threads read and write connections; handlers run on a separate pool of
//    `workers` threads (worker_pool.h): a session posts handler.Admit() (once the header is
//    read) and handler.Handle() (once the body is read) to the pool and resumes on its strand
//    with the answer. Requests on one connection are handled one after the other, requests on
//    different connections concurrently (up to `workers` at a time). A GET or HEAD of
//    health_path and a GET of metrics_path are answered on the I/O thread without the pool (the
//    handler must answer them at once), so a monitor is answered while every worker is busy.
//  * Admission control: when `max_queued` requests already wait for a worker, a request is
//    answered 503 `server_busy` with Retry-After (counted as refused, reason queue_full); a
//    client backs off and retries.
//  * Limits (docs/server.md, "Limits", lists them with what a client gets):
//    - a body over the route's limit (HttpAdmission::body_limit, capped by body_limit) is
//      answered 413 — at once when Content-Length announces it; headers (and a chunked body's
//      trailers) over header_limit 431; malformed HTTP 400 — each followed by closing.
//    - the body bytes of all requests being read or handled are capped by
//      max_body_bytes_in_flight (a Content-Length body reserves its length, a chunked one its
//      route's limit); a request that does not fit is answered 503 with Retry-After.
//    - a new connection must deliver its first request header within header_timeout of being
//      accepted (TLS handshake included); later requests get header_timeout from their first
//      byte. A body must arrive within read_timeout of its header. A keep-alive connection idle
//      for idle_timeout is closed. Timed-out connections are closed without an answer.
//    - a route admitted with HttpAdmission::body_to_file gets its body streamed to a temporary
//      file (HttpRequest::body_path), limited by the route's body_limit alone, outside the
//      in-flight budget, each read within read_timeout (http_types.h).
//    - at most max_connections connections are admitted, and at most
//      max_connections_per_address from one client address. Beyond that a small overflow pool
//      (64 connections, 8 per address) still reads one request header: a GET or HEAD of
//      health_path is answered by the handler, anything else 503 with Retry-After, then the
//      connection closes; when the overflow pool is full too, a new connection is closed at
//      once. Refusals are counted in Metrics by reason.
//    Every 503, the handler's too (a store that lost its database, sync_service.h), carries
//    Retry-After (1 s unless the handler set one): devices retry only a 503 that says when.
//    A handler (Admit or Handle) that throws yields 500 (and a log line); an exception thrown
//    anywhere while a connection is served is logged and ends that connection only.
//  * Shutdown() is graceful: it stops accepting, closes idle connections and lets requests that
//    are being read or handled finish; their responses carry "Connection: close".
//  * "Expect: 100-continue" is answered with "100 Continue" before the body is read; HEAD gets
//    the headers the handler's response would have, without its body.
//  * Errors, start and stop are logged to stderr, one key=value line per event; successful
//    requests are not logged (they are counted in Metrics).
//
// Thread safety: Shutdown(), Wait() and port() may be called from any thread, concurrently,
// including Shutdown() from inside a handler; Wait() and the destructor must not be called from
// a handler (they would wait for themselves). The RequestHandler and Metrics must outlive the
// server (until Wait() or the destructor returns).
#ifndef FIELDBOOK_SERVER_HTTP_SERVER_H_
#define FIELDBOOK_SERVER_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fieldbook/status.h"
#include "http/http_types.h"
#include "http/metrics.h"

namespace fieldbook::server {

struct HttpServerOptions {
  std::string address = "127.0.0.1";  // an IP address or a host name that resolves to one
  uint16_t port = 0;                  // 0 = an ephemeral port; see HttpServer::port()
  int threads = 2;                    // I/O threads reading and writing connections, at least 1
  size_t workers = 0;             // handler threads; 0: DefaultWorkerThreads(cores) (worker_pool.h)
  size_t max_queued = 1024;       // requests waiting for a handler thread; more are answered 503
  size_t body_limit = 32u << 20;  // request body bytes; more is answered 413
  size_t header_limit = 16u << 10;  // request line and header bytes, trailers too; more is 431
                                    // (at most 60 KiB)
  std::chrono::milliseconds read_timeout{30000};    // a body (and writing a response) must
                                                    // finish within this
  std::chrono::milliseconds idle_timeout{60000};    // a keep-alive connection idle this long closes
  std::chrono::milliseconds header_timeout{10000};  // see above: the header must come by then
  size_t max_connections = 1024;            // admitted connections; more go to the overflow pool
  size_t max_connections_per_address = 64;  // admitted connections from one client address
  size_t max_body_bytes_in_flight = 256u << 20;  // request body bytes held at once, >= body_limit
  // Bytes of body_to_file uploads on disk at once, all connections together (a Content-Length
  // reserves its length, a chunked upload its route's limit): more is 503, one larger than this
  // alone 413.
  size_t max_upload_bytes_on_disk = size_t{1} << 30;
  std::string health_path = "/healthz";   // answered even over the connection limits
  std::string metrics_path = "/metrics";  // answered on the I/O thread, like health_path
  std::string tls_cert_file;              // PEM certificate chain; with tls_key_file: HTTPS only
  std::string tls_key_file;               // PEM private key
};

class HttpServer {
 public:
  // Binds, listens and starts the worker threads. Errors: kInvalidArgument for bad options or a
  // TLS certificate/key that cannot be loaded, kUnavailable when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   RequestHandler& handler, Metrics& metrics);

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();  // Shutdown() + Wait()

  // The bound port (the ephemeral one when options.port was 0).
  uint16_t port() const;

  // Stops accepting (new connections are refused) and closes idle keep-alive connections;
  // requests being read or handled finish and are answered with "Connection: close". Returns
  // immediately; idempotent.
  void Shutdown();

  // Blocks until every connection has closed and the worker threads have exited. Only returns
  // after Shutdown() has been called (by any thread).
  void Wait();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_HTTP_SERVER_H_
