#include "http/http_session.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
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

namespace fieldbook::server::http_internal {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

// How long a connection that is being closed after its last response may take to say goodbye
// (TLS close_notify, or reading what the client still sends so that closing does not reset the
// connection before the client has read the response).
constexpr std::chrono::milliseconds kLingerTimeout{1000};
// Bytes asked for by one read while waiting for a request to start (at most).
constexpr size_t kReadChunk = 8192;
// The read buffer holds at least this much, whatever the header limit.
constexpr size_t kMinBuffer = 1024;

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

ConnectionLimitOptions LimitOptions(const HttpServerOptions& o) {
  ConnectionLimitOptions limits;
  limits.max_connections = o.max_connections;
  limits.max_per_address = o.max_connections_per_address;
  limits.max_overflow = kMaxOverflowConnections;
  limits.max_overflow_per_address = kMaxOverflowPerAddress;
  limits.max_body_bytes_in_flight = o.max_body_bytes_in_flight;
  limits.max_upload_bytes_on_disk = o.max_upload_bytes_on_disk;
  return limits;
}

}  // namespace

ServerState::ServerState(const HttpServerOptions& o, RequestHandler& h, Metrics& m)
    : options(o),
      handler(h),
      metrics(m),
      limits(LimitOptions(o)),
      workers(o.workers > 0 ? o.workers : DefaultWorkerThreads(std::thread::hardware_concurrency()),
              o.max_queued) {}

void ServerState::Unregister(std::list<std::weak_ptr<SessionBase>>::iterator it) {
  std::lock_guard lock(mu);
  sessions.erase(it);
}

