#include "http_server.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace fieldbook::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

HttpResponse JsonError(int status, const std::string& code, const std::string& message) {
  boost::json::object error;
  error["code"] = code;
  error["message"] = message;
  boost::json::object root;
  root["error"] = std::move(error);
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = boost::json::serialize(root);
  return response;
}

namespace {

// How long a connection that is being closed after its last response may take to say goodbye
// (TLS close_notify, or reading what the client still sends so that closing does not reset the
// connection before the client has read the response).
constexpr std::chrono::milliseconds kLingerTimeout{1000};
// Bytes asked for by one read while waiting for a request to start.
constexpr size_t kReadChunk = 8192;
// Pause before accepting again after accept failed (e.g. out of file descriptors).
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

// ---------------------------------------------------------------------------------------------
// Logging: one line per event on stderr, "ts=... level=... component=http event=... k=v ...".

using LogFields = std::initializer_list<std::pair<std::string_view, std::string>>;

void AppendLogValue(std::string& out, std::string_view v) {
  const bool plain = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
    return c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f;
  });
  if (plain) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

void Log(std::string_view level, std::string_view event, LogFields fields = {}) {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  const time_t secs = static_cast<time_t>(ms.count() / 1000);
  struct tm utc;
  gmtime_r(&secs, &utc);
  char ts[96];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms.count() % 1000));
  std::string line = "ts=";
  line += ts;
  line += " level=";
  line += level;
  line += " component=http event=";
  line += event;
  for (const auto& [key, value] : fields) {
    line += ' ';
    line += key;
    line += '=';
    AppendLogValue(line, value);
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write per line: lines do not interleave
}

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

// ---------------------------------------------------------------------------------------------
// State shared by the listener and every session.

class SessionBase;

struct ServerState {
  ServerState(const HttpServerOptions& o, RequestHandler& h, Metrics& m)
      : options(o), handler(h), metrics(m) {}

  const HttpServerOptions options;
  RequestHandler& handler;
  Metrics& metrics;
  std::atomic<bool> shutting_down{false};
  std::atomic<size_t> admitted_sessions{0};  // open sessions not refused for max_connections

  // Every live session, so Shutdown() can reach the idle ones.
  std::mutex mu;
  std::list<std::weak_ptr<SessionBase>> sessions;

  void Register(const std::shared_ptr<SessionBase>& session);
  void Unregister(std::list<std::weak_ptr<SessionBase>>::iterator it) {
    std::lock_guard lock(mu);
    sessions.erase(it);
  }
  void NotifySessionsOfShutdown();
};

// One connection. Lives as long as one of its asynchronous operations (which hold a shared_ptr
// to it) is pending; all its handlers run on its own strand.
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  SessionBase(ServerState& state, std::string remote, bool rejected)
      : state_(state), remote_(std::move(remote)), rejected_(rejected) {
    state_.metrics.SessionOpened();
    if (!rejected_) state_.admitted_sessions.fetch_add(1);
  }
  virtual ~SessionBase() {
    if (registered_) state_.Unregister(registration_);
    if (!rejected_) state_.admitted_sessions.fetch_sub(1);
    state_.metrics.SessionClosed();
  }
  SessionBase(const SessionBase&) = delete;
  SessionBase& operator=(const SessionBase&) = delete;

  virtual void Run() = 0;
  // Any thread: the server is shutting down; close the connection if it is idle.
  virtual void NotifyShutdown() = 0;

 protected:
  ServerState& state_;
  const std::string remote_;
  const bool rejected_;  // over max_connections: read a request header, answer 503, close

 private:
  friend struct ServerState;
  bool registered_ = false;
  std::list<std::weak_ptr<SessionBase>>::iterator registration_;
};

void ServerState::Register(const std::shared_ptr<SessionBase>& session) {
  std::lock_guard lock(mu);
  session->registration_ = sessions.insert(sessions.end(), session);
  session->registered_ = true;
}

