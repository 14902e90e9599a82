#include "http/http_server.h"

#include "http/http_session.h"

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
#include "fieldbook/json.h"
#include "fieldbook/lang_text.h"
#include "fieldbook/phrase_json.h"

namespace fieldbook::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

HttpResponse JsonError(int status, const std::string& code, const std::string& message,
                       const Phrase* phrase) {
  // A server-side failure without a refusal of its own (a 500, or a 503 in a store's words: a
  // lost connection, libpq's text): its words are the server's internals (a file, SQL, a
  // connection), so they go to the log and the caller reads a code (and, for a 503, the
  // Retry-After the session adds).
  if (status >= 500 && (phrase == nullptr || phrase->code.empty())) {
    static const Phrase kInternal{"http_internal", {}};
    static const Phrase kUnavailable{"http_unavailable", {}};
    const bool unavailable = status == 503;
    LogComponentEvent("http", unavailable ? "warn" : "error",
                      unavailable ? "unavailable" : "internal_error",
                      {{"status", std::to_string(status)}, {"code", code}, {"error", message}});
    const Phrase& refusal = unavailable ? kUnavailable : kInternal;
    return JsonError(status, code, SayRefusal(Lang::kEnglish, refusal), &refusal);
  }
  boost::json::object error;
  error["code"] = code;
  error["message"] = message;
  boost::json::object root;
  root["error"] = std::move(error);
  if (phrase != nullptr && !phrase->code.empty()) {
    root["error_code"] = phrase->code;
    root["error_values"] = PhraseValuesJson(phrase->values);
  }
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = WriteJson(root);
  return response;
}

HttpResponse JsonError(int status, const std::string& code, const Phrase& refusal) {
  return JsonError(status, code, SayRefusal(Lang::kEnglish, refusal), &refusal);
}

namespace {

// Pause before accepting again after accept failed (e.g. out of file descriptors).
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

using http_internal::HttpLog;
using http_internal::kMaxHeaderLimit;
using http_internal::LaunchSession;
using http_internal::ServerState;

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
      HttpLog("error", "accept_failed", {{"error", ec.message()}});
      retry_timer_.expires_after(kAcceptRetryDelay);
      retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec && !self->stopped_) self->DoAccept();
      });
      return;
    }
    Launch(std::move(socket));
    DoAccept();
  }

  void Launch(tcp::socket socket) { LaunchSession(state_, std::move(socket), tls_); }

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
      HttpLog("error", "worker_exception", {{"what", e.what()}});
    } catch (...) {
      HttpLog("error", "worker_exception", {{"what", "unknown exception"}});
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
  uint64_t jobs_gauge = 0;  // its id in Metrics
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
  if (options.max_connections_per_address < 1) {
    return Status::InvalidArgument("max_connections_per_address must be at least 1");
  }
  if (options.header_limit < 1 || options.header_limit > kMaxHeaderLimit) {
    return Status::InvalidArgument("header_limit must be between 1 and " +
                                   std::to_string(kMaxHeaderLimit) + " bytes");
  }
  if (options.read_timeout.count() <= 0 || options.idle_timeout.count() <= 0 ||
      options.header_timeout.count() <= 0) {
    return Status::InvalidArgument(
        "read_timeout, idle_timeout and header_timeout must be positive");
  }
  if (options.max_body_bytes_in_flight < options.body_limit) {
    return Status::InvalidArgument(
        "max_body_bytes_in_flight must be at least body_limit (else no largest body fits)");
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

  WorkerPool& workers = impl->state.workers;
  impl->jobs_gauge = metrics.AddGauge(
      "fieldbook_handler_jobs",
      "Requests on the worker pool (admission or handler), running or waiting for a thread.",
      [&workers] { return static_cast<int64_t>(workers.pending()); });
  HttpLog("info", "server_start",
          {{"address", endpoint.address().to_string()},
           {"port", std::to_string(impl->port)},
           {"tls", use_tls ? "true" : "false"},
           {"threads", std::to_string(options.threads)},
           {"workers", std::to_string(impl->state.workers.threads())},
           {"max_queued", std::to_string(options.max_queued)}});
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::~HttpServer() {
  Shutdown();
  Wait();
  impl_->state.metrics.RemoveGauge(impl_->jobs_gauge);
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Shutdown() {
  if (impl_->state.shutting_down.exchange(true)) return;
  HttpLog("info", "server_stopping", {{"port", std::to_string(impl_->port)}});
  impl_->listener->Stop();
}

void HttpServer::Wait() {
  std::lock_guard lock(impl_->wait_mu);
  for (auto& thread : impl_->threads) {
    if (thread.joinable()) thread.join();
  }
  // Every handler job holds the I/O context busy until it has posted its answer: none is left.
  impl_->state.workers.Join();
  if (!impl_->stopped_logged) {
    impl_->stopped_logged = true;
    HttpLog("info", "server_stopped", {{"port", std::to_string(impl_->port)}});
  }
}

}  // namespace fieldbook::server