// One connection. Lives as long as one of its asynchronous operations (which hold a shared_ptr
// to it) is pending; all its handlers run on its own strand.
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  SessionBase(ServerState& state, std::string remote, ConnectionLimits::Slot slot)
      : state_(state),
        remote_(std::move(remote)),
        overflow_(slot.kind() == ConnectionLimits::Kind::kOverflow),
        overflow_reason_(slot.reason()),
        slot_(std::move(slot)) {
    state_.metrics.SessionOpened();
  }
  virtual ~SessionBase() {
    if (registered_) state_.Unregister(registration_);
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
  // Over a connection limit: read one request header, answer the health path or 503, close.
  const bool overflow_;
  const std::string overflow_reason_;

 private:
  friend struct ServerState;
  ConnectionLimits::Slot slot_;
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
namespace {

template <class Stream>
class Session final : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... StreamArgs>
  Session(ServerState& state, std::string remote, ConnectionLimits::Slot slot,
          StreamArgs&&... stream_args)
      : SessionBase(state, std::move(remote), std::move(slot)),
        stream_(std::forward<StreamArgs>(stream_args)...),
        // Room for a whole header: a header, or a chunked body's trailers, that does not fit is
        // refused (431) before Beast would store a field it cannot hold.
        buffer_(std::max(state.options.header_limit, kMinBuffer)),
        first_header_deadline_(std::chrono::steady_clock::now() + state.options.header_timeout) {}

  ~Session() override { RemoveBodyFile(); }

  void Run() override { net::dispatch(stream_.get_executor(), Bind(&Session::OnRun)); }

  void NotifyShutdown() override {
    net::post(stream_.get_executor(), Bind(&Session::OnServerShutdown));
  }

 private:
  enum class Phase { kHandshake, kIdle, kReading, kResponding, kClosing };

  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  // A completion handler calling `fn` on this session; an exception it throws is logged and
  // ends the request (answered 500 when nothing has been sent yet) instead of leaving the
  // worker thread.
  template <class... Args>
  auto Bind(void (Session::*fn)(Args...)) {
    return [self = Self(), fn](auto&&... args) {
      try {
        ((*self).*fn)(std::forward<decltype(args)>(args)...);
      } catch (const std::exception& e) {
        self->OnException(e.what());
      } catch (...) {
        self->OnException("unknown exception");
      }
    };
  }

  void OnException(const std::string& what) {
    HttpLog("error", "session_exception", {{"remote", remote_}, {"what", what}});
    body_reservation_.Release();
    if (phase_ == Phase::kReading && !exception_seen_) {
      exception_seen_ = true;
      try {
        return SendResponse(JsonError(500, "internal", Phrase{"http_internal", {}}), false, 11,
                            false);
      } catch (...) {
      }
    }
    CloseNow();
  }

  // Until the first request's header is complete, the connection has header_timeout from
  // accept (TLS handshake included); later requests have header_timeout from their first byte.
  void ArmHeaderTimer() {
    if (requests_ == 0) {
      Tcp().expires_at(first_header_deadline_);
    } else {
      Tcp().expires_after(state_.options.header_timeout);
    }
  }

  void OnRun() {
    if constexpr (kTls) {
      phase_ = Phase::kHandshake;
      ArmHeaderTimer();
      stream_.async_handshake(ssl::stream_base::server, Bind(&Session::OnHandshake));
    } else {
      DoRead();
    }
  }

  void OnHandshake(beast::error_code ec) {
    if (ec) {
      if (ec == beast::error::timeout) NoteTimeout("header");
      if (ec != net::error::operation_aborted) {
        HttpLog("warn", "tls_handshake_failed", {{"remote", remote_}, {"error", ec.message()}});
      }
      return CloseNow();
    }
    DoRead();
  }

  void NoteTimeout(const char* phase) {
    state_.metrics.RequestTimedOut(phase);
    HttpLog("warn", "read_timeout", {{"remote", remote_}, {"phase", phase}});
  }

  // Waits for the next request. Until its first byte arrives the connection is idle: it closes
  // after idle_timeout (header_timeout before its first request), or at once when the server
  // shuts down.
  void DoRead() {
    parser_.emplace();
    RemoveBodyFile();
    body_to_file_ = false;
    route_.clear();
    body_limit_ = state_.options.body_limit;  // set per route once admitted
    // The header alone is read first; OnHeader applies the route's limit (a body_to_file route's
    // may exceed body_limit) before any body byte is read.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    parser_->header_limit(static_cast<uint32_t>(state_.options.header_limit));
    if (buffer_.size() > 0) return ReadRequest();  // a pipelined request is already here
    if (state_.shutting_down.load()) return CloseNow();
    phase_ = Phase::kIdle;
    if (requests_ == 0) {
      ArmHeaderTimer();
    } else {
      Tcp().expires_after(state_.options.idle_timeout);
    }
    stream_.async_read_some(buffer_.prepare(std::min(kReadChunk, buffer_.max_size())),
                            Bind(&Session::OnFirstBytes));
  }

  void OnFirstBytes(beast::error_code ec, size_t bytes) {
    if (ec) {
      // Silent before a connection's first request only for the client that left; a client that
      // connected and said nothing is a header timeout.
      if (ec == beast::error::timeout && requests_ == 0) NoteTimeout("header");
      return CloseNow();  // idle timeout, the client left, or shutdown: nothing to say
    }
    buffer_.commit(bytes);
    ReadRequest();
  }

  // The header is read first, so that the handler can refuse the request (authentication, route,
  // size) before any of its body is read, and a client waiting for "100 Continue" gets it.
  void ReadRequest() {
    phase_ = Phase::kReading;
    ArmHeaderTimer();
    http::async_read_header(stream_, buffer_, *parser_, Bind(&Session::OnHeader));
  }

  bool IsHealthCheck(const HttpRequest& head) const {
    const std::string_view path = std::string_view(head.target).substr(0, head.target.find('?'));
    return !state_.options.health_path.empty() && path == state_.options.health_path &&
           (head.method == "GET" || head.method == "HEAD") && !head.has_body;
  }

  void OnHeader(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    ++requests_;
    header_done_ = std::chrono::steady_clock::now();
    const auto& header = parser_->get();
    version_ = header.version();
    keep_alive_ = header.keep_alive();
    head_method_ = header.method() == http::verb::head;
    request_ = {};
    request_.method = std::string(header.method_string());
    request_.target = std::string(header.target());
    request_.authorization = std::string(header[http::field::authorization]);
    request_.content_type = std::string(header[http::field::content_type]);
    request_.cookie = std::string(header[http::field::cookie]);
    request_.csrf_token = std::string(header["X-CSRF-Token"]);
    request_.if_none_match = std::string(header[http::field::if_none_match]);
    request_.tls = kTls;
    request_.remote = remote_;
    if (const auto length = parser_->content_length()) request_.content_length = *length;
    request_.has_body = !parser_->is_done();

    if (overflow_) {
      // Over a connection limit: only the health check is answered; the rest hear "busy".
      if (!IsHealthCheck(request_)) return Refuse(RejectedResponse());
      HttpAdmission admission = CallAdmit();
      route_ = admission.route;
      return Finish(admission.response ? std::move(*admission.response) : CallHandler());
    }

    // Monitors are answered here, on the I/O thread; everything else is admitted on a worker.
    inline_ = IsHealthCheck(request_) || IsMetrics(request_);
    if (inline_) return OnAdmitted(CallAdmit());
    if (!OnWorker(&Session::CallAdmit, &Session::OnAdmitted)) return Refuse(QueueFull());
  }

  // Runs `work` on a worker thread and then `then` with its result on this session's strand.
  // False when the worker queue is full (nothing runs). The I/O threads keep running meanwhile
  // (the work guard), and nothing else touches the session until `then` runs.
  template <class R>
  bool OnWorker(R (Session::*work)(), void (Session::*then)(R)) {
    auto guard =
        std::make_shared<net::executor_work_guard<net::any_io_executor>>(stream_.get_executor());
    return state_.workers.TryPost([self = Self(), work, then, guard] {
      R result = ((*self).*work)();  // CallAdmit and CallHandler catch everything
      net::post(self->stream_.get_executor(),
                [next = self->Bind(then), result = std::move(result)]() mutable {
                  next(std::move(result));
                });
    });
  }

  HttpResponse QueueFull() {
    state_.metrics.ConnectionRefused("queue_full");
    HttpLog("warn", "queue_full",
            {{"remote", remote_}, {"pending", std::to_string(state_.workers.pending())}});
    HttpResponse busy = JsonError(503, "server_busy", Phrase{"http_busy_queue", {}});
    busy.headers.emplace_back("Retry-After", "1");
    return busy;
  }

  bool IsMetrics(const HttpRequest& head) const {
    const std::string_view path = std::string_view(head.target).substr(0, head.target.find('?'));
    return !state_.options.metrics_path.empty() && path == state_.options.metrics_path &&
           head.method == "GET" && !head.has_body;
  }

  void OnAdmitted(HttpAdmission admission) {
    const auto& header = parser_->get();
    route_ = admission.route;
    if (admission.response) {
      // Refused on its header: the body, if any, is never read, so the connection cannot go on.
      keep_alive_ = keep_alive_ && !request_.has_body;
      return Finish(std::move(*admission.response));
    }
    // A body streamed to a file is limited by its route alone: it does not use memory.
    body_to_file_ = admission.body_to_file && request_.has_body;
    const size_t upload_cap = state_.options.max_upload_bytes_on_disk;
    const size_t limit = body_to_file_ ? std::min(admission.body_limit, upload_cap)
                                       : std::min(admission.body_limit, state_.options.body_limit);
    if (request_.content_length && *request_.content_length > limit) {
      return Refuse(BodyTooLarge(limit));
    }
    body_limit_ = limit;
    parser_->body_limit(limit);
    if (request_.has_body) {
      // Bodies held in memory have a budget, and so have the files of uploads streamed to disk
      // (all of them together, issue #17): a body that does not fit beside the others is refused
      // before any byte of it is read, for the client to retry.
      const size_t reserve = request_.content_length ? *request_.content_length : limit;
      auto& reservation = body_to_file_ ? upload_reservation_ : body_reservation_;
      reservation =
          body_to_file_ ? state_.limits.ReserveUpload(reserve) : state_.limits.ReserveBody(reserve);
      if (!reservation.ok()) {
        state_.metrics.ConnectionRefused(body_to_file_ ? "upload_disk" : "body_budget");
        HttpLog(
            "warn", body_to_file_ ? "upload_disk_exhausted" : "body_budget_exhausted",
            {{"remote", remote_},
             {"bytes", std::to_string(reserve)},
             {"budget", std::to_string(body_to_file_ ? upload_cap
                                                     : state_.options.max_body_bytes_in_flight)}});
        HttpResponse busy =
            JsonError(503, "server_busy",
                      Phrase{body_to_file_ ? "http_busy_uploads" : "http_busy_bodies", {}});
        busy.headers.emplace_back("Retry-After", body_to_file_ ? "5" : "1");
        return Refuse(std::move(busy));
      }
      if (!body_to_file_) {
        reserved_ = reserve;
        state_.metrics.BodyBytesInFlight(static_cast<int64_t>(reserved_));
      }
    }
    request_.admitted = std::move(admission.context);
    if (version_ >= 11 && beast::iequals(header[http::field::expect], "100-continue") &&
        !parser_->is_done()) {
      continue_response_ = {http::status::continue_, version_};
      return http::async_write(stream_, continue_response_, Bind(&Session::OnContinueSent));
    }
    ReadBody();
  }

  void OnContinueSent(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return CloseNow();
    ReadBody();
  }

  // The body must arrive within read_timeout of the header's end.
  void ReadBody() {
    if (body_to_file_) return StartFileBody();
    Tcp().expires_after(state_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_, Bind(&Session::OnRead));
  }

  void OnRead(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    request_.body = std::move(parser_->get().body());
    if (inline_) return OnHandled(CallHandler());
    if (!OnWorker(&Session::CallHandler, &Session::OnHandled)) {
      request_ = {};
      ReleaseBody();
      Finish(QueueFull());
    }
  }

  void OnHandled(HttpResponse response) {
    request_ = {};  // the body is no longer held
    ReleaseBody();
    RemoveBodyFile();
    Finish(std::move(response));
  }

  // A body_to_file route (http_types.h): the header's parser becomes a file_body parser writing
  // to a new 0600 temporary file; each read must come within read_timeout, the whole body by a
  // deadline that allows kMinFileBodyRate.
  void StartFileBody() {
    std::string path = (std::filesystem::temp_directory_path() / "fieldbook-body-XXXXXX").string();
    const int fd = ::mkstemp(path.data());
    if (fd < 0) {
      HttpLog("error", "body_file_failed", {{"remote", remote_}, {"path", path}});
      keep_alive_ = false;
      return Finish(JsonError(500, "internal", Phrase{"http_body_not_stored", {}}));
    }
    body_file_ = path;
    file_parser_.emplace(std::move(*parser_));
    file_parser_->body_limit(body_limit_);
    beast::file file;
    file.native_handle(fd);
    beast::error_code ec;
    file_parser_->get().body().reset(std::move(file), ec);
    if (ec) {
      RemoveBodyFile();
      keep_alive_ = false;
      return Finish(JsonError(500, "internal", Phrase{"http_body_not_stored", {}}));
    }
    const uint64_t expected =
        std::min<uint64_t>(request_.content_length.value_or(body_limit_), uint64_t{1} << 40);
    body_deadline_ = std::chrono::steady_clock::now() + state_.options.read_timeout +
                     std::chrono::seconds(expected / kMinFileBodyRate);
    ReadFileBody();
  }

  void ReadFileBody() {
    const auto now = std::chrono::steady_clock::now();
    if (now >= body_deadline_) {
      NoteTimeout("body");
      return CloseNow();
    }
    Tcp().expires_at(std::min(now + state_.options.read_timeout, body_deadline_));
    http::async_read_some(stream_, buffer_, *file_parser_, Bind(&Session::OnFileBodyRead));
  }

  void OnFileBodyRead(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    if (!file_parser_->is_done()) return ReadFileBody();
    file_parser_->get().body().close();
    request_.body_path = body_file_;
    // Handled on a worker like every other request (an import can take minutes); OnHandled
    // removes the file.
    if (!OnWorker(&Session::CallHandler, &Session::OnHandled)) {
      request_ = {};
      RemoveBodyFile();
      Finish(QueueFull());
    }
  }

  void RemoveBodyFile() {
    file_parser_.reset();  // closes the file
    if (!body_file_.empty()) {
      ::unlink(body_file_.c_str());
      body_file_.clear();
    }
    upload_reservation_.Release();
  }

  void ReleaseBody() {
    if (reserved_ > 0) state_.metrics.BodyBytesInFlight(-static_cast<int64_t>(reserved_));
    reserved_ = 0;
    body_reservation_.Release();
  }

  // Answers a request that is refused before its body was read; the connection closes after.
  void Refuse(HttpResponse response) {
    keep_alive_ = false;
    Finish(std::move(response));
  }

  void Finish(HttpResponse response) {
    // Every 503 tells the client when to ask again (a store that lost its database connection,
    // a full queue): devices retry only a 503 that says so (client/sync/http_client.h).
    if (response.status == 503 &&
        std::none_of(response.headers.begin(), response.headers.end(),
                     [](const auto& h) { return beast::iequals(h.first, "Retry-After"); })) {
      response.headers.emplace_back("Retry-After", "1");
    }
    state_.metrics.RequestCompleted(route_.empty() ? "other" : route_,
                                    std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::steady_clock::now() - header_done_));
    SendResponse(std::move(response), keep_alive_, version_, head_method_);
  }

  HttpResponse BodyTooLarge(size_t limit) {
    HttpLog("warn", "body_too_large", {{"remote", remote_}, {"limit", std::to_string(limit)}});
    if (route_.empty()) {
      return JsonError(413, "body_too_large",
                       Phrase{"http_body_too_large", {{"limit", std::to_string(limit)}}});
    }
    return JsonError(
        413, "body_too_large",
        Phrase{"http_body_too_large_route", {{"limit", std::to_string(limit)}, {"route", route_}}});
  }

  void OnReadError(beast::error_code ec) {
    ReleaseBody();
    const bool header_done = file_parser_.has_value() || parser_->is_header_done();
    RemoveBodyFile();
    if (ec == beast::error::timeout) {
      // tcp_stream has already closed the socket: there is no way to answer.
      NoteTimeout(header_done ? "body" : "header");
      return CloseNow();
    }
    if (!IsHttpParseError(ec) || ec == http::error::end_of_stream ||
        ec == http::error::partial_message) {
      return CloseNow();  // the client went away or the connection broke
    }
    if (!header_done) header_done_ = std::chrono::steady_clock::now();  // for the latency metric
    version_ = header_done ? version_ : 11;                             // OnHeader read it
    head_method_ = false;
    keep_alive_ = false;
    if (overflow_ && !header_done) return Finish(RejectedResponse());
    if (ec == http::error::body_limit) {
      return Finish(BodyTooLarge(body_limit_));
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      HttpLog("warn", "headers_too_large",
              {{"remote", remote_},
               {"limit", std::to_string(state_.options.header_limit)},
               {"trailer", header_done ? "true" : "false"}});
      return Finish(
          JsonError(431, "headers_too_large",
                    Phrase{header_done ? "http_trailers_too_large" : "http_headers_too_large",
                           {{"limit", std::to_string(state_.options.header_limit)}}}));
    }
    HttpLog("warn", "bad_request", {{"remote", remote_}, {"error", ec.message()}});
    Finish(
        JsonError(400, "bad_request", Phrase{"http_malformed_request", {{"error", ec.message()}}}));
  }

  HttpResponse RejectedResponse() {
    HttpResponse response =
        JsonError(503, "server_busy",
                  Phrase{overflow_reason_ == "per_address" ? "http_busy_connections_address"
                                                           : "http_busy_connections",
                         {}});
    response.headers.emplace_back("Retry-After", "1");
    return response;
  }

  HttpAdmission CallAdmit() {
    if (auto admission = CallGuarded([&] { return state_.handler.Admit(request_); })) {
      return std::move(*admission);
    }
    HttpAdmission refused;
    refused.response = JsonError(500, "internal", Phrase{"http_internal", {}});
    return refused;
  }

  HttpResponse CallHandler() {
    auto response = CallGuarded([&] { return state_.handler.Handle(request_); });
    return response ? std::move(*response)
                    : JsonError(500, "internal", Phrase{"http_internal", {}});
  }

  // call()'s answer; nullopt when it throws (logged: a handler's exception never ends the session).
  template <typename Call>
  auto CallGuarded(Call call) -> std::optional<decltype(call())> {
    std::string what;
    try {
      return call();
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "unknown exception";
    }
    HttpLog("error", "handler_exception",
            {{"remote", remote_},
             {"method", request_.method},
             {"target", request_.target},
             {"what", what}});
    return std::nullopt;
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
      HttpLog("error", "invalid_response", {{"remote", remote_}, {"what", e.what()}});
      return false;
    }
  }

  void SendResponse(HttpResponse response, bool keep_alive, unsigned version, bool head) {
    keep_alive = keep_alive && !overflow_ && !state_.shutting_down.load();
    int status = response.status;
    if (!BuildResponse(response, keep_alive, version, head)) {
      HttpResponse error = JsonError(500, "internal", Phrase{"http_internal", {}});
      status = error.status;
      BuildResponse(error, keep_alive, version, head);
    }
    state_.metrics.RequestServed(status);
    phase_ = Phase::kResponding;
    Tcp().expires_after(state_.options.read_timeout);
    keep_alive_ = keep_alive;
    http::async_write(stream_, response_, Bind(&Session::OnWrite));
  }

  void OnWrite(beast::error_code ec, size_t /*bytes*/) {
    response_ = {};  // release the body
    if (ec) {
      if (ec == beast::error::timeout) {
        HttpLog("warn", "write_timeout", {{"remote", remote_}});
      }
      return CloseNow();
    }
    if (!keep_alive_) return GracefulClose();
    DoRead();
  }

  // After the last response: TLS close_notify, or half-close and read what the client still
  // sends until it closes (at most kLingerTimeout), so that it gets to read the response.
  void GracefulClose() {
    phase_ = Phase::kClosing;
    Tcp().expires_after(kLingerTimeout);
    if constexpr (kTls) {
      stream_.async_shutdown(Bind(&Session::OnTlsShutdown));
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
    stream_.async_read_some(buffer_.prepare(std::min(kReadChunk, buffer_.max_size())),
                            Bind(&Session::OnDrain));
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
  const std::chrono::steady_clock::time_point first_header_deadline_;
  std::optional<http::request_parser<http::string_body>> parser_;
  // A body_to_file request's body: its parser (after the header) and its file.
  bool body_to_file_ = false;
  std::optional<http::request_parser<http::file_body>> file_parser_;
  std::string body_file_;
  std::chrono::steady_clock::time_point body_deadline_;
  http::response<http::string_body> response_;
  http::response<http::empty_body> continue_response_;
  Phase phase_ = Phase::kHandshake;
  uint64_t requests_ = 0;  // request headers read on this connection
  // The request being read or handled.
  HttpRequest request_;
  std::chrono::steady_clock::time_point header_done_;
  std::string route_;
  size_t body_limit_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_method_ = false;
  bool exception_seen_ = false;
  bool inline_ = false;  // answered on the I/O thread (health and metrics)
  ConnectionLimits::BodyReservation body_reservation_;
  ConnectionLimits::BodyReservation upload_reservation_;  // a body_to_file upload's disk
  size_t reserved_ = 0;
};

using PlainSession = Session<beast::tcp_stream>;
using TlsSession = Session<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace

void LaunchSession(ServerState& state, tcp::socket socket, ssl::context* tls) {
  beast::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  const std::string address = ec ? std::string("unknown") : peer.address().to_string();
  std::string remote = ec ? address : address + ":" + std::to_string(peer.port());
  ConnectionLimits::Slot slot = state.limits.Admit(address);
  if (slot.kind() != ConnectionLimits::Kind::kAdmitted) {
    const bool dropped = slot.kind() == ConnectionLimits::Kind::kDropped;
    const std::string reason = dropped ? "overflow_full" : slot.reason();
    state.metrics.ConnectionRefused(reason);
    HttpLog("warn", "connection_refused",
            {{"remote", remote},
             {"reason", reason},
             {"max_connections", std::to_string(state.options.max_connections)},
             {"max_connections_per_address",
              std::to_string(state.options.max_connections_per_address)}});
    if (dropped) return;  // `socket` closes here: no room even to say "busy"
  }
  std::shared_ptr<SessionBase> session;
  if (tls != nullptr) {
    session = std::make_shared<TlsSession>(state, std::move(remote), std::move(slot),
                                           std::move(socket), *tls);
  } else {
    session = std::make_shared<PlainSession>(state, std::move(remote), std::move(slot),
                                             std::move(socket));
  }
  state.Register(session);
  session->Run();
}

}  // namespace fieldbook::server::http_internal