void ServerState::NotifySessionsOfShutdown() {
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(mu);
    for (const auto& weak : sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (const auto& session : live) session->NotifyShutdown();
}

// Stream is beast::tcp_stream (HTTP) or beast::ssl_stream<beast::tcp_stream> (HTTPS).
template <class Stream>
class Session final : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... StreamArgs>
  Session(ServerState& state, std::string remote, bool rejected, StreamArgs&&... stream_args)
      : SessionBase(state, std::move(remote), rejected),
        stream_(std::forward<StreamArgs>(stream_args)...) {}

  void Run() override {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::OnRun, Self()));
  }

  void NotifyShutdown() override {
    net::post(stream_.get_executor(),
              beast::bind_front_handler(&Session::OnServerShutdown, Self()));
  }

 private:
  enum class Phase { kHandshake, kIdle, kReading, kResponding, kClosing };

  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void OnRun() {
    if constexpr (kTls) {
      phase_ = Phase::kHandshake;
      Tcp().expires_after(state_.options.read_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              beast::bind_front_handler(&Session::OnHandshake, Self()));
    } else {
      DoRead();
    }
  }

  void OnHandshake(beast::error_code ec) {
    if (ec) {
      if (ec != net::error::operation_aborted) {
        Log("warn", "tls_handshake_failed", {{"remote", remote_}, {"error", ec.message()}});
      }
      return CloseNow();
    }
    DoRead();
  }

  // Waits for the next request. Until its first byte arrives the connection is idle: it closes
  // after idle_timeout, or at once when the server shuts down.
  void DoRead() {
    parser_.emplace();
    parser_->body_limit(state_.options.body_limit);
    parser_->header_limit(static_cast<uint32_t>(
        std::min<size_t>(state_.options.header_limit, std::numeric_limits<uint32_t>::max())));
    if (buffer_.size() > 0) return ReadRequest();  // a pipelined request is already here
    if (state_.shutting_down.load()) return CloseNow();
    phase_ = Phase::kIdle;
    Tcp().expires_after(state_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::OnFirstBytes, Self()));
  }

  void OnFirstBytes(beast::error_code ec, size_t bytes) {
    if (ec) return CloseNow();  // idle timeout, the client left, or shutdown: nothing to say
    buffer_.commit(bytes);
    ReadRequest();
  }

  // The whole request must arrive within read_timeout of its first byte. The header is read
  // first so that a client waiting for "100 Continue" (curl, for large bodies) gets it.
  void ReadRequest() {
    phase_ = Phase::kReading;
    Tcp().expires_after(state_.options.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, Self()));
  }

  void OnHeader(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    const auto& header = parser_->get();
    // Refused anyway: answer now; the body (if any) is drained while closing.
    if (rejected_) return SendResponse(RejectedResponse(), false, header.version(), false);
    if (header.version() >= 11 && beast::iequals(header[http::field::expect], "100-continue") &&
        !parser_->is_done()) {
      continue_response_ = {http::status::continue_, header.version()};
      return http::async_write(stream_, continue_response_,
                               beast::bind_front_handler(&Session::OnContinueSent, Self()));
    }
    ReadBody();
  }

  void OnContinueSent(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return CloseNow();
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, Self()));
  }

  void OnRead(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    http::request<http::string_body> message = parser_->release();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.authorization = std::string(message[http::field::authorization]);
    request.content_type = std::string(message[http::field::content_type]);
    request.body = std::move(message.body());
    request.remote = remote_;
    const bool head = message.method() == http::verb::head;

    HttpResponse response = CallHandler(request);
    SendResponse(std::move(response), message.keep_alive(), message.version(), head);
  }

  void OnReadError(beast::error_code ec) {
    if (ec == beast::error::timeout) {
      // tcp_stream has already closed the socket: there is no way to answer.
      Log("warn", "read_timeout",
          {{"remote", remote_},
           {"timeout_ms", std::to_string(state_.options.read_timeout.count())}});
      return CloseNow();
    }
    if (!IsHttpParseError(ec) || ec == http::error::end_of_stream ||
        ec == http::error::partial_message) {
      return CloseNow();  // the client went away or the connection broke
    }
    const unsigned version = parser_->is_header_done() ? parser_->get().version() : 11;
    if (rejected_) return SendResponse(RejectedResponse(), false, version, false);
    if (ec == http::error::body_limit) {
      Log("warn", "body_too_large",
          {{"remote", remote_}, {"limit", std::to_string(state_.options.body_limit)}});
      return SendResponse(JsonError(413, "body_too_large",
                                    "the request body exceeds the limit of " +
                                        std::to_string(state_.options.body_limit) + " bytes"),
                          false, version, false);
    }
    if (ec == http::error::header_limit) {
      Log("warn", "headers_too_large",
          {{"remote", remote_}, {"limit", std::to_string(state_.options.header_limit)}});
      return SendResponse(JsonError(431, "headers_too_large",
                                    "the request headers exceed the limit of " +
                                        std::to_string(state_.options.header_limit) + " bytes"),
                          false, version, false);
    }
    Log("warn", "bad_request", {{"remote", remote_}, {"error", ec.message()}});
    SendResponse(JsonError(400, "bad_request", "malformed HTTP request: " + ec.message()), false,
                 version, false);
  }

  HttpResponse RejectedResponse() {
    HttpResponse response =
        JsonError(503, "server_busy", "the server has too many open connections; try again");
    response.headers.emplace_back("Retry-After", "1");
    return response;
  }

  HttpResponse CallHandler(const HttpRequest& request) {
    try {
      return state_.handler.Handle(request);
    } catch (const std::exception& e) {
      Log("error", "handler_exception",
          {{"remote", remote_},
           {"method", request.method},
           {"target", request.target},
           {"what", e.what()}});
    } catch (...) {
      Log("error", "handler_exception",
          {{"remote", remote_},
           {"method", request.method},
           {"target", request.target},
           {"what", "unknown exception"}});
    }
    return JsonError(500, "internal", "internal server error");
  }

  // Fills response_ from `response`; false when the handler's response cannot be sent as is.
  bool BuildResponse(HttpResponse& response, bool keep_alive, unsigned version, bool head) {
    try {
      if (response.status < 100 || response.status > 599) {
        throw std::invalid_argument("status " + std::to_string(response.status));
      }
      response_ = {};
      response_.version(version);
      response_.result(static_cast<unsigned>(response.status));
      response_.set(http::field::server, "fieldbook");
      if (!response.content_type.empty()) {
        response_.set(http::field::content_type, response.content_type);
      }
      for (const auto& [name, value] : response.headers) {
        // Framing is the server's business.
        if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Connection") ||
            beast::iequals(name, "Transfer-Encoding")) {
          continue;
        }
        response_.insert(name, value);
      }
      response_.body() = std::move(response.body);
      response_.keep_alive(keep_alive);
      response_.prepare_payload();
      if (head) response_.body().clear();  // Content-Length stays: the size a GET would get
      return true;
    } catch (const std::exception& e) {
      Log("error", "invalid_response", {{"remote", remote_}, {"what", e.what()}});
      return false;
    }
  }

  void SendResponse(HttpResponse response, bool keep_alive, unsigned version, bool head) {
    keep_alive = keep_alive && !rejected_ && !state_.shutting_down.load();
    int status = response.status;
    if (!BuildResponse(response, keep_alive, version, head)) {
      HttpResponse error = JsonError(500, "internal", "internal server error");
      status = error.status;
      BuildResponse(error, keep_alive, version, head);
    }
    state_.metrics.RequestServed(status);
    phase_ = Phase::kResponding;
    Tcp().expires_after(state_.options.read_timeout);
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::OnWrite, Self(), keep_alive));
  }

  void OnWrite(bool keep_alive, beast::error_code ec, size_t /*bytes*/) {
    response_ = {};  // release the body
    if (ec) {
      if (ec == beast::error::timeout) {
        Log("warn", "write_timeout", {{"remote", remote_}});
      }
      return CloseNow();
    }
    if (!keep_alive) return GracefulClose();
    DoRead();
  }

  // After the last response: TLS close_notify, or half-close and read what the client still
  // sends until it closes (at most kLingerTimeout), so that it gets to read the response.
  void GracefulClose() {
    phase_ = Phase::kClosing;
    Tcp().expires_after(kLingerTimeout);
    if constexpr (kTls) {
      stream_.async_shutdown(beast::bind_front_handler(&Session::OnTlsShutdown, Self()));
    } else {
      beast::error_code ec;
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return CloseNow();
      DoDrain();
    }
  }

  void OnTlsShutdown(beast::error_code /*ec*/) { CloseNow(); }

  void DoDrain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::OnDrain, Self()));
  }

  void OnDrain(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return CloseNow();
    DoDrain();
  }

  void CloseNow() {
    phase_ = Phase::kClosing;
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
  }

  void OnServerShutdown() {
    // Only a connection waiting for a request closes now; one that is reading or handling a
    // request finishes it and closes after the response.
    if (phase_ == Phase::kIdle) Tcp().cancel();
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  http::response<http::empty_body> continue_response_;
  Phase phase_ = Phase::kHandshake;
};

