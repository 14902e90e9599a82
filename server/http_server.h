// HttpServer: the HTTP/1.1 (optionally HTTPS) front of fieldbook-server, on Boost.Beast and Asio.
// It accepts connections on one address, reads requests with size and time limits, hands each
// complete request to a RequestHandler and writes back what the handler returns. Connections are
// kept alive between requests.
//
//  * Every request is passed to handler.Handle() on the worker thread that read it; requests on
//    one connection are handled one after the other, requests on different connections
//    concurrently (up to `threads` at a time).
//  * Limits: a body over body_limit is answered 413, headers over header_limit 431, malformed
//    HTTP 400 — each followed by closing the connection. A request that does not arrive whole
//    within read_timeout, or a keep-alive connection idle for idle_timeout, is closed. Beyond
//    max_connections open connections, new ones are answered 503 and closed. A handler that
//    throws yields 500 (and a log line); the server keeps serving.
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
#include "http_types.h"
#include "metrics.h"

namespace fieldbook::server {

struct HttpServerOptions {
  std::string address = "127.0.0.1";  // an IP address or a host name that resolves to one
  uint16_t port = 0;                  // 0 = an ephemeral port; see HttpServer::port()
  int threads = 2;                    // worker threads running the handlers, at least 1
  size_t body_limit = 32u << 20;      // request body bytes; more is answered 413
  size_t header_limit = 16u << 10;    // request line and header bytes; more is answered 431
  std::chrono::milliseconds read_timeout{30000};  // the whole request (and a TLS handshake, and
                                                  // writing a response) must finish within this
  std::chrono::milliseconds idle_timeout{60000};  // a keep-alive connection idle this long closes
  size_t max_connections = 1024;                  // more are accepted, answered 503 and closed
  std::string tls_cert_file;  // PEM certificate chain; with tls_key_file: HTTPS only
  std::string tls_key_file;   // PEM private key
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