using PlainSession = Session<beast::tcp_stream>;
using TlsSession = Session<beast::ssl_stream<beast::tcp_stream>>;

// Accepts connections and starts a session for each, on the session's own strand.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, ServerState& state, ssl::context* tls)
      : ioc_(ioc),
        state_(state),
        tls_(tls),
        acceptor_(net::make_strand(ioc)),
        retry_timer_(acceptor_.get_executor()) {}

  Status Open(const tcp::endpoint& endpoint) {
    const std::string where =
        endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return Status::Unavailable("cannot listen on " + where + ": " + ec.message());
    return Status::Ok();
  }

  uint16_t port() const {
    beast::error_code ec;
    return acceptor_.local_endpoint(ec).port();
  }

  void Start() {
    net::dispatch(acceptor_.get_executor(),
                  beast::bind_front_handler(&Listener::DoAccept, shared_from_this()));
  }

  // Any thread: stop accepting and tell the sessions.
  void Stop() {
    net::post(acceptor_.get_executor(),
              beast::bind_front_handler(&Listener::OnStop, shared_from_this()));
  }

 private:
  void DoAccept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (stopped_) return;  // `socket`, if any, closes here
    if (ec) {
      Log("error", "accept_failed", {{"error", ec.message()}});
      retry_timer_.expires_after(kAcceptRetryDelay);
      retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec && !self->stopped_) self->DoAccept();
      });
      return;
    }
    Launch(std::move(socket));
    DoAccept();
  }

  void Launch(tcp::socket socket) {
    beast::error_code ec;
    const tcp::endpoint peer = socket.remote_endpoint(ec);
    std::string remote = ec ? std::string("unknown")
                            : peer.address().to_string() + ":" + std::to_string(peer.port());
    const bool rejected = state_.admitted_sessions.load() >= state_.options.max_connections;
    if (rejected) {
      Log("warn", "connection_refused",
          {{"remote", remote},
           {"reason", "max_connections"},
           {"max_connections", std::to_string(state_.options.max_connections)}});
    }
    std::shared_ptr<SessionBase> session;
    if (tls_ != nullptr) {
      session = std::make_shared<TlsSession>(state_, std::move(remote), rejected, std::move(socket),
                                             *tls_);
    } else {
      session =
          std::make_shared<PlainSession>(state_, std::move(remote), rejected, std::move(socket));
    }
    state_.Register(session);
    session->Run();
  }

  void OnStop() {
    stopped_ = true;
    beast::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    state_.NotifySessionsOfShutdown();
  }

  net::io_context& ioc_;
  ServerState& state_;
  ssl::context* tls_;  // null: plain HTTP
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  bool stopped_ = false;  // on the acceptor's strand
};

Result<ssl::context> LoadTlsContext(const std::string& cert_file, const std::string& key_file) {
  const auto missing = [](const std::string& file) {
    std::error_code ec;
    return !std::filesystem::is_regular_file(file, ec);
  };
  if (missing(cert_file)) {
    return Status::InvalidArgument("TLS certificate file " + cert_file + " does not exist");
  }
  if (missing(key_file)) {
    return Status::InvalidArgument("TLS private key file " + key_file + " does not exist");
  }
  ssl::context context(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::single_dh_use);
  beast::error_code ec;
  context.use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return Status::InvalidArgument("cannot load the TLS certificate chain from " + cert_file +
                                   " (PEM expected): " + ec.message());
  }
  context.use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return Status::InvalidArgument("cannot load the TLS private key from " + key_file +
                                   " (PEM expected, matching the certificate): " + ec.message());
  }
  return context;
}

Result<tcp::endpoint> ListenEndpoint(net::io_context& ioc, const std::string& address,
                                     uint16_t port) {
  beast::error_code ec;
  const net::ip::address ip = net::ip::make_address(address, ec);
  if (!ec) return tcp::endpoint(ip, port);
  if (address.empty()) return Status::InvalidArgument("the listen address is empty");
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(
      address, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("cannot resolve the listen address " + address + ": " +
                                   (ec ? ec.message() : std::string("no addresses")));
  }
  return results.begin()->endpoint();
}

void RunWorker(net::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      Log("error", "worker_exception", {{"what", e.what()}});
    } catch (...) {
      Log("error", "worker_exception", {{"what", "unknown exception"}});
    }
  }
}

}  // namespace

// Destroyed in reverse order: the threads are joined, then the listener and the io_context (and
// with it anything still queued) go, then the TLS context and the state sessions refer to.
struct HttpServer::Impl {
  Impl(const HttpServerOptions& options, RequestHandler& handler, Metrics& metrics)
      : state(options, handler, metrics), ioc(options.threads) {}

  ServerState state;
  std::optional<ssl::context> tls;
  net::io_context ioc;
  std::shared_ptr<Listener> listener;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  std::mutex wait_mu;
  bool stopped_logged = false;  // guarded by wait_mu
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      RequestHandler& handler, Metrics& metrics) {
  if (options.threads < 1) return Status::InvalidArgument("threads must be at least 1");
  if (options.max_connections < 1) {
    return Status::InvalidArgument("max_connections must be at least 1");
  }
  if (options.header_limit < 1) return Status::InvalidArgument("header_limit must be positive");
  if (options.read_timeout.count() <= 0 || options.idle_timeout.count() <= 0) {
    return Status::InvalidArgument("read_timeout and idle_timeout must be positive");
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Status::InvalidArgument("tls_cert_file and tls_key_file must be given together");
  }

  auto impl = std::make_unique<Impl>(options, handler, metrics);
  const bool use_tls = !options.tls_cert_file.empty();
  if (use_tls) {
    FB_ASSIGN_OR_RETURN(ssl::context context,
                        LoadTlsContext(options.tls_cert_file, options.tls_key_file));
    impl->tls.emplace(std::move(context));
  }
  FB_ASSIGN_OR_RETURN(const tcp::endpoint endpoint,
                      ListenEndpoint(impl->ioc, options.address, options.port));
  impl->listener =
      std::make_shared<Listener>(impl->ioc, impl->state, impl->tls ? &*impl->tls : nullptr);
  FB_RETURN_IF_ERROR(impl->listener->Open(endpoint));
  impl->port = impl->listener->port();
  impl->listener->Start();

  try {
    impl->threads.reserve(static_cast<size_t>(options.threads));
    for (int i = 0; i < options.threads; ++i) {
      impl->threads.emplace_back([ioc = &impl->ioc] { RunWorker(*ioc); });
    }
  } catch (const std::system_error& e) {
    impl->ioc.stop();
    for (auto& thread : impl->threads) thread.join();
    return Status::Internal(std::string("cannot start the HTTP worker threads: ") + e.what());
  }

  Log("info", "server_start",
      {{"address", endpoint.address().to_string()},
       {"port", std::to_string(impl->port)},
       {"tls", use_tls ? "true" : "false"},
       {"threads", std::to_string(options.threads)}});
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::~HttpServer() {
  Shutdown();
  Wait();
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Shutdown() {
  if (impl_->state.shutting_down.exchange(true)) return;
  Log("info", "server_stopping", {{"port", std::to_string(impl_->port)}});
  impl_->listener->Stop();
}

void HttpServer::Wait() {
  std::lock_guard lock(impl_->wait_mu);
  for (auto& thread : impl_->threads) {
    if (thread.joinable()) thread.join();
  }
  if (!impl_->stopped_logged) {
    impl_->stopped_logged = true;
    Log("info", "server_stopped", {{"port", std::to_string(impl_->port)}});
  }
}

}  // namespace fieldbook::server
